"""Dates of a person's events, dates of birth and ages over 89, on examples of our own."""

from __future__ import annotations

import pytest

from assistant.privacy.scrubber import Scrubber


def found(scrubber: Scrubber, text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start : s.end]) for s in scrubber.analyze(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Follow-up booked for 14/06 with the hand therapist.", "14/06"),
        ("bloods taken on 4/9, 4/16 and 4/23 at the practice", "4/23"),
        ("Great news: back to full training from Tuesday 19th.", "Tuesday 19th"),
        ("Le esperamos el viernes 6 a las 10:00.", "viernes 6"),
        ("Physio session moved to Wednesday 11 June.", "Wednesday 11 June"),
        ("she is abroad until 3 October visiting her sister", "3 October"),
        ("admitted 2025/11/02, discharged home two days later", "2025/11/02"),
        ("次回のご予約: 2025年9月3日 10:00", "2025年9月3日"),
        ("Wizyta przesunięta z 4 marca na 18 marca.", "18 marca"),
        ("Kontrolltermin am 7. Dezember um 9 Uhr", "7. Dezember"),
        ("Hastan\u0131n randevusu 12 ekim tarihinde.", "12 ekim"),
        ("Visita fissata il 22/11 alle 15:00", "22/11"),
        ("Recent: 03/02 fall at home, 17/02 GP, 24/02 review.", "17/02"),
        ("/exports/scans/knee_mri_okoro_2025-12-02.dcm", "2025-12-02"),
        ('{"client": 4412, "slot": "2026-01-14T15:30", "room": 2}', "2026-01-14T15:30"),
    ],
)
def test_event_dates(scrubber: Scrubber, text: str, value: str) -> None:
    assert ("DATE", value) in found(scrubber, text), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "Pain 7/10 at rest, 4/10 after mobilisation.",
        "VAS improved from 8/10 to 5/10 over two weeks.",
        "Please export all invoices from 01/04 to 30/06 for the accountant.",
        "Gift card bought 2025-05-02, expires 2026-05-02.",
        '{"ts": "2026-01-14T15:30:12Z", "event": "sync"}',
    ],
)
def test_scores_and_bookkeeping_dates_stay(scrubber: Scrubber, text: str) -> None:
    assert not [v for t, v in found(scrubber, text) if t == "DATE"], found(scrubber, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Referral for Tomasz Wrona, born 1949, R knee OA.", "1949"),
        ("DOB: Mar 1962 (day not recorded)", "Mar 1962"),
        ('{"name": "Lin Wei", "dob": "04/1990"}', "04/1990"),
        ("DOB ??/??/1957 on the scanned card", "1957"),
        ("生年月日 DOB 1979年11月2日", "1979年11月2日"),
    ],
)
def test_partial_and_east_asian_dates_of_birth(scrubber: Scrubber, text: str, value: str) -> None:
    spans = found(scrubber, text)
    assert any(t == "DATE_OF_BIRTH" and value in v for t, v in spans), spans


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Home visit: Edna Pryce, 94, lives alone, uses a frame.", "94"),
        ("Seen today: Mr Aurelio Conti, 91.", "91"),
        ("WARN patient flagged age=97 falls_risk=high", "97"),
        ("Ms Ida Lund, 100 y.o., palliative", "100"),
        ("Madame Odette Roux, 93 ans, vit seule.", "93"),
        ("Frau Hedwig Brandt (96 Jahre) kommt mit Tochter.", "96"),
        ("ValueError: 'age' = 112 is out of range for this form", "112"),
        ("Visit: Mr Ekow Mensah, 92: hip pain, walks with stick.", "92"),
    ],
)
def test_ages_over_89(scrubber: Scrubber, text: str, value: str) -> None:
    assert ("AGE", value) in found(scrubber, text), found(scrubber, text)


def test_a_number_after_a_lower_case_list_is_no_age(scrubber: Scrubber) -> None:
    text = "Stock: towels, 95, gloves, 120 boxes"
    assert not [v for t, v in found(scrubber, text) if t == "AGE"]


def test_an_age_after_a_date_of_birth_and_in_brackets(scrubber: Scrubber) -> None:
    assert ("AGE", "92") in found(scrubber, "dob 3/3/1933, 92 yrs, lives alone")
    assert ("AGE", "96") in found(scrubber, "Koro Hemi (kaumatua, 96) attended")
