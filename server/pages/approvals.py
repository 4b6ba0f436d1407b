"""The approvals inbox: requests to decide, my own requests, history; approve or reject."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.approvals.decide import decide, load_visible
from assistant.approvals.edit import approve_edited
from assistant.approvals.inbox import BOXES, Box, inbox, people, waiting_count
from assistant.db.models import Role
from assistant.errors import AppError, InvalidInput
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.procedures.waiting import approvals_out
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.approval_edits import changes, edit_fields
from server.pages.errors import ACCESS_ERRORS
from server.pages.paging import PageNo
from server.pages.shell import fragment, render, see_other, seen

PAGE_SIZE = 20
TABS: dict[Box, str] = {"decide": "To decide", "mine": "My requests", "history": "History"}
# Fields of a target record an approver needs; clinical text is held back from other roles.
CLINICAL_FIELDS = {"notes": {"body"}}
# Bookkeeping an approver does not need to judge the request.
NOT_SHOWN = {"id", "created_at", "updated_at", "author_id", "phone_digits"}
FIRST = ("first_name", "last_name", "title", "subject", "email", "phone", "date_of_birth")


def _records(approval: ApprovalOut, principal: Principal) -> list[dict[str, Any]]:
    shown = []
    for item in approval.records:
        table = item["table"]
        hidden = NOT_SHOWN | (
            set() if principal.reads_clinical_text else CLINICAL_FIELDS.get(table, set())
        )
        fields = {k: v for k, v in item.get("record", {}).items() if k not in hidden}
        order = sorted(fields, key=lambda k: (FIRST.index(k) if k in FIRST else len(FIRST), k))
        what = table.removesuffix("s").replace("_", " ")
        shown.append({"what": what, "id": item["id"], "record": {k: fields[k] for k in order}})
    return shown


def _may_decide(approval: ApprovalOut, principal: Principal) -> bool:
    """Pending, my role may decide it, and someone else asked (four eyes)."""
    return (
        approval.status == "pending"
        and principal.role.value in approval.approver_roles
        and approval.requested_by != principal.user_id
    )


async def _card_list(
    session: AsyncSession,
    executor: Executor,
    principal: Principal,
    items: list[ApprovalOut],
    open_edit: bool = False,
) -> list[dict[str, Any]]:
    """Each request as a card: its preview, who asked, the records, and for a request I may
    decide, the edit form (`open_edit`: shown unfolded)."""
    names = await people(
        session, {a.requested_by for a in items} | {a.decided_by for a in items if a.decided_by}
    )
    cards = []
    for approval in items:
        proc = executor.registry.get(approval.procedure)
        deciding = _may_decide(approval, principal)
        cards.append(
            {
                "approval": approval,
                "what": proc.summary if proc else approval.procedure,
                "records": _records(approval, principal),
                "asked_by": names.get(approval.requested_by, f"user #{approval.requested_by}"),
                "decided_by": names.get(approval.decided_by) if approval.decided_by else None,
                "conversation_id": getattr(approval, "conversation_id", None),
                "may_decide": deciding,
                "edits": await edit_fields(session, executor, approval) if deciding else [],
                "open_edit": open_edit,
                # the requester (or an owner) undoes a call that ran, as on the activity page
                "may_undo": approval.undo is not None
                and (approval.requested_by == principal.user_id or principal.role == Role.owner),
            }
        )
    return cards


async def _cards(
    runtime: Any, executor: Executor, principal: Principal, box: Box, page: int
) -> dict[str, Any]:
    at = PageNo.of(page, PAGE_SIZE)
    async with runtime.readers() as session:
        items, total = await inbox(
            session, principal, box, at.limit, at.offset, executor.registry, runtime.clock.now()
        )
        cards = await _card_list(session, executor, principal, items)
    return {
        "box": box,
        "tabs": TABS,
        "cards": cards,
        **at.context(total, "/approvals", box=box),
    }


def _box(box: str) -> Box:
    return box if box in BOXES else "decide"


@get("/approvals", include_in_schema=False)
async def approvals_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    box: FromQuery[str] = "",
    page: FromQuery[int] = 1,
    asked: FromQuery[int | None] = None,
    edited: FromQuery[int | None] = None,
) -> Template:
    events_after = await seen(runtime, principal)  # before reading approvals that move
    chosen = _box(box or ("decide" if principal.role in ("owner", "practitioner") else "mine"))
    context = await _cards(runtime, executor, principal, chosen, max(page, 1))
    notice = f"Request #{asked} sent for approval." if asked else None
    if edited:
        notice = f"Request #{edited} approved with your changes; its requester confirms it next."
    return await render(
        request, runtime, principal, "approvals/inbox.html", page="approvals",
        notice=notice, events_after=events_after, **context,
    )  # fmt: skip


@get("/approvals/{approval_id:int}", include_in_schema=False)
async def approval_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    approval_id: FromPath[int],
    edit: FromQuery[bool] = False,
) -> Template:
    """One request on a page of its own (the dock's card and the chat's records link here);
    `edit`: with its edit form unfolded, to correct the call before approving it."""
    events_after = await seen(runtime, principal)
    async with runtime.readers() as session:
        row = await load_visible(session, principal, approval_id)
        [found] = await approvals_out(
            session, [row], principal, executor.registry, runtime.clock.now()
        )
        cards = await _card_list(session, executor, principal, [found], open_edit=edit)
    box: Box = "decide" if cards[0]["may_decide"] else "mine"
    if found.requested_by != principal.user_id and not cards[0]["may_decide"]:
        box = "history"
    return await render(
        request, runtime, principal, "approvals/inbox.html", page="approvals",
        events_after=events_after, box=box, tabs=TABS, cards=cards, total=1, page_no=1,
        pages=1, page_base=f"/approvals?box={box}&", single=approval_id,
    )  # fmt: skip


@get("/approvals/cards", include_in_schema=False)
async def approval_cards(
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    box: FromQuery[str] = "decide",
    page: FromQuery[int] = 1,
) -> Template:
    """The list alone, for htmx to swap in when an approval event arrives."""
    context = await _cards(runtime, executor, principal, _box(box), max(page, 1))
    return fragment("approvals/_cards.html", principal, **context)


@get("/approvals/count", include_in_schema=False)
async def approval_count(runtime: RuntimeDep, principal: PrincipalDep) -> dict[str, int]:
    """The navigation's live number (events.js asks after each approval event)."""
    async with runtime.readers() as session:
        return {"waiting": await waiting_count(session, principal)}


