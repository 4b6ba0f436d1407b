"""Deterministic fix-ups applied to the pipeline's output once the intent is known.

The NER sees words, not the command; with the intent decided, the labelling guide
(models/nlu/LABELLING.md) settles what the spans must be:

- `join_names`: a name the tokenizer split at a hyphen ("Tanaka" "-" "Reid") is one mention.
- `whole_names`: a mention grows over capitalised words right beside it that are not command
  or calendar words ("Ms Rosalind [Achterberg]" -> "Rosalind Achterberg", "[Li] Na"), but
  never over the first word of a sentence, which is as often a verb ("Wipe [Kim Schultz]").
- `drop_repeats`: a one-word mention repeating a fuller name said before it is the same
  person again, when the command already has its people ("..., merge into [Robert]").
- `merge_roles`: in a merge the record after "into", "keep" or "dupe of" is the one kept, the
  one after "old record" or "entry as" is merged away; with no cue and both people given the
  same role, the one written first is merged away ("merge Jon Smith into John Smith").
- `join_body`: free text is one span. Pieces of a note or task the NER split apart, and
  dates or numbers inside a note ("reports fewer panic attacks this week"), become one BODY.
- `extend_note`: a note runs to the end of its sentence, less a trailing command or
  courtesy ("..., add that as a note", "pls"); the NER tends to stop early on long notes.
- `keep_used`: a span whose label no argument of the intent reads is dropped (a BODY
  guessed inside "tag Ana as vip, she left the company" is noise, not an argument).
- `trim_body`: lead-ins and edges the guide leaves out ("that ...", "saying ...", "the",
  "about", "note"/"task" in what identifies a record, trailing punctuation).

Each fix-up is `(intent, text, entities) -> entities`; `tidy` runs them in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from assistant.nlu.labels import INTENT_LABELS, PERSON_LABELS

if TYPE_CHECKING:
    from assistant.nlu.model import Entity

Fixup = Callable[[str, str, list["Entity"]], list["Entity"]]

MERGE = "contacts.merge"
BODY = "BODY"
# Between two pieces of one free text: punctuation and spaces only.
_JOINABLE = re.compile(r"^[\s,;:.&+/\-\u2013\u2014]*$")
# Where a note stops: the end of its sentence, or a command or courtesy after it.
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
_NOTE_TAIL = re.compile(
    r"[\s,.;:!\-\u2013\u2014]*(?:(?:(?:pls|please|can you|could you|and|then)\s+)*"
    r"(?:add|put|save|log|record|jot|write|stick|pop)\b.*"
    r"|(?:pls|please|thanks|thank you|thx|ty|cheers|asap)\W*)$",
    re.IGNORECASE,
)
_LEAD_IN = re.compile(r"^(?:that|saying|to say|which says|stating)\s+", re.IGNORECASE)
_RECORD_WORDS = {
    "notes.delete": (
        re.compile(r"^(?:the|my|a|this|that|about|re:?|on|regarding|called)\s+", re.IGNORECASE),
        re.compile(r"\s+(?:note|notes|entry)$", re.IGNORECASE),
    ),
    "tasks.complete": (
        re.compile(r"^(?:the|my|a|this|that|task|to-?do)\s+", re.IGNORECASE),
        re.compile(r"\s+(?:task|to-?do|reminder|item)$", re.IGNORECASE),
    ),
}
# Words right before the person a merge keeps.
_KEPT_BEFORE = re.compile(
    r"\b(?:into|in to|onto|keep|keeping|kept|to keep|main record is|master is|"
    r"(?:duplicate|dupe|copy) of)\s+"
    r"(?:the\s+)?(?:record\s+(?:for|of)\s+|contact\s+)?['\"]?$",
    re.IGNORECASE,
)
# Words right before the person a merge removes.
_COPY_BEFORE = re.compile(
    r"\b(?:duplicate|dupe|copy|old record|old entry|other record|second record|entry as|"
    r"entered as|also as|other one is|extra)\s+(?:for\s+|as\s+)?['\"]?$",
    re.IGNORECASE,
)
_CLAUSE_START = ".!?:;,-\u2013\u2014(\"'"
_WORD_BEFORE = re.compile(r"([\w'\-]+) $")
_WORD_AFTER = re.compile(r"[ \-]([\w'\-]+)(?=$|[\s,.;:!?)'])")
_NAME_BREAK = re.compile(r"\s+[\-\u2013\u2014:;]\s+|[,;:]\s+")
_HONORIFIC = re.compile(r".*?\b(?:mr|mrs|ms|miss|mx|dr|prof|doctor)\b\.?\s+(?=\S)", re.IGNORECASE)
# Capitalised words that are not part of a name: titles, calendar words, command words.
_NOT_NAME_WORDS = """mr mrs ms miss mx dr doctor prof sr jr i
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs
    fri sat sun january february march april
    may june july august september october november december jan feb mar apr jun jul aug sep
    sept oct nov dec today tomorrow tonight yesterday next this last please pls hi hey hello
    ok okay so also can could would just and or but the a an to for from with on at by of in
    into is was tag untag book rebook cancel add new note notes delete remove merge find search
    show open pull look get send draft email e-mail write call ring text update change set
    create make put mark flag label client patient contact record file appointment appt task
    reminder remind todo enrich dedupe combine fold thanks thx yes no sorry what who when where
    how why which does did do is are gp acc ndis vip as about re regarding that his her their
    he she they we me my our your it its up out off over after before again too all any some
    there here be been has have had will should now still just not"""
NOT_NAMES = frozenset(_NOT_NAME_WORDS.split())
_EDGE = " \t,.;:!?\"'\u201c\u201d\u2018\u2019-\u2013\u2014"


def _uses(intent: str, label: str) -> bool:
    return label in INTENT_LABELS.get(intent, frozenset())


def _span(text: str, start: int, end: int, label: str, like: Entity) -> Entity:
    return replace(like, label=label, text=text[start:end], start=start, end=end)


def join_names(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """Two person spans joined by a bare hyphen are one double-barrelled name."""
    ordered = sorted(entities, key=lambda e: e.start)
    out: list[Entity] = []
    for entity in ordered:
        last = out[-1] if out else None
        if (
            last is not None
            and last.label in PERSON_LABELS
            and entity.label in PERSON_LABELS
            and text[last.end : entity.start] == "-"
        ):
            out[-1] = _span(text, last.start, entity.end, last.label, last)
        else:
            out.append(entity)
    return out


def _name_word(word: str, shouted: bool = False) -> bool:
    """A word that may be part of a name: capitalised (in shouted text any case will do),
    letters only, and no title, calendar or command word."""
    bare = word.replace("'", "").replace("-", "")
    initial = len(bare) == 1 and bare.isupper()
    return (
        word[:1].isupper()
        and bare.isalpha()
        and (initial or shouted or not word.isupper())
        and word.lower().rstrip(".") not in NOT_NAMES
    )


def _shouted(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def whole_names(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """Extend person spans over adjacent capitalised name words (one space or a hyphen apart);
    cut a span back to what follows an honorific inside it ("Shot Dr. Christoffersen")."""
    taken = [(e.start, e.end) for e in entities]
    shouted = _shouted(text)
    out: list[Entity] = []
    for e in entities:
        if e.label not in PERSON_LABELS:
            out.append(e)
            continue
        start, end = e.start, e.end
        if (title := _HONORIFIC.match(text, start, end)) is not None:
            start = title.end()
        if (gap := _NAME_BREAK.search(text, start, end)) is not None:
            end = gap.start()  # names hold no spaced dash or comma: "Priya Nair - allergic"
        while (found := _WORD_BEFORE.search(text, 0, start)) and _name_word(found.group(1)):
            before = text[: found.start(1)].rstrip()
            if not before or before[-1] in _CLAUSE_START:
                break  # a capital that starts a sentence is as likely a verb ("Wipe Kim ...")
            if any(a < start and b > found.start(1) for a, b in taken):
                break
            start = found.start(1)
        while (found := _WORD_AFTER.match(text, end)) and _name_word(found.group(1)):
            if any(a < found.end(1) and b > end for a, b in taken):
                break
            end = found.end(1)
        if (
            shouted  # case tells nothing: a one-word mention takes one more name word
            and " " not in text[start:end]  # ("BOOK [ANYA] PETROVA MONDAY")
            and (found := _WORD_AFTER.match(text, end))
            and _name_word(found.group(1), shouted=True)
            and not any(a < found.end(1) and b > end for a, b in taken)
        ):
            end = found.end(1)
        out.append(_span(text, start, end, e.label, e) if (start, end) != (e.start, e.end) else e)
    return out


def drop_repeats(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """A one-word mention that repeats part of a fuller name written before it is the same
    person again ("merge Bob Ferguson into Robert Ferguson ... into [Robert]"), once the
    command already names as many people as it takes (two for a merge, one otherwise)."""
    people = [e for e in entities if e.label in PERSON_LABELS]
    if len(people) <= (2 if intent == MERGE else 1):
        return entities
    repeats: set[int] = set()
    for index, later in enumerate(people):
        word = later.text.lower()
        if " " in word or "-" in word:
            continue
        if any(
            " " in p.text and word in re.split(r"[\s\-]+", p.text.lower()) for p in people[:index]
        ):
            repeats.add(id(later))
    return [e for e in entities if id(e) not in repeats]


def merge_roles(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """Give the two people of a merge their roles: the kept CONTACT and the DUPLICATE."""
    if intent != MERGE:
        return entities
    people = [e for e in entities if e.label in PERSON_LABELS]
    if len(people) != 2:
        return entities
    first, second = people
    kept = [p for p in people if _KEPT_BEFORE.search(text[: p.start])]
    copies = [p for p in people if _COPY_BEFORE.search(text[: p.start])]
    if len(kept) == 1:
        keep = kept[0]
    elif len(copies) == 1:
        keep = second if copies[0] is first else first
    elif first.label == second.label:
        keep = second
    else:
        return entities
    roles = {id(p): "CONTACT" if p is keep else "DUPLICATE" for p in people}
    return [replace(e, label=roles[id(e)]) if id(e) in roles else e for e in entities]


def join_body(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """Adjacent BODY pieces, and spans of labels the intent does not read, make one BODY."""
    if not _uses(intent, BODY):
        return entities
    ordered = sorted(entities, key=lambda e: e.start)
    out: list[Entity] = []
    group: list[Entity] = []

    def absorbable(e: Entity) -> bool:
        return e.label == BODY or not _uses(intent, e.label)

    def flush() -> None:
        if len(group) > 1 and any(e.label == BODY for e in group):
            out.append(_span(text, group[0].start, group[-1].end, BODY, group[0]))
        else:
            out.extend(group)
        group.clear()

    for entity in ordered:
        if group and absorbable(entity) and _JOINABLE.match(text[group[-1].end : entity.start]):
            group.append(entity)
            continue
        flush()
        if absorbable(entity):
            group.append(entity)
        else:
            out.append(entity)
    flush()
    return out


def extend_note(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """A note's BODY runs on to the end of its sentence when nothing else is written there."""
    if intent != "notes.add":
        return entities
    bodies = [e for e in entities if e.label == BODY]
    if len(bodies) != 1:
        return entities
    body = bodies[0]
    later = [e.start for e in entities if e.start >= body.end]
    stop = min(later, default=len(text))
    end_of_sentence = _SENTENCE_END.search(text, body.end)
    if end_of_sentence is not None:
        stop = min(stop, end_of_sentence.start())
    tail = text[body.end : stop]
    cut = _NOTE_TAIL.search(tail)
    if cut is not None:
        tail = tail[: cut.start()]
    end = body.end + len(tail.rstrip(_EDGE))
    if end <= body.end:
        return entities
    return [_span(text, body.start, end, BODY, e) if e is body else e for e in entities]


