"""The approver's edit form on an approval card: the fields the procedure declares editable,
starting from the call as it would run now; only what the approver changed is sent."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.errors import AppError, InvalidInput
from assistant.procedures.access import load_targets
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.edits import edit_values
from assistant.procedures.executor import Executor, parse_input
from assistant.procedures.impact import NAMES, TYPES


async def edit_fields(
    session: AsyncSession, executor: Executor, approval: ApprovalOut
) -> list[dict[str, Any]]:
    """The form's fields ({name, label, kind, value, choices}); none if nothing is editable
    or the call's records are gone (then it can only be rejected, or go stale)."""
    proc = executor.registry.get(approval.procedure)
    if proc is None or not proc.edits:
        return []
    try:
        args = parse_input(proc, approval.args)
        rows = await load_targets(session, proc, args)
    except AppError:
        return []
    values = edit_values(proc, args, rows)
    named = {
        record_id: NAMES[TYPES[table]](row) if TYPES.get(table) in NAMES else f"#{record_id}"
        for (table, record_id), row in rows.items()
    }
    ids = [v for k, v in approval.args.items() if k.endswith("_id") and isinstance(v, int)]
    return [
        {
            "name": f.name,
            "label": f.label,
            "kind": f.kind,
            "value": values.get(f.name),
            "choices": [(i, f"{named.get(i, '')} (#{i})".strip()) for i in ids]
            if f.kind == "keep"
            else [],
        }
        for f in proc.edits
    ]


def changes(fields: list[dict[str, Any]], form: dict[str, str]) -> dict[str, Any]:
    """What the approver changed: the form's `arg-NAME` values that differ from the start."""
    edit: dict[str, Any] = {}
    for f in fields:
        raw = form.get(f"arg-{f['name']}")
        if raw is None:
            continue
        value: Any = raw.strip()
        if f["kind"] == "keep":
            if not value.isdigit():
                raise InvalidInput("choose a record to keep", fields={f"arg-{f['name']}": "choose"})
            value = int(value)
        if value != (f["value"] if f["value"] is not None else ""):
            edit[f["name"]] = value
    if not edit:
        raise InvalidInput("change a field, or approve the call as it is")
    return edit
