"""The one door to every action. Gates, in order: validate the input -> the caller's role ->
object access -> the policy gate (auto runs; confirm and approve wait) -> run (in a
transaction) -> audit -> validate the output -> record it in the actions ledger, with what its
undo needs (assistant/procedures/recording.py).

HTTP, chat, jobs and the CLI all come through `Executor.call`; the approval runner comes
through `Executor.run_approved` and a requester's confirmation through
`Executor.run_confirmed`, which pass the same gates with the decision in place of a new
request and the requester's role as it is now. Rights, validation and the audit trail
are the same whatever the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.audit import chain
from assistant.db.models import Action, Approval, Event, Job, User
from assistant.errors import AppError, InvalidInput, NotFound, PermissionDenied, Stale
from assistant.procedures import impact as impacts
from assistant.procedures import policy, recording
from assistant.procedures.access import Targets, check_access
from assistant.procedures.approval_binding import (
    bound_versions,
    check_binding,
    staleness,
)
from assistant.procedures.approval_requests import (
    ApprovalOut,
    approver_ids,
    call_hash,
    create_request,
    describe,
)
from assistant.procedures.context import (
    CallContext,
    Caller,
    Origin,
    Principal,
    Source,
    SystemPrincipal,
)
from assistant.procedures.registry import Procedure, Registry
from assistant.procedures.undo import Reversal
from assistant.procedures.waiting import ActionOut, add_waiting, of_approval
from assistant.runtime import Runtime


@dataclass(frozen=True)
class Done:
    procedure: str
    output: BaseModel
    records: dict[str, int]
    action_id: int | None = None
    """Its row in the actions ledger (None: not recorded, e.g. a page's own read)."""
    undo: dict[str, Any] | None = None
    """`{"available", "until", "reason"?}`: whether and until when it can be undone."""


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


@dataclass(frozen=True)
class Confirm:
    """A call waiting for its requester's click (`POST /api/actions/{id}/confirm`)."""

    procedure: str
    action: ActionOut


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


def singular(resource: str) -> str:
    """`notes` -> `note`, `policies` -> `policy`."""
    return resource[:-3] + "y" if resource.endswith("ies") else resource.removesuffix("s")


def record_ids(proc: Procedure, args: BaseModel, output: BaseModel | None) -> dict[str, int]:
    """Ids the audit trail keeps: the arguments' *_id fields and the result's id."""
    ids = {k: v for k, v in args.model_dump().items() if k.endswith("_id") and isinstance(v, int)}
    result_id = getattr(output, "id", None)
    if isinstance(result_id, int):
        ids.setdefault(f"{singular(proc.resource)}_id", result_id)
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


def confirm_event(action: ActionOut, words: str) -> dict[str, Any]:
    """`confirm.required`: the call in words with ids, and the preview's counts (no names)."""
    return {
        "action_id": action.action_id,
        "procedure": action.procedure,
        "summary": f"{words} ({action.summary.partition(' (')[2].rstrip(')') or 'no records'})",
        "impact": {"counts": action.counts},
        "expires_at": action.expires_at.isoformat() if action.expires_at else None,
    }


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
        """Whether no clinic policy can make it run without a second person (its floor)."""
        return self.floor(proc) == "approve"

    def floor(self, proc: Procedure) -> policy.Level:
        return policy.floor_of(proc, self.runtime.settings.approval.extra_critical)

    async def policy_for(
        self, session: AsyncSession, caller: Caller, proc: Procedure
    ) -> policy.Level:
        """The policy gate's answer for this caller. A system principal or a job cannot click
        a confirmation: they run what their floor lets run (an `approve` floor refuses them)."""
        if isinstance(caller, SystemPrincipal) or caller.kind == "job":
            return "approve" if self.needs_approval(proc) else "auto"
        chosen = await policy.chosen_for(session, proc.name)
        extra = self.runtime.settings.approval.extra_critical
        return policy.resolve(proc, caller.role, chosen, extra)

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
        record: bool = True,
    ) -> Done | Pending | Confirm:
        """Run a procedure for `caller`, or, as its policy says, make it wait for the
        caller's confirmation or a second person's approval. `record=False`: a read made only
        to show context is kept out of the actions ledger."""
        origin = origin or Origin()
        proc = self.procedure(name)
        parsed = parse_input(proc, args)
        if not self.may_call(caller, proc):
            await self.deny(caller, proc, source, origin)
        rt = self.runtime
        try:
            async with rt.sessions() as session, session.begin():
                rows = await check_access(session, caller, proc, parsed)
                level = await self.policy_for(session, caller, proc)
                if level == "approve":
                    pending, events = await self._request_approval(
                        session, caller, proc, parsed, rows, source, origin
                    )
                    after = AfterCommit(events, [])
                    result: Done | Pending | Confirm = pending
                elif level == "confirm":
                    confirm, events = await self._request_confirm(
                        session, caller, proc, parsed, rows, source, origin
                    )
                    after, result = AfterCommit(events, []), confirm
                else:
                    recorded = record and recording.records(caller, proc, source)
                    result, after = await self._run(
                        session, caller, proc, parsed, source, origin, record=recorded
                    )
        except AppError as exc:
            records = record_ids(proc, parsed, None)
            await self._audit_failure(caller, proc, records, source, exc.code, origin)
            if record and recording.records(caller, proc, source):
                exc.extra["action_id"] = await recording.record_failure(
                    rt, caller, proc, parsed, source, origin, exc.message
                )
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
                action = await of_approval(session, approval.id or 0)
                now_impact = await impacts.preview(session, proc, parsed, rows)
                check_binding(approval, rows, now_impact, action.impact if action else None)
                return await self._run(
                    session, caller, proc, parsed, "job", origin, approval=approval
                )
        except AppError as exc:
            now = self.runtime.clock.now()
            records = record_ids(proc, parsed, None)
            await audit(session, caller, proc, "job", records, exc.code, origin, now)
            raise

    async def run_confirmed(
        self, session: AsyncSession, action: Action, principal: Principal
    ) -> tuple[Done, AfterCommit]:
        """Run a confirmed call inside the caller's transaction, exactly as it was shown:
        the same gates as any call (role as it is now, object access), then its binding in
        place of the policy gate. Stale when a target or what the call touches changed."""
        proc = self.procedure(action.procedure)
        parsed = parse_input(proc, action.args)
        origin = Origin(action.conversation_id, action.message_id)
        try:
            async with session.begin_nested():
                if not self.may_call(principal, proc):
                    raise PermissionDenied(
                        f"your role is now {principal.role}, which may not call {proc.name}"
                    )
                try:
                    rows = await check_access(session, principal, proc, parsed)
                except NotFound as exc:
                    raise Stale(exc.message.replace(" not found", " no longer exists")) from None
                rows = rows or await impacts.referenced(session, parsed)
                now_impact = await impacts.preview(session, proc, parsed, rows)
                reason = staleness(action.target, rows, now_impact, action.impact)
                versions = bound_versions(rows, now_impact)
                if reason is None and action.call_hash != call_hash(
                    proc.name, action.args, versions
                ):
                    reason = "the call does not match what was shown"
                if reason is not None:
                    raise Stale(reason, impact=now_impact)
                return await self._run(
                    session, principal, proc, parsed, "http", origin, action_id=action.id
                )
        except AppError as exc:
            records = record_ids(proc, parsed, None)
            now = self.runtime.clock.now()
            await audit(session, principal, proc, "http", records, exc.code, origin, now)
            raise

    async def _run(
        self,
        session: AsyncSession,
        caller: Caller,
        proc: Procedure,
        args: BaseModel,
        source: Source,
        origin: Origin,
        *,
        record: bool = False,
        approval: Approval | None = None,
        action_id: int | None = None,
    ) -> tuple[Done, AfterCommit]:
        """Run, audit, validate the output, record it in the actions ledger (with what its
        undo needs); publish the returned events and jobs only after the caller's
        transaction commits."""
        rt = self.runtime
        ctx = CallContext(
            caller, session, rt.clock.now(), source, origin, settings=rt.settings,
            nested=self._nested, registry=self.registry,
        )  # fmt: skip
        reversal = proc.undo if isinstance(proc.undo, Reversal) else None
        before = await reversal.before(ctx, args) if reversal and reversal.before else None
        result = await proc.handler(ctx, args)
        records = record_ids(proc, args, result)
        touched = {**records, **batch_ids(result)}
        await audit(session, caller, proc, source, touched, "ok", origin, ctx.now)
        output = proc.output.model_validate(result.model_dump())
        done = Done(proc.name, output, records)
        waited = approval is not None or action_id is not None
        if (record or waited) and isinstance(caller, Principal):
            kept = reversal.keep(args, output, before) if reversal else None
            window = rt.settings.undo.window_minutes
            row = await recording.record_done(
                ctx, proc, args, output, kept, approval, window, action_id
            )
            done = Done(proc.name, output, records, row.id, recording.undo_of(row, proc, ctx.now))
        events = [
            e
            for uids, kind, data in ctx.events
            for e in await rt.bus.store(session, uids, kind, data)
        ]
        return done, AfterCommit(events, ctx.jobs)

    async def _nested(self, ctx: CallContext, name: str, args: dict[str, Any]) -> BaseModel:
        """Another procedure inside `ctx`'s call and transaction (CallContext.call): the
        same role and access gates, audited, not recorded as an action of its own."""
        proc = self.procedure(name)
        parsed = parse_input(proc, args)
        caller = ctx.caller
        if isinstance(caller, SystemPrincipal) or caller.role not in proc.roles:
            who = caller.name if isinstance(caller, SystemPrincipal) else f"role ({caller.role})"
            raise PermissionDenied(f"your {who} may not call {proc.name}")
        await check_access(ctx.session, caller, proc, parsed)
        result = await proc.handler(replace(ctx), parsed)
        touched = {**record_ids(proc, parsed, result), **batch_ids(result)}
        await audit(ctx.session, caller, proc, ctx.source, touched, "ok", ctx.origin, ctx.now)
        return proc.output.model_validate(result.model_dump())

    async def _request_approval(
        self,
        session: AsyncSession,
        caller: Caller,
        proc: Procedure,
        args: BaseModel,
        rows: Targets,
        source: Source,
        origin: Origin,
    ) -> tuple[Pending, list[Event]]:
        if isinstance(caller, SystemPrincipal):
            raise PermissionDenied(f"{caller.name} may not request approvals")
        rt = self.runtime
        now = rt.clock.now()
        if proc.precondition is not None:  # what the approver would see must be final
            proc.precondition(args, rows)
        preview = await self.preview(session, proc, args, rows)
        approval = await create_request(
            session,
            proc=proc,
            args=args,
            requested_by=caller.user_id,
            source=source,
            now=now,
            ttl_hours=rt.settings.approval.ttl_hours,
            conversation_id=origin.conversation_id,
            impact_digest=impacts.digest(preview),
        )
        assert approval.id is not None
        await add_waiting(
            session, caller=caller, procedure=proc.name, args=approval.args,
            call_hash=approval.call_hash, target=approval.target, impact=preview, source=source,
            origin=origin, now=now, ttl_hours=rt.settings.approval.ttl_hours,
            approval_id=approval.id,
        )  # fmt: skip
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

    async def preview(
        self, session: AsyncSession, proc: Procedure, args: BaseModel, rows: Targets
    ) -> impacts.Impact:
        """The preview, with the call in words (names: stored encrypted, never in events)."""
        shown = rows or await impacts.referenced(session, args)
        words = (
            describe(proc, args, rows)
            if proc.describe
            else (impacts.call_in_words(proc, args, shown))
        )
        return {**await impacts.preview(session, proc, args, rows), "call": words}

    async def _request_confirm(
        self,
        session: AsyncSession,
        caller: Caller,
        proc: Procedure,
        args: BaseModel,
        rows: Targets,
        source: Source,
        origin: Origin,
    ) -> tuple[Confirm, list[Event]]:
        """A `pending` action bound to exactly this call and its preview; the caller's click
        runs it (`run_confirmed`)."""
        if isinstance(caller, SystemPrincipal):
            raise PermissionDenied(f"{caller.name} cannot confirm a call")
        rt = self.runtime
        now = rt.clock.now()
        if proc.precondition is not None:
            proc.precondition(args, rows)
        rows = rows or await impacts.referenced(session, args)  # bound: what it names
        preview = await self.preview(session, proc, args, rows)
        versions = bound_versions(rows, preview)
        dumped = args.model_dump(mode="json")
        action = await add_waiting(
            session, caller=caller, procedure=proc.name, args=dumped,
            call_hash=call_hash(proc.name, dumped, versions), target=versions, impact=preview,
            source=source, origin=origin, now=now, ttl_hours=rt.settings.approval.ttl_hours,
        )  # fmt: skip
        assert action.id is not None
        records = {**record_ids(proc, args, None), "action_id": action.id}
        await audit(session, caller, proc, source, records, "confirm_requested", origin, now)
        out = ActionOut.of(action)
        data = confirm_event(out, proc.summary)
        events = await rt.bus.store(session, [caller.user_id], "confirm.required", data)
        return Confirm(proc.name, out), events

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
