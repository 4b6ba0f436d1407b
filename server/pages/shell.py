"""What every page shares: who is signed in, the approvals count, rendering, redirects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request
from litestar.response import Redirect, Template

from assistant.approvals.inbox import waiting_count
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from assistant.settings import Settings


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    pages: tuple[str, ...]
    """The `page` names (prefixes) that mark this entry as the current one."""
    needs: str | None = None
    """A procedure the user must be allowed to call to see the entry (Admin: owners only)."""
    counts_waiting: bool = False
    """Shows the live number of approvals waiting for the user."""
    shown_if: Callable[[Settings], bool] | None = None
    """Shown only where the settings say so (Usage: only with hosted providers configured)."""


# The main navigation, in order: one line per entry.
NAV: tuple[NavItem, ...] = (
    NavItem("Home", "/", ("home",)),
    NavItem("Contacts", "/contacts", ("contact",)),
    NavItem("Tasks", "/tasks", ("task",)),
    NavItem("Appointments", "/appointments", ("appointment",)),
    NavItem("E-mail", "/emails", ("email",), needs="emails.list"),
    NavItem("Approvals", "/approvals", ("approvals",), counts_waiting=True),
    NavItem("Jobs", "/jobs", ("jobs",)),
    NavItem("Activity", "/activity", ("activity",)),
    NavItem("Usage", "/usage", ("usage",), shown_if=lambda s: bool(s.remote.providers)),
    NavItem("Admin", "/admin", ("admin",), needs="users.list"),
)


def navigation(executor: Executor, principal: Principal, page: str) -> list[dict[str, Any]]:
    """The entries this user may use, the current one marked (an unknown procedure hides)."""
    shown = []
    for item in NAV:
        if item.shown_if is not None and not item.shown_if(executor.runtime.settings):
            continue
        if item.needs is not None:
            proc = executor.registry.get(item.needs)
            if proc is None or not executor.may_call(principal, proc):
                continue
        current = page.startswith(item.pages)
        shown.append({"item": item, "current": current})
    return shown


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never `//evil.example` or `https://...` (no open redirect)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def see_other(path: str, **query: str | int | None) -> Redirect:
    """303 after a form post, so a reload does not post again."""
    params = {k: v for k, v in query.items() if v is not None}
    return Redirect(path + (f"?{urlencode(params)}" if params else ""), status_code=303)


def back_with(target: str, notice: str) -> Redirect:
    """303 back to where a button was (a safe path), saying what happened, at its anchor."""
    path, _, anchor = target.partition("#")
    glue = "&" if "?" in path else "?"
    return Redirect(
        f"{path}{glue}{urlencode({'notice': notice})}" + (f"#{anchor}" if anchor else ""),
        status_code=303,
    )


async def render(
    request: Request[Any, Any, Any],
    runtime: Runtime,
    principal: Principal,
    template: str,
    *,
    page: str,
    status_code: int = 200,
    events_after: int | None = None,
    **context: Any,
) -> Template:
    """A full page: the layout needs the user, the waiting approvals and the page's name, and
    the newest event it already reflects, so the live stream resumes from there (an event that
    lands between this render and the stream's connection is not lost). A page whose data
    moves by itself (jobs, a draft being sent) passes `events_after` from `seen(...)` taken
    BEFORE it read that data, so an event that lands while it reads is replayed too."""
    async with runtime.readers() as session:
        waiting = await waiting_count(session, principal)
    if events_after is None:
        events_after = await seen(runtime, principal)
    return Template(
        template_name=template,
        context={
            "me": principal,
            "nav": navigation(request.app.state.executor, principal, page),
            "tz": principal.timezone,
            "waiting": waiting,
            "events_after": events_after,
            "page": page,
            "contact_id": None,
            "errors": {},
            "notice": None,
            **context,
        },
        status_code=status_code,
    )


async def seen(runtime: Runtime, principal: Principal) -> int:
    """The newest event of this user now: a page reflects every event up to it."""
    return await runtime.bus.latest_id(principal.user_id)


def fragment(template: str, principal: Principal, **context: Any) -> Template:
    """A part of a page that htmx swaps in (no layout, so no approvals count)."""
    return Template(
        template_name=template,
        context={"me": principal, "tz": principal.timezone, "errors": {}, **context},
    )
