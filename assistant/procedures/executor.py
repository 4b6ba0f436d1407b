"""The one door to every action. Gates, in order: validate the input -> the caller's role ->
object access -> the approval gate -> run (in a transaction) -> audit -> validate the output.

HTTP, chat, jobs and the CLI all come through `Executor.call`; the approval runner comes
through `Executor.run_approved`, which passes the same gates with the approval in place of a
new request and the requester's role as it is now. Rights, validation and the audit trail
are the same whatever the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.audit import chain
from assistant.db.models import Approval, Event, Job, User
from assistant.errors import AppError, InvalidInput, NotFound, PermissionDenied, Stale
from assistant.procedures.access import check_access
from assistant.procedures.approval_binding import check_binding
from assistant.procedures.approval_requests import ApprovalOut, approver_ids, create_request
from assistant.procedures.context import (
    CallContext,
    Caller,
    Origin,
    Principal,
    Source,
    SystemPrincipal,
)
from assistant.procedures.registry import Procedure, Registry
from assistant.runtime import Runtime


@dataclass(frozen=True)
class Done:
    procedure: str
    output: BaseModel
    records: dict[str, int]


@dataclass(frozen=True)
class AfterCommit:
    """Side effects that must wait for the commit: events to announce, jobs to queue."""

    events: list[Event]
    jobs: list[Job]

    async def publish(self, runtime: Runtime) -> None:
        from assistant.queue.rows import push

        await runtime.bus.notify(self.events)
        for job in self.jobs:
            await push(runtime, job)


@dataclass(frozen=True)
class Pending:
    procedure: str
    approval: ApprovalOut


def validation_fields(exc: ValidationError) -> dict[str, str]:
    """pydantic errors as {"field.path": "message"}, the shape of our 422s."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "body"
        fields.setdefault(where, error["msg"])
    return fields


def parse_input(proc: Procedure, args: Mapping[str, Any] | BaseModel) -> BaseModel:
    raw = args.model_dump(exclude_unset=True) if isinstance(args, BaseModel) else args
    if not isinstance(raw, Mapping):
        raise InvalidInput("arguments must be a JSON object", fields={"body": "not an object"})
    try:
        return proc.input.model_validate(dict(raw))
    except ValidationError as exc:
        fields = validation_fields(exc)
        first = next(iter(fields.items()))
        raise InvalidInput(f"invalid {first[0]}: {first[1]}", fields=fields) from None


def record_ids(proc: Procedure, args: BaseModel, output: BaseModel | None) -> dict[str, int]:
    """Ids the audit trail keeps: the arguments' *_id fields and the result's id."""
    ids = {k: v for k, v in args.model_dump().items() if k.endswith("_id") and isinstance(v, int)}
    result_id = getattr(output, "id", None)
    if isinstance(result_id, int):
        ids.setdefault(f"{proc.resource.removesuffix('s')}_id", result_id)
    return ids


def batch_ids(output: BaseModel) -> dict[str, list[int]]:
    """Lists of ids a batch call reports touching (`contact_ids`), for the audit trail."""
    return {
        k: v
        for k, v in output.model_dump().items()
        if k.endswith("_ids") and isinstance(v, list) and all(isinstance(i, int) for i in v)
    }


def actor_of(caller: Caller) -> chain.Actor:
    """The audit trail's view of a caller: its kind and what names it."""
    if isinstance(caller, SystemPrincipal):
        return chain.Actor(kind="system", name=caller.name, job_id=caller.job_id)
    return chain.Actor(
        kind=caller.kind,
        user_id=caller.user_id,
        role=caller.role,
        token_id=caller.token_id,
        job_id=caller.job_id,
    )


async def audit(
    session: AsyncSession,
    caller: Caller,
    proc: Procedure,
    source: Source,
    records: dict[str, Any],
    outcome: str,
    origin: Origin,
    now: datetime,
) -> None:
    await chain.append(
        session, actor_of(caller), source=source, procedure=proc.name, record_ids=records,
        outcome=outcome, now=now, conversation_id=origin.conversation_id,
        message_id=origin.message_id,
    )  # fmt: skip


