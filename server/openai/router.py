"""`GET /v1/models`, `POST /v1/chat/completions`: OpenAI-compatible, with an API token.

Errors here use OpenAI's shape ({"error": {"message", "type", "param", "code"}}) so the
openai SDK and Open WebUI show them; the rest of the API keeps ours.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, Response, Router, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, ValidationException
from litestar.params import JSONBody
from litestar.response import Stream

from assistant.errors import AppError
from server.deps import PrincipalDep
from server.drain import drain_of, not_draining, until
from server.errors import HTTP_CODES, STATUS, app_error, http_message, unexpected_error
from server.limits import LimiterDep, per_minute
from server.openai.protocol import SSE_DONE, Limits, openai_error, sse
from server.openai.serving import OpenAIServing, primed


def provide_completions(state: State) -> OpenAIServing:
    completions: OpenAIServing = state.completions
    return completions


# Declared on this router, not in server/deps.py, which the routers import.
CompletionsDep = NamedDependency[OpenAIServing]


@get("/models", summary="Models (OpenAI-compatible)")
async def models(principal: PrincipalDep, completions: CompletionsDep) -> dict[str, Any]:
    return completions.models()


# A stream still running at the drain deadline of a replica shutting down ends with this.
RESTARTING = (
    sse({"error": openai_error(None, "the server is restarting; send it again", "draining")})
    + SSE_DONE
)


@post("/chat/completions", summary="Chat completions (OpenAI-compatible)", status_code=200)
async def chat_completions(
    request: Request[Any, Any, Any],
    data: JSONBody[dict[str, Any]],
    principal: PrincipalDep,
    completions: CompletionsDep,
    limiter: LimiterDep,
) -> Response[Any]:
    req = completions.parse(data)
    slot = await limiter.open_stream(principal)  # a completion holds one, streamed or not
    if not req.stream:
        async with slot.kept():
            return Response(await completions.complete(principal, req))
    try:
        events = await primed(completions.events(principal, req))
    except BaseException:
        await slot.release()
        raise
    chunks = until(completions.stream(req, events), drain_of(request).expired, RESTARTING)
    return Stream(
        slot.hold(chunks),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _app_error(request: Request[Any, Any, Any], exc: AppError) -> Response[Any]:
    ours = app_error(request, exc)
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 500)
    return Response({"error": openai_error(exc)}, status_code=status, headers=ours.headers)


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = (
        422 if isinstance(exc, ValidationException) or exc.status_code == 400 else (exc.status_code)
    )
    code = "invalid_input" if status == 422 else HTTP_CODES.get(status, "error")
    body = {"error": openai_error(None, http_message(request, exc), code)}
    return Response(body, status_code=status, headers=exc.headers)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    unexpected_error(request, exc)  # logs it
    body = {
        "error": openai_error(None, "something went wrong on our side; it was logged", "internal")
    }
    return Response(body, status_code=500)


def lifespan(model_path_from_settings: bool) -> Any:
    """The serving object on app.state, after the chat lifespan built the chat service."""

    @asynccontextmanager
    async def openai_lifespan(app: Litestar) -> AsyncIterator[None]:
        settings = app.state.runtime.settings
        model = settings.model if model_path_from_settings else None
        app.state.completions = OpenAIServing(app.state.chat, model, Limits(settings.api))
        yield

    return openai_lifespan


router = Router(
    path="/v1",
    route_handlers=[models, chat_completions],
    tags=["openai"],
    guards=[not_draining, per_minute("v1")],
    dependencies={"completions": Provide(provide_completions, sync_to_thread=False)},
    exception_handlers={AppError: _app_error, HTTPException: _http_error, Exception: _unexpected},
)
routes = [router]
