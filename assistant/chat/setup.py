"""The chat's long-lived parts, built once in the app lifespan: engine, parser, service."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from assistant.chat.parsing import TurnParser
from assistant.chat.service import ChatService
from assistant.commands import CommandParser
from assistant.crm.known_values import KnownValues, ScrubberFeed
from assistant.llm import build_engine, describe_engine
from assistant.nlu.model import NLUModel
from assistant.procedures.executor import Executor
from assistant.procedures.registry import Registry
from assistant.remote.setup import with_remote
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
        built = with_remote(built, runtime, feed=partial(ScrubberFeed, runtime.sessions))
        if built is None:
            return None, f"none: {reason}"
        await built.start()
    except InferenceError as exc:
        log.warning("inference engine %s unavailable: %s", name, exc)
        return None, f"none: {name} could not start: {exc}"
    return built, getattr(built, "status", None) or built.name


def build_parser(
    runtime: Runtime,
    registry: Registry,
    engine: Engine | None,
    known: KnownValues | None = None,
) -> CommandParser:
    """The hybrid parser with what this process has: the NLU model if one is built, the engine,
    and the known contacts (`known`: the snapshot the log scrubber reads too)."""
    nlu_dir = runtime.settings.nlu_dir
    nlu = None
    if (nlu_dir / "config.cfg").is_file():
        nlu = NLUModel(nlu_dir)
    else:
        log.warning("chat: no classifier: no NLU model at %s (run `assistant nlu build`)", nlu_dir)
    return CommandParser(nlu, engine, registry, runtime.readers, runtime.clock, known=known)


@contextlib.asynccontextmanager
async def chat_parts(
    runtime: Runtime,
    executor: Executor,
    *,
    engine: Any = FROM_SETTINGS,
    parser: TurnParser | None = None,
    known: KnownValues | None = None,
) -> AsyncIterator[ChatService]:
    """Start the engine (once per process) and build the parser; close both at the end."""
    started, status = await _start_engine(runtime, engine)
    if parser is None:
        parser = build_parser(runtime, executor.registry, started, known)
    chat = ChatService(runtime, executor, started, parser, status)
    try:
        yield chat
    finally:
        await chat.close()
        if started is not None:
            await started.close()
