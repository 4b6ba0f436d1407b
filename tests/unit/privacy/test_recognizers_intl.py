"""The second round of recognizers (issue #21): address fields, towns beside postcodes, street
types written as words, foreign and dashed dates, record numbers in more shapes, lower-case
and joined names, and what the spaCy model tags that is no one's name."""

from __future__ import annotations

import pytest

from assistant.privacy.places import AddressFieldRecognizer
from assistant.privacy.scrubber import Scrubber
from tests.unit.privacy.test_recognizers_generalise import covered, found


def types(scrubber: Scrubber, text: str) -> set[str]:
    return {t for t, _ in found(scrubber, text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12 Jalan Ampang, 50450 Kuala Lumpur", "12 Jalan Ampang"),
        ("Thorvald Meyers gate 15, 0555 Oslo", "Thorvald Meyers gate 15"),
        ("Berliner Straße 12, 10713 Berlin", "Berliner Straße 12"),
        ("address in Japan: 2-14-3 Shibuya, Shibuya-ku, Tokyo", "2-14-3 Shibuya"),
        ("for Aoife Byrne, The Cottage, Main Street, Kinsale", "The Cottage, Main Street"),
        ("B-402, Sai Krupa Apartments, Linking Road\nMumbai", "B-402, Sai Krupa Apartments"),
    ],
)
def test_street_lines(scrubber: Scrubber, text: str, value: str) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("Kerkstraat 14, 2011 CX Haarlem", "Haarlem", "LOCATION"),
        ("Via Garibaldi 9, 20121 Milano MI", "MI", "LOCATION"),
        ("GP surgery, Preston PR1 8UQ", "Preston", "LOCATION"),
        ("19 Harbour View, Cobh, Co. Cork", "Co. Cork", "LOCATION"),
        ("2-14-3 Shibuya, Shibuya-ku, Tokyo", "Shibuya-ku", "LOCATION"),
        ("Rua da Prata 80, 1100-420 Lisboa", "1100-420", "POSTCODE"),
        ("moved to Limassol, Cyprus", "Cyprus", "LOCATION"),
    ],
)
def test_places_in_addresses(scrubber: Scrubber, text: str, value: str, entity: str) -> None:
    # Typed where no other recognizer claims the words ("Preston" is a first name too).
    assert (entity, value) in found(scrubber, text) or (
        entity == "LOCATION" and covered(scrubber, text, value)
    ), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "CPT 97110, units 4",
        "2000 Patients were seen this year",
        "Thank you. Best, Front desk",
        "O: BP 150/85, HR 88, SpO2 96%.",
    ],
)
def test_not_places(scrubber: Scrubber, text: str) -> None:
    assert not types(scrubber, text) & {"POSTCODE", "LOCATION"}, found(scrubber, text)


def test_address_fields_take_their_values() -> None:
    text = (
        '{"street": "742 Evergreen Terrace", "city": "Springfield", "state": "OR", "zip": "97403"}'
    )
    results = AddressFieldRecognizer().analyze(text, [])
    got = {(r.entity_type, text[r.start : r.end]) for r in results}
    assert got == {
        ("STREET_ADDRESS", "742 Evergreen Terrace"),
        ("LOCATION", "Springfield"),
        ("LOCATION", "OR"),
        ("POSTCODE", "97403"),
    }


