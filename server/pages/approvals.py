"""The approvals inbox: requests to decide, my own requests, history; approve or reject."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.approvals.decide import decide
from assistant.approvals.inbox import BOXES, Box, inbox, people, waiting_count
from assistant.errors import AppError, InvalidInput
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.shell import fragment, render, see_other

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


async def _cards(
    runtime: Any, executor: Executor, principal: Principal, box: Box, page: int
) -> dict[str, Any]:
    async with runtime.sessions() as session:
        items, total = await inbox(session, principal, box, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        names = await people(
            session, {a.requested_by for a in items} | {a.decided_by for a in items if a.decided_by}
        )
    cards = []
    for approval in items:
        proc = executor.registry.get(approval.procedure)
        cards.append(
            {
                "approval": approval,
                "what": proc.summary if proc else approval.procedure,
                "records": _records(approval, principal),
                "asked_by": names.get(approval.requested_by, f"user #{approval.requested_by}"),
                "decided_by": names.get(approval.decided_by) if approval.decided_by else None,
                "conversation_id": getattr(approval, "conversation_id", None),
                "may_decide": box == "decide",
            }
        )
    return {
        "box": box,
        "tabs": TABS,
        "cards": cards,
        "total": total,
        "page_no": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
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
) -> Template:
    chosen = _box(box or ("decide" if principal.role in ("owner", "practitioner") else "mine"))
    context = await _cards(runtime, executor, principal, chosen, max(page, 1))
    notice = f"Request #{asked} sent for approval." if asked else None
    return await render(
        request, runtime, principal, "approvals/inbox.html", page="approvals",
        notice=notice, **context,
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
    async with runtime.sessions() as session:
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


routes = [approvals_page, approval_cards, approval_count, approve, reject]
