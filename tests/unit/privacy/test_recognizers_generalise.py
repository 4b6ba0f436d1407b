"""Each new recognizer on examples of our own: what it must find, and what it must leave."""

from __future__ import annotations

import pytest

from assistant.privacy.phones import PhoneRecognizer
from assistant.privacy.scrubber import Scrubber


def found(scrubber: Scrubber, text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start : s.end]) for s in scrubber.analyze(text)]


def covered(scrubber: Scrubber, text: str, value: str) -> bool:
    """Every character of ``value`` in ``text`` is inside some span (of any type)."""
    start = text.index(value)
    spans = scrubber.analyze(text)
    return all(
        text[i].isspace() or any(s.start <= i < s.end for s in spans)
        for i in range(start, start + len(value))
    )


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("address: Calle de Alcalá 123, Madrid", "Calle de Alcalá 123", "STREET_ADDRESS"),
        ("lives at Rua Augusta 1508, apto 32 now", "Rua Augusta 1508, apto 32", "STREET_ADDRESS"),
        ("new flat: ul. Długa 12/4, Warszawa", "ul. Długa 12/4", "STREET_ADDRESS"),
        ("moved to Storgatan 8 last year", "Storgatan 8", "STREET_ADDRESS"),
        ("Bağdat Caddesi No 214, Kadikoy", "Bağdat Caddesi No 214", "STREET_ADDRESS"),
        ("send it to 12 rue de la Paix please", "12 rue de la Paix", "STREET_ADDRESS"),
        ("mail: PO Box 4410, Nairobi", "PO Box 4410", "STREET_ADDRESS"),
    ],
)
def test_street_addresses_of_many_countries(
    scrubber: Scrubber, text: str, value: str, entity: str
) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Calle Mayor 5, 28013 Madrid", "28013"),
        ("ul. Długa 12/4, 00-238 Warszawa", "00-238"),
        ("Springfield, IL 62704", "62704"),
        ("postcode: 2000", "2000"),
        ("wrong postcode SW1A 2AA for Leeds", "SW1A 2AA"),
        ("Keizersgracht 221, 1016 DV Amsterdam", "1016 DV"),
    ],
)
def test_postcodes_with_context(scrubber: Scrubber, text: str, value: str) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "export finished: 1204 rows in 3 files",
        "Price list effective 1 April 2025: assessment 80 EUR",
        "job 88 finished after 2025 retries",
    ],
)
def test_numbers_that_are_not_postcodes(scrubber: Scrubber, text: str) -> None:
    assert "POSTCODE" not in {t for t, _ in found(scrubber, text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call +55 11 98765-4321 today", "+55 11 98765-4321"),
        ("whatsapp 0047 912 34 567", "0047 912 34 567"),
        ("tel. 601 234 567", "601 234 567"),
        ("mobile: 0412 345 678", "0412 345 678"),
        ("ring her on 020 7946 0321", "020 7946 0321"),
        ("sms to (212) 555-0147 failed", "(212) 555-0147"),
    ],
)
def test_phone_numbers(scrubber: Scrubber, text: str, value: str) -> None:
    assert ("PHONE_NUMBER", value) in found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    ["took 1234567 ms", "version 2.14.3 released", "appointment 12/03/2025", "total 4410.50 EUR"],
)
def test_phone_negatives(scrubber: Scrubber, text: str) -> None:
    assert "PHONE_NUMBER" not in {t for t, _ in found(scrubber, text)}


def test_phone_regions_setting_limits_national_formats() -> None:
    # "601 234 567" is a Polish mobile: with only GB configured and no cue it is left.
    from presidio_analyzer.nlp_engine import NlpArtifacts  # noqa: F401  (import check only)

    pl = PhoneRecognizer(regions=("PL",)).analyze("numer 601 234 567 ok", ["PHONE_NUMBER"])
    gb = PhoneRecognizer(regions=("GB",)).analyze("numer 601 234 567 ok", ["PHONE_NUMBER"])
    assert [(r.start, r.end) for r in pl] == [(6, 17)]
    assert gb == []


