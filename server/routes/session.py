"""`POST /login`, `POST /logout`, `GET /api/me`: browser sessions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import JSONBody
from pydantic import BaseModel, Field

from assistant.auth import authenticate as auth
from assistant.auth.throttle import Limits, LoginThrottle
from assistant.procedures.context import Principal
from assistant.runtime import Runtime
from server.auth import same_origin_guard
from server.bodies import JsonIn
from server.deps import PrincipalDep, RuntimeDep
from server.forwarded import client_host, is_https


class LoginIn(JsonIn):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    user_id: int
    email: str
    role: str
    timezone: str


def _me(principal: Principal) -> Me:
    return Me(
        user_id=principal.user_id,
        email=principal.email,
        role=principal.role,
        timezone=principal.timezone,
    )


def _throttle(runtime: Runtime) -> LoginThrottle:
    settings = runtime.settings
    limits = Limits(
        per_account=settings.auth.login_max_failures,
        per_client=settings.auth.login_max_failures_per_client,
        window_seconds=settings.auth.login_lockout_seconds,
    )
    return LoginThrottle(runtime.redis, settings.secret_key.get_secret_value(), limits)


async def start_session(
    runtime: Runtime, request: Request[Any, Any, Any], email: str, password: str
) -> tuple[Principal, Cookie]:
    """Check the password (throttled) and open a session: the API's and the page's sign-in."""
    settings = runtime.settings
    throttle = _throttle(runtime)
    client = client_host(request.scope)
    await throttle.attempt(email, client)  # counted before the password is checked
    async with runtime.sessions() as session:
        principal, secret, expires = await auth.login(
            session,
            email=email,
            password=password,
            now=runtime.clock.now(),
            hours=settings.auth.session_hours,
        )
    await throttle.succeeded(email, client)
    cookie = Cookie(
        key=auth.SESSION_COOKIE,
        value=secret,
        httponly=True,
        samesite="lax",
        path="/",
        secure=is_https(request.scope),
        max_age=int((expires - runtime.clock.now()).total_seconds()),
    )
    return principal, cookie


async def end_session(runtime: Runtime, request: Request[Any, Any, Any]) -> Cookie:
    """Close the caller's session; returns the cookie that clears it in the browser."""
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    if cookie:
        async with runtime.sessions() as session:
            await auth.logout(session, cookie)
    return Cookie(
        key=auth.SESSION_COOKIE,
        value="",
        max_age=0,
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request.scope),
    )


@post(
    "/login",
    tags=["auth"],
    summary="Sign in; sets an HttpOnly session cookie",
    status_code=200,
    guards=[same_origin_guard],
    exclude_from_csrf=True,  # JSON: the Origin check guards it (pages post to /sign-in)
)
async def login(
    data: JSONBody[LoginIn], request: Request[Any, Any, Any], runtime: RuntimeDep
) -> Response[Me]:
    principal, cookie = await start_session(runtime, request, data.email, data.password)
    return Response(_me(principal), cookies=[cookie])


@post(
    "/logout",
    tags=["auth"],
    summary="End the browser session",
    status_code=200,
    exclude_from_csrf=True,
)
async def logout(request: Request[Any, Any, Any], runtime: RuntimeDep) -> Response[dict[str, bool]]:
    return Response({"signed_out": True}, cookies=[await end_session(runtime, request)])


@get("/api/me", tags=["auth"], summary="Who the caller is")
async def me(principal: PrincipalDep) -> Me:
    return _me(principal)


routes = [login, logout, me]
