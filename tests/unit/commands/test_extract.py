"""The classifier's entities -> a procedure's mentions: a command's pattern widens a span the
NER cut short, but never over a date or time the NER found."""

from __future__ import annotations

import pytest

from assistant import compose
from assistant.commands.extract import mentions_from_nlu
from assistant.nlu.model import Entity, NLUResult


def _entities(text: str, *spans: tuple[str, str]) -> list[Entity]:
    out = []
    for label, piece in spans:
        start = text.index(piece)
        out.append(Entity(label, piece, start, start + len(piece)))
    return out


def _mentions(intent: str, text: str, *spans: tuple[str, str]) -> dict[str, object]:
    proc = compose.procedures().get(intent)
    assert proc is not None and proc.command is not None
    result = NLUResult(intent, 0.99, entities=_entities(text, *spans))
    return mentions_from_nlu(proc.command, result, text)


@pytest.mark.parametrize(
    ("text", "spans", "title", "due"),
    [
        (  # the pattern's own stop words do not know "tmrw"; the NER's date does
            "remind me to call maria garcia tmrw at 10",
            (("BODY", "call maria garcia"), ("DATE", "tmrw"), ("TIME", "10")),
            "call maria garcia",
            "tmrw at 10",
        ),
        (
            "remind me to chase the lab results fri 3pm",
            (("BODY", "chase the lab"), ("DATE", "fri"), ("TIME", "3pm")),
            "chase the lab results",
            "fri at 3pm",
        ),
        (  # a name in the task stays in it
            "remind me to send the intake form to omar",
            (("BODY", "send the intake form"), ("CONTACT", "omar")),
            "send the intake form to omar",
            None,
        ),
        (
            "remind me to call maria garcia tomorrow",
            (("BODY", "call maria garcia"), ("DATE", "tomorrow")),
            "call maria garcia",
            "tomorrow",
        ),
    ],
)
def test_a_task_title_stops_where_its_date_begins(
    text: str, spans: tuple[tuple[str, str], ...], title: str, due: str | None
) -> None:
    mentions = _mentions("tasks.create", text, *spans)
    assert mentions["title"] == title
    assert mentions.get("due_at") == due


@pytest.mark.parametrize(
    ("intent", "text", "spans", "slot", "expected"),
    [
        (
            "notes.add",
            "pop this into kahir's notes: tolerates heat packs well pls",
            (("CONTACT", "kahir"), ("BODY", "tolerates heat packs")),
            "body",
            "tolerates heat packs well",
        ),
        (
            "notes.add",
            "on jeff vaughan's chart: prefers the upstairs room!",
            (("CONTACT", "jeff vaughan"), ("BODY", "prefers the upstairs")),
            "body",
            "prefers the upstairs room",
        ),
        (
            "tasks.create",
            "remind me to fax the referral thanks!",
            (("BODY", "fax the"),),
            "title",
            "fax the referral",
        ),
    ],
)
def test_a_widened_span_leaves_the_courtesy_and_the_last_mark_out(
    intent: str, text: str, spans: tuple[tuple[str, str], ...], slot: str, expected: str
) -> None:
    assert _mentions(intent, text, *spans)[slot] == expected
