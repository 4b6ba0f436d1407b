from __future__ import annotations

import pytest
from pydantic import BaseModel

from assistant import compose
from assistant.db.models import Role
from assistant.procedures.registry import DuplicateProcedure, Registry, tool_name


class In(BaseModel):
    x: int


class Out(BaseModel):
    y: int


def _declare(registry: Registry, name: str) -> None:
    @registry.procedure(name, summary="s", input=In, output=Out, roles={Role.owner})
    async def fn(ctx: object, args: In) -> Out:
        return Out(y=args.x)


def test_duplicate_names_raise() -> None:
    registry = Registry()
    _declare(registry, "things.add")
    with pytest.raises(DuplicateProcedure, match=r"things\.add"):
        _declare(registry, "things.add")


def test_tool_name_collisions_raise() -> None:
    registry = Registry()
    _declare(registry, "a.b_c")
    with pytest.raises(DuplicateProcedure, match="a_b_c"):
        _declare(registry, "a_b.c")


def test_tool_names_replace_the_dot() -> None:
    assert tool_name("notes.add") == "notes_add"
    assert compose.procedures().by_tool_name("notes_add") is compose.procedures().get("notes.add")


def test_tool_schema_is_openai_function_format() -> None:
    schema = compose.procedures().get("notes.add").tool_schema()  # type: ignore[union-attr]
    assert schema["type"] == "function"
    function = schema["function"]
    assert function["name"] == "notes_add"
    assert function["description"]
    assert function["parameters"]["type"] == "object"
    assert set(function["parameters"]["required"]) == {"contact_id", "body"}


def test_contract_procedures_are_declared_and_intents_end_with_chat() -> None:
    registry = compose.procedures()
    for name in (
        "contacts.create",
        "contacts.get",
        "contacts.search",
        "contacts.update",
        "contacts.delete",
        "contacts.merge",
        "notes.add",
        "notes.list",
        "notes.delete",
        "tasks.create",
        "tasks.list",
        "tasks.complete",
        "appointments.book",
        "appointments.list",
        "appointments.cancel",
        "emails.draft",
        "emails.update",
        "tags.add",
        "tags.remove",
    ):
        assert registry.get(name) is not None, name
    assert registry.intents()[-1] == "chat"
    assert set(registry.intents()) <= {*registry.names(), "chat"}


def test_argument_names_follow_the_contract() -> None:
    registry = compose.procedures()

    def fields(name: str) -> set[str]:
        return set(registry.get(name).input.model_fields)  # type: ignore[union-attr]

    assert {
        "first_name",
        "last_name",
        "email",
        "phone",
        "date_of_birth",
        "address",
        "tags",
    } <= fields("contacts.create")
    assert {"query", "tag", "limit", "offset"} <= fields("contacts.search")
    assert fields("contacts.merge") == {"contact_id", "duplicate_id"}
    assert fields("notes.add") == {"contact_id", "body"}
    assert {"title", "contact_id", "due_at"} <= fields("tasks.create")
    assert {"status", "due_before", "contact_id"} <= fields("tasks.list")
    assert {"contact_id", "starts_at", "duration_minutes", "kind"} <= fields("appointments.book")
    assert {"date_from", "date_to", "contact_id"} <= fields("appointments.list")
    assert fields("emails.draft") == {"contact_id", "purpose", "instructions"}
    assert fields("emails.update") == {"draft_id", "subject", "body"}
    assert fields("tags.add") == fields("tags.remove") == {"contact_id", "tag"}