def keep_used(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """Drop spans whose label no argument of the intent is filled from."""
    if intent not in INTENT_LABELS:
        return entities
    return [e for e in entities if _uses(intent, e.label)]


def trim_body(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """Leave lead-ins, record words and edge punctuation out of BODY spans."""
    out: list[Entity] = []
    for e in entities:
        if e.label != BODY:
            out.append(e)
            continue
        start, end = e.start, e.end
        piece = text[start:end]
        patterns: Sequence[re.Pattern[str]] = (_LEAD_IN, *_RECORD_WORDS.get(intent, ()))
        changed = True
        while changed:
            changed = False
            for pattern in patterns:
                found = pattern.search(piece)
                if found is not None and found.end() - found.start() < len(piece):
                    if found.start() == 0:
                        start += found.end()
                    else:
                        end -= len(piece) - found.start()
                    piece = text[start:end]
                    changed = True
            stripped = piece.strip(_EDGE)
            if stripped and stripped != piece:
                start += piece.index(stripped)
                end = start + len(stripped)
                piece = stripped
                changed = True
        out.append(_span(text, start, end, BODY, e) if (start, end) != (e.start, e.end) else e)
    return out


FIXUPS: tuple[Fixup, ...] = (
    join_names,
    whole_names,
    drop_repeats,
    merge_roles,
    join_body,
    extend_note,
    keep_used,
    trim_body,
)


def tidy(intent: str, text: str, entities: list[Entity]) -> list[Entity]:
    """Run every fix-up, in order."""
    for fixup in FIXUPS:
        entities = fixup(intent, text, entities)
    return entities