class Executor:
    def __init__(self, runtime: Runtime, registry: Registry) -> None:
        self.runtime = runtime
        self.registry = registry

    def procedure(self, name: str) -> Procedure:
        proc = self.registry.get(name)
        if proc is None:
            raise NotFound(f"unknown procedure {name!r}")
        return proc

    def needs_approval(self, proc: Procedure) -> bool:
        return proc.risk == "critical" or proc.name in self.runtime.settings.approval.extra_critical

    def may_call(self, caller: Caller, proc: Procedure) -> bool:
        """The role gate: a system principal calls what it lists; an internal procedure is
        only for jobs acting for their requester; everyone else by role."""
        if isinstance(caller, SystemPrincipal):
            return proc.name in caller.may_call
        if proc.internal and caller.kind != "job":
            return False
        return caller.role in proc.roles

    def offered(self, principal: Principal) -> list[Procedure]:
        """What a user may call directly (routes, `GET /api/rpc`): never an internal one."""
        return [p for p in self.registry if not p.internal and self.may_call(principal, p)]

    async def deny(
        self, caller: Caller, proc: Procedure, source: Source, origin: Origin | None = None
    ) -> NoReturn:
        """Audit a refused call and raise 403."""
        await self._audit_failure(caller, proc, {}, source, "denied", origin or Origin())
        who = caller.name if isinstance(caller, SystemPrincipal) else f"your role ({caller.role})"
        raise PermissionDenied(f"{who} may not call {proc.name}")

    async def call(
        self,
        caller: Caller,
        name: str,
        args: Mapping[str, Any] | BaseModel,
        *,
        source: Source,
        origin: Origin | None = None,
    ) -> Done | Pending:
        """Run a procedure for `caller`; a critical one becomes an approval request."""
        origin = origin or Origin()
        proc = self.procedure(name)
        parsed = parse_input(proc, args)
        if not self.may_call(caller, proc):
            await self.deny(caller, proc, source, origin)
        rt = self.runtime
        try:
            async with rt.sessions() as session, session.begin():
                await check_access(session, caller, proc, parsed)
                if self.needs_approval(proc):
                    pending, events = await self._request_approval(
                        session, caller, proc, parsed, source, origin
                    )
                    after = AfterCommit(events, [])
                    result: Done | Pending = pending
                else:
                    result, after = await self._run(session, caller, proc, parsed, source, origin)
        except AppError as exc:
            records = record_ids(proc, parsed, None)
            await self._audit_failure(caller, proc, records, source, exc.code, origin)
            raise
        await after.publish(rt)
        return result

    async def run_approved(
        self, session: AsyncSession, approval: Approval, *, job_id: int | None
    ) -> tuple[Done, AfterCommit]:
        """Run an approved call inside the approval runner's transaction, through the same
        gates: the requester's role as it is now (Stale if the account is disabled), object
        access, and the approval's binding in place of a new request. A refusal rolls back
        the call, is audited, and is raised for the runner to record on the approval."""
        proc = self.procedure(approval.procedure)
        parsed = parse_input(proc, approval.args)
        requester = await session.get(User, approval.requested_by)
        if requester is None or not requester.is_active:
            raise Stale("the requester's account is disabled")
        caller = Principal.of(requester, kind="job", job_id=job_id)
        origin = Origin(conversation_id=approval.conversation_id)
        try:
            async with session.begin_nested():
                if not self.may_call(caller, proc):
                    raise PermissionDenied(
                        f"the requester's role is now {caller.role}, which may not call {proc.name}"
                    )
                try:
                    rows = await check_access(session, caller, proc, parsed)
                except NotFound as exc:
                    raise Stale(exc.message.replace(" not found", " no longer exists")) from None
                check_binding(approval, rows)
                return await self._run(session, caller, proc, parsed, "job", origin)
        except AppError as exc:
            now = self.runtime.clock.now()
            records = record_ids(proc, parsed, None)
            await audit(session, caller, proc, "job", records, exc.code, origin, now)
            raise

    async def _run(
        self,
        session: AsyncSession,
        caller: Caller,
        proc: Procedure,
        args: BaseModel,
        source: Source,
        origin: Origin,
    ) -> tuple[Done, AfterCommit]:
        """Run, audit, validate the output; publish the returned events and jobs only after
        the caller's transaction commits."""
        rt = self.runtime
        ctx = CallContext(caller, session, rt.clock.now(), source, origin, settings=rt.settings)
        result = await proc.handler(ctx, args)
        records = record_ids(proc, args, result)
        touched = {**records, **batch_ids(result)}
        await audit(session, caller, proc, source, touched, "ok", origin, ctx.now)
        output = proc.output.model_validate(result.model_dump())
        events = [
            e
            for uids, kind, data in ctx.events
            for e in await rt.bus.store(session, uids, kind, data)
        ]
        return Done(proc.name, output, records), AfterCommit(events, ctx.jobs)

    async def _request_approval(
        self,
        session: AsyncSession,
        caller: Caller,
        proc: Procedure,
        args: BaseModel,
        source: Source,
        origin: Origin,
    ) -> tuple[Pending, list[Event]]:
        if isinstance(caller, SystemPrincipal):
            raise PermissionDenied(f"{caller.name} may not request approvals")
        rt = self.runtime
        now = rt.clock.now()
        approval = await create_request(
            session,
            proc=proc,
            args=args,
            requested_by=caller.user_id,
            source=source,
            now=now,
            ttl_hours=rt.settings.approval.ttl_hours,
            conversation_id=origin.conversation_id,
        )
        assert approval.id is not None
        records = {**record_ids(proc, args, None), "approval_id": approval.id}
        await audit(session, caller, proc, source, records, "approval_requested", origin, now)
        out = ApprovalOut.of(approval)
        data = {
            "approval_id": approval.id,
            "procedure": proc.name,
            "summary": out.summary,
            "approver_roles": out.approver_roles,
            "expires_at": out.expires_at.isoformat(),
        }
        recipients = [caller.user_id, *await approver_ids(session, approval)]
        events = await rt.bus.store(session, recipients, "approval.required", data)
        return Pending(proc.name, out), events

    async def _audit_failure(
        self,
        caller: Caller,
        proc: Procedure,
        records: dict[str, int],
        source: Source,
        outcome: str,
        origin: Origin,
    ) -> None:
        async with self.runtime.sessions() as session, session.begin():
            now = self.runtime.clock.now()
            await audit(session, caller, proc, source, records, outcome, origin, now)
