"""How a page calls a procedure: through the executor, exactly as `POST /api/rpc/...` does,
so a page shows and does no more than the API allows the same user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar.response import Redirect

from assistant.errors import Conflict
from assistant.procedures.context import Principal
from assistant.procedures.executor import Confirm, Executor, Pending
from server.pages.shell import back_with
from server.pages.waiting import ApprovalNeeded, ConfirmationNeeded

NAMES_AT_ONCE = 200
"""contacts.search takes at most this many ids (its page size)."""


async def call(executor: Executor, principal: Principal, name: str, **args: Any) -> Any:
    """A call that runs now: its output model. Where the clinic's policy makes it wait, the
    browser goes to it (`server.pages.waiting`): to confirm it, or to follow the request for
    approval among the caller's own."""
    result = await executor.call(principal, name, args, source="http")
    if isinstance(result, Confirm):
        raise ConfirmationNeeded(result.action.action_id)
    if isinstance(result, Pending):
        raise ApprovalNeeded(result.approval.approval_id)
    return result.output


async def act_then_back(
    executor: Executor,
    principal: Principal,
    name: str,
    args: dict[str, Any],
    back: str,
    notices: tuple[str, str],
) -> Redirect:
    """A one-button write (complete, cancel), then back where the button was, saying what
    happened: `notices` is (done, already so), so a second click is news, not an error page."""
    done, already = notices
    try:
        await call(executor, principal, name, **args)
    except Conflict:
        return back_with(back, already)
    return back_with(back, done)


def may(executor: Executor, principal: Principal, name: str) -> bool:
    proc = executor.registry.get(name)
    return proc is not None and executor.may_call(principal, proc)


async def require(executor: Executor, principal: Principal, name: str) -> None:
    """Refuse (403, audited) a role that may not call `name`, before a form's fields are
    read: as the API's role gate, a refused role learns nothing from the ids it sent."""
    if not may(executor, principal, name):
        await executor.deny(principal, executor.procedure(name), "http")


async def contact_names(
    executor: Executor, principal: Principal, ids: Iterable[int | None]
) -> dict[int, str]:
    """Names for the contacts a list mentions: one search by id per 200, not one call each."""
    wanted = sorted({i for i in ids if i is not None})
    names: dict[int, str] = {}
    for start in range(0, len(wanted), NAMES_AT_ONCE):
        chunk = wanted[start : start + NAMES_AT_ONCE]
        found = await call(executor, principal, "contacts.search", ids=chunk, limit=NAMES_AT_ONCE)
        names.update({c.id: c.full_name for c in found.items})
    return names


async def staff(executor: Executor, principal: Principal) -> list[Any]:
    """Active staff (`users.directory`): names for pickers and "assigned to"."""
    return list((await call(executor, principal, "users.directory", limit=200)).items)
