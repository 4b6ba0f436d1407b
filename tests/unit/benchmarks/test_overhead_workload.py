"""bench overhead's rounds: new random prompts, or one prompt every round (--cached-prompt)."""

from __future__ import annotations

import argparse

from benchmarks.common.workload import Messages
from benchmarks.overhead.run import parser, workload


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
