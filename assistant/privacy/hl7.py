"""Identifiers in HL7 v2 segments, told by their field: "PID|1||00482913^^^RIV^MR||OKAFOR^CHIDI||
19880214|M|||12 Ash Grove^^Leeds^^LS6 2AB". Clinics paste lab and ADT messages into notes and
integrations log them; there a name is "FAMILY^GIVEN", a date of birth eight bare digits and a
record number the first part of a field, none of which reads as one to a sentence recognizer.

By segment (fields counted as HL7 counts them, PID-5 being the fifth after "PID"): the patient
(PID-3 record number, PID-5 name, PID-7 date of birth, PID-11 address, PID-13/14 phones,
PID-19 SSN), the next of kin (NK1-2 name, NK1-4 address, NK1-5 phone), and in any segment a
person's "FAMILY^GIVEN" in capitals (doctors in PV1, ORC, OBR) and a date of service. MSH is
the message's own header: its timestamps are not a person's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

_SEGMENT = re.compile(r"(?<![\w|^])(PID|NK1|PV1|PV2|ORC|OBR|OBX|IN1|GT1|AL1|DG1|EVN)\|[^\n\r]*")
# "OKAFOR^CHIDI", "AL-HARBI^LAYLA", "VAN DER BERG^SANNE" after a field or component break.
_CAPS_NAME = re.compile(
    r"(?<=[|^])([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+){0,2}\^[A-Z][A-Z'\-]+)(?=[|^\n]|$)"
)
# Coding systems and type codes that look like FAMILY^GIVEN: "RIV^MR", "LN^LOINC".
_CODES = frozenset(
    ["MR", "PI", "NI", "PT", "SS", "PN", "MRN", "LN", "LOINC", "SNOMED", "SCT", "ICD", "HL7", "CPT"]
)
_DATE = re.compile(r"^(\d{8})(\d{4,6})?(?:[+-]\d{4})?$")

Spans = Iterator[tuple[int, int, str]]


def _fields(segment: re.Match[str]) -> list[tuple[int, str]]:
    """(offset in the text, value) of each field, index 0 being the segment's name."""
    out, cursor = [], segment.start()
    for value in segment.group().split("|"):
        out.append((cursor, value))
        cursor += len(value) + 1
    return out


def _components(start: int, value: str) -> list[tuple[int, str]]:
    out, cursor = [], start
    for part in value.split("^"):
        out.append((cursor, part))
        cursor += len(part) + 1
    return out


def _is_date(value: str) -> bool:
    found = _DATE.match(value)
    if found is None:
        return False
    try:
        datetime.strptime(found.group(1), "%Y%m%d")
    except ValueError:
        return False
    return True


def _name(start: int, value: str) -> Spans:
    """FAMILY^GIVEN^MIDDLE: one span from the family name to the last given name."""
    parts = [(s, p) for s, p in _components(start, value)[:3] if p.strip()]
    if parts and any(c.isalpha() for _, p in parts for c in p):
        yield parts[0][0], parts[-1][0] + len(parts[-1][1]), "PERSON"


def _address(start: int, value: str) -> Spans:
    """Street^other^city^state^postcode^country."""
    kinds = ("STREET_ADDRESS", "STREET_ADDRESS", "LOCATION", "LOCATION", "POSTCODE", "LOCATION")
    for (offset, part), kind in zip(_components(start, value), kinds, strict=False):
        if part.strip():
            yield offset, offset + len(part), kind


def _first(kind: str) -> object:
    def spans(start: int, value: str) -> Spans:
        head = value.split("^", 1)[0]
        if head.strip() and any(c.isdigit() for c in head):
            yield start, start + len(head), kind

    return spans


def _dob(start: int, value: str) -> Spans:
    if _is_date(value):
        yield start, start + len(value), "DATE_OF_BIRTH"


_PHONE = _first("PHONE_NUMBER")
# (segment, field number) -> what the field holds.
_FIELDS = {
    ("PID", 2): _first("MEDICAL_RECORD_NUMBER"),
    ("PID", 3): _first("MEDICAL_RECORD_NUMBER"),
    ("PID", 4): _first("MEDICAL_RECORD_NUMBER"),
    ("PID", 5): _name,
    ("PID", 6): _name,
    ("PID", 7): _dob,
    ("PID", 11): _address,
    ("PID", 13): _PHONE,
    ("PID", 14): _PHONE,
    ("PID", 19): _first("NATIONAL_ID"),
    ("NK1", 2): _name,
    ("NK1", 4): _address,
    ("NK1", 5): _PHONE,
    ("NK1", 6): _PHONE,
    ("GT1", 3): _name,
    ("GT1", 5): _address,
    ("GT1", 6): _PHONE,
    ("IN1", 16): _name,
    ("IN1", 36): _first("INSURANCE_ID"),
}


def spans(text: str) -> Spans:
    for segment in _SEGMENT.finditer(text):
        name = segment.group(1)
        for number, (start, value) in enumerate(_fields(segment)):
            if number == 0 or not value:
                continue
            found = _FIELDS.get((name, number))
            if found is not None:
                yield from found(start, value)  # type: ignore[operator]
            elif _is_date(value):
                yield start, start + len(value), "DATE"  # a date of service, admission...
        for person in _CAPS_NAME.finditer(segment.group()):
            family, given = person.group(1).rsplit("^", 1)
            preceded = segment.group()[: person.start()]
            if family in _CODES or given in _CODES or preceded.endswith("^^^"):
                continue  # "^^^RIV^MR": an assigning authority and an id type
            offset = segment.start()
            yield offset + person.start(1), offset + person.end(1), "PERSON"


class Hl7Recognizer(EntityRecognizer):
    ENTITIES = (
        "PERSON", "MEDICAL_RECORD_NUMBER", "DATE_OF_BIRTH", "DATE", "STREET_ADDRESS",
        "LOCATION", "POSTCODE", "PHONE_NUMBER", "NATIONAL_ID", "INSURANCE_ID",
    )  # fmt: skip
    SCORE = 0.8

    def __init__(self, name: str = "hl7") -> None:
        super().__init__(supported_entities=list(self.ENTITIES), name=name, supported_language="en")

    def load(self) -> None:
        """Nothing to load."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "|" not in text:
            return []
        return [
            RecognizerResult(kind, start, end, self.SCORE)
            for start, end, kind in spans(text)
            if end > start and (not entities or kind in entities)
        ]
