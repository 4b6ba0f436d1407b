"""Rounds of cold and warm co-pilot turns on one in-process engine, timed from the caller.

A turn is cold when the engine's cache holds another prompt: each scenario's cold turn follows
the other scenario's turns (one slot, so they evict it). TTFT is the caller's wall time from
`stream()` to the first generated token: the whole request's time minus the engine's own
generation time after that token (its Usage), so it covers rendering, tokenizing, grammar
building and prefill, and holds for tool calls, which stream no text before the call ends.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from benchmarks.prefix_cache import workload
from inference.base import ChatRequest, Engine, TextDelta, ToolCall, Usage


@dataclass(frozen=True, slots=True)
class Timed:
    scenario: str
    phase: str  # "cold" | "warm"
    round: int
    ttft_s: float
    total_s: float
    prompt_tokens: int
    cached_tokens: int
    text: str


@dataclass(slots=True)
class Plan:
    rounds: int
    candidates: tuple[str, ...] = workload.DEFAULT_CANDIDATES
    gap: timedelta = timedelta(minutes=3)
    chat_tokens: int = 32
    seed: int = 0
    scenarios: tuple[str, ...] = workload.SCENARIOS
    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 58))


async def timed(engine: Engine, req: ChatRequest, scenario: str, phase: str, n: int) -> Timed:
    start = time.perf_counter()
    usage: Usage | None = None
    parts: list[str] = []
    stream = engine.stream(req)
    async with contextlib.aclosing(stream):  # type: ignore[type-var]
        async for event in stream:
            if isinstance(event, TextDelta):
                parts.append(event.text)
            elif isinstance(event, ToolCall):
                parts.append(event.name)
            elif isinstance(event, Usage):
                usage = event
    total = time.perf_counter() - start
    if usage is None:
        raise RuntimeError(f"{type(engine).__name__} reported no usage: cannot time TTFT")
    return Timed(
        scenario,
        phase,
        n,
        total - usage.generation_ms / 1000,
        total,
        usage.prompt_tokens,
        usage.cached_tokens,
        "".join(parts),
    )


def _counter(engine: Engine) -> workload.Count:
    tokens: Any = getattr(engine, "prompt_tokens", None)
    if tokens is None:
        raise RuntimeError("the prefix-cache benchmark needs an engine that counts tokens")
    return lambda messages: len(tokens(ChatRequest(messages=messages)))


async def run_rounds(
    engine: Engine, registry: Any, plan: Plan, budget: int, advance: Any = None
) -> list[Timed]:
    """`plan.rounds` rounds; in each, every scenario's cold turn, then its warm one."""
    out: list[Timed] = []
    count = _counter(engine)
    for n in range(plan.rounds):
        for scenario in plan.scenarios:
            if scenario == "command":
                now = plan.now + timedelta(hours=n)
                cold, warm = workload.command_turns(registry, plan.candidates, n, now, plan.gap)
                out.append(await timed(engine, cold, scenario, "cold", n))
                out.append(await timed(engine, warm, scenario, "warm", n))
            else:
                first = workload.chat_first(n, plan.chat_tokens, plan.seed)
                reply = await timed(engine, first, scenario, "cold", n)
                nxt = workload.chat_next(first, reply.text, n, count, budget)
                out.append(reply)
                out.append(await timed(engine, nxt, scenario, "warm", n))
            if advance is not None:
                advance()
    return out
