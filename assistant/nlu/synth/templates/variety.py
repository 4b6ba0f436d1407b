"""Third round of training phrasings: the pairs the classifier confuses most.

Written from the confusion list (update vs create, search vs get, enrich vs send, notes.list
vs notes.add, chat that uses CRM words) and from `models/nlu/README-test.md`'s labelling
conventions, without looking at any test example. Each template aims at a sentence shape the
earlier rounds lack: a field and a new value for updates, several matches vs one person,
external look-ups vs sending, "history/chart for X" vs "note for X: ...".
"""

from __future__ import annotations

_FIELD_PHONE = "[phone|phone number|number|mobile|mobile number|cell|cell number|home phone|tel]"
_FIELD_EMAIL = "[email|e-mail|email address|e-mail address|mail]"

TRAIN: dict[str, tuple[str, ...]] = {
    "contacts.update": (
        "<pl>[change|update|fix|correct|amend|edit] {contact_pos} " + _FIELD_PHONE + " to {phone}",
        "<pl>[change|update|fix|correct|amend|edit] {contact_pos} " + _FIELD_EMAIL + " to {email}",
        "<pl>[change|update|fix|correct] {contact_pos} [address|home address|street address|"
        "postal address] to {address}",
        "<pl>[change|update|fix|correct] {contact_pos} [last name|surname|family name] to "
        "{plain_last}",
        "<pl>[change|update|fix|correct] the " + _FIELD_PHONE + " [for|of|on] {contact} to {phone}",
        "<pl>[change|update|fix|correct] the " + _FIELD_EMAIL + " [for|of|on] {contact} to {email}",
        "<pl>[change|update|fix] the [address|last name|surname] [for|of|on] {contact}"
        "[ to {address}|]",
        "{contact_pos} " + _FIELD_EMAIL + " is [wrong|out of date|incorrect|old][,|.| -] [it's|it "
        "should be|the right one is|change it to|use] {email}",
        "{contact_pos} " + _FIELD_PHONE + " is [wrong|out of date|incorrect|old][,|.| -] [it's|it "
        "should be|the right one is|change it to|use] {phone}",
        "{contact} [got married|changed her name|changed his name][,|.| -] [last name|surname] is "
        "now {plain_last}[, please update|]",
        "{contact} has a new " + _FIELD_EMAIL + "[:| -|,] {email}",
        "{contact} has a new " + _FIELD_PHONE + "[:| -|,] {phone}",
        "{contact} has a new address[:| -|,] {address}",
        "{contact_pos} new address is {address}",
        "<pl>update {contact}[ -|:|,] [new |][phone|mobile|number] {phone}[, email {email}|]",
        "<pl>update {contact}[ -|:|,] [new |][email|e-mail] {email}[, phone {phone}|]",
        "<pl>[please |]update the [record|profile|file|details] for {contact}[:|,| -] [phone|"
        "mobile|new number] {phone}",
        "<pl>[please |]update the [record|profile|file|details] for {contact}[:|,| -] [email|"
        "new email] {email}",
        "<pl>[put|save|store] {phone} as {contact_pos} [new |]" + _FIELD_PHONE,
        "<pl>[put|save|store] {email} as {contact_pos} [new |]" + _FIELD_EMAIL,
        "<pl>[swap|switch|replace] {contact_pos} " + _FIELD_EMAIL + " [for|with] {email}",
        "[wrong|incorrect|typo in the] [email|number|phone] for {contact}"
        "[, it's|:| -| - should be] "
        "[{email}|{phone}]",
        "{contact} [moved|has moved|relocated] to {address}",
        "<pl>[set|make] {contact_pos} [preferred |main |primary |]" + _FIELD_PHONE + " {phone}",
    ),
    "contacts.create": (
        "<pl>[add|create|register] [a new |new |][client|patient|contact] {new_contact}[:|,| -] "
        "[email|e-mail] {email}[, phone {phone}|]",
        "<pl>[add|create] {new_contact}[,| -] [phone|mobile|number] {phone}[, email {email}|]",
        "[new|brand new|first-time] [client|patient] [today|this morning|just now][:| -|,] "
        "{new_contact}[, {phone}|, {email}|]",
    ),
    "contacts.search": (
        "<pl>[find|search for|look for|search] [all |any |every ]<client>s [named|called|with "
        "the name|with the surname|whose last name is] {contact}",
        "[anyone|any clients|any patients|anybody] [with|with the] [surname|last name|first "
        "name|name] {contact}[?|]",
        "<pl>search [the contacts|contacts|clients|patients|the database|the system] [for|by "
        "name:|by name] {contact}",
        "<pl>[find|search|look up] [everyone|all the people|all clients|all patients] [named|"
        "called] {contact}",
        "[how many|which] [clients|patients|people|contacts] [are called|are named|have the last "
        "name|have the surname] {contact}[?|]",
        "<pl>[find|search for|list] [all |]<client>s [tagged|with the tag|marked|labelled] "
        "[as |]{tag}",
        "<pl>[show|list|find] [me |][everyone|all clients|all patients|people] [who are |]"
        "[tagged|labelled|flagged] {tag}",
        "[which|what] [clients|patients|contacts] [have|carry] the {tag} [tag|label][?|]",
        "[do we have|have we got] [any|more than one] {contact}[s|][ on file| in the system|][?|]",
        "[search|find|lookup|look up] {contact}[ - there might be a few|, could be several|, "
        "show all matches|]",
        "<pl>[find|show] [all |][contacts|clients|patients] [matching|containing|starting with] "
        "{contact}",
        "[list|show] [all |]<client>s [with|that have] a [gmail|hotmail|yahoo|work] "
        "[address|email][?|]",
    ),
    "contacts.get": (
        "<pl>[show|open|pull up|bring up|get] [the |][record|profile|details|file|contact card|"
        "card] for {contact}",
        "[what's|what is|whats] the [phone|number|email|address|mobile] we have [for|on] "
        "{contact}[?|]",
        "<pl>[look up|find] {contact_pos} [number|phone number|email|address|details|record|"
        "profile|date of birth]",
        "[quick question - |]what's {contact_pos} [number|email|mobile|address][?|]",
        "[need|I need|get me] {contact_pos} [number|email|details|phone number|address][ please|"
        ", thanks|]",
        "<pl>[show|open] {contact}[ please|]",
        "[who is|who's] {contact} [again|exactly][?|]",
    ),
    "contacts.enrich": (
        "<pl>[look up|search online for|google|check online for] [more |extra |]"
        "[details|info|information] [on|about|for] {contact}",
        "<pl>[fill in|fill out|complete|add] [the |any |]missing [details|info|fields|"
        "information|data] [for|on|in] {contact_pos} [record|profile|file]",
        "<pl>[fill in|fill out|complete] the [gaps|blanks] [in|on] {contact_pos} [record|profile]",
        "<pl>[fill in|fill out] {contact_pos} [details|record|profile|contact info]",
        "<pl>[check|verify|confirm|validate|double-check] the [number|phone number|email|email "
        "address|contact details|address] [for|on] {contact}",
        "<pl>[find|get|track down|look up] [a |the |]missing [email|phone number|number|address] "
        "for {contact}",
        "<pl>[see if you can find|try to find|can you find] {contact_pos} [missing |]"
        "[email|number|employer|address|details] [online|anywhere|]",
        "<pl>[enrich|augment|complete|update] {contact} [from|using|with] [public sources|the web|"
        "external data|online info]",
        "<pl>[is|are] {contact_pos} [details|number|email] [still valid|up to date|correct]? "
        "[check|verify|look it up]",
        "<pl>[pull|fetch] [extra|more|public] [info|details|data] [on|for|about] {contact}",
    ),
    "emails.send": (
        "<pl>[send|send off|send out] [the |that |my ]<mail> [I drafted |we drafted |you drafted |]"
        "[to|for] {contact}",
        "<pl>[send|post|fire off] it[ to {contact}|][ now|, thanks|]",
        "[that|the] [draft|email] [looks good|is fine|is perfect|works][, send [it|it off|it out]"
        "[ to {contact}|]]",
        "<pl>[go ahead and |]send {contact} the [draft|email|message][ now|]",
    ),
    "notes.list": (
        "[history|chart|notes|session notes|clinical notes|treatment notes|file] for "
        "{contact}[?|, please| pls|]",
        "<pl>[show|get|pull|open|display|read] [me |][the |]"
        "[history|chart|notes|session notes|clinical notes|treatment history|record of "
        "sessions] for {contact}",
        "<pl>[show|get|pull|open] [me |]{contact_pos} [history|chart|notes|treatment history|"
        "session notes][ from {period}|]",
        "[what|which] notes [have we got|do we have|are there] [for|on] {contact}[?|]",
        "[any|are there any] [notes|entries|session notes] [for|on|about] {contact}[ from "
        "{period}|][?|]",
        "[can I see|let me see|I'd like to see|I need] [the |]{contact_pos} [notes|history|chart]",
        "[what did|what has] [the therapist|the practitioner|Dr. Kim|the team] [note|write|"
        "record] [about|on|for] {contact}[?|]",
        "<pl>[summarise|summarize|recap|go over] {contact_pos} [notes|history|last sessions|chart]",
        "{contact} [notes|history|chart][?|]",
        "<pl>[list|show] [all |the |]notes [for|on|about] {contact}",
        "[last|latest|recent|previous] [notes|note|entries|session notes] [for|on] {contact}[?|]",
    ),
    "notes.add": (
        "<pl>[note|memo|comment] for {contact}[:| -] {note}",
        "{contact}[:| -] {note}[ (add to notes)| - please note|, add a note|]",
        "<pl>add [this |the following |]to {contact_pos} [notes|chart|file|history][:| -] {note}",
        "<pl>[add|log|write|record] [a |]note[:| -] {contact} {note}",
        "[chart|notes|history] for {contact}[:| -] {note}",
        "<pl>[please |]note on {contact_pos} [file|chart|record] that [she|he|they] {note}",
        "<pl>[add|put] [a |]note [to|on] {contact_pos} [file|chart|record|notes] saying {note}",
    ),
    "tasks.create": (
        "<pl>[add a |create a |new |]task for {contact}[:| -|,] {task}[ [due|by] {date}|]",
        "<pl>[remind me|set a reminder|add a reminder] to {task_plain} for {contact} "
        "[{date}|by {date}|on {date}]",
        "<pl>[add|create|make] a <task>[:| -] {task} [by|due|before|for] {date}",
        "<pl>[add|put] a <task> [on|for] {date}[:| -| to] {task}",
        "[task|to-do|todo][:| -] {task_plain} for {contact}[, due {date}| by {date}|]",
    ),
    "emails.draft": (
        "<pl>[write|draft|compose] [an email|a note|a message|a quick email] to {contact} {instr}",
        "<pl>email {contact}[,| -] {instr_full}",
        "<pl>[write|draft|compose|prepare] [an email|a message|a note|a reply] [to|for] {contact} "
        "{instr_full}",
        "<pl>[draft|write] a {purpose} [email |note |]to {contact} {instr_full}",
        "<pl>[message|e-mail|email] {contact_pos} [mum|dad|parent|carer] {instr_full}",
        "<pl>[draft|write] {contact} a {purpose}[ email|] {instr}",
        "<pl>[write to|email|message] {contact_pos} [mum|dad|wife|husband|insurer|employer] "
        "{instr}",
    ),
    "tags.add": (
        '<pl>tag {contact} [as |with |]"{tag}"',
        "<pl>[add|put] [a |the |]{tag} [tag|label|flag] [on|to] {contact_pos} "
        "[record|profile|file]",
        "<pl>[flag|mark] {contact_pos} [record|profile|file] as {tag}",
        "{contact} [is|should be] [marked|flagged|tagged|labelled] [as |]{tag}[ please|]",
        "<pl>[add|give] {contact} [the |a |]{tag} [tag|label]",
        "<pl>[add|apply] [tag|label][:| -] {tag} [to|on|for] {contact}",
    ),
    "tags.remove": (
        '<pl>[remove|delete|drop] [the |]"{tag}" [tag |label |][from|off] {contact}',
        "<pl>[remove|clear|drop|take off] [the |]{tag} [tag|label|flag] [from|on|off] "
        "{contact_pos} [record|profile|file]",
        "{contact} [no longer needs|doesn't need|shouldn't have] the {tag} [tag|label|flag]",
        "<pl>[untag|unflag|unmark] {contact_pos} [record|profile] [as |]{tag}",
    ),
    "appointments.book": (
        "<pl>[book|schedule] {contact} [in |]{date}[ at {time}| around {time}|][ for {duration}|]",
        "<pl>[book|schedule|arrange] [a |an |]{kind} for {contact} {date}[ at {time}|]",
        "{contact} [needs|wants] [a |an |]{kind} {date}[ at {time}|][, book it|]",
    ),
}

