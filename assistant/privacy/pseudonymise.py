"""Pseudonymise mode: identifiers become stable placeholders, and come back after.

Replace mode (the log scrubber) writes ``<PERSON>`` and forgets; a text sent to a hosted model
must come back readable, so here each distinct value gets its own placeholder for the life of
one request (``<PERSON_1>``, ``<PHONE_NUMBER_2>``...), the same value the same placeholder in
every string of the request, and the reply is mapped back:

    pseudonymiser = Pseudonymiser(scrubber.analyze)
    masked = pseudonymiser.mask([system_prompt, *history, note])   # what leaves the machine
    reply = pseudonymiser.restore(completion)                      # what the user sees
    restorer = pseudonymiser.stream()                              # or, delta by delta:
    for delta in chunks: yield restorer.feed(delta)
    yield restorer.flush()
    arguments = pseudonymiser.restore_value(json.loads(tool_call_arguments))

Models alter placeholders: ``<Person_1>``, ``PERSON_1``, ``[PERSON 1]`` are restored too; a
placeholder the model invented (``<PERSON_7>`` when there were two people) stays as text.
A streamed placeholder split across deltas is held back until it is complete.
One ``Pseudonymiser`` per request; it is not shared between threads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from assistant.privacy.scrubber import Span, resolve_overlaps

Analyzer = Callable[[str], Sequence[Span]]

_OPEN = "<[{"
_CLOSE = ">]}"
_SEPARATORS = "_ -"
# The longest altered placeholder we hold back for ("<MEDICAL_RECORD_NUMBER_123>" and room).
_MAX_HOLD = 64
# Values shorter than this are not swept into other strings (too many false hits).
_MIN_SWEEP = 3
_ANY_PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*[A-Z])_(\d+)>")


@dataclass(frozen=True, slots=True)
class Placeholder:
    entity_type: str
    number: int

    @property
    def text(self) -> str:
        return f"<{self.entity_type}_{self.number}>"


def _key(value: str) -> str:
    return " ".join(value.split()).casefold()


class Pseudonymiser:
    """Stable placeholders for one request, and the map back."""

    def __init__(self, analyze: Analyzer) -> None:
        self._analyze = analyze
        self._by_value: dict[str, Placeholder] = {}
        self._originals: dict[Placeholder, str] = {}
        self._counters: dict[str, int] = {}
        self._reserved: set[tuple[str, int]] = set()
        self._pattern: re.Pattern[str] | None = None
        self._sweep: re.Pattern[str] | None = None

    # -- masking ---------------------------------------------------------------------------

    def mask(self, texts: Sequence[str]) -> list[str]:
        """Each text with its identifiers replaced; call again for more strings of the request.

        A value found in one string is also replaced where it appears in the others (a surname
        the recognizers missed in a tool result is still masked if they found it in the prompt).
        """
        for text in texts:
            self._reserve_literal_placeholders(text)
        found = [list(self._analyze(text)) for text in texts]
        for text, spans in zip(texts, found, strict=True):
            for span in spans:
                self._placeholder_for(text[span.start : span.end], span.entity_type)
        return [self._replace(text, spans) for text, spans in zip(texts, found, strict=True)]

    def mask_text(self, text: str) -> str:
        return self.mask([text])[0]

    def _reserve_literal_placeholders(self, text: str) -> None:
        # A text that already holds "<PERSON_1>" keeps it as text: we never issue that number.
        for match in _ANY_PLACEHOLDER.finditer(text):
            self._reserved.add((match.group(1), int(match.group(2))))

    def _placeholder_for(self, value: str, entity_type: str) -> Placeholder:
        key = _key(value)
        existing = self._by_value.get(key)
        if existing is not None:
            return existing
        number = self._counters.get(entity_type, 0)
        while True:
            number += 1
            if (entity_type, number) not in self._reserved:
                break
        self._counters[entity_type] = number
        placeholder = Placeholder(entity_type, number)
        self._by_value[key] = placeholder
        self._originals[placeholder] = value
        self._pattern = None
        self._sweep = None
        return placeholder

    def _replace(self, text: str, spans: Iterable[Span]) -> str:
        spans = resolve_overlaps([*spans, *self._known_occurrences(text)])
        parts: list[str] = []
        cursor = 0
        for span in spans:
            value = text[span.start : span.end]
            parts.append(text[cursor : span.start])
            parts.append(self._placeholder_for(value, span.entity_type).text)
            cursor = span.end
        parts.append(text[cursor:])
        return "".join(parts)

    def _known_occurrences(self, text: str) -> list[Span]:
        sweep = self._sweep_pattern()
        if sweep is None:
            return []
        spans = []
        for match in sweep.finditer(text):
            placeholder = self._by_value.get(_key(match.group()))
            if placeholder is not None:
                spans.append(Span(match.start(), match.end(), placeholder.entity_type, 1.0))
        return spans

    def _sweep_pattern(self) -> re.Pattern[str] | None:
        """Every value masked so far, any case and spacing, not inside a longer word."""
        if self._sweep is None:
            values = [v for v in self._originals.values() if len(v.strip()) >= _MIN_SWEEP]
            if not values:
                return None
            values.sort(key=len, reverse=True)
            alternatives = "|".join(r"\s+".join(map(re.escape, v.split())) for v in values)
            self._sweep = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return self._sweep

    # -- the map back ----------------------------------------------------------------------

    @property
    def mapping(self) -> dict[str, str]:
        """Placeholder text -> the original value (first spelling seen)."""
        return {p.text: value for p, value in self._originals.items()}

    @property
    def count(self) -> int:
        """How many distinct values were masked."""
        return len(self._originals)

    def restore(self, text: str) -> str:
        """Put the original values back; altered placeholders too, invented ones stay."""
        if not self._originals:
            return text
        return self._restore_pattern().sub(self._substitute, text)

    def restore_value(self, value: Any) -> Any:
        """Restore every string inside parsed JSON (tool-call arguments): dicts, lists, str."""
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self.restore_value(v) for v in value]
        if isinstance(value, dict):
            return {self.restore_value(k): self.restore_value(v) for k, v in value.items()}
        return value

    def stream(self) -> StreamRestorer:
        return StreamRestorer(self)

    def _restore_pattern(self) -> re.Pattern[str]:
        # In brackets any case and separator ("<Person 1>", "[PERSON-1]"); bare only with the
        # underscores ("PERSON_1", "person_1"), so "phone number 1" in prose stays prose.
        if self._pattern is None:
            types = sorted({p.entity_type for p in self._originals}, key=len, reverse=True)
            loose = "|".join(re.escape(t).replace("_", "[_ -]") for t in types)
            strict = "|".join(re.escape(t) for t in types)
            self._pattern = re.compile(
                rf"[{re.escape(_OPEN)}]({loose})[_ -]?(\d+)[{re.escape(_CLOSE)}]?"
                rf"|\b({strict})_(\d+)\b",
                re.IGNORECASE,
            )
        return self._pattern

    def _substitute(self, match: re.Match[str]) -> str:
        name, number = match.group(1, 2) if match.group(1) else match.group(3, 4)
        entity_type = re.sub(r"[ -]", "_", name).upper()
        original = self._originals.get(Placeholder(entity_type, int(number)))
        return match.group(0) if original is None else original

    @property
    def entity_types(self) -> frozenset[str]:
        """The types of the placeholders issued so far."""
        return frozenset(p.entity_type for p in self._originals)


def _could_grow(tail: str, entity_types: Iterable[str]) -> bool:
    """Could ``tail`` still grow into a placeholder (so it must wait for the next delta)?"""
    rest = tail[1:] if tail[:1] in _OPEN else tail
    if not rest:
        return bool(tail)
    upper = rest.upper()
    for entity_type in entity_types:
        n = min(len(upper), len(entity_type))
        if not all(_same(a, b) for a, b in zip(upper[:n], entity_type[:n], strict=True)):
            continue
        if len(upper) <= len(entity_type):
            return True
        if re.fullmatch(rf"[{_SEPARATORS}]?\d*", upper[len(entity_type) :]):
            return True
    return False


def _same(char: str, expected: str) -> bool:
    return char == expected or (expected == "_" and char in _SEPARATORS)


class StreamRestorer:
    """Restores a streamed reply delta by delta; a split placeholder waits until complete."""

    def __init__(self, pseudonymiser: Pseudonymiser) -> None:
        self._pseudonymiser = pseudonymiser
        self._buffer = ""
        self._last = " "  # the last character shown: a placeholder glued to a word is none

    def feed(self, delta: str) -> str:
        """The restored text that is safe to show now (possibly empty)."""
        self._buffer += delta
        hold = self._hold_from()
        ready, self._buffer = self._buffer[:hold], self._buffer[hold:]
        return self._emit(ready)

    def flush(self) -> str:
        """The rest, at the end of the stream."""
        ready, self._buffer = self._buffer, ""
        return self._emit(ready)

    def _emit(self, ready: str) -> str:
        if not ready:
            return ""
        # Restore with the previous character in front, so word boundaries read as in the
        # whole text, then drop it again.
        lead = "a" if self._last.isalnum() or self._last == "_" else " "
        restored = self._pseudonymiser.restore(lead + ready)[1:]
        self._last = ready[-1]
        return restored

    def _hold_from(self) -> int:
        buffer = self._buffer
        types = self._pseudonymiser.entity_types
        if not types:
            return len(buffer)
        for i in range(max(0, len(buffer) - _MAX_HOLD), len(buffer)):
            before = buffer[i - 1] if i else self._last
            starts = buffer[i] in _OPEN or (
                buffer[i].isalpha() and not (before.isalnum() or before == "_")
            )
            if starts and _could_grow(buffer[i:], types):
                return i
        return len(buffer)
