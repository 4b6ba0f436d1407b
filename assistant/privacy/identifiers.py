"""Numbers that identify a person: cards and IBANs by shape (a typo'd one still identifies),
national ids by shape or keyword, account and licence numbers by keyword, personal URLs.

Checksums decide nothing here: a card number that fails Luhn was still typed as a card
number. Shapes that are common in logs for other reasons (durations, versions) need a keyword.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tldextract

from assistant.privacy.base import RegexRecognizer, before

_SEP = (
    r"""[\s"'=()\[\]_]{0,3}(?:(?:[:#=]|no\.?|nr\.?|n\.?º|number|num|is)[\s"'=()\[\]]{0,3}){0,2}"""
)


class CardShapeRecognizer(RegexRecognizer):
    """13-19 digits grouped like a card (4-4-4-4, Amex 4-6-5), with or without a valid Luhn."""

    entity = "CREDIT_CARD"
    score = 0.65
    patterns = (
        re.compile(r"(?<![\w.-])(?:\d{4}[ -]){3}\d{1,4}(?:[ -]\d{3})?(?![\w-])"),
        re.compile(r"(?<![\w.-])\d{4}[ -]\d{6}[ -]\d{4,5}(?![\w-])"),
        re.compile(r"(?<![\w.-])\d{13,19}(?![\w-])"),
    )

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        digits = re.sub(r"\D", "", match.group())
        # An ungrouped run is a card only when it passes Luhn or a card word precedes it.
        ungrouped = match.re is self.patterns[2]
        if ungrouped and not (
            _luhn(digits)
            or re.search(
                r"card|visa|mastercard|amex|\bcc\b|\bpan\b|credit|debit|kreditkarte|tarjeta"
                r"|carte|cart[aã]o|carta",
                before(text, match.start()),
            )
        ):
            return
        yield match.start(), match.end(), self.score


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class IbanShapeRecognizer(RegexRecognizer):
    """Country code, two check digits, then 11-30 letters/digits (grouped by four or not)."""

    entity = "IBAN_CODE"
    score = 0.7
    patterns = (
        re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?![\w])"),
    )

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        if sum(c.isdigit() for c in match.group()) >= 8:
            yield match.start(), match.end(), self.score


# National ids with a shape of their own (good enough without a keyword).
_NATIONAL_SHAPES = (
    r"\d{3}-\d{2}-\d{4}",  # US SSN
    r"\d{3}\.\d{3}\.\d{3}-\d{2}",  # BR CPF
    r"\d{5}-\d{7}-\d",  # PK CNIC
    r"\d{6}-[1-8]\d{6}",  # KR RRN
    r"\d{17}[\dXx]",  # CN resident id
    r"[1-8]\s?\d{2}\s?\d{2}\s?\d{2}\s?\d{3}\s?\d{3}\s?\d{2}",  # FR NIR
    r"(?-i:[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D])",  # UK NI number
    r"\d{4}\s\d{4}\s\d{4}(?!\s?\d)",  # Aadhaar (grouped)
    r"\d{6}[-+A]\d{3}(?-i:[A-FHJ-NPR-Y])",  # FI henkilötunnus (letter check character)
    r"(?-i:[A-Z]{3}[PCHFATBLJG][A-Z]\d{4}[A-Z])",  # IN PAN (the fourth letter: the holder's kind)
)
# Keywords that introduce a person's id (the value that follows is taken whatever its shape).
_NATIONAL_KEYS = (
    r"ssn|social security(?: number| no\.?)?|sin|nhs(?: number| no\.?)?|ni[ _](?:number|no\.?)"
    r"|national insurance(?: number| no\.?)?|national id(?: number| no\.?)?|pesel|cpf|rg|aadhaar"
    r"|aadhar|cnic|nic|bsn|dni|nie|nif|nir|insee|iqama|saudi id|passport(?: number| no\.?)?"
    r"|id card(?: number| no\.?)?|identity card(?: number| no\.?)?|tax (?:id|number|no\.?)|tin"
    r"|inn|rnokpp|rrn|resident registration(?: number)?|personnummer|codice fiscale|steuer-id"
    r"|sozialversicherungsnummer|svnr|ahv|ppsn|pps(?: number| no\.?)?|curp|rfc|id number"
    r"|tc kimlik(?: no)?|kimlik(?: no)?|henkilötunnus|hetu|іпн|ipn|nric|emirates id|cpr"
    r"|amka|utente|nhi|cartão de cidadão|numéro de sécurité sociale|sofinummer"
)
_ID_VALUE = r"(?=[A-Z0-9 ./-]*\d)[A-Z0-9][A-Z0-9./-]*(?:\s[A-Z0-9./-]+){0,4}"


