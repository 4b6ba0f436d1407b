"""The policy matrix: every procedure x chosen policy x role, from one table written by hand.

FLOOR is the specification (critical procedures never go below `approve`; everything else
may run at once); the expected policy is the stricter of the clinic's choice and the floor,
and `-` where the role may not call the procedure at all.
"""

from __future__ import annotations

import pytest

from assistant import compose
from assistant.db.models import Role
from assistant.procedures import policy
from assistant.procedures.registry import Registry
from assistant.procedures.types import Input

# fmt: off
FLOOR: dict[str, str] = {
    "contacts.delete": "approve", "contacts.merge": "approve", "contacts.enrich_all": "approve",
    "emails.send": "approve",
}
# fmt: on
ROLES = [r.value for r in Role]
LEVELS = ("auto", "confirm", "approve")
REGISTRY = compose.procedures()


def expected(name: str, role: str, chosen: str | None, extra: frozenset[str]) -> str:
    proc = REGISTRY.get(name)
    assert proc is not None
    if role not in proc.roles:
        return "-"
    floor = "approve" if name in extra else FLOOR.get(name, "auto")
    picked = chosen or FLOOR.get(name, "auto")  # the declared default: its floor
    return max(picked, floor, key=LEVELS.index)


def test_the_table_names_only_declared_procedures() -> None:
    assert set(FLOOR) <= set(REGISTRY.names())


@pytest.mark.parametrize("chosen", [None, *LEVELS], ids=["declared", *LEVELS])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("extra", [frozenset(), frozenset({"notes.delete", "tags.add"})],
                         ids=["settings-none", "settings-extra-critical"])  # fmt: skip
def test_policy_matrix(chosen: str | None, role: str, extra: frozenset[str]) -> None:
    """Every procedure for this (choice, role): the clinic's choice for everyone applies."""
    for proc in REGISTRY:
        if proc.internal:
            continue
        stored = {policy.EVERY_ROLE: chosen} if chosen else {}
        got = policy.resolve(proc, role, stored, extra) if role in proc.roles else "-"  # type: ignore[arg-type]
        assert got == expected(proc.name, role, chosen, extra), (proc.name, role, chosen)


@pytest.mark.parametrize("role", ROLES)
def test_a_roles_own_policy_beats_everyones_but_not_the_floor(role: str) -> None:
    merge, add = REGISTRY.get("contacts.merge"), REGISTRY.get("notes.add")
    assert merge is not None and add is not None
    stored = {policy.EVERY_ROLE: "auto", role: "confirm"}
    assert policy.resolve(add, role, stored, ()) == "confirm"  # type: ignore[arg-type]
    other = next(r for r in ROLES if r != role)
    assert policy.resolve(add, other, stored, ()) == "auto"  # type: ignore[arg-type]
    assert policy.resolve(merge, role, {role: "auto"}, ()) == "approve"


def test_reads_default_to_auto_and_critical_ones_to_approve() -> None:
    for proc in REGISTRY:
        if proc.name.rsplit(".", 1)[1] in ("get", "list", "search"):
            assert proc.default_policy == "auto", proc.name
        if proc.risk == "critical":
            assert proc.default_policy == proc.policy_floor == "approve", proc.name


def test_a_critical_declaration_cannot_lower_its_floor() -> None:
    registry = Registry()

    class Nothing(Input):
        pass

    with pytest.raises(ValueError, match="floor is approve"):

        @registry.procedure("x.wipe", summary="Wipe", input=Nothing, output=Nothing,
                            roles={Role.owner}, risk="critical", floor="confirm")  # fmt: skip
        async def wipe(ctx: object, args: Nothing) -> Nothing:
            return args


def test_editable_fields_must_be_inputs() -> None:
    from assistant.procedures.registry import EditField

    class One(Input):
        a: int = 1

    with pytest.raises(ValueError, match="are no inputs"):

        @Registry().procedure("x.one", summary="One", input=One, output=One, roles={Role.owner},
                              edits=(EditField("b", "B"),))  # fmt: skip
        async def one(ctx: object, args: One) -> One:
            return args
