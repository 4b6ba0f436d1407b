"""The co-pilot dock's fragments: its welcome, past conversations, and a conversation's
messages rendered on the server (Markdown sanitised by nh3) to replace what streamed in."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from assistant.activity.listing import undo_states
from assistant.approvals.decide import load_visible
from assistant.chat import capabilities, store, templates
from assistant.chat.store import ConversationDetail
from assistant.errors import InvalidInput
from assistant.procedures.approval_requests import ApprovalOut
from assistant.procedures.context import Principal
from assistant.procedures.types import MAX_ID
from assistant.procedures.waiting import approvals_out
from server.deps import ChatDep, ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.confirm import confirm_cards
from server.pages.markdown import render
from server.pages.shell import fragment

MAX_LISTED = 30


def _approval(a: ApprovalOut, principal: Principal, editable: bool = False) -> dict[str, Any]:
    """`ran`: my executed call's action and undo, for its Undo button; `editable`: its
    procedure lets an approver correct the call (the card links to the form)."""
    may = principal.role.value in a.approver_roles and a.requested_by != principal.user_id
    deciding = may and a.status == "pending"
    mine = a.requested_by == principal.user_id
    ran = {"action_id": a.action_id, "undo": a.undo} if mine and a.undo else None
    return {"approval": a, "may_decide": deciding, "ran": ran, "editable": deciding and editable}


def _messages(
    detail: ConversationDetail,
    principal: Principal,
    since: int,
    until: int,
    undo: dict[int, dict[str, Any]],
    confirms: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Each visible message with its HTML, action cards (with whether each can be undone
    now, from `undo`), approval cards and open question."""
    approvals = {a.approval_id: a for a in detail.approvals}
    confirms = confirms or {}
    last = detail.messages[-1].id if detail.messages else None
    shown = []
    for m in detail.messages:
        if not since <= m.id <= until:
            continue
        actions = [
            {**a, "undo": undo.get(a.get("action_id") or 0, a.get("undo"))}
            for a in m.meta.get("actions", [])
        ]
        said = " ".join(f"{a['summary']}." for a in actions)
        item: dict[str, Any] = {
            "message": m,
            "html": render(m.content) if m.role != "user" else None,
            "card_only": bool(actions) and m.content.strip() == said,  # the card says it all
            "actions": actions,
        }
        item["approvals"] = [
            _approval(approvals[i], principal)
            for i in m.meta.get("approvals", [])
            if i in approvals
        ]
        item["confirms"] = [confirms[i] for i in m.meta.get("confirms", []) if i in confirms]
        item["question"] = detail.question if m.id == last and m.role == "assistant" else None
        shown.append(item)
    return shown


@get("/dock/intro", include_in_schema=False)
async def intro(principal: PrincipalDep, chat: ChatDep, executor: ExecutorDep) -> Template:
    """What an empty dock shows: what this role can ask, and whether chat needs a model."""
    return fragment(
        "dock/_intro.html",
        principal,
        examples=capabilities.starters(executor.registry, principal.role),
        has_model=chat.engine is not None,
        no_model=templates.NO_MODEL,
        enable_line=templates.ENABLE_LINE,
    )


@get("/dock/conversations", include_in_schema=False)
async def conversations(
    principal: PrincipalDep, runtime: RuntimeDep, q: FromQuery[str] = ""
) -> Template:
    async with runtime.readers() as session:
        items, total = await store.page(session, principal, q.strip()[:200], MAX_LISTED, 0)
    return fragment("dock/_conversations.html", principal, items=items, total=total, q=q)


@get("/dock/conversations/{conversation_id:int}", include_in_schema=False)
async def conversation(
    conversation_id: FromPath[int],
    principal: PrincipalDep,
    runtime: RuntimeDep,
    executor: ExecutorDep,
    chat: ChatDep,
    since: FromQuery[int] = 0,
    until: FromQuery[int] = MAX_ID,
) -> Template:
    """The conversation's messages with ids from `since` to `until`: all of them on a reload,
    one turn (the user's message to the reply) when a reply has finished streaming. A whole
    conversation read while a turn runs (a reload mid-reply, or just after Stop) says so, and
    the dock reads it again until the reply is stored."""
    for name, value in (("since", since), ("until", until)):
        if not 0 <= value <= MAX_ID:
            raise InvalidInput(f"{name} is a message id", fields={name: "out of range"})
    whole = since == 0 and until == MAX_ID
    replying = whole and await chat.locks.busy(conversation_id)  # before the read
    async with runtime.readers() as session:
        now, registry = runtime.clock.now(), executor.registry
        detail = await store.detail(session, principal, conversation_id, registry, now)
        confirms = await confirm_cards(session, principal, detail)
        ids = [a["action_id"] for a in detail.actions if isinstance(a.get("action_id"), int)]
        undo = await undo_states(session, registry, principal, ids, now)
    return fragment(
        "dock/_messages.html",
        principal,
        conversation=detail,
        replying=replying,
        items=_messages(detail, principal, since, until, undo, confirms),
    )


@get("/dock/approvals/{approval_id:int}", include_in_schema=False)
async def approval(
    approval_id: FromPath[int], principal: PrincipalDep, runtime: RuntimeDep, executor: ExecutorDep
) -> Template:
    """A request that just arrived, as a card for someone who may decide it, with its preview."""
    async with runtime.readers() as session:
        row = await load_visible(session, principal, approval_id)
        [found] = await approvals_out(
            session, [row], principal, executor.registry, runtime.clock.now()
        )
    proc = executor.registry.get(found.procedure)
    card = _approval(found, principal, editable=proc is not None and bool(proc.edits))
    return fragment("dock/_waiting.html", principal, c=card)


routes = [intro, conversations, conversation, approval]
