"""Fresh records for the authorization matrix, owned by whom a cell says, made directly in the
app's database (fast, and for roles that could not make them through the API), plus two
probe procedures that let every role have a call waiting for its click or for an approval."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from assistant.auth.passwords import hash_password
from assistant.auth.tokens import create_token
from assistant.crm.tasks import TaskOut
from assistant.db.models import (
    Appointment,
    Contact,
    Conversation,
    EmailDraft,
    Note,
    Role,
    Task,
    User,
)
from assistant.procedures import ledger
from assistant.procedures.context import CallContext, Principal
from assistant.procedures.executor import Confirm, Executor, Pending
from assistant.procedures.registry import ALL_STAFF, EditField, procedure
from assistant.procedures.types import Input
from assistant.queue.rows import add_job
from tests.plugins.app import Member

MISSING = 2**31 - 1
"""An id no table reaches in a test run (and within every id column's range)."""
_SLOTS = itertools.count()


class ProbeIn(Input):
    text: str = Field(default="probe", max_length=100)


class ProbeOut(BaseModel):
    text: str


@procedure(
    "matrix.confirm_probe",
    summary="A call that waits for its requester's click (the matrix's waiting actions)",
    input=ProbeIn,
    output=ProbeOut,
    roles=ALL_STAFF,
    policy="confirm",
)
async def confirm_probe(ctx: CallContext, args: ProbeIn) -> ProbeOut:
    return ProbeOut(text=args.text)


@procedure(
    "matrix.approval_probe",
    summary="A critical call any role may request (the matrix's approvals)",
    input=ProbeIn,
    output=ProbeOut,
    roles=ALL_STAFF,
    risk="critical",
    edits=(EditField("text", "Text"),),
)
async def approval_probe(ctx: CallContext, args: ProbeIn) -> ProbeOut:
    return ProbeOut(text=args.text)


@dataclass
class Made:
    """A record made for one cell: its id and the ids of what it hangs on (its contact)."""

    id: int
    related: dict[str, int] = field(default_factory=dict)
    owner: int | None = None
    marker: str = ""
    """An event's: the text of the owner's event after it, which a replay must bring."""


def principal_of(member: Member) -> Principal:
    return Principal(member.user_id, member.email, Role(member.role))


def next_slot() -> datetime:
    """A far-future half hour of its own: never overlaps another booking of the run."""
    base = datetime(2040 + uuid.uuid4().int % 40, 1, 1, 8, tzinfo=UTC)
    return base + timedelta(hours=next(_SLOTS))


class Factory:
    """Makes each kind of record for an owner, through the app's own runtime and executor."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self.runtime = executor.runtime
        # One hash for every account made here: argon2 is slow on purpose, and nobody signs in.
        self.password_hash = hash_password(uuid.uuid4().hex)

    async def _add(self, row: Any) -> int:
        async with self.runtime.sessions() as session, session.begin():
            session.add(row)
            await session.flush()
            assert row.id is not None
            return int(row.id)

    async def contact(self, owner: Member) -> Made:
        tag = uuid.uuid4().hex[:8]
        return Made(
            await self._add(
                Contact(first_name="Matrix", last_name=tag, email=f"m-{tag}@example.com")
            )
        )

    async def note(self, owner: Member, contact_id: int | None = None) -> Made:
        contact = contact_id or (await self.contact(owner)).id
        row = Note(contact_id=contact, author_id=owner.user_id, body="sleeps badly")
        return Made(await self._add(row), {"contact_id": contact})

    async def task(self, owner: Member) -> Made:
        contact = (await self.contact(owner)).id
        row = Task(
            title="call back", contact_id=contact, created_by=owner.user_id,
            assignee_id=owner.user_id,
        )  # fmt: skip
        return Made(await self._add(row), {"contact_id": contact})

    async def done_task(self, owner: Member) -> Made:
        made = await self.task(owner)
        async with self.runtime.sessions() as session, session.begin():
            task = await session.get(Task, made.id)
            assert task is not None
            task.status, task.completed_at = "done", self.runtime.clock.now()
        return made

    async def appointment(self, owner: Member) -> Made:
        contact = (await self.contact(owner)).id
        row = Appointment(contact_id=contact, practitioner_id=owner.user_id, starts_at=next_slot())
        return Made(await self._add(row), {"contact_id": contact})

    async def draft(self, owner: Member) -> Made:
        contact = (await self.contact(owner)).id
        row = EmailDraft(
            contact_id=contact, author_id=owner.user_id, purpose="follow_up",
            subject="Following up", body="How are you?", status="ready",
        )  # fmt: skip
        return Made(await self._add(row), {"contact_id": contact})

    async def conversation(self, owner: Member) -> Made:
        return Made(await self._add(Conversation(user_id=owner.user_id, title="matrix")))

    async def job(self, owner: Member) -> Made:
        async with self.runtime.sessions() as session, session.begin():
            job = await add_job(
                session, kind="contact.enrich", user_id=owner.user_id, params={},
                now=self.runtime.clock.now(),
            )  # fmt: skip
            assert job.id is not None
            return Made(job.id)

    async def event(self, owner: Member) -> Made:
        """Two events of the owner's: the cursor, and one after it (`marker` says whose)."""
        async with self.runtime.sessions() as session, session.begin():
            first = await self.runtime.bus.store(session, [owner.user_id], "matrix.probe", {})
            marker = {"marker": f"user-{owner.user_id}-{uuid.uuid4().hex[:6]}"}
            await self.runtime.bus.store(session, [owner.user_id], "matrix.probe", marker)
        assert first[0].id is not None
        return Made(first[0].id, marker=marker["marker"])

    async def approval(self, owner: Member) -> Made:
        result = await self.executor.call(
            principal_of(owner), "matrix.approval_probe", {"text": "x"}, source="http"
        )
        assert isinstance(result, Pending)
        return Made(result.approval.approval_id)

    async def action(self, owner: Member) -> Made:
        """A call waiting for its requester's click."""
        result = await self.executor.call(
            principal_of(owner), "matrix.confirm_probe", {"text": "x"}, source="http"
        )
        assert isinstance(result, Confirm)
        return Made(result.action.action_id)

    async def done_action(self, owner: Member) -> Made:
        """A task the owner created, recorded as an action still inside its undo window."""
        async with self.runtime.sessions() as session, session.begin():
            task = Task(title="undo me", created_by=owner.user_id)
            session.add(task)
            await session.flush()
            assert task.id is not None
            out = TaskOut.model_validate(task, from_attributes=True).model_dump(mode="json")
            row = await ledger.record(
                session, user_id=owner.user_id, procedure="tasks.create",
                args={"title": "undo me"}, result=out,
                kept={"task_id": task.id, "contact_id": None, "row": out}, source="http",
                now=self.runtime.clock.now(), window_minutes=60,
            )  # fmt: skip
            assert row.id is not None
            return Made(row.id)

    async def requester(self, owner: Member) -> Made:
        """The owner's account, with a call of theirs on the activity list."""
        await self.action(owner)
        return Made(owner.user_id)

    async def user(self, owner: Member) -> Made:
        """The owner's own account."""
        return Made(owner.user_id)

    async def member(self, role: str) -> Member:
        """A fresh account with an API token."""
        async with self.runtime.sessions() as session, session.begin():
            email = f"matrix-{uuid.uuid4().hex[:8]}@clinic.example.com"
            user = User(email=email, role=Role(role), password_hash=self.password_hash)
            session.add(user)
            await session.flush()
            assert user.id is not None
            _, token = await create_token(session, user, "matrix")
            return Member(user.id, email, role, token)

    async def colleague(self, role: str = "practitioner") -> Made:
        """A fresh account (another user's record for the user kinds)."""
        return Made((await self.member(role)).user_id)

    async def token(self, owner: Member) -> Made:
        async with self.runtime.sessions() as session, session.begin():
            user = await session.get(User, owner.user_id)
            assert user is not None
            row, _ = await create_token(session, user, "matrix")
            assert row.id is not None
            return Made(row.id)
