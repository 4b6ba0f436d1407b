"""Which text erasure redacts: a contact's identifiers in the forms people write them, and
their first or last name alone only where the text is about them."""

from __future__ import annotations

import pytest

from assistant.crm.erasure import REDACTED, identifiers_of
from assistant.db.models import Contact

ZELDA = Contact(
    id=7,
    first_name="Zelda",
    last_name="Quackenbush",
    email="zelda.q@example.com",
    phone="+1 (555) 014-2398",
    address="12 Quayside Lane, Springfield",
)


@pytest.mark.parametrize(
    "text",
    [
        "call Zelda Quackenbush back",
        "ZELDA   quackenbush missed her session",
        "Quackenbush, Zelda: invoice",
        "write to zelda.q@example.com",
        "phone 555-014-2398 after 5",
        "phone +1 555 014 2398",
        "phone 5550142398",
        "post it to 12 Quayside Lane, Springfield",
    ],
)
def test_identifiers_are_redacted_anywhere(text: str) -> None:
    ids = identifiers_of(ZELDA)
    assert ids.mentions(text)
    redacted = ids.redact(text)
    assert REDACTED in redacted and not ids.mentions(redacted)


@pytest.mark.parametrize(
    "text",
    ["Zelda Smith booked", "call 555-014-9999", "her record 25550142398000", "Quackenbushes"],
)
def test_other_people_and_numbers_are_left_alone(text: str) -> None:
    ids = identifiers_of(ZELDA)
    assert not ids.mentions(text) and ids.redact(text) == text


def test_a_first_name_alone_is_redacted_only_where_the_text_is_about_them() -> None:
    ids = identifiers_of(ZELDA)
    assert ids.redact("Zelda called about the invoice") == "Zelda called about the invoice"
    assert ids.redact("Zelda called about the invoice", about=True) == (
        f"{REDACTED} called about the invoice"
    )
