"""bench overhead's rounds: new random prompts, or one prompt every round (--cached-prompt)."""

from __future__ import annotations

import argparse
import itertools
from urllib.parse import urlsplit

import pytest

from benchmarks.common.targets import CopilotTarget, EngineTarget, OpenAITarget
from benchmarks.common.workload import Messages
from benchmarks.overhead.run import parser, paths_for, workload
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


def _process(target: object) -> str:
    """Which process answers a target: this one (an engine in process) or a server's."""
    url = getattr(target, "url", None)
    return "this process" if url is None else urlsplit(url).netloc


@pytest.mark.parametrize("chat", [False, True])
@pytest.mark.parametrize("peer", [False, True])
def test_no_request_follows_one_to_the_same_process(chat: bool, peer: bool) -> None:
    """Round after round, across the rounds' seams too: so the cost of an engine's first step
    after the other engine ran falls on both sides of every pair."""
    engine = LlamaCppEngine(EngineConfig(engine="llamacpp", model="never-loaded.gguf"))
    ours = "http://127.0.0.1:8001"
    paths = paths_for(
        EngineTarget(engine),
        OpenAITarget(ours, "m", "token"),
        CopilotTarget(ours, "token") if chat else None,
        OpenAITarget("http://127.0.0.1:8002/v1", "default") if peer else None,
    )
    assert len(paths) == 2 + 2 * chat + peer
    sent = [_process(p.target) for p in paths] * 3
    assert all(a != b for a, b in itertools.pairwise(sent)), sent
    for path in paths:  # each server path pairs with an engine path
        if path.baseline is not None:
            assert _process(next(p for p in paths if p.name == path.baseline).target) == (
                "this process"
            )
