"""Per procedure: the mentions it takes, where the classifier finds them, how they resolve.

One `Spec` per procedure, in a registry (`SPECS`), drives three things: reading mentions from
the classifier's entities (plus exact patterns for what the NER misses), the LLM's
mention-level tool schema, and filling the procedure's input (see fill.py). Mention names
double as the keys of `args`; where a mention is a literal value its name is the procedure's
own argument name (body, starts_at, tag), references are named for what they point at
(contact, duplicate, note, task, appointment, draft).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

Kind = Literal[
    "contact", "text", "when", "range", "before", "birthdate", "duration", "tag", "tags",
    "purpose", "email", "phone", "name", "flag", "status", "record", "day",
]  # fmt: skip
MINE = r"\b(?:my|me|mine|i|i'm|im)\b"


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    kind: Kind
    description: str
    target: tuple[str, ...] = ()
    """Procedure argument(s) it fills; empty for mentions only other slots read (a day)."""
    labels: tuple[str, ...] = ()
    required: bool = False
    question: str = ""
    option: str = ""
    """Kind-specific: the record kind, "needs_time" for bookings, "search" for free text."""
    max_length: int = 80


@dataclass(frozen=True, slots=True)
class Spec:
    procedure: str
    slots: tuple[Slot, ...]
    patterns: tuple[re.Pattern[str], ...] = ()
    """Fallbacks for slots the entities left empty: named groups are slot names."""
    overrides: tuple[re.Pattern[str], ...] = ()
    """Patterns more reliable than the NER for this procedure: they win when they match."""
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)


def _p(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def contact(
    question: str,
    *,
    required: bool = True,
    name: str = "contact",
    labels: tuple[str, ...] = ("CONTACT", "EMAIL", "PHONE"),
) -> Slot:
    target = ("duplicate_id",) if name == "duplicate" else ("contact_id",)
    labels = ("DUPLICATE",) if name == "duplicate" else labels
    return Slot(
        name, "contact", "the client: a name, e-mail or phone number as written",
        target, labels, required, question,
    )  # fmt: skip


def day(description: str = "the day it is on, as written (e.g. 'Tuesday', 'March 3')") -> Slot:
    return Slot("date", "day", description, (), ("DATE", "TIME"))


TAG_SLOT = Slot("tag", "tag", "the tag, e.g. 'vip'", ("tag",), ("TAG",), True, "Which tag?")
_TAG_AS = _p(r"\b(?:as|with)\s+(?:an?\s+)?['\"]?(?P<tag>[\w][\w\- ]{0,40}?)['\"]?\s*(?:tag)?[.!]*$")
_TAG_NAMED = _p(r"\b(?:the|a)\s+['\"]?(?P<tag>[\w][\w\-]{0,40})['\"]?\s+tag\b")
_DURATION = _p(
    r"\b(?:for\s+)?(?P<duration_minutes>\d+(?:\.\d+)?\s*(?:min(?:ute)?s?|h(?:ou)?rs?|hours?)"
    r"|half an hour|an hour|one hour)\b"
)
_BODY_AFTER_COLON = _p(r"[:\-\u2013]\s+(?P<body>.{2,})$")

# A declaration table: one row per procedure, easier to read unwrapped.
# fmt: off
_SPECS: tuple[Spec, ...] = (
    Spec("contacts.create", (
        Slot("name", "name", "the new client's full name", ("first_name", "last_name"),
             ("CONTACT",), True, "What is the new client's name?"),
        Slot("email", "email", "e-mail address", ("email",), ("EMAIL",)),
        Slot("phone", "phone", "phone number", ("phone",), ("PHONE",)),
        Slot("date_of_birth", "birthdate", "date of birth as written", ("date_of_birth",),
             ("DATE",)),
        Slot("tags", "tags", "tags, comma-separated", ("tags",), ("TAG",)),
    )),
    Spec("contacts.get", (contact("Which contact should I show?"),)),
    Spec("contacts.search", (
        Slot("query", "text", "part of a name, e-mail or phone", ("query",),
             ("CONTACT", "EMAIL", "PHONE"), option="search"),
        Slot("tag", "tag", "only contacts with this tag", ("tag",), ("TAG",)),
    ), patterns=(_p(r"\btag(?:ged)?\s+(?:as\s+|with\s+)?(?P<tag>[\w\-]+)\s*[?.!]*$"),)),
    Spec("contacts.update", (
        contact("Whose details should I change?", labels=("CONTACT",)),
        Slot("email", "email", "the new e-mail address", ("email",), ("EMAIL",)),
        Slot("phone", "phone", "the new phone number", ("phone",), ("PHONE",)),
        Slot("date_of_birth", "birthdate", "the new date of birth as written",
             ("date_of_birth",), ("DATE",)),
        Slot("address", "text", "the new postal address", ("address",)),
        Slot("first_name", "text", "the new first name", ("first_name",)),
        Slot("last_name", "text", "the new last name", ("last_name",)),
    ), patterns=(_p(r"\baddress\s+(?:is|to)\s+(?P<address>.{4,})$"),
                 _p(r"\blast name\s+(?:is|to)\s+(?P<last_name>[\w\-']+)"),
                 _p(r"\bfirst name\s+(?:is|to)\s+(?P<first_name>[\w\-']+)"))),
    Spec("contacts.delete", (contact("Which contact should I delete?"),)),
    Spec("contacts.enrich", (contact("Which contact should I enrich?"),)),
    Spec("contacts.merge", (
        contact("Which contact should the duplicate be merged into?"),
        contact("Which contact is the duplicate?", name="duplicate"),
    ), overrides=(
        _p(r"\bmerge\s+(?:the\s+)?(?:duplicate\s+)?['\"]?(?P<duplicate>.+?)['\"]?\s+"
           r"(?:into|in to|with)\s+['\"]?(?P<contact>.+?)['\"]?\s*[.!]*$"),
        _p(r"^['\"]?(?P<duplicate>.+?)['\"]?\s+is\s+a\s+(?:duplicate|dupe|copy)\s+of\s+['\"]?"
           r"(?P<contact>.+?)['\"]?(?:\s*,.*)?$"),
    )),
    Spec("notes.add", (
        contact("Which contact is the note for?"),
        Slot("body", "text", "the note's text, exactly as written", ("body",), ("BODY",), True,
             "What should the note say?", max_length=2000),
    ), patterns=(_BODY_AFTER_COLON,)),
    Spec("notes.list", (contact("Whose notes should I show?"),)),
    Spec("notes.delete", (
        contact("Whose note should I delete?"),
        Slot("note", "record", "words of the note, or 'last'", ("note_id",), ("BODY",), True,
             "Which note should I delete?", option="note"),
        day("the day the note was written, as written"),
    )),
    Spec("tasks.create", (
        Slot("title", "text", "what is to be done", ("title",), ("BODY",), True,
             "What is the task?", max_length=200),
        contact("", required=False),
        Slot("due_at", "when", "when it is due, as written (e.g. 'tomorrow', 'friday 3pm')",
             ("due_at",), ("DATE", "TIME")),
    ), patterns=(_p(r"\bremind me to\s+(?P<title>.+?)(?:\s+(?:by|on|at|next|this|tomorrow|today|"
                    r"tonight|in \w+ (?:days?|weeks?))\b.*)?$"),
                 _BODY_AFTER_COLON)),
    Spec("tasks.list", (
        Slot("status", "status", "open, done or all", ("status",)),
        Slot("due_at", "before", "due by this day, as written", ("due_before",), ("DATE",)),
        contact("", required=False),
        Slot("mine", "flag", "true for the user's own tasks", ("mine",), option=MINE),
    )),
    Spec("tasks.complete", (
        Slot("task", "record", "words of the task's title", ("task_id",), ("BODY",), True,
             "Which task should I mark as done?", option="task"),
        contact("", required=False),
        day("the day it was due, as written"),
    )),
    Spec("appointments.book", (
        contact("Who is the appointment for?"),
        Slot("starts_at", "when", "day and time, as written (e.g. 'next Tuesday at 3pm')",
             ("starts_at",), ("DATE", "TIME"), True, "When should I book it?",
             option="needs_time"),
        Slot("duration_minutes", "duration", "length, as written (e.g. '45 minutes')",
             ("duration_minutes",), ("DURATION",)),
    ), patterns=(_DURATION,)),
    Spec("appointments.list", (
        Slot("date", "range", "the day or week, as written (e.g. 'friday', 'next week')",
             ("date_from", "date_to"), ("DATE",)),
        contact("", required=False),
        Slot("mine", "flag", "true for the user's own schedule", ("mine",), option=MINE),
    )),
    Spec("appointments.cancel", (
        contact("Whose appointment should I cancel?"),
        Slot("appointment", "record", "the appointment's day and time, as written",
             ("appointment_id",), ("DATE", "TIME"), True, "Which appointment should I cancel?",
             option="appointment"),
    )),
    Spec("emails.draft", (
        contact("Who is the e-mail to?"),
        Slot("purpose", "purpose", "follow_up, reminder, welcome or custom", ("purpose",),
             ("PURPOSE",)),
        Slot("instructions", "text", "what the e-mail should say, as written",
             ("instructions",), ("BODY",), max_length=500),
    ), patterns=(_p(r"\b(?P<instructions>(?:about|regarding|asking|telling|to remind|"
                    r"mention(?:ing)?|saying|for (?:his|her|their))\b.+)$"),)),
    Spec("emails.update", (
        contact("Whose draft should I change?"),
        Slot("draft", "record", "words of the draft (its purpose or subject)", ("draft_id",),
             ("PURPOSE",), True, "Which draft?", option="draft"),
        Slot("subject", "text", "the new subject", ("subject",)),
        Slot("body", "text", "the new body", ("body",), max_length=2000),
    ), patterns=(_p(r"\bsubject\b.*?\bto\s+['\"]?(?P<subject>.+?)['\"]?\s*$"),)),
    Spec("emails.send", (
        contact("Whose e-mail should I send?"),
        Slot("draft", "record", "words of the draft (its purpose or subject)", ("draft_id",),
             ("PURPOSE",), True, "Which draft should I send?", option="draft"),
    )),
    Spec("tags.add", (contact("Which contact should I tag?"), TAG_SLOT),
         patterns=(_TAG_NAMED, _TAG_AS)),
    Spec("tags.remove", (contact("Which contact should I untag?"), TAG_SLOT),
         patterns=(_TAG_NAMED, _p(r"\b(?:remove|take)\s+(?:the\s+)?(?:tag\s+)?['\"]?"
                                  r"(?P<tag>[\w\-]+)['\"]?\s+(?:tag\s+)?(?:off|from)\b"))),
)
# fmt: on

SPECS: Mapping[str, Spec] = MappingProxyType({spec.procedure: spec for spec in _SPECS})
