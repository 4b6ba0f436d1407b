"""Browser-facing protections: security headers on every response, CSRF for page forms."""

from __future__ import annotations

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from assistant.settings import Settings

# No inline script or style, no eval, nothing from elsewhere, never framed.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
}
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "_csrf_token"  # Litestar's form field name
# The JSON API keeps its own defences (bearer tokens, or the session cookie with the Origin
# check and SameSite=Lax); every other unsafe request (the pages' forms) needs the token.
# `POST /login` and `POST /logout` (JSON) share their paths with pages, so those two handlers
# opt out themselves (`exclude_from_csrf=True`).
CSRF_EXEMPT = [
    "^/api/",
    "^/v1/",
    "^/healthz$",
    "^/readyz$",
    "^/metrics$",
    "^/schema",
    "^/static/",
]


async def add_security_headers(message: Message, scope: Scope) -> None:
    """`before_send` hook: every HTTP response gets them, 404s and static files included."""
    if message["type"] == "http.response.start":
        headers = MutableScopeHeaders.from_message(message)
        for name, value in SECURITY_HEADERS.items():
            headers[name] = value
        # Pages hold personal data: never kept by the browser (back after sign-out shows nothing).
        if not str(scope.get("path", "")).startswith("/static/") and "cache-control" not in headers:
            headers["cache-control"] = "no-store"


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key.get_secret_value(),
        cookie_name="assistant_csrf",
        header_name=CSRF_HEADER,
        cookie_httponly=True,  # the token reaches the page in its HTML, never from script
        cookie_samesite="lax",
        exclude=CSRF_EXEMPT,
    )
