"""Random prompts of an exact token length, repeatable by seed; data sets as JSONL."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from benchmarks.common.workload import (
    Messages,
    WorkloadError,
    dataset_requests,
    exact_prompt,
    random_requests,
)


def per_character(messages: Messages) -> int:
    """A byte-level tokenizer's count: one token a character, plus a 5-token template."""
    return 5 + sum(len(str(m["content"])) for m in messages)


def per_word(messages: Messages) -> int:
    return 3 + sum(len(str(m["content"]).split()) for m in messages)


@pytest.mark.parametrize("count", [per_character, per_word])
@pytest.mark.parametrize("target", [6, 64, 300])
def test_prompt_reaches_the_exact_length(count: object, target: int) -> None:
    messages, reached = exact_prompt(count, target, random.Random(1))  # type: ignore[arg-type]
    assert reached == target == count(messages)  # type: ignore[operator]


def test_a_system_prompt_counts_toward_the_length() -> None:
    messages, reached = exact_prompt(per_character, 80, random.Random(0), system="be brief")
    assert messages[0] == {"role": "system", "content": "be brief"}
    assert reached == 80


def test_a_length_shorter_than_the_template_is_refused() -> None:
    with pytest.raises(WorkloadError, match="template alone is 5 tokens"):
        exact_prompt(per_character, 5, random.Random(0))


def test_the_same_seed_gives_the_same_requests() -> None:
    first = random_requests(3, 40, 8, seed=7, count=per_character)
    again = random_requests(3, 40, 8, seed=7, count=per_character)
    other = random_requests(3, 40, 8, seed=8, count=per_character)
    assert first == again
    assert first != other
    assert [r.seed for r in first] == [7, 8, 9]
    assert len({str(r.messages) for r in first}) == 3  # no two prompts alike (no cache hits)


def test_dataset_lines_are_used_in_order_and_repeated(tmp_path: Path) -> None:
    data = tmp_path / "set.jsonl"
    lines = [{"prompt": "hello"}, {"messages": [{"role": "user", "content": "hi"}],
                                   "output_len": 3}]  # fmt: skip
    data.write_text("\n".join(json.dumps(x) for x in lines))
    requests = dataset_requests(data, 3, 16, 0, per_word)
    assert [r.output_len for r in requests] == [16, 3, 16]
    assert requests[0].messages == [{"role": "user", "content": "hello"}]
    assert requests[1].prompt_len == 4


def test_a_dataset_line_without_a_prompt_names_the_line(tmp_path: Path) -> None:
    data = tmp_path / "set.jsonl"
    data.write_text('{"prompt": "a"}\n{"text": "b"}\n')
    with pytest.raises(WorkloadError, match="line 2"):
        dataset_requests(data, 2, 4, 0, None)
