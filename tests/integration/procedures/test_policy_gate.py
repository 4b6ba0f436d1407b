"""The policy gate with the clinic's stored choices, on SQLite and PostgreSQL: the whole
matrix (every procedure x policy x role) through the executor, owners' changes over HTTP,
the settings' extra critical procedures as a floor, and what `GET /api/rpc` says."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient

from assistant.db.models import Role
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.procedures.system import CLI
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.policies import clinic_policy
from tests.unit.procedures.test_policy_resolve import LEVELS, expected

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.mark.parametrize("level", LEVELS)
async def test_policy_matrix_through_the_executor(executor: Executor, level: str) -> None:
    """Every procedure set to `level` for everyone (where its floor allows), then each role's
    policy as the executor's gate answers it."""
    procs = [p for p in executor.registry if not p.internal]
    allowed = [p for p in procs if LEVELS.index(level) >= LEVELS.index(executor.floor(p))]
    for proc in allowed:
        await executor.call(CLI, "policies.set", {"procedure": proc.name, "policy": level},
                            source="cli")  # fmt: skip
    try:
        async with executor.runtime.sessions() as session:
            for proc in allowed:
                for role in Role:
                    who = Principal(user_id=1, email="x@example.com", role=role)
                    got = await executor.policy_for(session, who, proc)
                    want = expected(proc.name, role.value, level, frozenset())
                    assert (got if role in proc.roles else "-") == want, (proc.name, role)
    finally:
        for proc in allowed:
            await executor.call(CLI, "policies.set", {"procedure": proc.name, "policy": "default"},
                                source="cli")  # fmt: skip


async def test_only_owners_change_policies_and_never_below_the_floor(
    client: Client, staff: dict[str, Member]
) -> None:
    owner, prac = staff["owner"], staff["practitioner"]
    denied = await client.post("/api/rpc/policies.set", json={"procedure": "notes.add",
                               "policy": "confirm"}, headers=prac.headers)  # fmt: skip
    assert denied.status_code == 403
    below = await client.post("/api/rpc/policies.set", json={"procedure": "emails.send",
                              "policy": "auto"}, headers=owner.headers)  # fmt: skip
    assert below.status_code == 422 and below.json()["error"]["fields"] == {
        "policy": "at least approve"
    }
    listed = await client.post("/api/rpc/policies.list", json={}, headers=owner.headers)
    merge = next(p for p in listed.json()["items"] if p["procedure"] == "contacts.merge")
    assert merge["floor"] == merge["default"] == "approve"
    assert merge["effective"] == {"owner": "approve", "practitioner": "approve",
                                  "front_desk": "approve"}  # fmt: skip


async def test_the_rpc_listing_says_each_callers_policy(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    async with clinic_policy(executor, "notes.add", "confirm", role="practitioner"):
        for who, want in (("practitioner", "confirm"), ("owner", "auto")):
            listed = (await client.get("/api/rpc", headers=staff[who].headers)).json()
            [notes] = [p for p in listed if p["name"] == "notes.add"]
            assert notes["policy"] == want
    listed = (await client.get("/api/rpc", headers=staff["owner"].headers)).json()
    assert {p["name"]: p["policy"] for p in listed}["contacts.delete"] == "approve"


@pytest.fixture(scope="module")
async def strict_client(app_settings: Settings) -> AsyncIterator[Client]:
    """A clinic whose settings mark notes.delete critical (ASSISTANT_APPROVAL_EXTRA_CRITICAL)."""
    approval = app_settings.approval.model_copy(update={"extra_critical": ["notes.delete"]})
    settings = app_settings.model_copy(update={"approval": approval})
    async with AsyncTestClient(app=create_app(settings)) as test_client:
        yield test_client


async def test_extra_critical_settings_stay_a_floor_of_approve(
    strict_client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    owner, prac = staff["owner"], staff["practitioner"]
    below = await strict_client.post("/api/rpc/policies.set", json={
        "procedure": "notes.delete", "policy": "confirm"}, headers=owner.headers)  # fmt: skip
    assert below.status_code == 422 and "may not go below approve" in below.text
    # A choice stored by a clinic without the setting does not lower the setting's floor.
    async with clinic_policy(executor, "notes.delete", "auto"):
        contact = (await strict_client.post("/api/rpc/contacts.create", json={
            "first_name": "Floor"}, headers=prac.headers)).json()  # fmt: skip
        note = (await strict_client.post("/api/rpc/notes.add", json={
            "contact_id": contact["id"], "body": "x"}, headers=prac.headers)).json()  # fmt: skip
        asked = await strict_client.post("/api/rpc/notes.delete", json={"note_id": note["id"]},
                                         headers=prac.headers)  # fmt: skip
        assert asked.status_code == 202 and "approval_id" in asked.json()