@pytest.mark.parametrize(
    "text",
    [
        'zip="" city=null state=unknown',
        "addr = format_address(contact)",
        "country=NL region=eu-west-1",
        "postcode: none",
    ],
)
def test_address_fields_without_an_address(text: str) -> None:
    assert AddressFieldRecognizer().analyze(text, []) == []


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("rendez-vous fixé au 12 mai 2026.", "12 mai 2026", "DATE"),
        ("le recordamos su cita del 8 de abril.", "8 de abril", "DATE"),
        ("Admission date: 14-Mar-2026.", "14-Mar-2026", "DATE"),
        ("moved from 12 Feb 2026 to 19 Feb 2026", "12 Feb 2026", "DATE"),
        ("DOB: 19800412 | ID", "19800412", "DATE_OF_BIRTH"),
        ("né le 14/07/1958 à Lyon", "14/07/1958", "DATE_OF_BIRTH"),
        ("Geburtsdatum: 02.09.1934", "02.09.1934", "DATE_OF_BIRTH"),
    ],
)
def test_dates(scrubber: Scrubber, text: str, value: str, entity: str) -> None:
    assert (entity, value) in found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "Our office will be closed from 24 December to 2 January.",
        '203.0.113.9 - - [04/Dec/2025:10:14:02 +0000] "GET /api',
        "Price list valid 1 March to 31 May 2025",
    ],
)
def test_dates_that_are_not_events(scrubber: Scrubber, text: str) -> None:
    assert "DATE" not in types(scrubber, text), found(scrubber, text)


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("Patient ID: PT-2026-004417\nName", "PT-2026-004417", "MEDICAL_RECORD_NUMBER"),
        ("kept PID 40021877, removed", "40021877", "MEDICAL_RECORD_NUMBER"),
        ("hospital number K4471902", "K4471902", "MEDICAL_RECORD_NUMBER"),
        ("Driver licence: MORGA753116SM9IJ;", "MORGA753116SM9IJ", "OTHER_ID"),
        ("vehicle LB07 SEO parked", "LB07 SEO", "OTHER_ID"),
        ("via fax +234 1 270 0000", "+234 1 270 0000", "PHONE_NUMBER"),
    ],
)
def test_identifiers(scrubber: Scrubber, text: str, value: str, entity: str) -> None:
    assert (entity, value) in found(scrubber, text)


@pytest.mark.parametrize(
    "text", ["worker started pid=2210 queue=default", "the vehicle was parked outside"]
)
def test_not_identifiers(scrubber: Scrubber, text: str) -> None:
    assert not types(scrubber, text) & {"MEDICAL_RECORD_NUMBER", "OTHER_ID"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("can you move mrs okafor to 3pm", "okafor"),
        ("can u check if anne-marie leclerc has paid", "anne-marie leclerc"),
        ("INFO upload ok: scan_Haruto_Sato_referral.pdf", "Haruto_Sato"),
        ("denied: '/exports/kowalski_jan_2026.csv'", "kowalski_jan"),
        ("Sergio paid 60 by card", "Sergio"),
        ("Chart 558812 - Olumide Adeyemi, DOB", "Olumide Adeyemi"),
        ("Buongiorno dott.ssa Ferraro, le invio", "Ferraro"),
        ("Chioma says the address changed", "Chioma"),
    ],
)
def test_names(scrubber: Scrubber, text: str, value: str) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "DEBUG sms.send template=reminder_24h",
        "ValidationError: 1 validation error for ContactIn",
        "Dear Patient Services, I write about my bill",
        "Referral from St. Vincent's University Hospital",
        "Cher Monsieur, suite à votre appel, votre rendez-vous est confirmé",
        "patient lookup mrn returned 1 row",
        "please send the price list for 2026",
        "Patient: K. M. | Ward 5B, bed 2",
        "Resident at Willow Court care home",
        "metformin 500 mg 2 x daily, review in 3 months",
    ],
)
def test_not_names(scrubber: Scrubber, text: str) -> None:
    assert "PERSON" not in types(scrubber, text), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    ["404 Not Found for /api/contacts", "2025 Annual Report attached", "upstream, 502 Bad Gateway"],
)
def test_numbers_before_capitalised_words_are_not_addresses(scrubber: Scrubber, text: str) -> None:
    assert not types(scrubber, text) & {"POSTCODE", "LOCATION"}, found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "event stream ended: Redis is unreachable (ConnectionError)",
        "worker lost Redis connection, retrying",
        "Valkey restarted; Postgres is fine",
    ],
)
def test_the_stacks_own_names_in_its_logs_are_no_one(scrubber: Scrubber, text: str) -> None:
    assert "PERSON" not in types(scrubber, text)
