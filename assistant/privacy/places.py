"""Where people live: street lines of many countries, postcodes in context, towns and regions.

Street lines come number-first ("42 Wallaby Way"), street-type-first ("Calle Mayor 5",
"Rua Augusta 1508", "ul. Długa 12/4") or as compounds ("Storgatan 8", "Keizersgracht 221").
A postcode needs context (a postcode word, or a place or street beside it) unless its shape
is distinctive (UK, Canada, Netherlands). Places: a gazetteer (countries, and cities from the
time-zone database and Faker's locales) for capitalised words after "in/from/to" or in an
address, and the region codes that follow a town ("Springfield, IL").
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
import zoneinfo
from collections.abc import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from assistant.privacy.base import RegexRecognizer, after, before
from assistant.privacy.dates import FOREIGN_MONTHS

_U = "A-ZÀ-ÖØ-ÞĀ-Žİ"  # upper-case letters (Latin, with accents)
# lower-case letters (with the dotless i and the typographic apostrophe)
_L = "a-zß-öø-ÿā-ž\u0131'\u2019"
_CAP = rf"[{_U}][{_L}{_U}-]*[{_L}]"  # a capitalised word: Długa, Al-Farsi
_PARTICLE = (
    r"(?:de|del|da|do|dos|das|della|delle|dei|degli|dello|dal|di|la|le|des|du|van|von|der|den|y)"
)
_CAPS = rf"{_CAP}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_CAP}){{0,3}}"  # one line
_NUMBER = r"\d{1,5}[A-Za-z]?(?:\s?[/-]\s?\d{1,4}[A-Za-z]?)?"
_UNIT = (
    r"(?:,?\s*(?:(?i:apartment|apto|apt|app|ap|flat|unit|suite|ste|floor|fl|piso|door|puerta|lgh|"
    r"esc|escalera|bus|boîte|étage)\.?\s*#?\s*\w{1,5}|\d{1,2}[º°ª]\s*(?:[A-Za-z]{1,4}\b\.?)?"
    r"|#\d{1,3}-\d{1,4}\b|#\s?\w{1,5}"
    # "m. 17" (Polish flat), "2. th" (Danish floor and side), "D:5" (Turkish door), "B 7"
    # (Finnish staircase and flat), "#05-22" (Singapore floor and unit)
    r"|m\.\s?\d{1,4}\b|\d{1,2}\.\s?(?:th|tv|mf|sal)\b|D:\s?\d{1,4}\b|(?-i:[A-H])\s\d{1,3}\b))?"
)
_STREET_TYPES = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|way|terrace"
    r"|ter|circle|cir|highway|hwy|parkway|pkwy|square|sq|crescent|cres|close|row|trail|grove"
    r"|gardens|walk|hill|mews|parade|esplanade|quay|wharf|view|rise|green|park|vale|heights"
)
_TYPE_FIRST = (
    r"calle|c/|carrer|camino|paseo|avenida|av\.|avda\.?|rua|r\.|travessa|alameda|largo|praça"
    r"|estrada|via|viale|piazza|piazzale|corso|vicolo|rue|avenue|boulevard|bd|chemin|allée|impasse"
    r"|quai|route|place|ul\.|ulica|al\.|aleja|os\.|osiedle|pl\.|plac|calea|strada|str\.|bulevardul"
    r"|odos|rruga|utca|ulice|náměstí|třída|jalan|jl\.|soi|đường|phố|ulitsa|prospekt|pr\.|vulytsia"
)
_COMPOUND = (
    r"straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|chaussee|gracht|straat|laan"
    r"|plein|kade|dijk|singel|steeg|gatan|vägen|väg|gata|gränd|gate|gaten|veien|vei|vegen|vej"
    r"|gade|vænget|katu|tie|polku|kuja"
)

_NUMBER_FIRST = re.compile(
    rf"(?:(?i:flat|apartment|apt|unit|suite)\.?\s*\w{{1,5}},?\s+)?"
    rf"\b\d{{1,5}}[A-Za-z]?(?:[/-]\d{{1,4}})?,?\s+(?:{_CAP}\.?\s+){{1,4}}(?i:{_STREET_TYPES})\b\.?{_UNIT}"
)
_NUMBER_FIRST_FR = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|av\.|boulevard|bd|chemin|allée|impasse"
    rf"|place|quai|route|via|calle|jalan|jl\.|lorong|soi|rua|avenida)\s+"
    rf"(?:(?:de|du|des|la|le|l'|d')\s*)*{_CAPS}"
)
_TYPE_FIRST_RE = re.compile(
    rf"(?<![\w])(?i:{_TYPE_FIRST})[ \t]*(?:(?:{_PARTICLE}|l'|d')[ \t]+)*"
    rf"{_CAPS},?[ \t]+(?i:n[º°o]\.?\s*|nr\.?\s*)?{_NUMBER}\b{_UNIT}"
)
_COMPOUND_RE = re.compile(rf"\b[{_U}][{_L}-]*(?:{_COMPOUND})\s+{_NUMBER}\b{_UNIT}")
_SEPARATE_TYPE = re.compile(
    rf"\b{_CAPS}\s+(?:(?i:straße|strasse|str\.|weg|gasse|platz|allee|damm|ufer|gate|gata|gatan|vei"
    rf"|veien|vej|gade|straat|laan|plein|kade|gracht|katu|tie)|Ring)\s+{_NUMBER}\b{_UNIT}"
)
# English street names that carry their type: "58 Kingsway", "7 Broadway" (before a comma).
_NUMBER_AND_WAY = re.compile(rf"\b\d{{1,5}}[A-Za-z]?\s+[{_U}][{_L}]+(?:way|gate)\b(?=,)")
# South Asian lines: "No. 14, 3rd Cross, Indiranagar", "Sector 15", "12th Main".
_SOUTH_ASIAN = re.compile(
    rf"(?:\b(?i:no\.?|#)\s*\d{{1,4}}[A-Za-z]?,\s*)?\b\d{{1,2}}(?:st|nd|rd|th)\s+"
    rf"(?:Cross|Main|Block|Stage|Phase|Sector)(?:\s+(?:Road|Rd))?\b(?:,\s*{_CAP}(?=,))?"
    r"|\b(?:Sector|Phase|Block)\s+\d{1,3}[A-Z]?\b(?=,)"
)
# Japanese block addresses, romanised: "2-14-3 Shibuya", "1-1 Marunouchi".
_JAPANESE_BLOCK = re.compile(
    rf"(?<![\w-])\d{{1,2}}-\d{{1,2}}(?:-\d{{1,3}})?\s+{_CAP}(?:-{_CAP})?\b"
)
# A named street without a number, between commas in an address: ", Main Street, Kinsale",
# and a house name before it ("The Cottage, Main Street").
_UNNUMBERED_STREET = re.compile(
    rf"(?:(?<=[,\n] )|(?<=\n)|(?<=^))(?:(?:The\s+)?{_CAP}(?:\s+{_CAP})?,\s+)?"
    rf"(?:{_CAP}\s+){{1,3}}(?:Street|Road|Lane|Avenue|Drive|Close|Crescent|Terrace|Place|Gardens"
    rf"|Grove|Square|Row|Hill|Parade|Way)\b(?=,\s*{_CAP}|\n)",
    re.MULTILINE,
)
# A building and its flat before the street: "B-402, Sai Krupa Apartments, Linking Road".
_BUILDING = re.compile(
    rf"\b(?:[A-Z]-?\d{{1,4}}|\d{{1,4}}[A-Z]?),\s+(?:{_CAP}\s+){{1,3}}(?:Apartments|Apts|Residency"
    rf"|Towers?|Heights|Enclave|Complex|Building|Bldg|House|Mansions|Court|Plaza|Chambers|Villas?)\b"
    rf"(?:,\s+(?:{_CAP}\s+){{1,3}}(?i:{_STREET_TYPES}|marg|nagar)\b)?"
)
_TURKISH = re.compile(
    rf"\b{_CAPS}\s+(?:Caddesi|Cad\.|Cd\.|Sokak|Soka\u011f\u0131|Sk\.|Mahallesi|Mah\.|Bulvar\u0131|Blv\.)"
    r"(?:,?\s*(?:No|Nr)\s*:?\s*\d{1,5}(?:/\d{1,4})?)?(?:\s*D:\s?\d{1,4})?"
)
_NAMED_STREET = re.compile(
    rf"(?<=\b(?:at|on|in|to) )(?:{_CAP}\s+){{1,3}}(?:Street|Road|Avenue|Lane)\b"
)
# "Apartment 4B, Riverside Heights": a flat in a named building.
_FLAT_IN_BUILDING = re.compile(rf"\b(?i:flat|apartment|apt|unit|suite)\.?\s*\w{{1,5}},\s+{_CAPS}")
# A plot, house, room or block number before the street: "Plot 7, Ring Road", "House 12,
# Road 5", "Room 1203, 88 Nanjing West Road", "Blk 123 Toa Payoh Lorong 1".
_PLOT_FIRST = re.compile(
    rf"\b(?:Plot|House|Room|Blk|Block|Lot|Stand|Erf)\s+\d{{1,5}}[A-Z]?,?\s+"
    rf"(?:\d{{1,5}}[A-Za-z]?\s+)?(?:(?:{_CAP}\s+){{1,3}}(?i:{_STREET_TYPES}|lorong)\b(?:\s+\d{{1,4}})?"
    rf"|(?:Road|Street|Lane|Lorong)\s+\d{{1,4}}\b){_UNIT}"
)
_PO_BOX = re.compile(r"(?i)\b(?:p\.?\s?o\.?\s?box|postfach|apartado|caixa postal)\s*\d{1,6}\b")


class StreetAddressRecognizer(RegexRecognizer):
    entity = "STREET_ADDRESS"
    score = 0.75
    patterns = (
        _NUMBER_FIRST, _NUMBER_FIRST_FR, _TYPE_FIRST_RE, _COMPOUND_RE, _SEPARATE_TYPE, _TURKISH,
        _NAMED_STREET, _PO_BOX, _FLAT_IN_BUILDING, _JAPANESE_BLOCK, _UNNUMBERED_STREET, _BUILDING,
        _NUMBER_AND_WAY, _SOUTH_ASIAN, _PLOT_FIRST,
    )  # fmt: skip

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        value = match.group().rstrip(" ,")
        yield match.start(), match.start() + len(value), self.score


# -- postcodes -------------------------------------------------------------------------------

_DISTINCT_POSTCODES = re.compile(
    r"(?-i:\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b"  # UK
    r"|\b[A-Z]\d[A-Z]\s\d[A-Z]\d\b"  # Canada
    r"|\b[A-Z]\d{2}\s[A-Z0-9]{4}\b)"  # Irish Eircode
)
_CONTEXT_POSTCODES = re.compile(
    r"(?<![\w.,/-])(?:\d{5}-\d{3}|\d{5}-\d{4}|\d{2}-\d{3}|\d{3}-\d{4}|\d{4}-\d{3}|\d{3}\s\d{2}"
    r"|\d{4}\s?[A-Z]{2}"
    r"|[A-Z]-?\d{4,5}|\d{4,6})(?![\w-]|[.,]\d)"
)
_POSTCODE_WORDS = re.compile(
    r"(?:postcode|post code|postal code|postal|zip(?: code)?|plz|cep|code postal|cap|c\.p\."
    r"|pin(?: code)?|kod pocztowy)\W{0,3}$"
)
_STATE_CODE = r"[A-Z]{2,3}"
_AFTER_HOUSE_NUMBER = re.compile(
    r"\d[A-Za-z]?[ºª°]?(?:[ \t]+[A-Za-z]{1,4}\.?)?,?[ \t]+$|\d[A-Za-z]?[ \t]*\n[ \t]*$"
)


class PostcodeRecognizer(RegexRecognizer):
    entity = "POSTCODE"
    score = 0.6
    patterns = (_DISTINCT_POSTCODES, _CONTEXT_POSTCODES)

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        if match.re is _DISTINCT_POSTCODES:
            yield match.start(), match.end(), 0.7
            return
        ahead = after(text, match.end(), 30)
        behind = text[max(0, match.start() - 40) : match.start()]
        if (
            _POSTCODE_WORDS.search(behind.lower())
            # "28009 Madrid", "00-238 Warszawa": a capitalised place follows (not a month)
            or (
                re.match(rf"[ \t;]{_CAP}", ahead)
                and not re.match(
                    r"(?i)\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|rows|files|records|items|errors|users)",
                    ahead,
                )
            )
            # "Springfield, IL 62704", "Sydney NSW 2000", "Rua X 1, São Paulo - SP, 01304-001"
            or re.search(rf"(?:{_CAP},?|\d[A-Za-z]?,)[ \t]$", behind)
            or _region_before(behind)
        ):
            if re.fullmatch(r"\d{4,6}", match.group()) and not self._address_nearby(behind, ahead):
                return
            if re.search(
                rf"(?i)(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|{FOREIGN_MONTHS})"
                r"\.?,?\s$",
                behind,
            ):
                return  # a year after a month
            yield match.start(), match.end(), self.score

    @staticmethod
    def _address_nearby(behind: str, ahead: str) -> bool:
        """A bare 4-6 digit number is a postcode only next to a place in an address line."""
        return bool(
            _POSTCODE_WORDS.search(behind.lower())
            or (
                (re.search(rf"{_CAP},?[ \t]$", behind) or _region_before(behind))
                and re.search(r"\d|,", behind)
            )
            or (re.match(rf"[ \t]{_CAP}", ahead) and re.search(r",[ \t]*$", behind))
            # after a house number or a floor, before the town: "Hauptstraße 12\n10115 Berlin",
            # "Calle Mayor 5, 3º izq 28013 Madrid", "Bahnhofstrasse 55 3011 Bern"
            or (
                re.match(rf"[ \t]{_CAP}", ahead)
                and re.search(_AFTER_HOUSE_NUMBER, behind)
                and re.search(rf"{_CAP}", behind)
            )
            # opening the line after a street line, the town alone after it: "14, rue des
            # Lilas\n33000 Bordeaux\nFrance"
            or (
                re.match(rf"[ \t]{_CAP}(?:[ \t]+{_CAP})?[ \t]*(?:\n|,|$)", ahead)
                and re.search(r"\d[^\n]*\n[ \t]*$", behind)
            )
            # a known town before it, the line ending after it: "Nairobi 00100\nKenya"
            or (
                re.match(r"[ \t]*(?:\n|$)", ahead)
                and (town := re.search(rf"({_CAP})[ \t]$", behind)) is not None
                and town.group(1).lower() in place_names()[1]
            )
        )


def _region_before(behind: str) -> bool:
    """A state or province code just before: "IL 62704", "NSW 2000" (not "CPT 97110")."""
    code = re.search(rf"\b({_STATE_CODE}),?[ \t]$", behind)
    return code is not None and code.group(1) in _REGION_CODES


# -- towns, regions, countries -----------------------------------------------------------------


@functools.cache
def place_names() -> tuple[frozenset[str], frozenset[str]]:
    """(well-known, other) place names, lower-cased.

    Well-known: the time-zone database's cities and the countries; found anywhere they stand
    capitalised. Other: Faker's city and region lists, which also hold odd words; found only
    after a place word or in an address.
    """
    import faker.providers.address as address

    strong: set[str] = set()
    weak: set[str] = set()
    for zone in zoneinfo.available_timezones():
        strong.add(zone.rsplit("/", 1)[-1].replace("_", " ").lower())
    for module in pkgutil.iter_modules(address.__path__):
        provider = importlib.import_module(f"{address.__name__}.{module.name}").Provider
        for attr in ("cities", "city_names", "countries", "states", "provinces", "regions"):
            values = provider.__dict__.get(attr)
            if isinstance(values, list | tuple):
                target = strong if attr == "countries" and module.name in ("en", "en_US") else weak
                target.update(v.lower() for v in values if isinstance(v, str) and len(v) > 3)
    strong |= _MAJOR_CITIES
    return frozenset(strong - _NOT_PLACES), frozenset((weak | strong) - _NOT_PLACES)


# Large cities the time-zone database does not name (it names one city per zone).
def _listed(text: str) -> frozenset[str]:
    return frozenset(item.strip() for item in text.split("|") if item.strip())


_MAJOR_CITIES = _listed(
    """
    birmingham|manchester|leeds|liverpool|bristol|sheffield|glasgow|edinburgh|cardiff|
    leicester|nottingham|newcastle|newcastle upon tyne|southampton|brighton|oxford|cambridge|
    york|aberdeen|swansea|cork|galway|limerick|hamburg|munich|münchen|cologne|köln|frankfurt|
    stuttgart|düsseldorf|leipzig|dresden|hanover|hannover|nuremberg|bremen|bonn|lyon|marseille|
    toulouse|nice|nantes|bordeaux|lille|strasbourg|montpellier|milan|milano|naples|napoli|
    turin|torino|florence|firenze|bologna|venice|venezia|genoa|genova|palermo|barcelona|
    valencia|seville|sevilla|zaragoza|málaga|malaga|bilbao|porto|braga|coimbra|rotterdam|
    utrecht|eindhoven|the hague|antwerp|ghent|gent|geneva|genève|basel|bern|lausanne|graz|
    salzburg|innsbruck|kraków|krakow|wrocław|wroclaw|gdańsk|gdansk|poznań|poznan|łódź|lodz|
    gothenburg|göteborg|malmö|uppsala|bergen|aarhus|odense|tampere|espoo|turku|thessaloniki|
    izmir|ankara|bursa|antalya|kharkiv|odesa|odessa|lviv|dnipro|saint petersburg|novosibirsk|
    yekaterinburg|kazan|mumbai|delhi|new delhi|bangalore|bengaluru|hyderabad|chennai|pune|
    ahmedabad|jaipur|lucknow|kochi|karachi|lahore|islamabad|rawalpindi|dhaka|chittagong|
    beijing|guangzhou|shenzhen|chengdu|wuhan|hangzhou|nanjing|xian|osaka|kyoto|yokohama|nagoya|
    sapporo|fukuoka|kobe|busan|incheon|daegu|ho chi minh city|hanoi|da nang|cebu|davao|
    surabaya|bandung|medan|penang|melbourne|brisbane|perth|adelaide|canberra|auckland|
    wellington|christchurch|durban|cape town|pretoria|port elizabeth|abuja|ibadan|kano|mombasa|
    kisumu|alexandria|giza|casablanca|rabat|marrakesh|tunis|accra|kumasi|jeddah|mecca|medina|
    dammam|sharjah|abu dhabi|doha|manama|muscat|ottawa|calgary|edmonton|montreal|montréal|
    quebec|québec|winnipeg|hamilton|san francisco|san diego|san jose|seattle|boston|
    philadelphia|houston|dallas|austin|atlanta|miami|orlando|tampa|baltimore|washington|
    brooklyn|queens|oakland|sacramento|portland|minneapolis|milwaukee|cleveland|cincinnati|
    pittsburgh|columbus|nashville|memphis|charlotte|raleigh|richmond|new orleans|las vegas|
    salt lake city|kansas city|st louis|saint louis|springfield|guadalajara|monterrey|puebla|
    rio de janeiro|são paulo|sao paulo|brasília|brasilia|salvador|fortaleza|belo horizonte|
    curitiba|recife|porto alegre|medellín|medellin|cali|quito|guayaquil|valparaíso|rosario|
    córdoba|cordoba
    """
)
_NOT_PLACES = frozenset(
    [
        "central",
        "east",
        "west",
        "north",
        "south",
        "new",
        "the",
        "island",
        "islands",
        "guinea",
        "georgia",
        "victoria",
        "jordan",
        "chad",
        "mali",
        "niger",
        "faroe",
        "reunion",
        "mayotte",
        "monaco",
        "tonga",
        "cuba",
        "peru",
    ]
)
_TOWN = rf"{_CAP}(?:\s+(?:(?:upon|on|am|an|de|del|sur|la|le)\s+)?{_CAP}){{0,2}}"
_PLACE_CUE = re.compile(
    r"(?:\b(?:in|from|to|near|at|visiting|visit|outside|around|moved to|back to|city|town)\s+)$"
)
# Words that say the next capitalised words are where someone is: any place, known or not.
_STRONG_PLACE_CUE = re.compile(
    r"\b(?:lives?|living|moved|moving|relocat\w*|travell?ed|flew|flying|returning|returned"
    r"|based|staying|stays|resident|born|holiday(?:ing|s)?|trip|emigrated)"
    r"(?:\s+(?:back|home|abroad|here))?\s+(?:in|to|from|of|at|near)\s+$"
)
_PLACE = re.compile(
    rf"(?<![\w-]){_CAP}(?:[ -](?:upon|on|am|an|de|del|sur|la|le)?[ -]?{_CAP}){{0,2}}"
)
_REGION_AFTER_TOWN = re.compile(rf"(?<=[{_L}])(?:,\s*|\s+-\s+|\s+)([A-Z]{{2,3}})\b(?=[\s,.)]|$)")
_ADDRESS_TAIL = re.compile(
    rf"(?<=\d)(?:[A-Za-z]?(?:,\s*(?:(?i:apt|apto|flat|unit|suite)\.?\s*\w+"
    rf"|\d{{1,2}}[º°ª]\s*\w*\.?))?)"
    rf",\s*({_CAP} \d{{1,2}}\b|{_TOWN}\b)"
)


_AFTER_STREET = re.compile(
    rf"\b(?i:{_STREET_TYPES})\.?,\s*({_CAP} \d{{1,2}}\b"
    rf"|{_TOWN}\b)"
)
_POSTCODE_SHAPES = (
    r"\d{4,5}|\d{4}\s?[A-Z]{2}|\d{2}-\d{3}|\d{3}\s\d{2}|\d{5}-\d{3}|\d{4}-\d{3}|\d{3}-\d{4}"
    r"|[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}|[A-Z]\d[A-Z]\s\d[A-Z]\d"
)
# The town of an address line that starts with its postcode: "2011 CX Haarlem", "75005 Paris"
# (after a comma, a line break or a quote: the start of the line's part).
_TOWN_AFTER_POSTCODE = re.compile(
    rf"(?:^|(?<=[,;\n\"'])|(?<=, ))[ \t]*(?:{_POSTCODE_SHAPES})(?:[ \t]+|;)"
    # "2200 København N": a Danish postal district's letter goes with the town
    rf"({_TOWN}(?:[ \t](?-i:N|S|V|K|C|Ø|NV|SV|NØ|SØ)\b(?![ \t]*[{_L}]))?)\b"
    rf"(?:[ \t]+\(?([A-Z]{{2}})\)?(?=[\s,.;\"')]|$))?",
    re.MULTILINE,
)
# The town before a postcode of distinctive shape: "Preston PR1 8UQ", "Whitby, YO21 3DP".
_TOWN_BEFORE_POSTCODE = re.compile(
    rf"(?:(?<=[,\n] )|(?<=\n)|^)({_TOWN}),?[ \t]+(?=[A-Z]{{1,2}}\d[A-Z\d]?\s\d[A-Z]{{2}}\b"
    r"|[A-Z]\d[A-Z]\s\d[A-Z]\d\b)",
    re.MULTILINE,
)
# Irish counties, Japanese wards and cities: "Co. Cork", "County Kerry", "Shibuya-ku".
# Korean districts and towns: "Songpa-gu", "Yeoksam-dong"; states after a town: ", Oyo State".
_DISTRICT = re.compile(
    rf"\b(?:Co\.|County)\s+{_CAP}\b|\b{_CAP}-(?:ku|shi|cho|machi|gun|ken|gu|dong|si|eup|myeon)\b"
    rf"|(?<=, ){_CAP}\s+State\b"
)


class LocationRecognizer(RegexRecognizer):
    """Known places after a place word ("lives in Torino") or ending a street line."""

    entity = "LOCATION"
    score = 0.55
    patterns = (
        _PLACE, _REGION_AFTER_TOWN, _ADDRESS_TAIL, _AFTER_STREET, _TOWN_AFTER_POSTCODE,
        _TOWN_BEFORE_POSTCODE, _DISTRICT,
    )  # fmt: skip

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._well_known, self._places = place_names()

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        if match.re is _REGION_AFTER_TOWN:
            code = match.group(1)
            town = re.search(
                rf"(?<![\w-]){_CAP}$", text[max(0, match.start() - 30) : match.start()]
            )
            if code in _REGION_CODES and town is not None:
                yield match.start(1), match.end(1), 0.5
            return
        if (
            match.re is _ADDRESS_TAIL
            or match.re is _AFTER_STREET
            or match.re is _TOWN_BEFORE_POSTCODE
        ):
            yield match.start(1), match.end(1), 0.6
            return
        if match.re is _TOWN_AFTER_POSTCODE:
            place = match.group(1).lower()
            if place.split()[0] in _NOT_TOWNS:
                return
            opens_text = not text[: match.start()].strip() or text[match.start() - 1] in "\"'"
            if opens_text and place not in self._places:
                return  # "2025 Annual Report", "404 Not Found": a number opening a text
            yield match.start(1), match.end(1), 0.6
            if match.group(2):
                yield match.start(2), match.end(2), 0.5  # the province: "20121 Milano MI"
            return
        if match.re is _DISTRICT:
            yield match.start(), match.end(), 0.6
            return
        key = match.group().lower()
        if _STRONG_PLACE_CUE.search(before(text, match.start(), 40)):
            yield match.start(), match.end(), self.score
            return
        if key in self._places and (
            _PLACE_CUE.search(before(text, match.start(), 16)) or _in_address(text, match)
        ):
            yield match.start(), match.end(), self.score
        elif key in self._well_known and key not in _COMMON_WORDS and match.start() > 0:
            yield match.start(), match.end(), 0.45


# Words after a number that say it was a count, not a postcode: "2000 Patients", "1500 Units".
_NOT_TOWNS = frozenset(
    ["patients", "units", "records", "rows", "items", "users", "contacts", "errors", "files",
     "euro", "euros", "dollars", "pounds", "steps", "calories", "jobs", "tasks", "not", "bad",
     "internal", "service", "gateway", "too", "request", "payment", "unauthorized", "forbidden",
     "method", "conflict", "created", "accepted", "found", "moved", "see", "no", "ok"]
)  # fmt: skip


def _in_address(text: str, match: re.Match[str]) -> bool:
    """After a number ("75005 Paris") or after a comma in a line that holds one."""
    head = re.split(r"[.!?;]\s", text[max(0, match.start() - 40) : match.start()])[-1]
    return bool(
        re.search(r"\d\s*$", head) or (re.search(r",\s*$", head) and re.search(r"\d", head))
    )


_COMMON_WORDS = frozenset(
    [
        "march",
        "may",
        "june",
        "august",
        "bath",
        "reading",
        "mobile",
        "split",
        "nice",
        "orange",
        "marks",
        "wells",
        "sale",
        "deal",
    ]
)
_REGION_CODES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "DC",
        "NSW",
        "VIC",
        "QLD",
        "WA",
        "SA",
        "TAS",
        "ACT",
        "NT",
        "ON",
        "QC",
        "BC",
        "AB",
        "MB",
        "SK",
        "NS",
        "NB",
        "NL",
        "PE",
        "SP",
        "RJ",
        "MG",
        "RS",
        "PR",
        "SC",
        "BA",
        "DF",
        "CE",
        "PE",
    ]
)


# -- address fields in logs, JSON and forms ------------------------------------------------------

_FIELD_ENTITIES = {
    "LOCATION": r"city|town|locality|municipality|state|province|region|county|country|district"
    r"|suburb|village|ort|stadt|ville|ciudad|cidade|citt[aà]|plaats|gemeente|place[_ ]of[_ ]birth",
    "POSTCODE": r"zip|zip[_ ]?code|post[_ ]?code|postal|postal[_ ]?code|postalcode|plz|cep"
    r"|code[_ ]postal|cap|pin[_ ]?code|eircode",
    "STREET_ADDRESS": r"street|street[_ ]?address|address[_ ]?line[_ ]?[12]?|address[12]|line[12]"
    r"|addr|strasse|straße|rue|calle|rua|via|home[_ ]?address",
}
# key = value, key: value, "key": "value", key='value' (JSON, logfmt, dict reprs, form lines).
_FIELD = re.compile(
    r"""(?i)(?<![\w.])["']?(?P<key>{keys})["']?[ \t]*[:=][ \t]*"""
    r"""(?:(?P<q>["'])(?P<quoted>[^"'\n{{}}\[\]]{{1,80}})(?P=q)|(?P<bare>[^\s"',;|&{{}}\[\]]{{1,40}}))""".format(
        keys="|".join(f"(?:{v})" for v in _FIELD_ENTITIES.values())
    )
)
_FIELD_KEYS = {entity: re.compile(rf"(?i)(?:{keys})") for entity, keys in _FIELD_ENTITIES.items()}
_EMPTY_VALUES = frozenset(["null", "none", "true", "false", "n/a", "na", "-", "unknown", "empty"])


