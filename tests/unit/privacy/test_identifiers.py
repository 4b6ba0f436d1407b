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
        ("Aile hekimi kayd\u0131: 32456789048 numaral\u0131 hasta", "NATIONAL_ID", "32456789048"),
        ("KYC: PAN AFZPK7190K verified", "NATIONAL_ID", "AFZPK7190K"),
        ("Sou utente n.º 284719305 no centro de saúde.", "NATIONAL_ID", "284719305"),
        ("IntegrityError: member_id 'HX-55120934' is linked twice", "INSURANCE_ID", "HX-55120934"),
        ("Bitte Mitgliedsnummer 448812093 prüfen.", "INSURANCE_ID", "448812093"),
        (
            "copilot: I found BUPA-2290-1184-31 on the card scan.",
            "INSURANCE_ID",
            "BUPA-2290-1184-31",
        ),
        ("visitor parking: Toyota, plate LM71 RTV, bay 4", "OTHER_ID", "LM71 RTV"),
        ("She drove in herself (car YD19KPE) despite advice.", "OTHER_ID", "YD19KPE"),
        ('export row CLIENT-20931,"Ruiz"', "OTHER_ID", "CLIENT-20931"),
        ("WARN licence=OKAFO704128CE9XY expired", "OTHER_ID", "OKAFO704128CE9XY"),
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


def test_eleven_digits_failing_the_kimlik_check_are_no_id(scrubber: Scrubber) -> None:
    assert found(scrubber, "INFO batch 32456789016 exported") == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("GET /api/clients?email=k.osei%40outlook.com HTTP/1.1", "k.osei%40outlook.com"),
        (
            "WARN bounce from intake.team@riverside-clinic.example",
            "intake.team@riverside-clinic.example",
        ),
    ],
)
def test_addresses_url_encoded_or_on_reserved_domains(
    scrubber: Scrubber, text: str, value: str
) -> None:
    assert ("EMAIL_ADDRESS", value) in found(scrubber, text), found(scrubber, text)


def test_a_number_ending_a_line_is_not_joined_to_the_next(scrubber: Scrubber) -> None:
    text = "Kofi Boateng | +233 24 555 0192\n14 Ring Road East, Accra"
    assert ("PHONE_NUMBER", "+233 24 555 0192") in found(scrubber, text), found(scrubber, text)
