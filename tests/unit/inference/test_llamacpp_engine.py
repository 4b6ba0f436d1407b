"""inference/llamacpp.py specifics: the prefix cache, native logs, fair slots."""

from __future__ import annotations

import asyncio
import logging
import threading
from pathlib import Path

import pytest

pytest.importorskip("llama_cpp", reason="llama-cpp-python not installed")

from inference.base import ChatRequest, Tool, collect
from inference.config import EngineConfig
from inference.llamacpp import LlamaCppEngine, _NativeLines
from inference.slots import SlotPool

TOOLS = [
    Tool(
        f"tool_{i}",
        "A tool with a long description " * 4,
        {"type": "object", "properties": {"x": {"type": "string"}}},
    )
    for i in range(4)
]
SYSTEM = {"role": "system", "content": "You are the clinic co-pilot. " * 10}


def ask(text: str) -> ChatRequest:
    return ChatRequest(
        [SYSTEM, {"role": "user", "content": text}],
        tools=TOOLS,
        tool_choice="none",
        max_tokens=4,
        seed=0,
    )


async def test_repeated_system_prompt_and_tools_are_not_evaluated_again(
    tiny_gguf: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    engine = LlamaCppEngine(EngineConfig(model=str(tiny_gguf), n_ctx=2048, n_threads=1))
    with caplog.at_level(logging.DEBUG, logger="inference.llamacpp.native"):
        await engine.start()
    first = (await collect(engine.stream(ask("book Sam on Tuesday")))).usage
    second = (await collect(engine.stream(ask("add a note to Jane")))).usage
    await engine.close()
    assert first is not None and second is not None
    assert first.cached_tokens == 0
    prefix = second.prompt_tokens - len("add a note to Jane<|im_end|>\n<|im_start|>assistant\n")
    assert second.cached_tokens >= prefix > 300
    assert second.prompt_tokens - second.cached_tokens < first.prompt_tokens / 10
    # llama.cpp's own log lines went to logging, none raw to stderr
    assert any(r.name == "inference.llamacpp.native" for r in caplog.records)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("ggml_level", "level"),
    [(1, logging.DEBUG), (2, logging.DEBUG), (3, logging.WARNING), (4, logging.ERROR)],
    ids=["debug", "info chatter", "warn", "error"],
)
def test_native_lines_keep_ggml_levels(
    ggml_level: int, level: int, caplog: pytest.LogCaptureFixture
) -> None:
    """ggml.h: 1 debug, 2 info, 3 warn, 4 error; a model loader's info must not read as a
    warning, nor an error vanish at debug."""
    lines = _NativeLines()
    with caplog.at_level(logging.DEBUG, logger="inference.llamacpp.native"):
        lines(ggml_level, b"llama_model_loader: ", None)
        lines(5, b"a line\n", None)  # GGML_LOG_LEVEL_CONT keeps the line's level
    [record] = [r for r in caplog.records if r.name == "inference.llamacpp.native"]
    assert (record.levelno, record.getMessage()) == (level, "llama_model_loader: a line")


async def test_requests_wait_their_turn_for_a_slot() -> None:
    pool: SlotPool[str] = SlotPool(["only"])
    order: list[int] = []

    async def use(i: int) -> None:
        async with pool.acquire():
            order.append(i)
            await asyncio.sleep(0.01)

    holder = asyncio.create_task(use(0))
    await asyncio.sleep(0)
    await asyncio.gather(*(use(i) for i in range(1, 5)), holder)
    assert order == [0, 1, 2, 3, 4] and pool.free == 1


async def test_a_free_slot_with_the_longest_cached_prefix_is_preferred() -> None:
    pool: SlotPool[str] = SlotPool(["cold", "warm"])
    async with pool.acquire(score=lambda s: 10 if s == "warm" else 0) as slot:
        assert slot == "warm"


async def test_two_slots_serve_two_requests_at_once(tiny_gguf: Path) -> None:
    engine = LlamaCppEngine(
        EngineConfig(model=str(tiny_gguf), n_ctx=2048, n_threads=1, parallel_slots=2)
    )
    await engine.start()
    replies = await asyncio.gather(
        *(
            collect(
                engine.stream(
                    ChatRequest([{"role": "user", "content": f"hi {i}"}], max_tokens=8, seed=i)
                )
            )
            for i in range(4)
        )
    )
    assert all(r.usage is not None for r in replies) and engine.pool.free == 2
    await engine.close()


async def test_each_slot_loads_and_generates_on_one_thread_of_its_own(tiny_gguf: Path) -> None:
    """llama.cpp's OpenMP team belongs to the calling thread: one caller per slot for life."""
    engine = LlamaCppEngine(
        EngineConfig(model=str(tiny_gguf), n_ctx=2048, n_threads=1, parallel_slots=2)
    )
    await engine.start()
    callers: dict[int, set[str]] = {}
    for index, slot in enumerate(engine._slots):
        real = slot.llm.eval

        def spy(tokens: object, real: object = real, index: int = index) -> object:
            callers.setdefault(index, set()).add(threading.current_thread().name)
            return real(tokens)  # type: ignore[operator]

        slot.llm.eval = spy
    # Concurrent and sequential turns, so both slots serve more than one request.
    await asyncio.gather(*(collect(engine.stream(ask(f"turn {i}"))) for i in range(4)))
    for i in range(3):
        await collect(engine.stream(ask(f"later {i}")))
    await engine.close()
    assert sorted(callers) == [0, 1]
    names = [next(iter(used)) for used in callers.values()]
    assert all(len(used) == 1 for used in callers.values()), callers
    assert len(set(names)) == 2 and all(n.startswith("llamacpp-slot") for n in names), names
