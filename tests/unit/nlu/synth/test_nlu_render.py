"""The template language: alternatives, slots, and offsets that survive spacing fixes."""

from __future__ import annotations

import random

import pytest

from assistant.nlu.data import Span
from assistant.nlu.synth.render import Piece, TemplateError, assemble, expand, parse_template


def _fill(rng: random.Random) -> list[Piece]:
    return [Piece("Sam Lee", "CONTACT"), Piece("'s")]


def test_alternatives_and_slots_expand_with_exact_offsets() -> None:
    nodes = parse_template("[show|open] {who} [file|chart]")
    seen = set()
    for seed in range(30):
        example = assemble(expand(nodes, {"who": _fill}, random.Random(seed)), "contacts.get")
        seen.add(example.text)
        span = example.entities[0]
        assert example.text[span.start : span.end] == "Sam Lee"
    assert seen == {f"{v} Sam Lee's {n}" for v in ("show", "open") for n in ("file", "chart")}


def test_empty_alternative_does_not_leave_double_spaces() -> None:
    nodes = parse_template("[|please ]add a note to {who} : hi")
    texts = {assemble(expand(nodes, {"who": _fill}, random.Random(s)), "x").text for s in range(20)}
    assert texts == {"add a note to Sam Lee's: hi", "please add a note to Sam Lee's: hi"}


def test_assemble_strips_and_shifts_offsets() -> None:
    example = assemble(
        [Piece("  tag "), Piece("Ann", "CONTACT"), Piece(" as "), Piece("vip", "TAG"), Piece(" ")],
        "tags.add",
    )
    assert example.text == "tag Ann as vip"
    assert example.entities == (Span(4, 7, "CONTACT"), Span(11, 14, "TAG"))


@pytest.mark.parametrize("bad", ["[a|b", "a]b", "a|b", "{Bad Slot}"])
def test_malformed_templates_are_rejected(bad: str) -> None:
    with pytest.raises(TemplateError):
        parse_template(bad)
