"""inference/assembler.py: stop strings cut the text where they start, however the text is
split into pieces, and nothing that could still begin a stop string is emitted early."""

from __future__ import annotations

import random

import pytest

from inference.assembler import ReplyAssembler
from inference.base import ChatRequest, TextDelta
from inference.tools import FORMATS


def _reference(text: str, stops: list[str]) -> tuple[str, bool]:
    """The text before the stop string that ends first (the longest, on a tie)."""
    ends = [(text.find(s) + len(s), -len(s)) for s in stops if s in text]
    if not ends:
        return text, False
    end, minus_len = min(ends)
    return text[: end + minus_len], True


def _run(text: str, stops: list[str], cuts: list[int]) -> tuple[str, bool]:
    assembler = ReplyAssembler(ChatRequest([{"role": "user", "content": "x"}], stop=stops),
                               FORMATS["json"])  # fmt: skip
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    events = [e for piece in pieces for e in assembler.feed(piece)]
    tail, reason = assembler.finish("length")
    out = "".join(e.text for e in [*events, *tail] if isinstance(e, TextDelta))
    return out, reason == "stop" and assembler.stopped


@pytest.mark.parametrize(
    ("text", "stops", "expected"),
    [
        ("hello END more", ["END"], "hello "),
        ("aaab", ["aab"], "a"),  # a partial match that fails falls back, not restarts
        ("abababc", ["ababc"], "ab"),
        ("xabcd", ["abcd", "bc"], "xa"),  # "bc" ends first
        ("xab", ["ab", "b"], "x"),  # both end at b: the longer starts first
        ("no stop here", ["STOP"], "no stop here"),
        ("END", ["END"], ""),
    ],
)
def test_stop_strings_cut_where_they_start(text: str, stops: list[str], expected: str) -> None:
    for cuts in ([], list(range(1, len(text))), [len(text) // 2]):
        assert _run(text, stops, cuts)[0] == expected


def test_matches_the_reference_for_any_split() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice("ab") for _ in range(rng.randint(0, 30)))
        stops = ["".join(rng.choice("ab") for _ in range(rng.randint(1, 6)))
                 for _ in range(rng.randint(1, 3))]  # fmt: skip
        cuts = sorted(rng.sample(range(1, len(text)), rng.randint(0, max(len(text) - 1, 0))))
        assert _run(text, stops, cuts) == _reference(text, stops), (text, stops, cuts)


def test_held_text_is_only_what_may_begin_a_stop_string() -> None:
    stop = "x" * 500 + "!"
    assembler = ReplyAssembler(ChatRequest([{"role": "user", "content": "x"}], stop=[stop]),
                               FORMATS["json"])  # fmt: skip
    assert assembler.feed("hello ") == [TextDelta("hello ")]
    assert assembler.feed("x" * 600) == [TextDelta("x" * 100)]  # 500 could still begin it
    assert assembler.feed("y") == [TextDelta("x" * 500 + "y")]
    assert assembler.feed("x" * 500 + "!tail") == [] and assembler.stopped
