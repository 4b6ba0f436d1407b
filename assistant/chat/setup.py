"""The chat's long-lived parts, built once in the app lifespan: engine, parser, service."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from assistant.chat.parsing import TurnParser, build_parser
from assistant.chat.service import ChatService
from assistant.llm import build_engine, describe_engine
from assistant.procedures.executor import Executor
from assistant.runtime import Runtime
from inference.base import Engine, InferenceError

log = logging.getLogger(__name__)
FROM_SETTINGS: Any = object()
"""Build the engine from settings (the default); pass an Engine or None to choose."""


async def _start_engine(runtime: Runtime, engine: Any) -> tuple[Engine | None, str]:
    if engine is None:
        return None, "none: disabled"
    name, reason = (
        (engine.name, "") if engine is not FROM_SETTINGS else describe_engine(runtime.settings)
    )
    try:
        built = build_engine(runtime.settings) if engine is FROM_SETTINGS else engine
        if built is None:
            return None, f"none: {reason}"
        await built.start()
    except InferenceError as exc:
        log.warning("inference engine %s unavailable: %s", name, exc)
        return None, f"none: {name} could not start: {exc}"
    return built, built.name


@contextlib.asynccontextmanager
async def chat_parts(
    runtime: Runtime,
    executor: Executor,
    *,
    engine: Any = FROM_SETTINGS,
    parser: TurnParser | None = None,
) -> AsyncIterator[ChatService]:
    """Start the engine (once per process) and build the parser; close both at the end."""
    started, status = await _start_engine(runtime, engine)
    if parser is None:
        parser = build_parser(
            settings=runtime.settings,
            runtime=runtime,
            registry=executor.registry,
            executor=executor,
            engine=started,
            clock=runtime.clock,
            sessions=runtime.sessions,
        )
    chat = ChatService(runtime, executor, started, parser, status)
    try:
        yield chat
    finally:
        await chat.close()
        if started is not None:
            await started.close()
