"""Phone numbers: international ones anywhere, national ones of the clinic's regions.

libphonenumber's matcher tried over every region costs hundreds of milliseconds per text, so
candidates come from one cheap regex and libphonenumber only judges them:
- a number written with ``+`` (or ``00``) is parsed without a region and kept when its length
  is possible for the country it names;
- any other number is kept when it is a valid number of one of the configured regions, or a
  possible one with a phone cue ("tel", "mobile", "call me on"...) just before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import phonenumbers

from assistant.privacy.base import RegexRecognizer, before

DEFAULT_REGIONS: tuple[str, ...] = (
    "US", "GB", "IE", "CA", "AU", "NZ", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "PT", "IT",
    "PL", "SE", "NO", "DK", "FI", "BR", "MX", "IN", "ZA", "NG", "KE", "AE", "JP", "KR", "CN",
)  # fmt: skip

_CUES = re.compile(
    r"(?:phone|tel|telephone|mobile|mob|cell|cellphone|call|calls|called|ring|text|sms|whatsapp"
    r"|fax|number|no|nr|ph|contact|reach|dial|landline|hotline|on|at|ext)\W{0,4}$"
)
# One line's digits and separators: a number ending a line is not joined to the next line's.
_CANDIDATE = re.compile(
    r"(?<![\w+/.-])(?:\+|00)?\(?\d[\d \t\u00a0\u202f().\-/]{4,18}\d(?![\w-]|\.\d|/\d)"
)
_MIN_DIGITS = 7


class PhoneRecognizer(RegexRecognizer):
    entity = "PHONE_NUMBER"
    patterns = (_CANDIDATE,)

    def __init__(self, name: str = "phone", regions: Sequence[str] = DEFAULT_REGIONS) -> None:
        super().__init__(name)
        self.regions = tuple(r.upper() for r in regions)

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        raw = match.group().rstrip(" -./")
        start = match.start()
        if raw.startswith("(") and ")" not in raw:
            raw, start = raw[1:], start + 1  # "(0412 345 678)": the bracket around the number
        digits = re.sub(r"\D", "", raw)
        if not _MIN_DIGITS <= len(digits) <= 15 or "\n" in raw:
            return
        end = start + len(raw)
        if raw.startswith(("+", "00")):
            number = _parse("+" + digits[2:] if raw.startswith("00") else raw, None)
            if number is not None and _possible_international(number):
                yield start, end, 0.8
            return
        if _looks_like_something_else(raw) or raw.count("(") != raw.count(")"):
            return  # a bracket left open inside: "ERROR 1406 (22001)"
        cue = bool(_CUES.search(before(text, start, 24)))
        if not cue and len(digits) < 9 and len(re.findall(r"[\s().-]+", raw)) < 2:
            return  # "200 1532" in an access log: too short to be a number without a cue
        for region in self.regions:
            number = _parse(raw, region)
            if number is None:
                continue
            if phonenumbers.is_valid_number(number) and (cue or _grouped(raw)):
                yield start, end, 0.75
                return
            if cue and phonenumbers.is_possible_number(number):
                yield start, end, 0.6
                return


def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _possible_international(number: phonenumbers.PhoneNumber) -> bool:
    """Possible for the country it names, or one digit short of it: libphonenumber's lengths
    lag behind some national plans (Lagos landlines, "+234 1 270 0000"), and a number written
    with a country code is a phone number even when mistyped."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason in (
        phonenumbers.ValidationResult.IS_POSSIBLE,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ):
        return True
    national = len(str(number.national_number))
    return reason == phonenumbers.ValidationResult.TOO_SHORT and national >= 7


def _grouped(raw: str) -> bool:
    """Written like a phone number (groups, brackets) rather than one run of digits."""
    return bool(re.search(r"[\s().-]", raw)) and not re.fullmatch(r"\d{4}(?:[ -]\d{4}){2,3}", raw)


def _looks_like_something_else(raw: str) -> bool:
    """Dates, times, decimals and version-like runs are not phone numbers."""
    return bool(
        re.fullmatch(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}", raw)
        or re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){3}", raw)
        or re.fullmatch(r"\d+\.\d+", raw)
        or re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:\s.*)?", raw)
    )