@pytest.mark.parametrize(
    ("text", "value", "entity"),
    [
        ("card 4000 0566 5566 5551 declined", "4000 0566 5566 5551", "CREDIT_CARD"),
        ("card 4532 0151 1283 0367 (Luhn failed)", "4532 0151 1283 0367", "CREDIT_CARD"),
        ("amex 3782 822463 10005 on file", "3782 822463 10005", "CREDIT_CARD"),
        ("iban DE89 3704 0044 0532 0130 01 invalid", "DE89 3704 0044 0532 0130 01", "IBAN_CODE"),
        ("IBAN GB82 WEST 1234 5698 7654 33", "GB82 WEST 1234 5698 7654 33", "IBAN_CODE"),
        (
            "IBAN FR76 3000 6000 0112 3456 7890 188",
            "FR76 3000 6000 0112 3456 7890 188",
            "IBAN_CODE",
        ),
        ("CNIC 35202-1234567-1 on record", "35202-1234567-1", "NATIONAL_ID"),
        ("CPF 123.456.789-09", "123.456.789-09", "NATIONAL_ID"),
        ("PESEL 85010212345 noted", "85010212345", "NATIONAL_ID"),
        ("passport E12345678 scanned", "E12345678", "NATIONAL_ID"),
        ("NI number QQ 12 34 56 C", "QQ 12 34 56 C", "NATIONAL_ID"),
        ("stripe customer cus_Q8mZk2LfP0aXy1 linked", "cus_Q8mZk2LfP0aXy1", "OTHER_ID"),
        ("Versichertennummer A123456780", "A123456780", "INSURANCE_ID"),
    ],
)
def test_numbers_that_identify(scrubber: Scrubber, text: str, value: str, entity: str) -> None:
    assert (entity, value) in found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "card ending 1903 was charged",
        "invoice INV-2025-0113 paid, 85.00 EUR",
        "build 20250314 deployed in 1.2 s",
    ],
)
def test_numbers_that_do_not_identify(scrubber: Scrubber, text: str) -> None:
    assert found(scrubber, text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("visit recorded, seen 12/03/2025 by the physio", "12/03/2025"),
        ("Admitted 14/01/2025, discharged 19/01/2025.", "14/01/2025"),
        ("your appointment on Thursday 21 March at 14:00", "Thursday 21 March"),
        ("surgery on 5 September 2024 went well", "5 September 2024"),
        ("see you on the 17th", "17th"),
    ],
)
def test_dates_of_service(scrubber: Scrubber, text: str, value: str) -> None:
    assert ("DATE", value) in found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-14T09:12:44Z INFO job done",
        "backup snapshot 2025-02-01 03:00 written",
        "token valid until 2025-12-31",
        "user 7 may not read notes",
    ],
)
def test_dates_that_do_not_identify(scrubber: Scrubber, text: str) -> None:
    assert "DATE" not in {t for t, _ in found(scrubber, text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [("client is 94, lives with her son", "94"), ("a 97-year-old woman", "97"),
     ("she turned 101 last month", "101"), ("Mrs Murphy (96) attended", "96")],
)  # fmt: skip
def test_ages_over_89(scrubber: Scrubber, text: str, value: str) -> None:
    assert ("AGE", value) in found(scrubber, text)


@pytest.mark.parametrize(
    "text", ["She is 89 and well", "a 67-year-old man", "HR 92, BP 140/90", "room 95 is free"]
)
def test_ages_that_do_not_identify(scrubber: Scrubber, text: str) -> None:
    assert "AGE" not in {t for t, _ in found(scrubber, text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("profile https://www.linkedin.com/in/magdalena-kowalczyk added",
         "https://www.linkedin.com/in/magdalena-kowalczyk"),
        ("blog nowak-physio.pl is new", "nowak-physio.pl"),
        ("mail server mail.kowalski-family.pl down", "mail.kowalski-family.pl"),
    ],
)  # fmt: skip
def test_urls_and_domains(scrubber: Scrubber, text: str, value: str) -> None:
    assert ("URL", value) in found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    ['File "assistant/crm/contacts.py", line 88', "intent=appointments.book ok", "obj.id missing"],
)
def test_file_names_and_dotted_code_are_not_urls(scrubber: Scrubber, text: str) -> None:
    assert "URL" not in {t for t, _ in found(scrubber, text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Hi Marek, your session moved", "Marek"),
        ("his wife Ewa will drive him", "Ewa"),
        ("book anna kowalski for tuesday", "anna kowalski"),
        ("GET /api/contacts?q=martinez 200", "martinez"),
        ("Surname: OYELARAN", "OYELARAN"),
        ("Thank-you card from the Andersson family", "Andersson"),
        ("Dear Mr Kowalski, thank you", "Kowalski"),
        ("Sra. Beatriz Souza called", "Beatriz Souza"),
        ('payload {"given": "Reza", "family": "Hashemi"}', "Hashemi"),
        ("stored /scans/Hashemi_Reza_referral.pdf", "Hashemi_Reza"),
        ("Dear Schneiders, thank you", "Schneiders"),
        ("家属 王小明 陪同就诊", "王小明"),
        ("Пациент Иван Петров жалуется", "Иван Петров"),
        ("add MÜLLER, KLAUS-DIETER as a client", "MÜLLER, KLAUS-DIETER"),
        ("the report was sent to Okafor yesterday", "Okafor"),
    ],
)
def test_names(scrubber: Scrubber, text: str, value: str) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    ["will you call back tomorrow", "the appointment was booked for the 3rd floor",
     "May we reschedule?", "INFO job 88 finished in 2.3 s, 0 errors",
     "Dear all, the clinic closes early", "user_id missing in contact_name field"],
)  # fmt: skip
def test_words_that_are_not_names(scrubber: Scrubber, text: str) -> None:
    assert "PERSON" not in {t for t, _ in found(scrubber, text)}


@pytest.mark.parametrize(
    ("text", "value"),
    [("travelled back from Beirut last week", "Beirut"), ("Calle Mayor 5, Zaragoza", "Zaragoza"),
     ("42 Wallaby Way, Sydney NSW 2000", "NSW"), ("find contacts in Manchester", "Manchester")],
)  # fmt: skip
def test_places(scrubber: Scrubber, text: str, value: str) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


def test_loopback_ip_is_not_personal(scrubber: Scrubber) -> None:
    assert found(scrubber, "redis at 127.0.0.1:6379 refused") == []
    assert ("IP_ADDRESS", "10.0.4.23") in found(scrubber, "login ip=10.0.4.23 ok")