class AddressFieldRecognizer(EntityRecognizer):
    """Values of fields named city, postcode, street... in log lines and JSON, whatever they
    hold."""

    def __init__(self, name: str = "address_field") -> None:
        super().__init__(
            supported_entities=list(_FIELD_ENTITIES), name=name, supported_language="en"
        )

    def load(self) -> None:
        """Patterns are compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for match in _FIELD.finditer(text):
            group = "quoted" if match.group("quoted") is not None else "bare"
            value = match.group(group).strip()
            if not value or value.lower() in _EMPTY_VALUES:
                continue
            entity = next(e for e, k in _FIELD_KEYS.items() if k.fullmatch(match.group("key")))
            if entity == "POSTCODE" and not re.search(r"\d", value):
                continue
            if entity == "LOCATION" and (
                re.search(r"\d", value)
                or not value[0].isupper()
                or (len(value) <= 3 and match.group("key").lower() == "country")
            ):
                continue
            if entity == "STREET_ADDRESS" and (
                not re.search(r"[^\W\d_]{2}", value) or re.search(r"[()_=<>]", value)
            ):
                continue
            start = match.start(group) + (
                len(match.group(group)) - len(match.group(group).lstrip())
            )
            results.append(RecognizerResult(entity, start, start + len(value), 0.6))
        return results
