"""The executor's gates, in order: validate -> role -> object access -> approval gate -> run
-> audit -> output validation. Each test makes two gates disagree and checks which one
answers, on a real (SQLite) database and Redis, with procedures declared on a temporary
registry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from sqlmodel import col, select

from assistant.auth.users import create_user
from assistant.db import migrate
from assistant.db.models import Approval, AuditEvent, Contact, Role, User
from assistant.errors import AppError, Conflict, InvalidInput, NotFound, PermissionDenied, Stale
from assistant.procedures.context import CallContext, Principal, SystemPrincipal
from assistant.procedures.executor import Done, Executor, Pending
from assistant.procedures.registry import Registry
from assistant.runtime import Runtime
from assistant.settings import Settings

OWNER, VIEWER = frozenset({Role.owner}), frozenset({Role.viewer})


class ContactRef(BaseModel):
    contact_id: int


class Out(BaseModel):
    id: int


@dataclass
class Calls:
    """Which handlers ran, in order: the proof that a gate stopped a call before `run`."""

    ran: list[str] = field(default_factory=list)


def _target(args: Any) -> list[tuple[str, int]]:
    return [("contacts", args.contact_id)]


def declare(calls: Calls) -> Registry:
    registry = Registry()

    @registry.procedure(
        "things.touch", summary="s", input=ContactRef, output=Out, roles=OWNER, targets=_target
    )
    async def touch(ctx: CallContext, args: ContactRef) -> Out:
        calls.ran.append("things.touch")
        return Out(id=args.contact_id)

    @registry.procedure(
        "things.erase",
        summary="s",
        input=ContactRef,
        output=Out,
        roles=OWNER,
        risk="critical",
        targets=_target,
    )
    async def erase(ctx: CallContext, args: ContactRef) -> Out:
        calls.ran.append("things.erase")
        return Out(id=args.contact_id)

    @registry.procedure("things.refuse", summary="s", input=ContactRef, output=Out, roles=OWNER)
    async def refuse(ctx: CallContext, args: ContactRef) -> Out:
        calls.ran.append("things.refuse")
        raise Conflict("the handler said no")

    @registry.procedure("things.malformed", summary="s", input=ContactRef, output=Out, roles=OWNER)
    async def malformed(ctx: CallContext, args: ContactRef) -> Any:
        calls.ran.append("things.malformed")
        return ContactRef(contact_id=args.contact_id)  # not an Out: the output gate refuses

    @registry.procedure(
        "things.internal", summary="s", input=ContactRef, output=Out, roles=OWNER, internal=True
    )
    async def internal(ctx: CallContext, args: ContactRef) -> Out:
        calls.ran.append("things.internal")
        return Out(id=args.contact_id)

    return registry


@dataclass
class World:
    executor: Executor
    calls: Calls
    owner: Principal
    viewer: Principal
    contact_id: int

    async def audit(self) -> list[AuditEvent]:
        async with self.executor.runtime.sessions() as session:
            rows = await session.exec(select(AuditEvent).order_by(col(AuditEvent.seq)))
            return list(rows.all())

    async def user(self, user_id: int) -> User:
        async with self.executor.runtime.sessions() as session:
            user = await session.get(User, user_id)
        assert user is not None
        return user


@pytest.fixture
async def world(tmp_path: Path, key_file: Path, redis_url: str) -> AsyncIterator[World]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'executor.sqlite'}"
    await asyncio.to_thread(migrate.upgrade, url)
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        key_file=key_file,
        database={"url": url},
        redis={"url": redis_url},
        jobs={"queue": f"assistant:test-executor:{uuid.uuid4().hex[:8]}"},
    )
    runtime = Runtime.create(settings)
    calls = Calls()
    async with runtime.sessions() as session, session.begin():
        owner = await create_user(
            session, email="o@clinic.example.com", role="owner", password="p" * 12
        )
        viewer = await create_user(
            session, email="v@clinic.example.com", role="viewer", password="p" * 12
        )
        contact = Contact(first_name="Ann")
        session.add(contact)
        await session.flush()
        assert contact.id is not None
        ids = (Principal.of(owner), Principal.of(viewer), contact.id)
    yield World(Executor(runtime, declare(calls)), calls, *ids)
    await runtime.close()


async def test_validation_answers_before_the_role(world: World) -> None:
    with pytest.raises(InvalidInput, match="contact_id"):
        await world.executor.call(world.viewer, "things.touch", {"contact_id": "x"}, source="http")
    assert world.calls.ran == [] and await world.audit() == []


async def test_the_role_answers_before_object_access(world: World) -> None:
    with pytest.raises(PermissionDenied):
        await world.executor.call(world.viewer, "things.touch", {"contact_id": 999}, source="http")
    [denied] = await world.audit()
    assert denied.outcome == "denied" and denied.actor_id == world.viewer.user_id
    assert world.calls.ran == []


async def test_object_access_answers_before_the_approval_gate(world: World) -> None:
    with pytest.raises(NotFound, match="contact 999"):
        await world.executor.call(world.owner, "things.erase", {"contact_id": 999}, source="http")
    async with world.executor.runtime.sessions() as session:
        assert (await session.exec(select(Approval))).all() == []
    [failed] = await world.audit()
    assert failed.outcome == "not_found" and world.calls.ran == []


async def test_the_approval_gate_answers_before_running(world: World) -> None:
    args = {"contact_id": world.contact_id}
    pending = await world.executor.call(world.owner, "things.erase", args, source="http")
    assert isinstance(pending, Pending) and pending.approval.status == "pending"
    [asked] = await world.audit()
    assert asked.outcome == "approval_requested" and world.calls.ran == []


async def test_a_call_runs_then_is_audited_with_its_principal(world: World) -> None:
    args = {"contact_id": world.contact_id}
    done = await world.executor.call(world.owner, "things.touch", args, source="chat")
    assert isinstance(done, Done) and done.output == Out(id=world.contact_id)
    [ok] = await world.audit()
    assert (ok.outcome, ok.principal_kind, ok.source) == ("ok", "user", "chat")
    assert ok.record_ids == {"contact_id": world.contact_id, "thing_id": world.contact_id}
    assert ok.hash_version == 2
    assert world.calls.ran == ["things.touch"]


async def test_a_refusal_while_running_is_audited_with_its_code(world: World) -> None:
    with pytest.raises(Conflict):
        await world.executor.call(world.owner, "things.refuse", {"contact_id": 1}, source="http")
    assert [e.outcome for e in await world.audit()] == ["conflict"]


async def test_output_is_validated_after_the_audit_and_rolls_it_back(world: World) -> None:
    with pytest.raises(ValidationError):
        await world.executor.call(world.owner, "things.malformed", {"contact_id": 1}, source="http")
    assert world.calls.ran == ["things.malformed"]
    assert await world.audit() == []  # the audit row went with the rolled-back transaction


async def test_internal_procedures_are_for_jobs_and_listed_system_principals(
    world: World,
) -> None:
    args = {"contact_id": 1}
    with pytest.raises(PermissionDenied):
        await world.executor.call(world.owner, "things.internal", args, source="http")
    as_job = Principal.of(await world.user(world.owner.user_id), kind="job", job_id=7)
    assert isinstance(
        await world.executor.call(as_job, "things.internal", args, source="job"), Done
    )
    listed = SystemPrincipal("tester", frozenset({"things.internal"}))
    assert isinstance(
        await world.executor.call(listed, "things.internal", args, source="job"), Done
    )
    with pytest.raises(PermissionDenied):
        await world.executor.call(listed, "things.touch", args, source="job")
    assert [e.principal_kind for e in await world.audit()] == ["user", "job", "system", "system"]
    assert [e.job_id for e in await world.audit()][1] == 7
    assert "things.internal" not in {p.name for p in world.executor.offered(world.owner)}


async def _approved(world: World) -> Approval:
    """A request for things.erase, approved (by someone else) as the decision would."""
    args = {"contact_id": world.contact_id}
    pending = await world.executor.call(world.owner, "things.erase", args, source="http")
    assert isinstance(pending, Pending)
    async with world.executor.runtime.sessions() as session, session.begin():
        row = await session.get(Approval, pending.approval.approval_id)
        assert row is not None
        row.status = "approved"
        session.add(row)
    return row


async def _run_approved(world: World, approval_id: int) -> Done:
    """As the approval runner does: a refusal is caught inside its transaction, which
    commits (the approval's outcome and the refusal's audit row with it)."""
    refused: AppError | None = None
    async with world.executor.runtime.sessions() as session, session.begin():
        approval = await session.get(Approval, approval_id)
        assert approval is not None
        try:
            done, _ = await world.executor.run_approved(session, approval, job_id=3)
        except AppError as exc:
            refused = exc
    if refused is not None:
        raise refused
    return done


async def _set_user(world: World, user_id: int, **values: Any) -> None:
    async with world.executor.runtime.sessions() as session, session.begin():
        user = await session.get(User, user_id)
        assert user is not None
        for key, value in values.items():
            setattr(user, key, value)
        session.add(user)


async def test_an_approved_call_runs_through_the_gates_as_a_job(world: World) -> None:
    approval = await _approved(world)
    assert approval.id is not None
    done = await _run_approved(world, approval.id)
    assert done.output == Out(id=world.contact_id) and world.calls.ran == ["things.erase"]
    last = (await world.audit())[-1]
    assert (last.outcome, last.principal_kind, last.job_id) == ("ok", "job", 3)


async def test_an_approved_call_rechecks_the_requesters_current_role(world: World) -> None:
    approval = await _approved(world)
    assert approval.id is not None
    await _set_user(world, world.owner.user_id, role=Role.viewer)
    with pytest.raises(PermissionDenied, match="now viewer"):
        await _run_approved(world, approval.id)
    assert world.calls.ran == [] and (await world.audit())[-1].outcome == "forbidden"


async def test_a_disabled_requester_makes_the_approval_stale(world: World) -> None:
    approval = await _approved(world)
    assert approval.id is not None
    await _set_user(world, world.owner.user_id, is_active=False)
    with pytest.raises(Stale, match="disabled"):
        await _run_approved(world, approval.id)
    assert world.calls.ran == []


async def test_an_unapproved_request_cannot_be_run(world: World) -> None:
    args = {"contact_id": world.contact_id}
    pending = await world.executor.call(world.owner, "things.erase", args, source="http")
    assert isinstance(pending, Pending)
    with pytest.raises(Conflict, match="is pending, not approved"):
        await _run_approved(world, pending.approval.approval_id)
    assert world.calls.ran == []
