"""What of a stored preview a reader sees (`impact.shown`): the same for a confirmation and an
approval; the call in words (it quotes the call's values, a note's text among them) only for a
reader of clinical text; bookkeeping fields never."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.procedures.impact import shown

PREVIEW: dict[str, Any] = {
    "counts": {"note": 1},
    "records": [{"type": "note", "id": 7, "name": "Note of 2026-01-02"}],
    "call": 'Add a clinical note for Cora Day: body "reports knee pain"',
    "keep": {"type": "contact", "id": 3, "name": "Cora Day"},
}


@pytest.mark.parametrize(
    ("clinical", "fields"),
    [(True, {"counts", "records", "call"}), (False, {"counts", "records"})],
)
def test_a_reader_sees_counts_and_names_and_the_words_only_with_clinical_access(
    clinical: bool, fields: set[str]
) -> None:
    seen = shown(PREVIEW, clinical=clinical)
    assert seen is not None and set(seen) == fields
    assert ("knee pain" in str(seen)) is clinical


@pytest.mark.parametrize("stored", [None, {}, {"keep": {"type": "contact", "id": 1}}])
def test_nothing_to_show_is_none(stored: dict[str, Any] | None) -> None:
    assert shown(stored) is None
