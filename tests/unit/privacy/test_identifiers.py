"""Record, national, insurance and account numbers after more of their keywords, on examples
of our own."""

from __future__ import annotations

import pytest

from assistant.privacy.scrubber import Scrubber


def found(scrubber: Scrubber, text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start : s.end]) for s in scrubber.analyze(text)]


@pytest.mark.parametrize(
    ("text", "entity", "value"),
    [
        ("INFO chart merged old_mrn=448120 new_mrn=448121", "MEDICAL_RECORD_NUMBER", "448121"),
        ("DETAIL: Key (mrn)=(RB-771203) already exists.", "MEDICAL_RECORD_NUMBER", "RB-771203"),
        ("Inpatient review, UR 3390214, ward 4", "MEDICAL_RECORD_NUMBER", "UR 3390214"),
        ("HL7 ORU rejected (PID-3 55012874)", "MEDICAL_RECORD_NUMBER", "55012874"),
        ("Hasta: Ayşe Kaya, TC Kimlik 23456789012", "NATIONAL_ID", "23456789012"),
        ("asiakas henkilötunnus 020390-123X", "NATIONAL_ID", "020390-123X"),
        ("ValueError: passport_number 'P7781234' expired", "NATIONAL_ID", "P7781234"),
        ("Key (ni_number)=(AB123456C) already exists", "NATIONAL_ID", "AB123456C"),
        ("Versichertennr. K998877665 liegt vor", "INSURANCE_ID", "K998877665"),
        ("mutuelle MGEN, adhérent 0049 3321 7", "INSURANCE_ID", "0049 3321 7"),
        ("medical aid number 88201933 (Momentum)", "INSURANCE_ID", "88201933"),
        ("imported client_no K-2219034 from the old system", "OTHER_ID", "K-2219034"),
    ],
)
def test_numbers_after_their_keywords(
    scrubber: Scrubber, text: str, entity: str, value: str
) -> None:
    spans = found(scrubber, text)
    assert any(value in v for _, v in spans), spans


def test_a_database_row_id_is_no_client_number(scrubber: Scrubber) -> None:
    text = "WARN payment retry client_id=4412 amount=80.00"
    assert not [v for t, v in found(scrubber, text) if t == "OTHER_ID"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("SMS queued for Ines Duarte (0412 778 301) at 09:00", "0412 778 301"),
        ("call back Rhys (07700 900123) after lunch", "07700 900123"),
    ],
)
def test_phone_numbers_in_brackets(scrubber: Scrubber, text: str, value: str) -> None:
    assert ("PHONE_NUMBER", value) in found(scrubber, text), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "MemoryError: cannot allocate array with shape (52000000,) and dtype float32",
        "ERROR 1264 (22003): Out of range value for column 'qty'",
    ],
)
def test_brackets_left_open_are_not_phone_numbers(scrubber: Scrubber, text: str) -> None:
    assert not [v for t, v in found(scrubber, text) if t == "PHONE_NUMBER"]
