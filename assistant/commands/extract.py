"""The classifier's entities -> one procedure's mentions, with exact patterns as a safety net.

The NER finds most mentions; a few it misses or splits ("Jane" of "Jane Doe:", a duration
read as a TIME, both names of a merge labelled CONTACT). A Command's patterns fill what is left
empty, its overrides win where they are more reliable than the model.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from assistant.commands.dates import find_duration
from assistant.procedures.command import Command

if TYPE_CHECKING:
    from assistant.nlu.model import Entity, NLUResult

_WHEN = frozenset({"DATE", "TIME", "DURATION"})
# What ends a message without being part of its text: "..., pls", "thanks!", "asap".
_COURTESY = re.compile(
    r"(?:[\s,.;:!\-\u2013\u2014]+(?:pls|plz|please|thanks|thank you|thx|ty|cheers|asap))+\W*$",
    re.IGNORECASE,
)
_EDGE = " \t,;:.!?-\u2013\u2014"
_STOP = {"I", "On", "At", "For", "To", "And", "The", "Next", "This", "Tomorrow", "Today"}
_NOT_NAME = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december)$",
    re.IGNORECASE,
)


def extend_name(text: str, entity: Entity) -> str:
    """Extend "Jane" to "Jane Doe" when the NER stopped before a capitalised surname."""
    name, end = entity.text, entity.end
    for _ in range(2):
        match = re.match(r"\s+([A-Z][\w'\-]+)", text[end:])
        if not match:
            break
        word = re.sub(r"['\u2019]s?$", "", match.group(1))
        if word in _STOP or _NOT_NAME.match(word) or len(name.split()) >= 3:
            break
        name, end = f"{name} {word}", end + match.end()
    return name


def _join_when(entities: list[Entity]) -> str:
    days = [e.text for e in entities if e.label == "DATE"]
    times = [e.text for e in entities if e.label == "TIME" and not find_duration(e.text)]
    return " at ".join(part for part in (" ".join(days), " ".join(times)) if part)


def _first(entities: list[Entity], labels: tuple[str, ...]) -> Entity | None:
    """The first entity of the first label present: labels are in order of preference."""
    for label in labels:
        found = next((e for e in entities if e.label == label), None)
        if found is not None:
            return found
    return None


def _better(current: Any, found: str) -> bool:
    """A pattern fills an empty slot, or widens a text span the NER cut short."""
    if not current:
        return True
    return isinstance(current, str) and current in found and len(found) > len(current)


def mentions_from_nlu(spec: Command, result: NLUResult, text: str) -> dict[str, Any]:
    """The mentions the classifier's entities (and the command's patterns) give for `spec`."""
    entities = list(result.entities)
    taken: set[tuple[int, int]] = set()
    mentions: dict[str, Any] = {}
    for pattern in spec.overrides:
        if match := pattern.search(text):
            mentions.update({k: v.strip() for k, v in match.groupdict().items() if v})
    for slot in spec.slots:
        if slot.name in mentions or not slot.labels:
            continue
        if slot.labels in (("DATE", "TIME"), ("DATE",)) and slot.kind != "birthdate":
            found = [e for e in entities if e.label in slot.labels]
            if found:
                mentions[slot.name] = _join_when(found) or found[0].text
            continue
        if slot.kind == "duration":
            for entity in entities:
                if entity.label in ("DURATION", "TIME") and find_duration(entity.text):
                    mentions[slot.name] = entity.text
                    break
            continue
        free = [e for e in entities if (e.start, e.end) not in taken]
        found_entity = _first(free, slot.labels)
        if found_entity is None:
            continue
        entity = found_entity
        taken.add((entity.start, entity.end))
        if slot.kind == "contact" and entity.label == "CONTACT":
            mentions[slot.name] = extend_name(text, entity)
        elif slot.kind == "tags":
            mentions[slot.name] = [e.text for e in entities if e.label == "TAG"]
        else:
            mentions[slot.name] = entity.text
    for pattern in spec.patterns:
        if match := pattern.search(text):
            for key, value in match.groupdict().items():
                captured = spec.slot(key)
                if not value or captured is None:
                    continue
                value = _clipped(text, match.span(key), entities, captured.labels)
                if value and _better(mentions.get(key), value):
                    mentions[key] = value
    return mentions


def _clipped(
    text: str, span: tuple[int, int], entities: list[Entity], labels: tuple[str, ...]
) -> str:
    """A pattern's capture, cut before the first date, time or duration the NER found inside
    it: "remind me to (call Maria tmrw) at 10" is the title "call Maria" when the NER read
    "tmrw" as the date. (A name stays: "send the form to Omar" is the task.)"""
    start, end = span
    for entity in entities:
        if entity.label in _WHEN and entity.label not in labels and start < entity.start < end:
            end = entity.start
    return _COURTESY.sub("", text[start:end]).strip(_EDGE)
