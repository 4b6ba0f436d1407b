"""A call waiting for its requester: the dock's card and the page a form lands on when a
clinic's policy says `confirm`; Confirm runs exactly that call, Cancel drops it."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.actions import confirm as confirmations
from assistant.chat.store import ConversationDetail
from assistant.db.models import Action
from assistant.errors import AppError
from assistant.procedures.context import Principal
from assistant.procedures.waiting import ActionDetail
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.errors import ACCESS_ERRORS
from server.pages.shell import fragment, render, see_other
from server.params import PathId

ASKED = "Your clinic asks you to confirm this before it runs: nothing has changed yet."


def view(detail: ActionDetail, principal: Principal) -> dict[str, Any]:
    """The card's context: the action's fields, whether it waits, and whether it is mine."""
    return {
        **detail.model_dump(),
        "waiting": detail.awaiting_requester,
        "mine": detail.requested_by == principal.user_id,
    }


async def confirm_cards(
    session: AsyncSession, principal: Principal, detail: ConversationDetail
) -> dict[int, dict[str, Any]]:
    """The confirmation cards of a conversation's messages, by action id."""
    ids = [i for m in detail.messages for i in m.meta.get("confirms", [])]
    if not ids:
        return {}
    query = select(Action).where(col(Action.id).in_(ids), col(Action.user_id) == principal.user_id)
    rows = (await session.exec(query)).all()
    return {
        row.id: view(await confirmations.detail_of(session, row), principal)
        for row in rows
        if row.id is not None
    }


@get("/dock/actions/{action_id:int}", include_in_schema=False)
async def dock_card(action_id: PathId, principal: PrincipalDep, runtime: RuntimeDep) -> Template:
    """The card, with its preview: fetched by the dock when a confirmation arrives."""
    detail = await confirmations.get(runtime, principal, action_id)
    return fragment("actions/_dock_one.html", principal, x=view(detail, principal))


@get("/actions/{action_id:int}", include_in_schema=False)
async def confirm_page(
    request: Request[Any, Any, Any],
    action_id: PathId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    asked: FromQuery[bool] = False,
) -> Template:
    """`asked`: a form's call landed here because the clinic's policy wants it confirmed."""
    detail = await confirmations.get(runtime, principal, action_id)
    notice = ASKED if asked and detail.awaiting_requester else None
    return await render(
        request, runtime, principal, "actions/confirm.html", page="actions",
        x=view(detail, principal), notice=notice,
    )  # fmt: skip


async def _after(
    request: Request[Any, Any, Any], runtime: Any, principal: Principal, action_id: int,
    exc: AppError,
) -> Template:  # fmt: skip
    """The page again, saying why the click did not run the call (stale: what changed)."""
    detail = await confirmations.get(runtime, principal, action_id)
    message = exc.message[:1].upper() + exc.message[1:]
    return await render(
        request, runtime, principal, "actions/confirm.html", page="actions",
        x=view(detail, principal), errors={"form": message}, status_code=409,
    )  # fmt: skip


@post("/actions/{action_id:int}/confirm", include_in_schema=False)
async def confirm_form(
    request: Request[Any, Any, Any],
    action_id: PathId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    executor: ExecutorDep,
) -> Template | Redirect:
    try:
        await confirmations.confirm(runtime, executor, principal, action_id)
    except ACCESS_ERRORS:
        raise
    except AppError as exc:
        return await _after(request, runtime, principal, action_id, exc)
    return see_other(f"/actions/{action_id}")


@post("/actions/{action_id:int}/cancel", include_in_schema=False)
async def cancel_form(
    request: Request[Any, Any, Any], action_id: PathId, principal: PrincipalDep, runtime: RuntimeDep
) -> Template | Redirect:
    try:
        await confirmations.cancel(runtime, principal, action_id)
    except ACCESS_ERRORS:
        raise
    except AppError as exc:
        return await _after(request, runtime, principal, action_id, exc)
    return see_other(f"/actions/{action_id}")


routes = [dock_card, confirm_page, confirm_form, cancel_form]