class DecisionForm(BaseModel):
    reason: str = ""


FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)


async def _decide(
    request: Request[Any, Any, Any],
    runtime: Any,
    executor: Executor,
    principal: Principal,
    approval_id: int,
    decision: str,
    reason: str,
) -> Template | Redirect:
    try:
        if decision == "reject" and not reason.strip():
            raise InvalidInput("give a reason", fields={f"reason-{approval_id}": "required"})
        await decide(runtime, principal, approval_id, decision, reason.strip() or None)  # type: ignore[arg-type]
    except ACCESS_ERRORS:
        raise
    except AppError as exc:
        context = await _cards(runtime, executor, principal, "decide", 1)
        errors = (
            {f"reason-{approval_id}": "Enter why you are rejecting this request"}
            if isinstance(exc, InvalidInput)
            else {"form": exc.message[:1].upper() + exc.message[1:]}
        )
        return await render(
            request, runtime, principal, "approvals/inbox.html", page="approvals",
            errors=errors, status_code=422, **context,
        )  # fmt: skip
    return see_other("/approvals", box="decide")


@post("/approvals/{approval_id:int}/approve", include_in_schema=False)
async def approve(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    approval_id: FromPath[int],
    data: Annotated[DecisionForm, FormBody],
) -> Template | Redirect:
    return await _decide(request, runtime, executor, principal, approval_id, "approve", data.reason)


@post("/approvals/{approval_id:int}/approve-edited", include_in_schema=False)
async def approve_with_edits(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    approval_id: FromPath[int],
    data: URLEncodedBody[dict[str, str]],
) -> Template | Redirect:
    """Approve the call as the approver corrected it; it goes back to its requester to confirm."""
    try:
        async with runtime.readers() as session:
            found = ApprovalOut.of(await load_visible(session, principal, approval_id))
            fields = await edit_fields(session, executor, found)
        edit = changes(fields, data)
        reason = data.get("reason", "").strip() or None
        await approve_edited(runtime, executor, principal, approval_id, edit, reason)
    except ACCESS_ERRORS:
        raise
    except AppError as exc:
        context = await _cards(runtime, executor, principal, "decide", 1)
        return await render(
            request, runtime, principal, "approvals/inbox.html", page="approvals",
            errors={"form": exc.message[:1].upper() + exc.message[1:]}, status_code=422,
            **context,
        )  # fmt: skip
    return see_other("/approvals", box="decide", edited=approval_id)


@post("/approvals/{approval_id:int}/reject", include_in_schema=False)
async def reject(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    approval_id: FromPath[int],
    data: Annotated[DecisionForm, FormBody],
) -> Template | Redirect:
    return await _decide(request, runtime, executor, principal, approval_id, "reject", data.reason)


routes = [
    approvals_page,
    approval_page,
    approval_cards,
    approval_count,
    approve,
    approve_with_edits,
    reject,
]
