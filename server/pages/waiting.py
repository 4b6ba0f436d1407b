"""A page's write that waits (the clinic's policy says `confirm` or `approve`): the browser
goes where the waiting request is shown, with a notice in words, never an error page. An
htmx request gets `HX-Redirect` (a part of a page must not swap a whole page in), a form 303."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response
from litestar.response import Redirect

from assistant.errors import AppError


class Waits(AppError):
    """A page's call did not run: it waits for a click or a second person, at `target`."""

    code = "waits"

    def __init__(self, message: str, path: str, **query: int | str) -> None:
        super().__init__(message)
        self.target = path + (f"?{urlencode(query)}" if query else "")


class ConfirmationNeeded(Waits):
    """The requester confirms the exact call on its page before it runs."""

    code = "confirm"

    def __init__(self, action_id: int) -> None:
        super().__init__(
            f"action {action_id} waits for your confirmation", f"/actions/{action_id}", asked=1
        )
        self.action_id = action_id


class ApprovalNeeded(Waits):
    """Someone else approves it first; the requester follows it among their requests."""

    code = "approval_required"

    def __init__(self, approval_id: int) -> None:
        super().__init__(
            f"request {approval_id} waits for approval", "/approvals", box="mine",
            asked=approval_id,
        )  # fmt: skip
        self.approval_id = approval_id


def to_waiting(request: Request[Any, Any, Any], exc: Waits) -> Response[Any]:
    if request.headers.get("hx-request"):
        return Response(None, status_code=204, headers={"HX-Redirect": exc.target})
    return Redirect(exc.target, status_code=303)
