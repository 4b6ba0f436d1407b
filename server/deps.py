"""Dependencies routes ask for by name: runtime, executor, principal."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide

from assistant.chat.service import ChatService
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from server.limits import LIMITER
from server.paging import PAGING


def provide_runtime(state: State) -> Runtime:
    runtime: Runtime = state.runtime
    return runtime


def provide_executor(state: State) -> Executor:
    executor: Executor = state.executor
    return executor


def provide_chat(state: State) -> ChatService:
    chat: ChatService = state.chat
    return chat


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    principal: Principal = request.user
    return principal


DEPENDENCIES = {
    "runtime": Provide(provide_runtime, sync_to_thread=False),
    "executor": Provide(provide_executor, sync_to_thread=False),
    "principal": Provide(provide_principal, sync_to_thread=False),
    "chat": Provide(provide_chat, sync_to_thread=False),
    "paging": PAGING,
    "limiter": LIMITER,
}

# Route parameters are marked as named dependencies (Litestar 3 stops inferring them).
RuntimeDep = NamedDependency[Runtime]
ExecutorDep = NamedDependency[Executor]
PrincipalDep = NamedDependency[Principal]
ChatDep = NamedDependency[ChatService]
