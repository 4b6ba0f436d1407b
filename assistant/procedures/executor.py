"""The one door to every action: validate -> authorise -> approval gate -> run -> audit.

HTTP, chat and jobs all call `Executor.call`, so rights, validation and the audit trail are
the same whatever the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.approvals.requests import ApprovalOut, approver_ids, create_request
from assistant.audit import chain
from assistant.db.models import Event, Job
from assistant.errors import AppError, InvalidInput, NotFound, PermissionDenied
from assistant.procedures.context import CallContext, Principal, Source
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
        from assistant.jobs.queue import push

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


async def _audit(
    session: AsyncSession,
    principal: Principal,
    proc: Procedure,
    source: Source,
    records: dict[str, int],
    outcome: str,
    now: datetime,
) -> None:
    await chain.append(
        session, actor_id=principal.user_id, actor_role=principal.role, source=source,
        procedure=proc.name, record_ids=records, outcome=outcome, now=now,
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

    def may_call(self, principal: Principal, proc: Procedure) -> bool:
        return principal.role in proc.roles

    async def deny(self, principal: Principal, proc: Procedure, source: Source) -> NoReturn:
        """Audit a refused call and raise 403."""
        await self._audit_failure(principal, proc, {}, source, "denied")
        raise PermissionDenied(f"your role ({principal.role}) may not call {proc.name}")

    async def call(
        self,
        principal: Principal,
        name: str,
        args: Mapping[str, Any] | BaseModel,
        *,
        source: Source,
        approved: bool = False,
    ) -> Done | Pending:
        """Run a procedure for `principal`; `approved` is set only by the approval runner."""
        proc = self.procedure(name)
        if not self.may_call(principal, proc):
            await self.deny(principal, proc, source)
        parsed = parse_input(proc, args)
        if self.needs_approval(proc) and not approved:
            return await self._request_approval(principal, proc, parsed, source)
        try:
            return await self._run(principal, proc, parsed, source)
        except AppError as exc:
            await self._audit_failure(
                principal, proc, record_ids(proc, parsed, None), source, exc.code
            )
            raise

    async def _run(
        self, principal: Principal, proc: Procedure, args: BaseModel, source: Source
    ) -> Done:
        rt = self.runtime
        async with rt.sessions() as session, session.begin():
            done, after = await self.run_in(session, principal, proc, args, source)
        await after.publish(rt)
        return done

    async def run_in(
        self,
        session: AsyncSession,
        principal: Principal,
        proc: Procedure,
        args: BaseModel,
        source: Source,
    ) -> tuple[Done, AfterCommit]:
        """Run inside the caller's transaction (the approval runner marks the approval in the
        same one); publish the returned events and jobs only after it commits."""
        rt = self.runtime
        ctx = CallContext(principal, session, rt.clock.now(), source, settings=rt.settings)
        result = await proc.handler(ctx, args)
        output = proc.output.model_validate(result.model_dump())
        records = record_ids(proc, args, output)
        await _audit(session, principal, proc, source, records, "ok", ctx.now)
        events = [
            e
            for uids, kind, data in ctx.events
            for e in await rt.bus.store(session, uids, kind, data)
        ]
        return Done(proc.name, output, records), AfterCommit(events, ctx.jobs)

    async def _request_approval(
        self, principal: Principal, proc: Procedure, args: BaseModel, source: Source
    ) -> Pending:
        rt = self.runtime
        async with rt.sessions() as session, session.begin():
            now = rt.clock.now()
            approval = await create_request(
                session,
                proc=proc,
                args=args,
                requested_by=principal.user_id,
                source=source,
                now=now,
                ttl_hours=rt.settings.approval.ttl_hours,
            )
            assert approval.id is not None
            records = {**record_ids(proc, args, None), "approval_id": approval.id}
            await _audit(session, principal, proc, source, records, "approval_requested", now)
            out = ApprovalOut.of(approval)
            data = {
                "approval_id": approval.id,
                "procedure": proc.name,
                "summary": out.summary,
                "approver_roles": out.approver_roles,
                "expires_at": out.expires_at.isoformat(),
            }
            recipients = [principal.user_id, *await approver_ids(session, approval)]
            events = await rt.bus.store(session, recipients, "approval.required", data)
        await rt.bus.notify(events)
        return Pending(proc.name, out)

    async def _audit_failure(
        self,
        principal: Principal,
        proc: Procedure,
        records: dict[str, int],
        source: Source,
        outcome: str,
    ) -> None:
        async with self.runtime.sessions() as session, session.begin():
            await _audit(
                session, principal, proc, source, records, outcome, self.runtime.clock.now()
            )
