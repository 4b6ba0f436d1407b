"""Street lines with their flats and plots, districts, and postcodes beside a street line, on
examples of our own."""

from __future__ import annotations

import pytest

from assistant.privacy.scrubber import Scrubber


def found(scrubber: Scrubber, text: str) -> list[tuple[str, str]]:
    return [(s.entity_type, text[s.start : s.end]) for s in scrubber.analyze(text)]


def covered(scrubber: Scrubber, text: str, value: str) -> bool:
    start = text.index(value)
    spans = scrubber.analyze(text)
    return all(
        text[i].isspace() or any(s.start <= i < s.end for s in spans)
        for i in range(start, start + len(value))
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("adres: ul. Piękna 20 m. 4, 00-549 Warszawa", "ul. Piękna 20 m. 4"),
        ("bor på Vesterbrogade 12, 3. tv, 1620 København V", "Vesterbrogade 12, 3. tv"),
        ("osoite Hämeenkatu 7 C 21, 33100 Tampere", "Hämeenkatu 7 C 21"),
        ("Adres: Atatürk Caddesi No:18 D:3, Çankaya", "Atatürk Caddesi No:18 D:3"),
        ("moradia: Rua das Flores 77, ap 12, Porto", "Rua das Flores 77, ap 12"),
        ("Delivery to Plot 14, Airport Road, Kano", "Plot 14, Airport Road"),
        ("She stays at House 9, Road 11, Gulshan", "House 9, Road 11"),
    ],
)
def test_street_lines_with_flats_floors_and_plots(
    scrubber: Scrubber, text: str, value: str
) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("bor på Vesterbrogade 12, 3. tv, 1620 København V", "København V"),
        ("new flat in Mapo-gu, Seoul", "Mapo-gu"),
        ("12 Awolowo Road, Ikoyi, Lagos State", "Lagos State"),
    ],
)
def test_districts_and_states(scrubber: Scrubber, text: str, value: str) -> None:
    assert covered(scrubber, text, value), found(scrubber, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Praxis Roth\nMarktgasse 9\n3011 Bern", "3011"),
        ("Avenida da Liberdade 110, 2º dto 1250-146 Lisboa", "1250-146"),
        ("c/ Sant Pere 3, 2º 08003 Barcelona", "08003"),
        ("Moi Avenue\nMombasa 80100\nKenya", "80100"),
        ("INFO geocode ok suburb=Glenelg postal=5045", "5045"),
        ("Insurgentes 1200, C.P. 03100, CDMX", "03100"),
    ],
)
def test_postcodes_beside_a_street_line_or_a_town(
    scrubber: Scrubber, text: str, value: str
) -> None:
    assert ("POSTCODE", value) in found(scrubber, text), found(scrubber, text)


@pytest.mark.parametrize(
    "text",
    [
        "Processed 4 batches\n2048 Records skipped",
        "Thanks, see you in Nairobi",
    ],
)
def test_counts_are_not_postcodes(scrubber: Scrubber, text: str) -> None:
    assert not [v for t, v in found(scrubber, text) if t == "POSTCODE"], found(scrubber, text)
