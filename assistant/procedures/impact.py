"""Impact previews: what a call will touch, computed when it is requested and again when it
runs. A preview is `{"counts": {type: n}, "records": [{"type", "id", "name"}], ...}`; it
names records, so it is stored encrypted and read by an authorised request, while events
and summaries keep its counts (`counts_of`). The digest binds ids, not names: a record that
joins or leaves what the call touches changes it, and the call ends `stale`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.procedures.registry import Procedure

Impact = dict[str, Any]
IMPACT_KEY = "impact"
"""A call's bound versions keep the preview's digest under this key (beside table:id keys)."""


def _contact(row: Any) -> str:
    return f"{row.first_name} {row.last_name}".strip()


def _note(row: Any) -> str:  # a note's text is clinical: named by its date only
    return f"Note of {row.created_at:%Y-%m-%d}"


def _appointment(row: Any) -> str:
    return f"{row.kind.replace('_', ' ').capitalize()} on {row.starts_at:%Y-%m-%d %H:%M} UTC"


# A record's name in a preview, by type.
NAMES: dict[str, Callable[[Any], str]] = {
    "contact": _contact,
    "note": _note,
    "task": lambda row: row.title,
    "appointment": _appointment,
    "draft": lambda row: row.subject or f"{row.purpose.replace('_', '-')} draft",
    "tag": lambda row: row.name,
}
# Target tables by the type a preview names them with.
TYPES = {"contacts": "contact", "notes": "note", "tasks": "task", "appointments": "appointment",
         "email_drafts": "draft", "tags": "tag"}  # fmt: skip


def entry(kind: str, row: Any) -> dict[str, Any]:
    name = NAMES.get(kind)
    return {"type": kind, "id": row.id, "name": name(row) if name else f"{kind} #{row.id}"}


def build(records: list[dict[str, Any]], **extra: Any) -> Impact:
    counts = Counter(str(r["type"]) for r in records)
    return {"counts": dict(sorted(counts.items())), "records": records, **extra}


def of_targets(rows: dict[tuple[str, int], Any]) -> Impact:
    """A procedure that declares no preview touches its target records."""
    return build([entry(TYPES.get(table, table.removesuffix("s")), row)
                  for (table, _), row in rows.items()])  # fmt: skip


# An argument naming a record, by the table it names (for procedures that declare no targets).
ARG_TABLES = {"contact_id": "contacts", "note_id": "notes", "task_id": "tasks",
              "appointment_id": "appointments", "draft_id": "email_drafts"}  # fmt: skip


async def referenced(session: AsyncSession, args: BaseModel) -> dict[tuple[str, int], Any]:
    """The records a call's arguments name by id (`contact_id` of notes.add)."""
    from assistant.procedures.access import TARGET_TABLES

    rows: dict[tuple[str, int], Any] = {}
    for key, value in args.model_dump().items():
        table = ARG_TABLES.get(key)
        if table is not None and isinstance(value, int):
            row = await session.get(TARGET_TABLES[table], value)
            if row is not None:
                rows[(table, value)] = row
    return rows


async def preview(
    session: AsyncSession, proc: Procedure, args: BaseModel, rows: dict[tuple[str, int], Any]
) -> Impact:
    """The declared preview, else the call's target records (or the records it names)."""
    if proc.impact is not None:
        return await proc.impact(session, args, rows)
    return of_targets(rows or await referenced(session, args))


def call_in_words(proc: Procedure, args: BaseModel, rows: dict[tuple[str, int], Any]) -> str:
    """A call without a declared description, for a person: what it does, to whom (by
    name), with which values ("Add a clinical note to a contact for Cora Day: body "x"")."""
    names = [entry(TYPES.get(table, table), row)["name"] for (table, _), row in rows.items()]
    values = [
        f"{key.replace('_', ' ')} \u201c{value}\u201d"
        for key, value in args.model_dump(mode="json").items()
        if value not in (None, "", [], {}) and not key.endswith("_id")
    ]
    said = proc.summary + (f" for {', '.join(names)}" if names else "")
    return said + (f": {'; '.join(values)}" if values else "")


SHOWN = ("counts", "records", "email", "call")
"""What of a stored preview a reader sees (the call in words, counts, named records, an
e-mail's head); the rest (a merge's keep/remove entries) serves the call's words."""


def shown(impact: Impact | None, *, clinical: bool = True) -> Impact | None:
    """A stored preview as an authorised reader sees it, for a confirmation or an approval
    alike. The call in words quotes the call's values (a note's text): a reader who may not
    read clinical text gets counts and named records only (a note is named by its date)."""
    fields = SHOWN if clinical else tuple(f for f in SHOWN if f != "call")
    kept = {k: v for k, v in (impact or {}).items() if k in fields}
    return kept or None


def counts_of(impact: Impact | None) -> dict[str, int]:
    """What events and summaries may carry: counts per type, no names."""
    return dict((impact or {}).get("counts", {}))


def digest(impact: Impact) -> str:
    """Binds which records (by id) and how many; names and text do not count."""
    ids = sorted((str(r["type"]), int(r["id"])) for r in impact.get("records", []))
    payload = {"counts": impact.get("counts", {}), "ids": ids}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def _plural(kind: str, n: int) -> str:
    return f"{n} {kind}{'' if n == 1 else 's'}"


def changes(before: Impact | None, now: Impact) -> str:
    """What differs between a preview and the call as it would run now, in words."""
    old, new = counts_of(before), counts_of(now)
    said = [
        f"{_plural(kind, new.get(kind, 0))} now (was {old.get(kind, 0)})"
        for kind in sorted(set(old) | set(new))
        if old.get(kind, 0) != new.get(kind, 0)
    ]
    had = {(r["type"], r["id"]) for r in (before or {}).get("records", [])}
    has = {(r["type"], r["id"]) for r in now.get("records", [])}
    said += [f"{kind} #{rid} was added" for kind, rid in sorted(has - had)]
    said += [f"{kind} #{rid} is gone" for kind, rid in sorted(had - has)]
    return "; ".join(said) or "what the call touches changed"
