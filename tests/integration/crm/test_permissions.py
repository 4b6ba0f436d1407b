"""The permission table of DESIGN.md section 3, written out by hand.

R = runs (200), A = waits for approval (202), - = 403, I = internal (no route: 404; only a
job acting for its requester or a system principal that lists it may call it). Not derived
from `roles=`: this is the specification the declarations are checked against.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from assistant import compose
from assistant.db.models import Conversation, Role, Task
from assistant.db.types import utcnow
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.procedures.system import SYSTEM_PRINCIPALS
from assistant.runtime import Runtime
from tests.plugins.app import Member
from tests.plugins.records import Records

# fmt: off
#                        owner practitioner front_desk viewer
EXPECTED: dict[str, tuple[str, str, str, str]] = {
    "contacts.create":     ("R", "R", "R", "-"),
    "contacts.get":        ("R", "R", "R", "R"),
    "contacts.search":     ("R", "R", "R", "R"),
    "contacts.update":     ("R", "R", "R", "-"),
    "contacts.delete":     ("A", "A", "A", "-"),
    "contacts.merge":      ("A", "A", "A", "-"),
    "contacts.enrich":     ("R", "R", "R", "-"),
    "contacts.enrich_all": ("A", "A", "-", "-"),
    "tags.add":            ("R", "R", "R", "-"),
    "tags.remove":         ("R", "R", "R", "-"),
    "notes.add":           ("R", "R", "-", "-"),
    "notes.list":          ("R", "R", "-", "-"),
    "notes.delete":        ("R", "R", "-", "-"),
    "tasks.create":        ("R", "R", "R", "-"),
    "tasks.list":          ("R", "R", "R", "R"),
    "tasks.complete":      ("R", "R", "R", "-"),
    "tasks.get":           ("R", "R", "R", "R"),
    "tasks.reopen":        ("R", "R", "R", "-"),
    "tasks.delete":        ("R", "R", "R", "-"),
    "appointments.book":   ("R", "R", "R", "-"),
    "appointments.list":   ("R", "R", "R", "R"),
    "appointments.cancel": ("R", "R", "R", "-"),
    "appointments.get":    ("R", "R", "R", "R"),
    "emails.draft":        ("R", "R", "R", "-"),
    "emails.update":       ("R", "R", "R", "-"),
    "emails.list":         ("R", "R", "R", "-"),
    "emails.get":          ("R", "R", "R", "-"),
    "emails.send":         ("A", "A", "A", "-"),
    "jobs.cancel":         ("R", "R", "R", "R"),
    "actions.undo":        ("R", "R", "R", "-"),
    "conversations.delete": ("R", "R", "R", "R"),
    "users.list":          ("R", "-", "-", "-"),
    "users.create":        ("R", "-", "-", "-"),
    "users.disable":       ("R", "-", "-", "-"),
    "users.set_role":      ("R", "-", "-", "-"),
    "users.reset_password": ("R", "-", "-", "-"),
    "users.directory":     ("R", "R", "R", "R"),
    "tokens.create":       ("R", "-", "-", "-"),
    "tokens.list":         ("R", "-", "-", "-"),
    "tokens.revoke":       ("R", "-", "-", "-"),
    "audit.list":          ("R", "-", "-", "-"),
    "audit.verify":        ("R", "-", "-", "-"),
    "policies.list":       ("R", "-", "-", "-"),
    "policies.set":        ("R", "-", "-", "-"),
    "emails.finish_draft": ("I", "I", "I", "I"),
    "emails.set_delivery": ("I", "I", "I", "I"),
    "contacts.record_enrichment": ("I", "I", "I", "I"),
}
# The system principals, beside the roles: what each may call (and nothing else).
SYSTEM: dict[str, set[str]] = {
    "cli": {
        "users.list", "users.create", "users.disable", "users.set_role",
        "users.reset_password", "users.directory", "tokens.create", "tokens.list",
        "tokens.revoke", "audit.list", "audit.verify", "policies.list", "policies.set",
    },
    "worker": {"emails.finish_draft", "emails.set_delivery", "contacts.record_enrichment"},
}
# Internal procedures a job may call for its requester, by the requester's current role.
FOR_JOBS: dict[str, tuple[bool, bool, bool, bool]] = {
    "emails.finish_draft":        (True, True, True, False),
    "emails.set_delivery":        (True, True, True, False),
    "contacts.record_enrichment": (True, True, True, False),
}
# fmt: on
ROLES = ("owner", "practitioner", "front_desk", "viewer")
STATUS = {"R": 200, "A": 202, "-": 403, "I": 404}


async def _own_job(runtime: Runtime, member: Member) -> int:
    from assistant.queue.rows import add_job

    async with runtime.sessions() as session, session.begin():
        job = await add_job(
            session, kind="contact.enrich", user_id=member.user_id, params={}, now=utcnow()
        )
    assert job.id is not None
    return job.id


async def _own_conversation(runtime: Runtime, member: Member) -> int:
    async with runtime.sessions() as session, session.begin():
        row = Conversation(user_id=member.user_id, title="t")
        session.add(row)
        await session.flush()
    assert row.id is not None
    return row.id


async def _own_action(runtime: Runtime, member: Member) -> int:
    """A task the member created, recorded as an action they may undo."""
    from assistant.crm.tasks import TaskOut
    from assistant.procedures import ledger

    async with runtime.sessions() as session, session.begin():
        task = Task(title="undo me", created_by=member.user_id)
        session.add(task)
        await session.flush()
        assert task.id is not None
        out = TaskOut.model_validate(task, from_attributes=True).model_dump(mode="json")
        row = await ledger.record(
            session, user_id=member.user_id, procedure="tasks.create", args={"title": "undo me"},
            result=out, kept={"task_id": task.id, "contact_id": None, "row": out},
            source="http", now=utcnow(), window_minutes=60,
        )  # fmt: skip
    assert row.id is not None
    return row.id


async def _fresh_user(records: Records) -> str:
    email = f"perm-{uuid.uuid4().hex[:8]}@clinic.example.com"
    await records.rpc("users.create", email=email, role="viewer")
    return email


async def valid_args(
    name: str, records: Records, caller: Member, runtime: Runtime
) -> dict[str, Any]:
    """Arguments that would succeed, on fresh records, so only the role decides the outcome."""
    admin: dict[str, Any] = {
        "users.list": {}, "users.directory": {}, "tokens.list": {}, "audit.list": {},
        "audit.verify": {}, "emails.finish_draft": {"draft_id": 1, "body": "x"},
        "emails.set_delivery": {"draft_id": 1, "status": "sent"},
        "contacts.record_enrichment": {"contacts": [{"contact_id": 1, "facts": {}}]},
        "policies.list": {}, "policies.set": {"procedure": "notes.list", "policy": "auto"},
    }  # fmt: skip
    if name in admin:
        return admin[name]
    if name == "users.create":
        return {"email": f"new-{uuid.uuid4().hex[:8]}@clinic.example.com", "role": "viewer"}
    if name in ("users.disable", "users.reset_password", "tokens.create"):
        return {"email": await _fresh_user(records)}
    if name == "users.set_role":
        return {"email": await _fresh_user(records), "role": "front_desk"}
    if name == "tokens.revoke":
        made = await records.rpc("tokens.create", email=await _fresh_user(records))
        return {"token_id": made["id"]}
    if name == "jobs.cancel":
        return {"job_id": await _own_job(runtime, caller)}
    if name == "conversations.delete":
        return {"conversation_id": await _own_conversation(runtime, caller)}
    if name == "actions.undo":
        return {"action_ids": [await _own_action(runtime, caller)]}
    if name == "contacts.create":
        return {"first_name": "Perm", "last_name": "Check"}
    if name == "contacts.search":
        return {"query": "perm"}
    if name in ("tasks.list", "appointments.list", "contacts.enrich_all"):
        return {}
    if name == "tasks.create":
        return {"title": "call back"}
    contact = (await records.contact())["id"]
    simple: dict[str, dict[str, Any]] = {
        "contacts.get": {"contact_id": contact},
        "contacts.update": {"contact_id": contact, "phone": "+1 415 555 0199"},
        "contacts.delete": {"contact_id": contact},
        "contacts.enrich": {"contact_id": contact},
        "tags.add": {"contact_id": contact, "tag": "vip"},
        "tags.remove": {"contact_id": contact, "tag": "vip"},
        "notes.add": {"contact_id": contact, "body": "feels better"},
        "notes.list": {"contact_id": contact},
        "appointments.book": {
            "contact_id": contact,
            "starts_at": "2031-05-04T10:00:00+02:00",
            "practitioner_id": None,
        },
        "emails.draft": {"contact_id": contact, "purpose": "welcome"},
        "emails.list": {"contact_id": contact},
    }
    if name in simple:
        return simple[name]
    if name == "contacts.merge":
        return {"contact_id": contact, "duplicate_id": (await records.contact())["id"]}
    if name == "notes.delete":
        return {"note_id": (await records.note(contact))["id"]}
    if name in ("tasks.complete", "tasks.get", "tasks.delete"):
        return {"task_id": (await records.task(contact_id=contact))["id"]}
    if name == "tasks.reopen":
        task = await records.task(contact_id=contact)
        await records.rpc("tasks.complete", task_id=task["id"])
        return {"task_id": task["id"]}
    if name in ("appointments.cancel", "appointments.get"):
        return {"appointment_id": (await records.appointment(contact))["id"]}
    if name == "emails.send":
        return {"draft_id": (await records.draft(contact))["id"]}
    if name == "emails.get":
        return {"draft_id": (await records.draft(contact))["id"]}
    if name == "emails.update":
        return {"draft_id": (await records.draft(contact))["id"], "subject": "Hello"}
    raise AssertionError(f"no arguments written for {name}")


def test_table_covers_every_declared_procedure() -> None:
    assert set(EXPECTED) == set(compose.procedures().names())


@pytest.mark.parametrize("role_index", range(4), ids=ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_permission_table(
    client: AsyncTestClient,  # type: ignore[type-arg]
    staff: dict[str, Member],
    runtime: Runtime,
    name: str,
    role_index: int,
) -> None:
    role = ROLES[role_index]
    args = await valid_args(name, Records(client, staff["owner"]), staff[role], runtime)
    response = await client.post(f"/api/rpc/{name}", json=args, headers=staff[role].headers)
    expected = STATUS[EXPECTED[name][role_index]]
    assert response.status_code == expected, (name, role, response.text)
    if expected == 403:
        assert response.json()["error"]["code"] == "forbidden"
    if expected == 404:
        assert "unknown procedure" in response.json()["error"]["message"]
    if expected == 202:
        body = response.json()
        assert body["procedure"] == name and body["status"] == "pending"
        assert body["requested_by"] == staff[role].user_id
        assert set(body["approver_roles"]) == {"owner", "practitioner"}
        assert {"approval_id", "args", "summary", "expires_at"} <= set(body)


@pytest.mark.parametrize("role", ROLES)
async def test_rpc_listing_matches_the_table(
    client: AsyncTestClient,
    staff: dict[str, Member],
    role: str,  # type: ignore[type-arg]
) -> None:
    response = await client.get("/api/rpc", headers=staff[role].headers)
    assert response.status_code == 200
    listed = {p["name"]: p for p in response.json()}
    index = ROLES.index(role)
    assert set(listed) == {n for n, row in EXPECTED.items() if row[index] not in "-I"}
    for name, info in listed.items():
        assert info["needs_approval"] == (EXPECTED[name][index] == "A")
        assert info["tool_name"] == name.replace(".", "_")
        assert info["input_schema"]["type"] == "object"


@pytest.mark.parametrize("system", sorted(SYSTEM))
def test_system_principals_call_exactly_what_the_table_lists(
    executor: Executor, system: str
) -> None:
    principal = SYSTEM_PRINCIPALS[system]
    allowed = {p.name for p in compose.procedures() if executor.may_call(principal, p)}
    assert allowed == SYSTEM[system]


@pytest.mark.parametrize("role_index", range(4), ids=ROLES)
def test_internal_procedures_only_for_jobs_by_the_requesters_role(
    executor: Executor, role_index: int
) -> None:
    registry = compose.procedures()
    as_user = Principal(1, "u@clinic.example.com", Role(ROLES[role_index]))
    as_job = Principal(1, "u@clinic.example.com", Role(ROLES[role_index]), kind="job", job_id=9)
    internal = {n for n, row in EXPECTED.items() if row[0] == "I"}
    assert internal == set(FOR_JOBS) == {p.name for p in registry if p.internal}
    for name in internal:
        proc = registry.get(name)
        assert proc is not None
        assert not executor.may_call(as_user, proc)
        assert executor.may_call(as_job, proc) == FOR_JOBS[name][role_index], name