class NationalIdRecognizer(RegexRecognizer):
    entity = "NATIONAL_ID"
    score = 0.75
    patterns = (
        re.compile(rf"(?<![\w.-])(?:{'|'.join(_NATIONAL_SHAPES)})(?![\w-])"),
        re.compile(r"(?<![\w.-])\d{3}\s\d{3}\s\d{4}(?![\w-])"),  # NHS number, grouped
        re.compile(rf"(?i:\b(?:{_NATIONAL_KEYS})){_SEP}({_ID_VALUE})"),
        re.compile(r"(?<![\w.+-])[1-9]\d{10}(?![\w-])"),  # TR kimlik (two check digits)
    )

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        if match.re is self.patterns[0]:
            yield match.start(), match.end(), self.score
        elif match.re is self.patterns[1]:
            if _nhs_checksum(re.sub(r"\D", "", match.group())):
                yield match.start(), match.end(), self.score
        elif match.re is self.patterns[3]:
            if _kimlik_checksum(match.group()):
                yield match.start(), match.end(), 0.6
        else:
            yield from _keyed_value(match)


def _nhs_checksum(digits: str) -> bool:
    """NHS numbers: modulus 11 over the first nine digits (a phone number rarely passes)."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return check != 10 and (check % 11) == int(digits[9])


def _kimlik_checksum(digits: str) -> bool:
    """Turkish identity numbers: the tenth and eleventh digits check the ones before."""
    d = [int(c) for c in digits]
    tenth = ((d[0] + d[2] + d[4] + d[6] + d[8]) * 7 - (d[1] + d[3] + d[5] + d[7])) % 10
    return d[9] == tenth and d[10] == sum(d[:10]) % 10


def _keyed_value(match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
    """The value group of a keyword match, cut at the first word without a digit."""
    value, start = match.group(1), match.start(1)
    end = start
    for part in re.finditer(r"\S+", value):
        token = part.group().rstrip(".,;:)")
        # "QQ 12 34 56 C" (a final letter), "KA51 XYZ" (a plate's letters after a short start)
        letters = (
            token.isalpha()
            and token.isupper()
            and (len(token) == 1 or (len(token) <= 4 and end - start <= 5))
        )
        if end > start and not letters and not any(c.isdigit() for c in token):
            break
        end = start + part.start() + len(token)
    if end - start >= 4:
        yield start, end, 0.75


_INSURANCE_KEYS = (
    r"member(?:ship)?(?: id| number| no\.?)?|policy(?: id| number| no\.?)?|insurance(?: id| number"
    r"| no\.?)?|health[ -]card(?: number| no\.?)?|hcn|medicare(?: number| no\.?)?|medicaid"
    r"|subscriber(?: id)?|versichertennummer|versicherungsnummer|krankenversichertennummer"
    r"|kvnr|carte vitale|tessera sanitaria|mutuelle|cartão sus|sus|versichertennr\.?"
    r"|adh[ée]rent|medical aid(?: number| no\.?| card)?|nhif|scheme (?:number|no\.?)"
    r"|member_?id|mitgliedsnummer|zorgpolis|polis(?:nummer)?|ins(?==)|ehic(?:_?number)?"
    r"|insurer (?:ref|number)|póliza|apólice|polizza"
)
# Member numbers that carry their insurer's name: "BUPA-7734-2201-09", "AXA-PPP-55410287".
_INSURER_PREFIXED = re.compile(
    r"(?-i:\b(?:BUPA|AXA|VGZ|AOK|TK|DAK|BARMER|CZ|AVIVA|VITALITY|CIGNA|AETNA|ALZ|ALLIANZ|HCF|NIB"
    r"|MEDIBANK|SANITAS|ADESLAS|MAPFRE|GENERALI|UNIMED|AMIL|HUMANA|KAISER|BCBS|UHC|HSF|WPA"
    r"|SIMPLYHEALTH|[A-Z]{2}-MED)(?:-[A-Z]{2,4}){0,2}-\d[\d-]{4,}\b)"
)


class InsuranceIdRecognizer(RegexRecognizer):
    """Member, policy and health-card numbers after their keyword, whatever their shape."""

    entity = "INSURANCE_ID"
    patterns = (re.compile(rf"(?i:\b(?:{_INSURANCE_KEYS})){_SEP}({_ID_VALUE})"), _INSURER_PREFIXED)

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        if match.re is _INSURER_PREFIXED:
            yield match.start(), match.end(), 0.6
        else:
            yield from _keyed_value(match)


_OTHER_KEYS = (
    r"driving licen[cs]e(?: number| no\.?)?|driver'?s? licen[cs]e(?: number| no\.?)?|licen[cs]e"
    r" plate(?: number)?|führerschein(?:nummer)?|permis de conduire|carnet de conducir|patente"
    r"|vehicle|car reg|kennzeichen|immatriculation|matrícula|matricula|targa|kenteken|licen[cs]e"
    r" (?:number|no\.?)|dl|licen[cs]e plate|number plate|plate|registration|reg(?:istration)? no\.?"
    r"|vehicle reg(?:istration)?|account(?: number| no\.?| id)?|acct"
    r"|client(?: id|[ _](?:number|no\.?|ref))|customer(?: id|[ _](?:number|no\.?|ref))"
    r"|member(?:ship)? (?:number|no\.?|card)|payment ref(?:erence)?|(?:driver_?)?licen[cs]e"
    r"|bike reg|client_account|account_no"
)
# A British number plate ("WX19 KLM", "FX21ABC"): current style, two letters, two digits, three
# letters, in capitals.
_UK_PLATE = re.compile(r"(?-i:(?<![\w-])[A-HJ-PR-Y][A-HJ-PR-Y]\d{2}[ ]?[A-HJ-PR-Z]{3}(?![\w-]))")


class OtherIdRecognizer(RegexRecognizer):
    """Account, client and licence numbers (by keyword) and well-known customer-id shapes."""

    entity = "OTHER_ID"
    score = 0.7
    patterns = (
        re.compile(r"\b(?:cus|acct|cust)_[A-Za-z0-9]{8,}\b"),
        re.compile(r"(?-i:\b(?:CL|CUST|ACC|PT|CLT|CLIENT|CA)-\d{3,}(?:-\d{2,})?\b)"),
        re.compile(rf"(?i:\b(?:{_OTHER_KEYS})){_SEP}({_ID_VALUE})"),
        _UK_PLATE,
    )

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        if match.re is self.patterns[2]:
            yield from _keyed_value(match)
        else:
            yield match.start(), match.end(), self.score


_CODE_SUFFIXES = frozenset(
    [
        "py",
        "js",
        "ts",
        "json",
        "md",
        "txt",
        "html",
        "htm",
        "css",
        "log",
        "sh",
        "yml",
        "yaml",
        "toml",
        "cfg",
        "ini",
        "csv",
        "pdf",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "zip",
        "gz",
        "tar",
        "xml",
        "sql",
        "db",
        "lock",
        "pyc",
        "so",
        "exe",
        "dll",
        "jar",
        "java",
        "go",
        "rs",
        "rb",
        "php",
        "c",
        "h",
        "cpp",
        "mjs",
        "vue",
        "doc",
        "docx",
        "xls",
        "xlsx",
        "ppt",
        "eml",
        "msg",
        "tmp",
        "bak",
        "env",
    ]
)


# Generic top-level domains people use for their own sites; most of the hundreds of others
# (.book, .email, .name) are also words in dotted code ("intent=appointments.book").
_WEB_SUFFIXES = frozenset(
    [
        "com",
        "org",
        "net",
        "edu",
        "gov",
        "info",
        "biz",
        "io",
        "co",
        "me",
        "app",
        "dev",
        "health",
        "clinic",
        "care",
        "blog",
        "online",
        "site",
        "xyz",
        "page",
        "pro",
        "family",
        "life",
        "studio",
        "tech",
        "eu",
        "uk",
    ]
)
_NOT_DOMAINS = frozenset(
    [
        "id",
        "to",
        "at",
        "in",
        "is",
        "it",
        "do",
        "no",
        "so",
        "as",
        "by",
        "my",
        "us",
        "py",
        "js",
        "rs",
        "ts",
        "sh",
        "md",
        "go",
        "cc",
    ]
)


class UrlRecognizer(RegexRecognizer):
    """http(s) and www addresses, and bare domains with a real public suffix (not file names)."""

    entity = "URL"
    score = 0.6
    patterns = (
        re.compile(r"\b(?:https?://|www\.)[^\s<>\"'()\[\]{}]+"),
        re.compile(
            r"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,12}(?:/[^\s<>\"']*)?(?![\w@-])",
            re.I,
        ),
    )

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._extract = tldextract.TLDExtract(
            cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True
        )

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        value = match.group().rstrip(".,;:!?")
        if match.re is self.patterns[1]:
            host = value.split("/", 1)[0]
            if host.rsplit(".", 1)[-1].lower() in _CODE_SUFFIXES or host[0].isdigit():
                return
            parts = self._extract(host)
            last = parts.suffix.rsplit(".", 1)[-1].lower()
            if not (parts.domain and (last in _WEB_SUFFIXES or len(last) == 2)):
                return
            if len(last) == 2 and last in _CODE_SUFFIXES | _NOT_DOMAINS:
                return
        yield match.start(), match.start() + len(value), self.score
