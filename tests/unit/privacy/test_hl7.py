"""Identifiers in HL7 v2 segments, told by their field (examples of our own)."""

from __future__ import annotations

from assistant.privacy import hl7
from assistant.privacy.scrubber import Scrubber

MESSAGE = (
    "MSH|^~\\&|LAB|NORTHSIDE|CRM|CLINIC|20260301101500||ORU^R01|MSG1190|P|2.5\n"
    "PID|1||77120455^^^NSH^MR||KOWALCZYK^AGATA^M||19710918|F|||Rua das Flores 12^^Porto^^4050-262"
    "^PRT||+351 912 555 014\n"
    "NK1|1|KOWALCZYK^TOMASZ|SPO|Rua das Flores 12^^Porto^^4050-262||+351 912 555 015\n"
    "PV1|1|O|CLINIC^3^1||||^HALVORSEN^INGRID\n"
    "OBR|1|ORD-7731||TSH^Thyroid stimulating hormone|||20260227"
)


def spans_of(text: str) -> set[tuple[str, str]]:
    return {(kind, text[start:end]) for start, end, kind in hl7.spans(text)}


def test_each_field_is_read_as_what_it_holds() -> None:
    found = spans_of(MESSAGE)
    assert {
        ("MEDICAL_RECORD_NUMBER", "77120455"),
        ("PERSON", "KOWALCZYK^AGATA^M"),
        ("DATE_OF_BIRTH", "19710918"),
        ("STREET_ADDRESS", "Rua das Flores 12"),
        ("LOCATION", "Porto"),
        ("POSTCODE", "4050-262"),
        ("LOCATION", "PRT"),
        ("PHONE_NUMBER", "+351 912 555 014"),
        ("PERSON", "KOWALCZYK^TOMASZ"),
        ("PERSON", "HALVORSEN^INGRID"),
        ("DATE", "20260227"),
    } <= found


def test_the_header_codes_and_order_numbers_are_left() -> None:
    found = {value for _, value in spans_of(MESSAGE)}
    # The message's own timestamp, its type, the assigning authority and the order number.
    assert not found & {"20260301101500", "ORU^R01", "NSH^MR", "ORD-7731", "MSG1190"}


def test_text_that_is_not_hl7_is_left_alone() -> None:
    assert spans_of("PIDs are process ids | see ps^aux for details") == set()


def test_the_scrubber_masks_a_pasted_segment(scrubber: Scrubber) -> None:
    text = "ADT rejected: PID|1||55910231^^^RIV^MR||NDLOVU^SIPHO||19930405|M"
    masked = scrubber.scrub(text)
    for value in ("55910231", "NDLOVU", "SIPHO", "19930405"):
        assert value not in masked, masked
