"""`/admin/policies`: the owner's page for what runs at once, asks its requester (confirm) or
waits for a second person (approve). Through `policies.list`/`policies.set`, so only an owner
gets it and every change is audited."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from assistant.db.models import Role
from assistant.errors import AppError
from assistant.procedures.context import Principal
from assistant.procedures.executor import Done, Executor
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.shell import render, see_other

LEVELS = ("auto", "confirm", "approve")
WORDS = {
    "auto": "Runs at once",
    "confirm": "Asks the requester to confirm",
    "approve": "Needs a second person's approval",
}
EVERY = "every"
"""The form's name for the policy of every role."""


async def _list(executor: Executor, principal: Principal) -> list[dict[str, Any]]:
    done = await executor.call(principal, "policies.list", {}, source="http")
    assert isinstance(done, Done)  # policies.list has an `auto` floor and reads only
    items: list[dict[str, Any]] = done.output.model_dump(mode="json")["items"]
    for item in items:
        floor = LEVELS.index(item["floor"])
        item["choices"] = LEVELS[floor:]
        item["key"] = item["procedure"].replace(".", "-")
    return items


async def _page(
    request: Request[Any, Any, Any], runtime: Any, executor: Executor, principal: Principal,
    **context: Any,
) -> Template:  # fmt: skip
    return await render(
        request, runtime, principal, "policies/list.html", page="admin.policies",
        items=await _list(executor, principal), roles=[r.value for r in Role], words=WORDS,
        **context,
    )  # fmt: skip


def _current(item: dict[str, Any], role: str) -> str:
    """What the form showed selected: every role's policy, or a role's own ("" for none)."""
    if role == EVERY:
        return str(item["everyone"] or item["default"])
    return str(item["by_role"].get(role, ""))


NOTICES = {"saved": "Policy saved. It applies to the next call."}


@get("/admin/policies", include_in_schema=False)
async def policies_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    notice: FromQuery[str] = "",
) -> Template:
    return await _page(request, runtime, executor, principal, notice=NOTICES.get(notice))


@post("/admin/policies", include_in_schema=False)
async def save_policy(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    data: URLEncodedBody[dict[str, str]],
) -> Template | Redirect:
    """One procedure's row: the policy for every role and each role's own (`default`: none)."""
    procedure = data.get("procedure", "")
    key = procedure.replace(".", "-")
    now = {p["procedure"]: p for p in await _list(executor, principal)}.get(procedure)
    if now is None:
        return await _page(request, runtime, executor, principal, status_code=422,
                           errors={"form": f"Unknown procedure {procedure!r}"})  # fmt: skip
    try:
        for role in (EVERY, *(r.value for r in Role)):
            chosen = data.get(f"{key}-{role}")
            if chosen is None or chosen == _current(now, role):
                continue  # only what changed is set (and audited)
            args: dict[str, Any] = {"procedure": procedure, "policy": chosen or "default"}
            if role != EVERY:
                args["role"] = role
            await executor.call(principal, "policies.set", args, source="http")
    except AppError as exc:
        message = exc.message[:1].upper() + exc.message[1:]
        return await _page(
            request, runtime, executor, principal, errors={"form": message}, status_code=422
        )
    return see_other("/admin/policies", notice="saved")


routes = [policies_page, save_policy]
