"""Edits before approval: an approver corrects the fields a declaration names as editable
(`edits=`), never redirects the call to other records."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from assistant.errors import InvalidInput
from assistant.procedures.executor import parse_input
from assistant.procedures.registry import Procedure


def apply_edit(proc: Procedure, original: dict[str, Any], edit: dict[str, Any]) -> BaseModel:
    """The edited call, validated. A `keep` field takes one of the call's ids, and the
    field that held it takes the old one (merge: which record to keep)."""
    fields = {f.name: f for f in proc.edits}
    if not fields:
        raise InvalidInput(f"{proc.name} has nothing an approver may edit; approve or reject it")
    unknown = sorted(set(edit) - set(fields))
    if unknown:
        raise InvalidInput(
            f"only {', '.join(sorted(fields))} may be edited",
            fields={f"args.{name}": "not editable" for name in unknown},
        )
    merged = dict(original)
    for name, value in edit.items():
        if fields[name].kind == "keep" and value != original.get(name):
            holder = next(
                (k for k, v in original.items() if k != name and k.endswith("_id") and v == value),
                None,
            )
            if holder is None:
                raise InvalidInput(
                    f"{name} must be one of the call's records",
                    fields={f"args.{name}": "not one of the call's records"},
                )
            merged[holder] = original.get(name)
        merged[name] = value
    edited = parse_input(proc, merged)
    if proc.targets is not None:
        before = sorted(proc.targets(parse_input(proc, original)))
        if sorted(proc.targets(edited)) != before:
            raise InvalidInput("an edit may not change which records the call acts on")
    if edited.model_dump(mode="json") == parse_input(proc, original).model_dump(mode="json"):
        raise InvalidInput("the edit changes nothing; approve the call as it is")
    return edited


def edit_values(
    proc: Procedure, args: BaseModel, rows: dict[tuple[str, int], Any]
) -> dict[str, Any]:
    """What an approver's form starts from: the declaration's view, else the call's fields."""
    if proc.edit_values is not None:
        return proc.edit_values(args, rows)
    dumped = args.model_dump(mode="json")
    return {f.name: dumped.get(f.name) for f in proc.edits}
