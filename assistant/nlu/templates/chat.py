"""Training phrasings for `chat`: conversation, capability and how-to questions, off-topic.

The class is large on purpose: questions that use CRM words ("how do I delete a contact?")
are the classifier's worst confusion, so they get many phrasings of their own.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, ...]] = {
    "gaction": (
        "add a note", "delete a contact", "book an appointment", "send an email", "merge two "
        "contacts", "tag a client", "create a task", "cancel an appointment", "change a phone "
        "number", "export my contacts", "import contacts from a spreadsheet", "reset my password",
        "change my timezone", "undo a deletion", "approve a request", "see the audit log",
        "find duplicates", "add a new client", "remove a tag", "draft a follow-up email",
        "set a reminder", "look at my schedule", "edit a note", "mark a task as done",
        "enrich a contact", "search for a patient", "print an invoice", "connect my calendar",
        "share a note with a colleague", "log in", "add another user", "delete a note",
    ),
    "gactions": (
        "send emails", "book appointments", "delete contacts", "merge duplicates", "add notes",
        "tag clients", "create tasks", "draft emails", "cancel appointments", "read my calendar",
        "search contacts", "remember things", "make phone calls", "send text messages",
        "update contacts", "enrich profiles", "see clinical notes", "handle billing",
        "work offline", "speak spanish", "set reminders", "list my tasks", "edit appointments",
    ),
    "thing": (
        "a task", "an appointment", "a note", "a tag", "a contact", "a draft", "a reminder",
        "an approval", "a merge", "a client", "a session", "enrichment", "the audit log",
        "a duplicate", "a clinical note", "a follow-up email", "a procedure", "a role",
    ),
    "things": (
        "tasks", "appointments", "notes", "tags", "contacts", "drafts", "reminders", "approvals",
        "merges", "clients", "sessions", "emails", "duplicates", "roles", "permissions",
    ),
}

TRAIN: tuple[str, ...] = (
    "[hi|hello|hey|hey there|hi there|good morning|good afternoon|morning|yo|howdy][!|.|]",
    "[thanks|thank you|thx|ty|thanks a lot|thank you so much|cheers|much appreciated|great, "
    "thanks|perfect, thanks|awesome thanks][!|.|]",
    "[ok|okay|got it|cool|nice|great|perfect|sounds good|alright|sure|fine|understood|ok cool]"
    "[!|.|]",
    "[bye|goodbye|see you|see you tomorrow|talk later|have a good one|good night][!|.|]",
    "[how are you|how's it going|how are you doing today|what's up|how's your day][?|]",
    "[who are you|what are you|what's your name|are you a robot|are you human|are you an ai]"
    "[?|]",
    "[what can you do|what do you do|help|help me|what are you able to do|what can I ask you|"
    "what commands do you know|show me what you can do|how do you work|what are your features]"
    "[?|]",
    "[can you|are you able to|do you know how to|could you ever|is it possible for you to|"
    "are you allowed to] {gactions}[?|]",
    "[do you support|do you handle|can I use you for|do you do] {things}[?|]",
    "[how do I|how can I|how would I|what's the way to|where do I go to|is there a way to|"
    "what's the best way to|how should I|can I] {gaction}[?|]",
    "[what happens if|what happens when|what if] I {gaction}[?|]",
    "[why can't I|why couldn't I|I can't|I'm not able to] {gaction}[?|.|]",
    "[who can|who is allowed to|who may|who gets to] {gaction}[?|]",
    "[what's|what is] the difference between {thing} and {thing}[?|]",
    "[explain|can you explain|tell me about|what are|how do] {things}[ work| mean|]"
    "[?|]",
    "[what is|what's|define|what exactly is] {thing}[?|]",
    "does [deleting|merging|enriching|tagging] a [contact|client] [remove|change|keep|delete] "
    "[their|the] {things}[?|]",
    "[is|are] {things} [private|encrypted|shared with everyone|visible to the front desk|"
    "backed up][?|]",
    "[what's|what is] the weather [like |][today|tomorrow|this weekend][?|]",
    "[tell me a joke|say something funny|make me laugh|sing a song|write me a poem]"
    "[ please|][!|]",
    "[what time is it|what day is it|what's the date today|what year is it][?|]",
    "[what's|what is] [15% of 80|2 plus 2|12 times 7|the capital of France|the meaning of life]"
    "[?|]",
    "[translate|how do you say] [hello|thank you|good morning] [in|into] [spanish|french]"
    "[?|]",
    "[never mind|forget it|nevermind|cancel that|no thanks|nothing|not now|scratch that|"
    "that's all|that's it for now|no|nope|yes|yes please|yep|sure thing][.|!|]",
    "[that's wrong|that's not right|you made a mistake|no, I meant the other one|that's not "
    "what I asked|wrong person|try again|undo that|why did you do that|that didn't work][.|?|!|]",
    "[I'm tired|busy day today|long day|what a day|it's so quiet today|I love this job|"
    "mondays are hard][.|!|]",
    "[where|how] [are|is] [my data|the data|the database|my clients' data] [stored|kept|"
    "saved][?|]",
    "[is this|are you] [hipaa compliant|secure|private|running locally|using the cloud][?|]",
    "[which|what] [model|language model|ai] [are you|do you use|runs this][?|]",
    "[what time does|when does] the clinic [open|close][ today|][?|]",
    "[do I need|should I] [to approve|approval for|to confirm] [deleting a contact|sending "
    "emails|merging contacts][?|]",
    "[can you|could you] [remind|tell] me how {things} work[?|]",
    "[I have a question|quick question|can I ask you something|question for you][.|?|]",
    "[is there a limit on|how many] {things} [can I have|can I create|can I store][?|]",
    "[where can I find|where are|where do I see] [the settings|my profile|the approvals|the "
    "audit log|the help page|the documentation][?|]",
    "[any tips for|how should I organise|best practice for] {things}[?|]",
    "[did you|have you] [get|got|receive|see] that[?|]",
    "[you're|you are] [awesome|great|helpful|slow|confusing|the best][!|.|]",
    "[what's|what is] a good [name for a clinic|lunch spot nearby|book to read|stretch for "
    "back pain][?|]",
    "[i'm|im|I am] [new here|just testing|testing|trying you out|playing around][.|!|]",
    "[test|testing|hello?|anyone there?|ping|asdf|hmm|lol|ha|:)|?]",
    "[remind me|tell me again] what you can do[?|]",
    "[how do|do] reminders work[?|]",
)
