"""bench overhead's rounds: new random prompts, or one prompt every round (--cached-prompt)."""

from __future__ import annotations

import argparse
import itertools

import pytest

from benchmarks.common.targets import CopilotTarget, EngineTarget, OpenAITarget
from benchmarks.common.workload import Messages
from benchmarks.overhead.run import Path_, parser, paths_for, process_of, round_orders, workload
from inference.config import EngineConfig
from inference.llamacpp import LlamaCppEngine


def _count(messages: Messages) -> int:
    """One token a character: enough for the prompt builder to hit a length."""
    return sum(len(str(m["content"])) for m in messages)


def _args(*extra: str) -> argparse.Namespace:
    return parser().parse_args(["--model", "m.gguf", "--rounds", "3", "--warmup", "1",
                                "--prompt-len", "30", "--output-len", "4", *extra])  # fmt: skip


def test_each_round_has_its_own_prompt_by_default() -> None:
    requests = workload(_args(), _count)
    assert len(requests) == 4
    assert len({str(r.messages) for r in requests}) == 4
    assert {r.prompt_len for r in requests} == {30}


def test_a_cached_prompt_repeats_the_first_one_every_round() -> None:
    requests = workload(_args("--cached-prompt"), _count)
    assert len(requests) == 4
    assert requests == [workload(_args(), _count)[0]] * 4


def _paths(chat: bool, peer: bool) -> list[Path_]:
    engine = LlamaCppEngine(EngineConfig(engine="llamacpp", model="never-loaded.gguf"))
    ours = "http://127.0.0.1:8001"
    return paths_for(
        EngineTarget(engine),
        OpenAITarget(ours, "m", "token"),
        CopilotTarget(ours, "token") if chat else None,
        OpenAITarget("http://127.0.0.1:8002/v1", "default") if peer else None,
    )


@pytest.mark.parametrize("chat", [False, True])
@pytest.mark.parametrize("peer", [False, True])
def test_no_request_follows_one_to_the_same_process(chat: bool, peer: bool) -> None:
    """Across the rounds' seams too: so the cost of an engine's first step after another
    engine ran falls on both sides of every pair."""
    paths = _paths(chat, peer)
    assert len(paths) == 2 + 2 * chat + peer
    orders = round_orders(paths, 60, seed=0)
    assert all(sorted(p.name for p in o) == sorted(p.name for p in paths) for o in orders)
    sent = [process_of(p.target) for order in orders for p in order]
    assert all(a != b for a, b in itertools.pairwise(sent)), sent
    assert orders == round_orders(paths, 60, seed=0)  # a seed gives the same run
    for path in paths:  # each server path pairs with an engine path in this process
        if path.baseline is not None:
            base = next(p for p in paths if p.name == path.baseline)
            assert process_of(base.target) == "this process" != process_of(path.target)


def test_each_server_follows_every_other_process() -> None:
    """Which engine ran just before matters: with three processes, each server path comes
    after each of the others (a fixed cycle would always put it after the same one)."""
    paths = _paths(chat=False, peer=True)
    sent = [p for order in round_orders(paths, 40, seed=3) for p in order]
    before: dict[str, set[str]] = {p.name: set() for p in paths}
    for prev, path in itertools.pairwise(sent):
        before[path.name].add(process_of(prev.target))
    for path in paths:
        others = {process_of(p.target) for p in paths} - {process_of(path.target)}
        assert before[path.name] == others, (path.name, before[path.name])
