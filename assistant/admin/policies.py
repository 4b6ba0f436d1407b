"""The clinic's policy per procedure: list what applies to each role, and change it (owners
and the CLI's operator). A change above the declaration's floor only; every change audited."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field
from sqlmodel import col, delete, select

from assistant.admin.declare import OWNER, procedure
from assistant.db.models import ProcedurePolicy, Role
from assistant.errors import InvalidInput
from assistant.procedures import policy
from assistant.procedures.context import CallContext
from assistant.procedures.policy import Level
from assistant.procedures.registry import Procedure, Registry
from assistant.procedures.types import Input


class PolicyOut(BaseModel):
    id: int | None = Field(default=None, description="The stored choice changed (audited).")
    procedure: str
    summary: str
    risk: str
    default: Level = Field(description="What the declaration sets.")
    floor: Level = Field(description="The lowest the clinic may choose.")
    everyone: Level | None = Field(default=None, description="The clinic's choice.")
    by_role: dict[str, Level] = Field(
        default_factory=dict, description="A role's own choice, where set."
    )
    effective: dict[str, Level] = Field(
        description="What applies to each role that may call it, now."
    )


class PolicyList(BaseModel):
    items: list[PolicyOut]
    total: int


class ListPolicies(Input):
    pass


class SetPolicy(Input):
    procedure: str = Field(min_length=1, max_length=64)
    policy: Literal["auto", "confirm", "approve", "default"] = Field(
        description="auto, confirm or approve; `default` removes the clinic's choice."
    )
    role: Role | None = Field(default=None, description="Only this role; none: every role.")


def _registry(ctx: CallContext) -> Registry:
    assert ctx.registry is not None, "the executor passes its registry"
    return ctx.registry


def _extra(ctx: CallContext) -> list[str]:
    return ctx.settings.approval.extra_critical if ctx.settings is not None else []


def _out(proc: Procedure, chosen: dict[str, Level], extra: list[str]) -> PolicyOut:
    return PolicyOut(
        procedure=proc.name,
        summary=proc.summary,
        risk=proc.risk,
        default=proc.default_policy,
        floor=policy.floor_of(proc, extra),
        everyone=chosen.get(policy.EVERY_ROLE),
        by_role={r: v for r, v in chosen.items() if r != policy.EVERY_ROLE},
        effective={
            role.value: policy.resolve(proc, role.value, chosen, extra)
            for role in Role
            if role in proc.roles
        },
    )


def settable(registry: Registry) -> list[Procedure]:
    """What a policy can be set for: what staff call (internal procedures always run)."""
    return [p for p in registry if not p.internal]


@procedure(
    "policies.list",
    summary="List each procedure's policy (auto, confirm or approve) per role",
    input=ListPolicies,
    output=PolicyList,
    roles=OWNER,
)
async def list_policies(ctx: CallContext, args: ListPolicies) -> PolicyList:
    chosen = await policy.chosen_all(ctx.session)
    items = [_out(p, chosen.get(p.name, {}), _extra(ctx)) for p in settable(_registry(ctx))]
    return PolicyList(items=items, total=len(items))


@procedure(
    "policies.set",
    summary="Set a procedure's policy: auto, confirm or approve, for every role or one",
    input=SetPolicy,
    output=PolicyOut,
    roles=OWNER,
)
async def set_policy(ctx: CallContext, args: SetPolicy) -> PolicyOut:
    proc = _registry(ctx).get(args.procedure)
    if proc is None or proc.internal:
        raise InvalidInput(
            f"unknown procedure {args.procedure!r}; `assistant policy list` shows them",
            fields={"procedure": "unknown"},
        )
    floor = policy.floor_of(proc, _extra(ctx))
    if args.policy != "default" and policy.rank(args.policy) < policy.rank(floor):
        raise InvalidInput(
            f"{proc.name} may not go below {floor}",
            fields={"policy": f"at least {floor}"},
        )
    if args.role is not None and args.role not in proc.roles:
        raise InvalidInput(
            f"the {args.role.value} role may not call {proc.name}",
            fields={"role": f"may not call {proc.name}"},
        )
    role = args.role.value if args.role is not None else policy.EVERY_ROLE
    where = (col(ProcedurePolicy.procedure) == proc.name, col(ProcedurePolicy.role) == role)
    if args.policy == "default":
        await ctx.session.exec(delete(ProcedurePolicy).where(*where))
        return _out(proc, await policy.chosen_for(ctx.session, proc.name), _extra(ctx))
    row = (
        await ctx.session.exec(select(ProcedurePolicy).where(*where))
    ).first() or ProcedurePolicy(procedure=proc.name, role=role, policy=args.policy)
    row.policy, row.updated_by, row.updated_at = args.policy, ctx.user_id, ctx.now
    ctx.session.add(row)
    await ctx.session.flush()
    out = _out(proc, await policy.chosen_for(ctx.session, proc.name), _extra(ctx))
    return out.model_copy(update={"id": row.id})
