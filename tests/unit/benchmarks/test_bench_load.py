"""Concurrency and rate runners over the scripted engine (a real Engine, no model)."""

from __future__ import annotations

import pytest

from benchmarks.common import load
from benchmarks.common.stats import RequestTiming
from benchmarks.common.targets import EngineTarget
from benchmarks.common.workload import Request
from inference.config import EngineConfig
from inference.scripted import ScriptedEngine, ScriptedReply


class Counting(EngineTarget):
    """Records how many requests were in flight at once."""

    def __init__(self, engine: ScriptedEngine) -> None:
        super().__init__(engine)
        self.active = 0
        self.peak = 0

    async def send(self, req: Request) -> RequestTiming:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            return await super().send(req)
        finally:
            self.active -= 1


def _requests(n: int) -> list[Request]:
    return [Request([{"role": "user", "content": f"q{i}"}], 5, i, None) for i in range(n)]


async def _target() -> Counting:
    engine = ScriptedEngine(
        EngineConfig(engine="scripted", parallel_slots=8),
        script=[ScriptedReply(text="one two", token_delay=0.002)],
    )
    target = Counting(engine)
    await target.start()
    return target


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_concurrency_caps_requests_in_flight(concurrency: int) -> None:
    target = await _target()
    timings, duration = await load.at_concurrency(target, _requests(7), concurrency)
    await target.close()
    assert target.peak == concurrency
    assert len(timings) == 7 and all(t.ok for t in timings)
    assert all(t.output_tokens == 5 for t in timings)  # ignore_eos: the reply repeats to 5
    assert duration > 0


async def test_rate_sends_everything_and_caps_with_max_concurrency() -> None:
    target = await _target()
    done: list[RequestTiming] = []
    timings, _ = await load.at_rate(target, _requests(6), float("inf"), seed=0,
                                    max_concurrency=2, on_done=done.append)  # fmt: skip
    await target.close()
    assert len(timings) == len(done) == 6
    assert target.peak == 2
