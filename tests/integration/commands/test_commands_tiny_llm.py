"""The LLM path through the real llama.cpp engine on a tiny random GGUF.

Whatever the random model says, constrained decoding must give a schema-valid call among
the offered tools, and the parser must turn it into a result built from that call.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from assistant import compose
from assistant.commands import CommandParser
from tests.plugins.commands import Clinic

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def llama(tiny_gguf: Path) -> AsyncIterator[object]:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed")
    from inference.config import EngineConfig
    from inference.llamacpp import LlamaCppEngine

    engine = LlamaCppEngine(
        EngineConfig(engine="llamacpp", model=str(tiny_gguf), n_ctx=4096, n_threads=1)
    )
    await engine.start()
    yield engine
    await engine.close()


@pytest.mark.parametrize("text", ["find Sam", "what's on my schedule friday?", "show Jane"])
async def test_a_random_model_still_yields_a_resolved_or_asked_call(
    clinic: Clinic, llama: object, text: str
) -> None:
    from inference.base import Engine

    assert isinstance(llama, Engine)
    parser = CommandParser(None, llama, compose.procedures(), clinic.sessions, clinic.clock())
    viewer = clinic.users["viewer"]  # four small tools plus chat: a short prompt
    result = await parser.parse(text, viewer)
    offered = {p.name for p in parser.allowed(viewer)} | {"chat"}
    assert result.intent in offered, result
    assert result.path in ("llm", "clarify")
    if result.intent != "chat":
        command = parser.registry.get(result.intent).command  # type: ignore[union-attr]
        assert command is not None
        slots = {s.name for s in command.slots}
        targets = {t for s in command.slots for t in s.target}
        assert set(result.args) <= slots | targets
    if result.path == "llm" and result.intent != "chat":
        assert result.resolved is not None
    if result.path == "clarify":  # asked about the model's own call, not "please rephrase"
        assert result.pending is not None and result.intent != "chat"
