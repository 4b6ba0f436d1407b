"""Errors on a page are pages: sign in again (back to where you were), or say what went wrong."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from assistant.auth.authenticate import SESSION_COOKIE
from assistant.errors import AppError, NotFound, PermissionDenied, Unauthenticated
from server.errors import STATUS
from server.pages.shell import safe_next

logger = logging.getLogger(__name__)
ACCESS_ERRORS = (NotFound, PermissionDenied)
"""Never a form's message: a record the caller may not see is missing (404), a role that may
not act is refused (403), on a form's page as on the API (tests/security/matrix.py)."""
TITLES = {
    403: "You cannot do that",
    404: "Page not found",
    409: "That changed in the meantime",
    422: "That did not work",
    429: "Too many requests",
    503: "Not available right now",
}


def _back_to(request: Request[Any, Any, Any]) -> str:
    """Where to return after signing in: this page, or the page a form was posted from."""
    if request.method == "GET":
        query = request.url.query
        return request.url.path + (f"?{query}" if query else "")
    referer = request.headers.get("referer", "")
    host = request.headers.get("host", "")
    if host and f"//{host}/" in referer:
        return safe_next("/" + referer.split(f"//{host}/", 1)[1])
    return "/contacts"


def error_page(request: Request[Any, Any, Any], status: int, message: str) -> Template:
    return Template(
        template_name="errors/error.html",
        context={
            "me": None,
            "page": "error",
            "status": status,
            "title": TITLES.get(status, "Something went wrong"),
            "message": message,
            "errors": {},
            "notice": None,
            "contact_id": None,
            "waiting": 0,
            "tz": "UTC",
        },
        status_code=status,
    )


def unauthenticated(request: Request[Any, Any, Any], exc: Unauthenticated) -> Response[Any]:
    back = _back_to(request)
    current = request.headers.get("hx-current-url")
    if current:  # a part of a page asked (htmx): send the whole page to sign in, not the part
        parts = urlsplit(current)
        back = safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))
    params = [("next", back)]
    if request.cookies.get(SESSION_COOKIE):
        params.append(("reason", "expired"))
    target = f"/login?{urlencode(params)}"
    if request.headers.get("hx-request"):
        return Response(None, status_code=204, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)


def app_error(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    if isinstance(exc, Unauthenticated):
        return unauthenticated(request, exc)
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    return error_page(request, status, exc.message[:1].upper() + exc.message[1:])


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Template:
    status = exc.status_code
    message = "This request was refused." if status == 403 else str(exc.detail)
    if status == 403 and "CSRF" in str(exc.detail):
        message = "This form has expired. Go back, reload the page and try again."
    if status == 400:
        status, message = 422, "The form could not be read. Go back and try again."
    return error_page(request, status, message)


def unexpected(request: Request[Any, Any, Any], exc: Exception) -> Template:
    logger.exception("unhandled error on page %s %s", request.method, request.url.path)
    return error_page(request, 500, "Something went wrong on our side. It was logged; try again.")


PAGE_EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: app_error,
    HTTPException: http_error,
    Exception: unexpected,
}
