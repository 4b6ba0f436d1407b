"""E-mail drafts: the list, one draft (edit it, ask to send it), its status as it moves.

Reads and writes go through the executor (`emails.list`, `emails.get`, `emails.update`,
`emails.send`), so a page does exactly what the API lets the same user do.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from pydantic import BaseModel

from assistant.errors import Conflict, InvalidInput
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor, Pending
from server.deps import ExecutorDep, PrincipalDep, RuntimeDep
from server.pages.calls import call, may
from server.pages.failures import failure_in_words
from server.pages.forms import field_errors
from server.pages.shell import fragment, render, see_other, seen

PAGE_SIZE = 25
FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
# Each status in words: what it means for the person looking at the draft.
STATUS_WORDS: dict[str, str] = {
    "pending": "The co-pilot is still writing this draft; until it is done you see the template.",
    "ready": "Ready. Edit it if you like, then ask to send it: a second person approves.",
    "queued": "Approved, and waiting for the mail server.",
    "sending": "Being handed to the mail server now.",
    "sent": "Sent: the mail server accepted it.",
    "failed": "Not sent. Edit it (or save it as it is) to send it again.",
    "unknown": "The mail server may or may not have received it. Check with the recipient "
    "before writing again.",
}
WAITING = (
    "Asked to send: a second person approves it first. If you edit it now, that request can "
    "no longer run, and you ask again."
)
FILTERS = {"": "All drafts", **{s: s.capitalize() for s in STATUS_WORDS}}
LABELS = {"subject": "Subject", "body": "Text"}
EDITABLE = frozenset({"pending", "ready", "failed"})
NOTICES = {
    "saved": "Draft saved.",
    "asked": "Asked to send: it goes out once someone approves it.",
    "sent": "Sent.",
}


class DraftForm(BaseModel):
    subject: str = ""
    body: str = ""


async def _draft_context(executor: Executor, principal: Principal, draft_id: int) -> dict[str, Any]:
    draft = await call(executor, principal, "emails.get", draft_id=draft_id)
    return {
        "draft": draft,
        "explain": WAITING if draft.approval_id else STATUS_WORDS.get(draft.status, ""),
        "error": failure_in_words(draft.error, "the mail server"),
        "editable": draft.status in EDITABLE and may(executor, principal, "emails.update"),
        "sendable": draft.status in ("ready", "failed")
        and draft.approval_id is None
        and draft.contact_email is not None
        and may(executor, principal, "emails.send"),
    }


@get("/emails", include_in_schema=False)
async def email_list(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    status: FromQuery[str] = "",
    page: FromQuery[int] = 1,
) -> Template:
    status = status if status in FILTERS else ""
    page = max(page, 1)
    args: dict[str, Any] = {"limit": PAGE_SIZE, "offset": (page - 1) * PAGE_SIZE}
    if status:
        args["status"] = status
    events_after = await seen(runtime, principal)
    found = await call(executor, principal, "emails.list", **args)
    return await render(
        request, runtime, principal, "emails/list.html", page="emails",
        events_after=events_after,
        drafts=found.items, total=found.total, status=status, filters=FILTERS,
        page_no=page, pages=max(1, -(-found.total // PAGE_SIZE)),
    )  # fmt: skip


async def _draft_page(
    request: Request[Any, Any, Any],
    runtime: Any,
    executor: Executor,
    principal: Principal,
    draft_id: int,
    *,
    form: DraftForm | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> Template:
    events_after = await seen(runtime, principal)  # before reading a draft that moves
    context = await _draft_context(executor, principal, draft_id)
    draft = context["draft"]
    return await render(
        request, runtime, principal, "emails/draft.html", page="email",
        events_after=events_after,
        contact_id=draft.contact_id, notice=notice, errors=errors or {},
        form=form or DraftForm(subject=draft.subject, body=draft.body),
        status_code=422 if errors else 200, **context,
    )  # fmt: skip


@get("/emails/{draft_id:int}", include_in_schema=False)
async def draft_page(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    draft_id: FromPath[int],
    notice: FromQuery[str] = "",
) -> Template:
    return await _draft_page(
        request, runtime, executor, principal, draft_id, notice=NOTICES.get(notice)
    )


@get("/emails/{draft_id:int}/status", include_in_schema=False)
async def draft_status(
    executor: ExecutorDep,
    principal: PrincipalDep,
    draft_id: FromPath[int],
    editing: FromQuery[bool] = False,
) -> Template:
    """The status panel alone, for htmx to swap in when the draft moves (never the form a
    person may be typing in); once a draft shown with its form can no longer be edited, the
    whole page loads again, so no one types into a draft that has gone."""
    context = await _draft_context(executor, principal, draft_id)
    panel = fragment("emails/_status.html", principal, **context)
    if editing and not context["editable"]:
        panel.headers["HX-Redirect"] = f"/emails/{draft_id}"  # the page again, no notice
    return panel


@post("/emails/{draft_id:int}", include_in_schema=False)
async def save_draft(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    draft_id: FromPath[int],
    data: Annotated[DraftForm, FormBody],
) -> Template | Redirect:
    try:
        await call(
            executor, principal, "emails.update",
            draft_id=draft_id, subject=data.subject.strip(), body=data.body.strip(),
        )  # fmt: skip
    except (InvalidInput, Conflict) as exc:
        errors = field_errors(exc, ("subject", "body"), LABELS)
        return await _draft_page(
            request, runtime, executor, principal, draft_id, form=data, errors=errors
        )
    return see_other(f"/emails/{draft_id}", notice="saved")


@post("/emails/{draft_id:int}/send", include_in_schema=False)
async def send_draft(
    request: Request[Any, Any, Any],
    runtime: RuntimeDep,
    executor: ExecutorDep,
    principal: PrincipalDep,
    draft_id: FromPath[int],
    data: Annotated[DraftForm, FormBody],
) -> Template | Redirect:
    """Save what the form holds (when it changed), then ask to send: the approver sees it."""
    try:
        draft = await call(executor, principal, "emails.get", draft_id=draft_id)
        edit = {"subject": data.subject.strip(), "body": data.body.strip()}
        if draft.status == "failed" or edit != {"subject": draft.subject, "body": draft.body}:
            await call(executor, principal, "emails.update", draft_id=draft_id, **edit)
        args = {"draft_id": draft_id}
        result = await executor.call(principal, "emails.send", args, source="http")
    except (InvalidInput, Conflict) as exc:
        errors = field_errors(exc, ("subject", "body"), LABELS)
        return await _draft_page(
            request, runtime, executor, principal, draft_id, form=data, errors=errors
        )
    notice = "asked" if isinstance(result, Pending) else "sent"
    return see_other(f"/emails/{draft_id}", notice=notice)


routes = [email_list, draft_page, draft_status, save_draft, send_draft]
