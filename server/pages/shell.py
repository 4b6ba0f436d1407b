"""What every page shares: who is signed in, the approvals count, rendering, redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request
from litestar.response import Redirect, Template

from assistant.approvals.inbox import waiting_count
from assistant.procedures.context import Principal
from assistant.runtime import Runtime


def safe_next(target: str | None, default: str = "/contacts") -> str:
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


async def render(
    request: Request[Any, Any, Any],
    runtime: Runtime,
    principal: Principal,
    template: str,
    *,
    page: str,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A full page: the layout needs the user, the waiting approvals and the page's name, and
    the newest event it already reflects, so the live stream resumes from there (an event that
    lands between this render and the stream's connection is not lost)."""
    async with runtime.sessions() as session:
        waiting = await waiting_count(session, principal)
    events_after = await runtime.bus.latest_id(principal.user_id)
    return Template(
        template_name=template,
        context={
            "me": principal,
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


def fragment(template: str, principal: Principal, **context: Any) -> Template:
    """A part of a page that htmx swaps in (no layout, so no approvals count)."""
    return Template(
        template_name=template,
        context={"me": principal, "tz": principal.timezone, "errors": {}, **context},
    )
