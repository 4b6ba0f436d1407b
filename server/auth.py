"""Authentication middleware: one path for bearer tokens and session cookies, plus CSRF.

CSRF: a browser attaches the session cookie to any site's request, so every unsafe request
authenticated by the cookie must come from our own origin. A bearer token is never attached
by a browser on its own, so only a request that a bearer token actually authenticated skips
the check; any other Authorization scheme (Basic, junk) changes nothing. Sign-in is
checked too (login CSRF), whatever its content type, through `same_origin_guard`.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from assistant.auth.authenticate import (
    SESSION_COOKIE,
    Authenticated,
    Credential,
    authenticate,
    authenticate_now,
    record_token_use,
)
from assistant.db.point_reads import PointReadBusy
from assistant.errors import PermissionDenied, Unauthenticated
from assistant.procedures.context import Principal
from assistant.runtime import Runtime
from server.forwarded import is_https

PUBLIC_PATHS = ["^/healthz$", "^/readyz$", "^/schema", "^/login$", "^/static/"]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

Connection = ASGIConnection[Any, Any, Any, Any]


def same_origin(connection: Connection) -> bool:
    """True when the browser says the request comes from this site (or from no site at all:
    a non-browser client sends neither Origin nor Sec-Fetch-Site). The scheme counts too: the
    one the browser used, as a trusted proxy reports it (server/forwarded.py)."""
    origin = connection.headers.get("origin")
    if origin:
        parts = urlsplit(origin)
        scheme = "https" if is_https(connection.scope) else "http"
        return parts.scheme == scheme and parts.netloc == connection.headers.get("host")
    return connection.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")


def require_same_origin(connection: Connection) -> None:
    if not same_origin(connection):
        raise PermissionDenied("cross-site request refused")


async def same_origin_guard(connection: Connection, _: BaseRouteHandler) -> None:
    """A route guard for public forms (sign-in): it runs before the body is parsed (a
    coroutine, as every guard is: Litestar runs a plain function guard in a thread)."""
    require_same_origin(connection)


def credential_of(connection: Connection) -> Credential | None:
    """A bearer token wins; otherwise the session cookie; other schemes count as nothing."""
    scheme, _, token = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return Credential("token", token.strip())
    cookie = connection.cookies.get(SESSION_COOKIE)
    return Credential("session", cookie) if cookie else None


async def _authenticated(runtime: Runtime, credential: Credential, now: datetime) -> Authenticated:
    """Read without the database's write lock: on SQLite a point read on the event loop
    (no thread hop before the first byte), else, or while the file is locked, a reader."""
    if runtime.point_reads is not None:
        try:
            return runtime.point_reads.run(
                partial(authenticate_now, credential=credential, now=now)
            )
        except PointReadBusy:
            pass
    async with runtime.readers() as session:
        return await authenticate(session, credential, now)


async def principal_of(connection: Connection, credential: Credential) -> Principal:
    """The caller (every request passes here); a token's last use is written, in a short
    transaction of its own, every few minutes."""
    runtime: Runtime = connection.app.state.runtime
    now = runtime.clock.now()
    found = await _authenticated(runtime, credential, now)
    token_id = found.principal.token_id
    if found.token_use_due and token_id is not None:
        async with runtime.sessions() as session, session.begin():
            await record_token_use(session, token_id, now)
    return found.principal


async def recheck_principal(connection: Connection, credential: Credential) -> Principal:
    """`principal_of` for an open stream's re-checks, which only read: a token's last use
    stays as the request that opened the stream recorded it."""
    runtime: Runtime = connection.app.state.runtime
    return (await _authenticated(runtime, credential, runtime.clock.now())).principal


async def optional_principal(connection: Connection) -> Principal | None:
    """The caller on a public route, if a valid credential came with the request."""
    credential = credential_of(connection)
    if credential is None:
        return None
    try:
        return await principal_of(connection, credential)
    except Unauthenticated:
        return None


class AuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(self, connection: Connection) -> AuthenticationResult:
        credential = credential_of(connection)
        if credential is None:
            raise Unauthenticated("sign in, or send an API token as 'Authorization: Bearer TOKEN'")
        unsafe = connection.scope.get("method") not in SAFE_METHODS
        if credential.kind == "session" and unsafe:
            require_same_origin(connection)
        principal = await principal_of(connection, credential)
        return AuthenticationResult(user=principal, auth=credential)
