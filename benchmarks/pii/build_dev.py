"""Build the hand-written development sets (data/*.json) from their sources (data/*.txt).

Sources: ``pii_dev.txt`` (the first dev set), ``dev_generalise.txt`` (international addresses,
postcodes, record numbers, dates and names in log lines, exceptions, e-mails, notes, chats and
forms; for tuning) and ``dev_check.txt`` (written at the same time, in the same spirit, and
only scored before and after a round of changes, never tuned on), and ``dev_prose.txt``
(sentences as people write them, written after the first round and scored before the second;
for tuning). Each holds records split by
a line "---"; each record starts with "kind: <kind>" and marks labelled values as
[[value|TYPE]] (the label conventions of benchmarks/pii/data/README.md). The frozen sets are
not built here and never tuned on.
Run: .venv/bin/python benchmarks/pii/build_dev.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent
SOURCES = {
    HERE / "data" / "pii_dev.txt": HERE / "data" / "pii_dev.json",
    HERE / "data" / "dev_generalise.txt": HERE / "data" / "dev_generalise.json",
    HERE / "data" / "dev_check.txt": HERE / "data" / "dev_check.json",
    HERE / "data" / "dev_prose.txt": HERE / "data" / "dev_prose.json",
}
KINDS = {"log", "exception", "email", "note", "chat", "other"}
_MARK = re.compile(r"\[\[([^\[\]|]+)\|([A-Z_]+)\]\]")


def parse(record: str) -> dict[str, object]:
    header, _, body = record.strip("\n").partition("\n")
    kind = header.removeprefix("kind:").strip()
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} in record starting {header!r}")
    text, spans, cursor = [], [], 0
    length = 0
    for match in _MARK.finditer(body):
        before = body[cursor : match.start()]
        text.append(before)
        length += len(before)
        value, label = match.group(1), match.group(2)
        spans.append({"entity_type": label, "entity_value": value,
                      "start_position": length, "end_position": length + len(value)})  # fmt: skip
        text.append(value)
        length += len(value)
        cursor = match.end()
    text.append(body[cursor:])
    full = "".join(text)
    if "[[" in full or "]]" in full:
        raise ValueError(f"markup left in {full!r}")
    return {"full_text": full, "spans": spans, "kind": kind}


def build(source: Path, target: Path) -> None:
    records = [r for r in source.read_text(encoding="utf-8").split("\n---\n") if r.strip()]
    data = [parse(r) for r in records]
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    spans = sum(len(d["spans"]) for d in data)  # type: ignore[arg-type, misc]
    print(f"{len(data)} texts, {spans} spans -> {target}")


def main() -> None:
    for source, target in SOURCES.items():
        build(source, target)


if __name__ == "__main__":
    main()
