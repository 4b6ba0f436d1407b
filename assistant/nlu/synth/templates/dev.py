"""Held-out phrasings for the dev set: wordings the training templates do not contain.

Dev scores therefore estimate how the model does on new wordings, which a random split of
the training templates cannot (see FACTS.md: 98% on a random split, 69-77% on new templates).
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, ...]] = {
    "contacts.create": (
        "[please |]enter {new_contact} as a new [client|patient], [phone|cell] {phone}",
        "[could you |]open a [new |]file for {new_contact}",
        "{new_contact} just [joined|booked for the first time], add [them|her|him] to contacts",
        "I'd like to add a [client|patient]: {new_contact}, {email}",
    ),
    "contacts.get": (
        "[can I see|let me see] {contact_pos} [profile|details|card]",
        "[what number do we have|which email do we have] for {contact}[?|]",
        "[find|fetch] {contact_pos} [record|details] for me",
        "[remind me|what's] who {contact} is[?|]",
    ),
    "contacts.search": (
        "[which|what] [clients|patients] are [tagged|labelled] {tag}[?|]",
        "[look for|find me] [clients|people] with [the |]last name {contact}",
        "[give me|pull] a list of {tag} [clients|patients]",
        "[do we have|is there] [anybody|someone] called {contact}[?|]",
    ),
    "contacts.update": (
        "[{contact_pos} number changed|new number for {contact}][:|,| -] {phone}",
        "[please |]make {contact_pos} [email|e-mail] {email}",
        "{contact} [got a new|switched] [phone|mobile], [it's|now] {phone}",
        "[correct|amend] the [email|e-mail] on {contact_pos} [record|profile] to {email}",
    ),
    "contacts.delete": (
        "[take|get] {contact} out of the [system|database][ for good|]",
        "[please |]wipe {contact} from our records",
        "{contact} [requested|wants] data deletion, [remove|delete] [them|her|him]",
    ),
    "contacts.merge": (
        "{duplicate} [should be merged|needs merging] into {contact}",
        "[please |][join|consolidate] {duplicate} into {contact}",
        "[we have|there's] a duplicate: {duplicate}, [merge it|fold it] into {contact}",
    ),
    "contacts.enrich": (
        "[see what you can|try to] find out about {contact}",
        "[please |][top up|complete] {contact_pos} [profile|record] with [more|extra] info",
        "[do an|run an] enrichment [for|on] {contact_pos} [record|profile]",
    ),
    "notes.add": (
        "[for|on] {contact_pos} [chart|record][:|,] {note}",
        "[please |][document|record] that {contact} {note}",
        "[put|stick] a [note|memo] on {contact}[:| -] {note}",
        "[pop|drop] this into {contact_pos} notes[:|,] {note}",
    ),
    "notes.list": (
        "[let me see|can I see] [the |]notes [on|for] {contact}",
        "[what have we written|what's been noted] [about|on] {contact}[?|]",
        "[bring up|fetch] {contact_pos} [session history|past notes]",
    ),
    "notes.delete": (
        "[please |][erase|remove] the most recent [note|entry] [on|in] {contact_pos} [chart|file]",
        "[the|that] note [on|for] {contact} [about {note} |]should be [deleted|removed]",
        "[take out|strike] the note about {note} from {contact_pos} [file|chart]",
    ),
    "tasks.create": (
        "[I must|I should] {task} {date}, [please |]remind me",
        "[new|another] [to-do|task] for [me|today|tomorrow][:| -] {task}",
        "[put|stick] {task} on my [list|task list][ for {date}|]",
        "[note to self|memo to self][:| -] {task}[ {date}|]",
        "[remember|do not forget] to {task} {date}",
    ),
    "tasks.list": (
        "[what's|what is] [still |][open|pending] on my [plate|list][?|]",
        "[let me see|can I see] my [tasks|to-dos][ for {period}|]",
        "[which|what] tasks [are|do I have] [left|outstanding|due {period}][?|]",
    ),
    "tasks.complete": (
        "[i |I ][already |just ][did|handled|took care of] {task}[, mark it done|, tick it off]",
        "[set|flag] [the |]task {task} [to|as] [done|complete]",
        "{task} [can be closed|is taken care of|is sorted]",
    ),
    "appointments.book": (
        "[add|put] {contact} [on|into] [the|my] [schedule|calendar] [on |for |]{date} at {time}",
        "[give|find] {contact} a [slot|spot] [on |]{date}[ at {time}|][, {duration}|]",
        "{contact} [is coming|comes] in {date} at {time}[ for {duration}|], [book it|please "
        "book|add it]",
        "[reserve|block] {duration} [for|with] {contact} [on |]{date}[ at {time}|]",
        "[set up|line up] {contact} for {date}",
    ),
    "appointments.list": (
        "[what have I got|what do I have|what's booked] {period}[?|]",
        "[let me see|can I see] the [calendar|schedule] for {period}",
        "[is|are] [anyone|any clients] [booked|coming] {period}[?|]",
        "[when|what day] [do I see|am I seeing] {contact} [next|again][?|]",
    ),
    "appointments.cancel": (
        "{contact} [won't make|can't come to] [her|his|their] {date} [session|appointment], "
        "[take it off|remove it]",
        "[please |][clear|free up] {contact_pos} [slot|booking][ on {date}|]",
        "[no need for|kill] the {time} with {contact}[ {date}|]",
    ),
    "emails.draft": (
        "[put together|prepare] [an email|a message|a note] for {contact} {instr}",
        "[need|I need] a {purpose} [email|message] [to|for] {contact}",
        "[can you |][reach out to|write to] {contact} {instr}",
        "[shoot|send] {contact} a quick {purpose}[ {instr}|]",
    ),
    "emails.send": (
        "[the|that] draft to {contact} can go out[ now|]",
        "[ship|push out|deliver] the [draft|email] [for|to] {contact}",
        "[yes|ok], [send|mail] {contact_pos} {purpose} [email|draft]",
    ),
    "tags.add": (
        "[put|slap] a {tag} [tag|label] on {contact}",
        "{contact} [counts as|should be tagged|belongs in] {tag}",
        "[add|set] {tag} [on|to] {contact_pos} [tags|profile]",
    ),
    "tags.remove": (
        "{contact} [isn't|is not] {tag} [anymore|any more], [untag|fix the tags]",
        "[strip|take away] the {tag} [tag|label] [from|off] {contact}",
        "{contact} [should not|shouldn't] be tagged {tag}",
    ),
}

CHAT_WORDS: dict[str, tuple[str, ...]] = {
    "gaction": (
        "archive a client",
        "add a colleague",
        "fix a typo in a note",
        "move an appointment",
        "rename a tag",
        "recover a deleted contact",
        "bulk email clients",
    ),
    "gactions": (
        "schedule sessions",
        "write emails",
        "remove clients",
        "organise tags",
        "complete tasks",
        "look up patients",
        "combine records",
    ),
    "thing": ("a booking", "a memo", "a to-do", "a label", "a profile", "a template"),
    "things": ("bookings", "memos", "to-dos", "labels", "profiles", "templates"),
}

CHAT: tuple[str, ...] = (
    "[hiya|greetings|evening|good evening|hey hey][!|]",
    "[appreciate it|lovely, thanks|brilliant|many thanks|thanks so much for that][!|.|]",
    "[what sort of things can you help with|what are you good at|list your skills][?|]",
    "[is it possible to|would I be able to|am I allowed to] {gaction}[?|]",
    "[are you capable of|will you] {gactions}[?|]",
    "[how does|how do] {thing} differ from {thing}[?|]",
    "[could you explain|help me understand] {things}[?|]",
    "[what's the point of|why would I use] {thing}[?|]",
    "[where's|where is] the [button|option] to {gaction}[?|]",
    "[is it going to rain|will it be sunny] [today|tomorrow][?|]",
    "[recommend|suggest] a [podcast|movie|good coffee place][ please|]",
    "[oops|my bad|sorry|whoops|hold on|wait][.|!|]",
    "[thanks, that's all|cool, thanks for that|ok that helps][!|.|]",
)
