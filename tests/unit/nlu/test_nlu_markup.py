"""The hand-written markup: offsets computed from the marks, bad lines named by file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.nlu.data import DataError
from assistant.nlu.markup import parse_line, read_markup


def test_spans_are_cut_out_of_the_marked_text() -> None:
    example = parse_line(
        "notes.add | add a note to [Jane Doe](CONTACT): [prefers morning sessions](BODY)"
    )
    assert example.text == "add a note to Jane Doe: prefers morning sessions"
    assert example.intent == "notes.add"
    assert [(example.text[s.start : s.end], s.label) for s in example.entities] == [
        ("Jane Doe", "CONTACT"),
        ("prefers morning sessions", "BODY"),
    ]


def test_a_line_without_spans_is_plain_text() -> None:
    example = parse_line("chat | thanks! [not a span] (really)")
    assert example.text == "thanks! [not a span] (really)" and example.entities == ()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("add a note to Jane", "expected 'intent | text'"),
        ("notes.write | a note", "unknown intent"),
        ("notes.add | note for [Jane](NAME)", "unknown entity label"),
        ("notes.add | note for [Jane](contact)", "malformed span"),
        ("notes.add | note for [ Jane](CONTACT)", "whitespace"),
    ],
)
def test_bad_lines_say_why(line: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_line(line)


def test_files_skip_comments_and_name_the_bad_line(tmp_path: Path) -> None:
    good = tmp_path / "train-x.txt"
    good.write_text("# a comment\n\nchat | hello\ntags.add | tag [Ana](CONTACT) [vip](TAG)\n")
    assert [e.intent for e in read_markup(good)] == ["chat", "tags.add"]
    bad = tmp_path / "train-y.txt"
    bad.write_text("chat | hello\nnotes.add | [Jane](WHO)\n")
    with pytest.raises(DataError, match=r"train-y\.txt:2: unknown entity label"):
        read_markup(bad)
    with pytest.raises(DataError, match="no such file"):
        read_markup(tmp_path / "missing.txt")
