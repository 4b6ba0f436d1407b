"""Browser-facing protections: security headers on every response, CSRF for page forms."""

from __future__ import annotations

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from assistant.settings import Settings
from server.forwarded import is_https

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


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """The `before_send` hook: every HTTP response gets the headers, 404s and static files
    included; over HTTPS (directly, or at a trusted proxy) also Strict-Transport-Security
    (ASSISTANT_TLS_HSTS_SECONDS)."""
    hsts = settings.tls.hsts_seconds

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            for name, value in SECURITY_HEADERS.items():
                headers[name] = value
            if hsts and is_https(scope):
                headers["strict-transport-security"] = f"max-age={hsts}"
            # Pages hold personal data: never kept by the browser (back after sign-out
            # shows nothing).
            path = str(scope.get("path", ""))
            if not path.startswith("/static/") and "cache-control" not in headers:
                headers["cache-control"] = "no-store"

    return add_security_headers


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key.get_secret_value(),
        cookie_name="assistant_csrf",
        header_name=CSRF_HEADER,
        cookie_httponly=True,  # the token reaches the page in its HTML, never from script
        cookie_samesite="lax",
        cookie_secure=settings.tls.enabled,  # served over HTTPS: never sent in the clear
        exclude=CSRF_EXEMPT,
    )
