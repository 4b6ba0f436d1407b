"""Training phrasings for notes.*, tasks.* and appointments.*."""

from __future__ import annotations

TRAIN: dict[str, tuple[str, ...]] = {
    "notes.add": (
        "<pl>add a <note> to {contact}[:| -|,] {note}",
        "<pl>add [a |]<note> [to|for|on] {contact_pos} [file|record|chart|profile][:|,| -] {note}",
        "[note|memo|new note|clinical note] [for|on] {contact}[:| -] {note}",
        "<pl>jot down [for {contact}|on {contact_pos} file|in {contact_pos} chart][:|,] {note}",
        "<pl>log [a note |a session note |]for {contact}[:| -] {note}",
        "<pl>[write|put] [down |]in {contact_pos} [notes|chart|file|history][:|,| that] {note}",
        "<pl>record [for {contact}|in {contact_pos} history|on {contact_pos} file][:|,| that] "
        "{note}",
        "<pl>add to {contact_pos} [history|notes|chart|record]: {note}",
        "<pl>make a note [that {contact} {note}|on {contact}: {note}|for {contact}: {note}]",
        "{contact} {note}[, add that to| - put that in|, note that in] [her|his|their] [file|"
        "notes|chart|history]",
        "<pl>note [down |]that {contact} {note}",
        "<pl>[add|log|save] [this |]to {contact_pos} [history|notes|file]: {note}",
        "session note for {contact}[:|,] {note}",
        "<pl>[jot|write] down that {contact} {note}",
    ),
    "notes.list": (
        "<pl>show [me |][the |all |all the |]<note>s [for|on|about] {contact}",
        "[what are|what're|whats|what's in] {contact_pos} notes[?|]",
        "<pl>[pull up|open|get|list|display|read me|show] {contact_pos} [notes|history|chart|"
        "clinical notes|file notes|session notes|clinical history]",
        "[any|what] notes [do we have |][on|for|about] {contact}[?|]",
        "[what's|what is] in {contact_pos} [history|chart|notes|file][?|]",
        "[history|notes|clinical notes] [for|of|on] {contact}",
        "<pl>[show|list] {contact_pos} [previous|past|recent|last|latest] [notes|session notes|"
        "<note>s]",
        "what did we [write|note|record] about {contact}[ last time|][?|]",
        "<pl>[go through|review|read] {contact_pos} [history|notes]",
    ),
    "notes.delete": (
        "<pl>[delete|remove|erase] the {note_key} [note|entry|memo] [from|on|in] {contact_pos} "
        "[file|chart|record|notes]",
        "<pl>[delete|remove] [the |my |]note [about|on|re] {note_key} [from|for|on] {contact}",
        "<pl>[delete|remove] {contact_pos} {note_key} note",
        "<pl>[delete|remove] the [last |latest |most recent |]<note> [on|for|from] {contact}",
        "<pl>[remove|delete|erase|get rid of] the <note> [about|that says|saying] {note} "
        "[from {contact_pos} file|on {contact}|for {contact}]",
        "<pl>[remove|delete|erase] {contact_pos} [last |latest |most recent |]<note>",
        "[scrap|drop|delete|remove] [that|the] <note> I [added|wrote|made] [on|for|to] {contact}",
        "<pl>delete {contact_pos} note about {note}",
        "<pl>[clear|wipe] the <note> [on|from] {contact_pos} [file|chart] [about {note}|]",
    ),
    "tasks.create": (
        "<pl>[add a task|create a task|new task|add a to-do|remind me][:| -| to] {task_plain} "
        "for {contact}[ {date}| by {date}|]",
        "[task|to-do|reminder] for {contact}[ -|:|,] {task}[ [due|by] {date}|]",
        "remind me [{date} |]to {task_plain} for {contact}",
        "<pl>[remind me|make a task|add a task] [to |]{task}[ around {time}| at {time}] {date}",
        "remind me to {task}[ {date}| on {date}| by {date}| {date} at {time}| at {time}|]",
        "<pl>[add|create|make|set up] a <task>[:| to] {task}[ [for|by|on|due] {date}|]",
        "[to-do|todo|task|new task][:| -] {task}[ [by|on|due] {date}|]",
        "<pl>[set|create] a reminder [to|for me to] {task}[ {date}| on {date}|]",
        "[don't let me forget|make sure I remember] to {task}[ {date}|]",
        "<pl>add [a task |]to my [list|to-do list|todo list|tasks][:| -] {task}",
        "[I need to|I have to|need to|gotta] {task} [by {date}|{date}|], [add a task|make it a "
        "task|put it on my list|add it to my list|remind me]",
        "<pl>[add|create] a [follow-up |]task for {contact}[:| to] {task}[ due {date}|]",
        "<pl>[pencil in|put down|jot down] a [task|reminder|to-do] to {task}[ {date}|]",
        "<pl>[schedule|set up] a [task|reminder] [for {date} |]to {task}",
        "[remind me|ping me|nudge me] {date}[ at {time}|] to {task}",
        "<pl>[log|add] a to-do[:| -] {task}",
    ),
    "tasks.list": (
        "[what's|what is|what are|whats] [on |]my [tasks|to-do list|todo list|to-dos][ for "
        "{period}|][?|]",
        "<pl>[show|list|display] [me |][my |all |all my |the |]<task>s[ [for|due] {period}|]",
        "[any|do I have any] [open|overdue|pending|outstanding] [tasks|to-dos][ [for|due] "
        "{period}|][?|]",
        "<pl>[show|list] [open|completed|done|overdue|pending] tasks[ for {contact}|]",
        "[tasks|to-dos|open tasks] [for|about|related to] {contact}",
        "what do I [need|have] to do[ {period}|][?|]",
        "[what's|whats|what is] [due|overdue][ {period}|][?|]",
        "what [tasks |][are|is] due [before|by] {period}[?|]",
        "<pl>[show|list] {contact_pos} [open |]tasks",
    ),
    "tasks.complete": (
        "<pl>mark [the |my |]<task> [to |]{task} as <done>",
        "<pl>[complete|close|tick off|check off|finish|close out] [the |]<task> [to |]{task}",
        "[done|finished|completed][:| -] {task}",
        "{task} is <done>",
        "[I've|I have|just|I] [done|finished|completed] [the task |]{task}",
        "<pl>mark {contact_pos} <task> as <done>",
        "<pl>[tick off|check off|cross off] {task}[ from my list|]",
        "[the |]<task> [for|about] {contact} is <done>",
        "<pl>mark [the |]{task} [task |]<done>",
    ),
    "appointments.book": (
        "<pl>[book|schedule|pencil in] {contact} [for a|for an|in for a|in for an] {kind} "
        "[on |]{date}[ morning| afternoon| evening|][ at {time}| around {time}|]",
        "<pl>[book|schedule] {contact} {date}[ morning| afternoon|] [at|around] {time}"
        "[, {duration}| for {duration}|]",
        "<pl>[book|set up|arrange] [a|an] {kind} [for|with] {contact} [on |]{date}[ at {time}|]"
        "[ for {duration}|]",
        "<pl>book {contact} [for |on |]{date} at {time}[ for {duration}|]",
        "<pl>[book|schedule|pencil in|put] {contact} [in |]for [a |an |]{duration} [session|"
        "appointment|massage|consult|treatment] [on |]{date}[ at {time}|]",
        "<pl>[book|schedule|make|set up|arrange] [an |a |a new |]<appt> [for|with] {contact} "
        "[on |]{date}[ at {time}|][, {duration}| for {duration}|]",
        "<pl>[book|schedule|pencil in] {contact} [at {time} |]{date}",
        "<pl>[book|schedule] {contact} [in |]for {time} {date}",
        "[can you |]fit {contact} in [on |]{date}[ at {time}|]",
        "{contact} [wants|needs|would like] [an |a |]<appt> [on |]{date}[ at {time}|][, book it| "
        "- please book|]",
        "<pl>[schedule|book] [a |an |]{duration} [session|appointment|<appt>] [for|with] "
        "{contact} [on |]{date}[ at {time}|]",
        "[new <appt>|<appt>][:|,] {contact}, {date}[,| at] {time}[, {duration}|]",
        "<pl>[book|schedule|pencil in] {contact} {date}",
        "<pl>put {contact} [down |]in the [calendar|diary|schedule] [for |on |]{date}[ at {time}|]",
    ),
    "appointments.list": (
        "[what's|what is|whats] on my [schedule|calendar|agenda|diary] [for |]{period}[?|]",
        "[what's|what is] [my schedule|my calendar|my agenda|the schedule] [for |like |]{period}"
        "[?|]",
        "<pl>[show|list|display] [me |][my |all |the |all my |]<appt>s[ [for|on] {period}|]",
        "[who am I seeing|who's coming in|who is booked|who do I have|who's on] {period}[?|]",
        "[any|do I have any] <appt>s {period}[?|]",
        "when is {contact_pos} next <appt>[?|]",
        "<pl>[show|list] {contact_pos} <appt>s",
        "<pl>[show|list] <appt>s [for|with] {contact}",
        "[am I free|how busy am I|is my calendar free|am I booked] {period}[ at {time}|][?|]",
        "[what does|how does] {period} look[ like|][?|]",
        "[what's|whats] [my |]schedule[?|]",
        "[when|what time] is {contact} [coming in|booked][?|]",
    ),
    "appointments.cancel": (
        "<pl>cancel {contact_pos} {kind} [on |]{date}[ morning| afternoon|]",
        "<pl>cancel {contact_pos} [{date} |]<appt>",
        "<pl>cancel [the |my |]<appt> [with|for] {contact}[ [on |]{date}|][ at {time}|]",
        "{contact} [can't make it|called in sick|won't be coming|cancelled][ {date}|][, cancel "
        "[the|her|his|their] <appt>|, please cancel it|]",
        "<pl>[call off|drop|remove|delete] {contact_pos} <appt>[ [on |]{date}|]",
        "<pl>cancel [my |the |]{time} [on {date} |]<appt>",
        "<pl>cancel {contact} [on |for |]{date}",
        "[scrap|cancel] the {date} [session|appointment] with {contact}",
        "<pl>cancel {contact_pos} booking[ at {time}|]",
    ),
}
