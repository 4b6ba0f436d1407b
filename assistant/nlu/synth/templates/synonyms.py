"""More training phrasings: everyday synonyms and sentence shapes ("line up", "reach out to",
"get X out of the system", "X belongs in vip").

Written after the first dev run showed which kinds of wording the first templates lacked, so
dev figures after this round are somewhat optimistic; the frozen test set is the honest one.
"""

from __future__ import annotations

TRAIN: dict[str, tuple[str, ...]] = {
    "contacts.create": (
        "<pl>add {new_contact}[, {email}|, {phone}|, {email}, {phone}|, born {dob}]",
        "new[:| -] {new_contact}[, {email}|, {phone}|, dob {dob}]",
        "<pl>[open|start] a [new |]file for {new_contact}[, {phone}|, {email}|]",
        "<pl>enter {new_contact} [in|into] the system[ as a new <client>|][, {phone}|]",
        "{new_contact} [just joined|just signed up|just registered|is a new client|booked for "
        "the first time][, add [her|him|them] [to contacts|to the system]|, please add]",
        "<pl>[start|begin] a [record|chart] for {new_contact}",
        "<pl>save {new_contact} as a [new |]contact[ - {phone}|, {email}|]",
        "intake for {new_contact}[: {email}|, {phone}|]",
    ),
    "contacts.get": (
        "[what's|what is] the [phone number|email|address|number] [for|of] {contact}[?|]",
        "<pl>look up {contact}",
        "who is {contact} again[?|]",
        "<pl>[find|fetch|grab] {contact_pos} [details|record|profile|number][ for me|]",
        "[can I see|let me see|show me] {contact_pos} [profile|record|details]",
        "[what do we have|what have we got] on {contact}[?|]",
        "{contact_pos} [phone|email|number|address][?|]",
        "[contact card|profile] for {contact}",
    ),
    "contacts.delete": (
        "<pl>[get|take] {contact} out of the [system|database|records][ for good|]",
        "<pl>[erase|remove|wipe] all of {contact_pos} data",
        "{contact} [requested|wants|asked for] [deletion|data deletion|their data deleted]"
        "[, remove [her|him|them]|, delete [her|him|them]|]",
        "<pl>[scrub|wipe] {contact} from [our|the] [records|system]",
    ),
    "contacts.enrich": (
        "<pl>[find out|dig up|research] [more |]about {contact}",
        "<pl>[complete|flesh out|fill out|top up] {contact_pos} [record|profile] [with more info|"
        "with extra details|]",
        "<pl>[do|run] [a lookup|an enrichment] [on|for] {contact_pos} [profile|record]",
        "see what else [we|you] can find on {contact}",
    ),
    "contacts.update": (
        "{contact_pos} [phone|number|mobile] is now {phone}",
        "{contact_pos} [email|e-mail] is now {email}",
        "{contact} got a new [phone|number|mobile][, it's|:| -|, now] {phone}",
        "{contact} got a new [email|e-mail][, it's|:| -|, now] {email}",
        "<pl>[amend|correct|fix] [the |]email on {contact_pos} [record|profile] to {email}",
        "<pl>make {contact_pos} [email|e-mail] {email}",
        "{contact_pos} [number|phone] changed[:| -|, it's now] {phone}",
        "use {email} for {contact} from now on",
        "{contact} can now be reached at {phone}",
    ),
    "contacts.merge": (
        "[there's|we have] a duplicate[:|,] {duplicate}[, merge it into| - fold into|, combine "
        "with] {contact}",
        "{duplicate} [needs merging into|should be merged into|is a dupe of] {contact}",
        "<pl>[join|consolidate|unify] {duplicate} into {contact}",
    ),
    "contacts.search": (
        "[give me|pull|get me] a list of [all |]{tag} [clients|patients|contacts]",
        "[anyone|anybody|someone] [called|named] {contact}[?|]",
        "[who is|who's] tagged {tag}[?|]",
    ),
    "notes.add": (
        "<pl>[document|chart] that {contact} {note}",
        "for {contact_pos} [record|chart|file][:|,] {note}",
        "<pl>[drop|stick|pop] this [in|into|on] {contact_pos} [notes|file|chart][:|,] {note}",
        "{contact_pos} [chart|file][:| -] {note}",
        "observation for {contact}[:| -] {note}",
    ),
    "notes.list": (
        "what have we [written|noted|got] [about|on] {contact}[?|]",
        "[tell me|show me] what's been [noted|written] about {contact}",
        "{contact_pos} notes[ please|?|]",
        "<pl>[bring up|pull] {contact_pos} [session history|past notes|previous sessions]",
    ),
    "notes.delete": (
        "<pl>[take out|strike|scratch] the note [about {note_key} |]from {contact_pos} "
        "[file|chart]",
        "[the|that] note [about {note_key} |]on {contact} should be [deleted|removed]",
        "<pl>remove the note I just added to {contact}",
    ),
    "tasks.create": (
        "[I must|I should|I need to] {task} {date}, [remind me|add a task]",
        "[note to self|memo to self][:| -] {task}[ {date}|]",
        "<pl>[put|stick|add] {task} on my [list|to-do list|task list][ for {date}|]",
        "[remember|don't forget] to {task}[ {date}|]",
        "{date}[:|,] {task}, [remind me|add it to my list]",
    ),
    "tasks.list": (
        "[what's|what is] [still |][open|pending|left] on my [plate|list][?|]",
        "[which|what] tasks [are|do I have] [left|outstanding|open][?|]",
        "[let me see|can I see] my [tasks|to-dos][ for {period}|]",
        "[anything|what's] [overdue|due {period}][?|]",
    ),
    "tasks.complete": (
        '<pl>mark "{task}" as <done>',
        '<pl>[complete|close|tick off] "{task}"',
        "[I |]already [did|handled|took care of] {task}[, mark it done|]",
        "<pl>[set|flag] [the |]task {task} [to|as] <done>",
        "{task} [can be closed|is sorted|is taken care of|is handled]",
        "[got|done with] {task}, [tick it off|mark it complete]",
    ),
    "appointments.book": (
        "<pl>line up {contact} for {date}[ at {time}|]",
        "<pl>[give|find] {contact} a [slot|spot|time] [on |]{date}[ at {time}|]",
        "{contact} [is coming|comes|wants to come] in {date} at {time}[ for {duration}|], [book "
        "it|put it in|please book]",
        "<pl>[reserve|block|hold] [a slot|{duration}|an hour] for {contact} [on |]{date}"
        "[ at {time}|]",
        "<pl>set up {contact} for {date}[ at {time}|]",
        "<pl>[squeeze|slot] {contact} in {date}[ at {time}|]",
    ),
    "appointments.list": (
        "[let me see|can I see|show me] the [calendar|schedule|diary] for {period}",
        "[is|are] [anyone|any clients|any patients] [booked|coming in|scheduled] {period}[?|]",
        "[when|what day] [do I see|am I seeing] {contact} [next|again][?|]",
        "[what have I got|what's booked] {period}[?|]",
    ),
    "appointments.cancel": (
        "{contact} won't make [her|his|their] {date} [session|appointment][, take it off|, "
        "remove it|, cancel it]",
        "<pl>[clear|free up] {contact_pos} [slot|booking|time][ on {date}|]",
        "[kill|scrap|axe|drop] the {time} with {contact}[ {date}|]",
        "no need for the {time} with {contact}[ {date}|]",
    ),
    "emails.draft": (
        "<pl>[reach out to|write to|get in touch with] {contact} {instr}",
        "<pl>[put together|prepare|whip up] [an email|a message|a note] for {contact} {instr}",
        "<pl>[shoot|drop] {contact} a [quick |short |]{purpose}[ email| note| message|]",
        "I need a {purpose} [email|message] [to|for] {contact}",
        "<pl>let {contact} know {instr}",
    ),
    "emails.send": (
        "<pl>send [the|that|this] [draft|email] [now|out|]",
        "<pl>[ship|push out|deliver|release] the [draft|email] [for|to] {contact}",
        "the draft [to|for] {contact} can go [out|now|out now]",
        "[ok|yes], [send|mail] {contact_pos} {purpose} [email|draft]",
        "{contact_pos} draft is [ready|approved], send it",
    ),
    "tags.add": (
        "<pl>[put|slap|stick] a {tag} [tag|label] on {contact}",
        "{contact} [counts as|should be tagged|belongs in|goes in] {tag}",
        "<pl>[add|set] {tag} [on|to] {contact_pos} [tags|profile]",
        "{contact} needs the {tag} tag",
    ),
    "tags.remove": (
        "<pl>[remove|drop|take] {tag} [from|off] {contact}",
        "{contact} [isn't|is not] {tag} [anymore|any more][, untag [her|him|them]|, fix the tags|]",
        "<pl>[strip|take away|pull] the {tag} [tag|label] [from|off] {contact}",
        "{contact} [should not|shouldn't] be tagged {tag}",
        "<pl>drop {tag} from {contact_pos} tags",
    ),
}

CHAT: tuple[str, ...] = (
    "[help me understand|I don't understand|teach me about] {things}[?|]",
    "how [does|do] {thing} differ from {thing}[?|]",
    "[will you|are you capable of] {gactions}[?|]",
    "[what's the point of|why would I use|what is the use of] {thing}[?|]",
    "[where's|where is] the [button|option|setting] to {gaction}[?|]",
    "[will it|is it going to] [rain|be sunny|snow] [today|tomorrow|later][?|]",
    "[recommend|suggest] a [good coffee place|podcast|movie|stretch][ please|]",
    "[oops|sorry|my bad|hold on|wait|one sec][.|!|]",
    "[thanks, that's all|ok that helps|cool, thanks for that|lovely][!|.|]",
    "[what are|what're] {things} for[?|]",
    "is there a [shortcut|faster way|quicker way] to {gaction}[?|]",
)

WORDS: dict[str, tuple[str, ...]] = {
    "things": ("bookings", "memos", "to-dos", "labels", "profiles", "records"),
    "thing": ("a booking", "a memo", "a to-do", "a label", "a profile", "a record"),
}
