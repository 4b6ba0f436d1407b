"""Hand-written examples in a readable markup, turned into labelled `Example`s.

One example per line: `intent | text`, where each entity is written in place as
`[the words](LABEL)`. Blank lines and lines starting with `#` are skipped:

    notes.add | add a note to [Jane Doe](CONTACT): [prefers morning sessions](BODY)

People write these files (see models/nlu/LABELLING.md); offsets are computed here, so a
span can never be off by one. A bad line fails with its file and line number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from assistant.nlu.data import DataError, Example, crm_labels, parse_example

_SPAN = re.compile(r"\[([^\[\]]+)\]\(([A-Z]+)\)")


def parse_line(line: str) -> Example:
    """One `intent | marked text` line; raises ValueError with a short reason."""
    intent, sep, marked = line.partition("|")
    if not sep:
        raise ValueError("expected 'intent | text'")
    marked = marked.strip()
    text_parts: list[str] = []
    entities: list[dict[str, object]] = []
    position = cursor = 0
    for match in _SPAN.finditer(marked):
        plain = marked[cursor : match.start()]
        text_parts.append(plain)
        position += len(plain)
        words, label = match.group(1), match.group(2)
        entities.append({"start": position, "end": position + len(words), "label": label})
        text_parts.append(words)
        position += len(words)
        cursor = match.end()
    text_parts.append(marked[cursor:])
    text = "".join(text_parts)
    if "](" in text:  # a mark the pattern did not take: lower-case label, nested brackets
        raise ValueError("malformed span: write [words](LABEL) with an upper-case label")
    raw = {"text": text, "intent": intent.strip(), "entities": entities}
    return parse_example(raw, crm_labels())


def read_markup(path: Path) -> list[Example]:
    """Every example in one markup file; the first bad line raises DataError naming it."""
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            examples.append(parse_line(line))
        except ValueError as exc:
            raise DataError(f"{path}:{number}: {exc}") from None
    return examples


def read_markup_files(paths: Iterable[Path]) -> list[Example]:
    return [example for path in sorted(paths) for example in read_markup(path)]


if __name__ == "__main__":  # pragma: no cover - `python -m assistant.nlu.markup FILE...`: check
    import sys
    from collections import Counter

    try:
        found = read_markup_files(Path(p) for p in sys.argv[1:])
    except DataError as exc:
        sys.exit(f"error: {exc}")
    counts = Counter(e.intent for e in found)
    print(f"{len(found)} examples, {len({e.text.lower() for e in found})} distinct")
    for intent, n in sorted(counts.items()):
        print(f"  {intent}: {n}")
