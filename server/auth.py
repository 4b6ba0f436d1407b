"""Authentication middleware: one path for bearer tokens and session cookies, plus CSRF."""

from __future__ import annotations

from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from assistant.auth.authenticate import SESSION_COOKIE, authenticate
from assistant.errors import PermissionDenied
from assistant.runtime import Runtime

PUBLIC_PATHS = ["^/healthz$", "^/readyz$", "^/schema", "^/login$", "^/static/"]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _same_origin(connection: ASGIConnection) -> bool:  # type: ignore[type-arg]
    origin = connection.headers.get("origin")
    if origin:
        return urlsplit(origin).netloc == connection.headers.get("host")
    return connection.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


class AuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:  # type: ignore[type-arg]
        runtime: Runtime = connection.app.state.runtime
        header = connection.headers.get("authorization", "")
        scheme, _, bearer = header.partition(" ")
        cookie = connection.cookies.get(SESSION_COOKIE)
        unsafe = connection.scope.get("method") not in SAFE_METHODS
        if cookie and not bearer and unsafe and not _same_origin(connection):
            raise PermissionDenied("cross-site request refused")
        async with runtime.sessions() as session:
            principal = await authenticate(
                session,
                bearer=bearer.strip() if scheme.lower() == "bearer" else None,
                cookie=cookie,
                now=runtime.clock.now(),
            )
        return AuthenticationResult(user=principal, auth="token" if bearer else "session")