CHAT: tuple[str, ...] = (
    "[how do I|how can I|can I|is it possible to|how would I] {gaction}[?|]",
    "[what does|what exactly does|how does] [enrich|enrichment|search|merge|tagging|the search|"
    "the notes tab|the history view] [do|work|mean][?|]",
    "[what's|what is] the difference between [searching|search] and [looking up|opening] "
    "[a contact|a client|a record][?|]",
    "[can|does] [the search|search|the client list|the contact list] [find|include|show|"
    "handle] [archived clients|deleted contacts|partial names|phone numbers|nicknames|tags][?|]",
    "[I searched for|I looked for|I tried to find] [a client|a patient|someone|a contact] "
    "[earlier|yesterday|before] [but|and] [it|nothing] [didn't work|came up|found nothing|"
    "showed nothing][.|, why?|!]",
    "[why|how come] [doesn't|didn't|won't] [the search|search|the contact list|my note|the tag]"
    " [show|find|work|save][ anything|][?|]",
    "[are|do] [clients|patients|contacts] [see|get told|notified] when I [add a note|tag them|"
    "update their details|look them up|search for them][?|]",
    "[is|are] [my notes|client notes|the tags|contact details|search results] [visible|shared]"
    " [to|with] [other staff|the front desk|clients|everyone][?|]",
    "[how many|what's the max number of] [contacts|clients|notes|tags|tasks] [can I|can we] "
    "[have|store|search][?|]",
    "[should I|do I need to|is it better to] [tag|note|search|update] {things} [first|before "
    "booking|every time][?|]",
    "[who|which staff] can [see|edit|search] {things}[?|]",
    "[just curious|out of interest|random question][,|:| -] [do you|can you] {gactions}[?|]",
    "[remind me|tell me] how [search|tags|notes|enrichment|merging] [works|work][?|]",
)

WORDS: dict[str, tuple[str, ...]] = {
    "gaction": (
        "find a client by phone number",
        "look up a patient by email",
        "see a client's history",
        "update someone's email",
        "change a client's last name",
        "fill in missing details",
        "add a note to a chart",
    ),
    "gactions": (
        "search by phone number",
        "look people up online",
        "update phone numbers",
        "show a client's history",
    ),
}

# Whole e-mail instructions that carry their own lead-in word ("asking", "to", "saying"); the
# generator fills `{instr_full}` from these (training only), labelled BODY as a whole.
INSTRUCTIONS: tuple[str, ...] = (
    "asking her to bring her x-ray",
    "asking him to fill in the intake form",
    "reminding him about Friday's session",
    "reminding her to bring her insurance card",
    "to confirm the new time",
    "to ask for an updated insurance card",
    "to thank her for the review",
    "saying we received the payment",
    "saying the clinic is closed on Monday",
    "letting them know the new opening hours",
    "letting her know her results are in",
    "with the home exercise sheet",
    "with the invoice attached",
    "checking how his shoulder feels",
    "checking in after her surgery",
    "following up on last week's visit",
    "explaining the new cancellation fee",
    "telling him the physio is off sick tomorrow",
    "offering an earlier slot on Thursday",
    "that her referral letter arrived",
    "asking him to call us back to rebook his assessment",
    "to let her know the invoice is attached and payment is due Friday",
    "to say sorry about the mix-up with the booking",
)
