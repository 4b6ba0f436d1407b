"""Slot fillers: the labelled values (names, dates, phones...) that templates ask for.

Fillers draw from one `Vocab` (train or dev) and a name pool built from Faker with a fixed
seed, so the same seed always yields the same data.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

from assistant.nlu.synth.render import Filler, Piece
from assistant.nlu.synth.vocab import Vocab

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six")
_PURPOSES = (
    "follow-up",
    "follow up",
    "followup",
    "reminder",
    "welcome",
    "thank you",
    "thank-you",
    "check-in",
    "intro",
)


def name_pool(vocab: Vocab, seed: int, per_locale: int = 60) -> list[str]:
    """Full names from Faker's locales (Latin script only) plus the hand-written list."""
    from faker import Faker

    names = list(vocab.names)
    for index, locale in enumerate(vocab.locales):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)
        for _ in range(per_locale):
            name = f"{fake.first_name()} {fake.last_name()}"
            if (
                all(ch.isascii() or unicodedata.category(ch).startswith("L") for ch in name)
                and name.replace(" ", "").replace("-", "").replace("'", "").isalpha()
            ):
                names.append(name)
    return sorted(set(names))


def _form(name: str, rng: random.Random) -> tuple[str, str]:
    """(honorific, name) as staff write it: full name most often, else first or last name.

    The honorific ("Mr.", "Dr") is kept out of the CONTACT span, as the test set labels it.
    """
    parts = name.split(" ")
    roll = rng.random()
    if len(parts) < 2 or roll < 0.55:
        return "", name
    if roll < 0.85:
        return "", parts[0]
    if roll < 0.93:
        return rng.choice(("Mr. ", "Mrs. ", "Ms. ", "Dr. ", "Mr ", "Ms ", "Dr ")), parts[-1]
    return "", parts[-1]


def word_pool(seed: int, count: int = 300) -> list[str]:
    """Plain English words (Faker's word list) to vary tags and free text beyond the lists."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    return sorted({fake.word() for _ in range(count)})


def _possessive(name: str) -> str:
    return "'" if name.endswith("s") and len(name) > 3 else "'s"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


_KINDS = (
    "massage",
    "physio session",
    "acupuncture session",
    "initial consultation",
    "follow-up visit",
    "deep tissue massage",
    "assessment",
    "check-up",
    "consult",
    "therapy session",
    "new patient exam",
    "chiropractic adjustment",
)


def _address(rng: random.Random, words: list[str]) -> str:
    street = rng.choice(words).capitalize()
    kind = rng.choice(("St", "Street", "Ave", "Avenue", "Road", "Rd", "Lane", "Drive"))
    city = rng.choice(("", "", ", Springfield", ", Austin", ", Leeds", " Apt 4"))
    return f"{rng.randint(1, 2400)} {street} {kind}{city}"


def _ordinal_suffix(day: int) -> str:
    return {1: "st", 21: "st", 2: "nd", 22: "nd", 3: "rd", 23: "rd"}.get(day, "th")


def _dob(rng: random.Random) -> str:
    year, month, day = rng.randint(1940, 2015), rng.randint(1, 12), rng.randint(1, 28)
    name = _MONTHS[month - 1]
    return rng.choice(
        (
            f"{name.capitalize()} {day}, {year}",
            f"{month}/{day}/{year}",
            f"{year}-{month:02d}-{day:02d}",
            f"{day} {name} {year}",
        )
    )


def _date(rng: random.Random) -> str:
    day, month = rng.randint(1, 28), rng.choice(_MONTHS)
    wd = rng.choice(_WEEKDAYS)
    options: list[Callable[[], str]] = [
        lambda: rng.choice(("today", "tomorrow", "the day after tomorrow", "tonight")),
        lambda: f"{rng.choice(('next ', 'this ', '', ''))}{wd}",
        lambda: f"{month} {day}{rng.choice(('', 'th' if day > 3 else '', ''))}",
        lambda: f"{day} {month}",
        lambda: f"the {day}{_ordinal_suffix(day)}",
        lambda: f"{rng.randint(1, 12)}/{day}",
        lambda: (
            f"in {rng.choice((str(rng.randint(2, 10)), *_NUMBER_WORDS[1:]))} "
            f"{rng.choice(('days', 'weeks'))}"
        ),
        lambda: rng.choice(
            (
                "next week",
                "in a week",
                "end of the week",
                "next month",
                "end of the month",
                "in a couple of days",
                "this weekend",
            )
        ),
        lambda: f"{month[:3]} {day}",
    ]
    text = rng.choice(options)()
    return text.capitalize() if rng.random() < 0.3 else text


def _period(rng: random.Random) -> str:
    return rng.choice(
        (
            "today",
            "tomorrow",
            "this week",
            "next week",
            "friday",
            "monday",
            "thursday",
            "this afternoon",
            "the weekend",
            "next month",
            "this month",
            "wednesday",
            f"next {rng.choice(_WEEKDAYS)}",
            f"last {rng.choice(_WEEKDAYS)}",
            "last week",
            f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}",
        )
    )


def _time(rng: random.Random) -> str:
    hour = rng.randint(7, 12) if rng.random() < 0.5 else rng.randint(1, 6)
    suffix = rng.choice(("am", "pm", " am", " pm", "pm", "PM", " p.m.", "")) if hour < 13 else ""
    minute = rng.choice((":00", ":30", ":15", ":45", "", "", ""))
    options: list[Callable[[], str]] = [
        lambda: f"{hour}{minute}{suffix}" if suffix or minute else f"{hour} o'clock",
        lambda: f"{rng.randint(8, 19):02d}:{rng.choice(('00', '30', '15'))}",
        lambda: rng.choice(("noon", "midday", "lunchtime", "noon", "9", "10:30")),
        lambda: f"half past {rng.choice(_NUMBER_WORDS)}",
        lambda: f"{hour}{rng.choice(('am', 'pm'))}",
    ]
    return rng.choice(options)()


def _duration(rng: random.Random) -> str:
    return rng.choice(
        (
            f"{rng.choice((15, 20, 30, 45, 50, 60, 75, 90, 120))} {rng.choice(('minutes', 'min', 'mins', 'minute'))}",  # noqa: E501
            rng.choice(
                (
                    "an hour",
                    "half an hour",
                    "1 hour",
                    "one hour",
                    "two hours",
                    "2 hours",
                    "1.5 hours",
                    "an hour and a half",
                    "90 min",
                    "45min",
                    "30 minutes",
                )
            ),
        )
    )


def _phone(rng: random.Random) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    return rng.choice(
        (
            f"{a} {b} {c:04d}",
            f"{a}-{b}-{c:04d}",
            f"({a}) {b}-{c:04d}",
            f"+1 {a} {b} {c:04d}",
            f"{a}.{b}.{c:04d}",
            f"{a}{b}{c:04d}",
            f"+44 20 {rng.randint(7000, 8999)} {c:04d}",
            f"+1-{a}-{b}-{c:04d}",
            f"{a} 555 {c:04d}",
        )
    )


def make_fillers(
    vocab: Vocab, names: list[str], words: list[str], labelled: bool = True
) -> dict[str, Filler]:
    """Every slot a template may use. With labelled=False the pieces carry no entity label."""

    def lab(label: str) -> str | None:
        return label if labelled else None

    def one(label: str, make: Callable[[random.Random], str]) -> Filler:
        return lambda rng: [Piece(make(rng), lab(label))]

    def person(rng: random.Random, label: str) -> list[Piece]:
        title, name = _form(rng.choice(names), rng)
        return [Piece(title), Piece(name, lab(label))] if title else [Piece(name, lab(label))]

    def contact_pos(rng: random.Random) -> list[Piece]:
        pieces = person(rng, "CONTACT")
        return [*pieces, Piece(_possessive(pieces[-1].text))]

    def new_contact(rng: random.Random) -> list[Piece]:
        return [Piece(rng.choice(names), lab("CONTACT"))]

    def free_text(rng: random.Random, pool: tuple[str, ...]) -> str:
        if rng.random() < 0.15:
            return " ".join(rng.choice(words) for _ in range(rng.randint(2, 6)))
        title, name = _form(rng.choice(names), rng)
        name = title + name
        return rng.choice(pool).replace("{n}", name).replace("{p}", name + _possessive(name))

    def instr(rng: random.Random) -> list[Piece]:
        lead = rng.choice(vocab.lead_ins)
        return [Piece(f"{lead} {free_text(rng, vocab.instructions)}", lab("BODY"))]

    def tag(rng: random.Random) -> str:
        if rng.random() < 0.35:
            return " ".join(rng.choice(words) for _ in range(rng.choice((1, 1, 2))))
        return rng.choice(vocab.tags)

    def email(rng: random.Random) -> str:
        first, *rest = _ascii(rng.choice(names)).replace("'", "").split(" ")
        last = rest[-1] if rest else "x"
        user = rng.choice(
            (
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{first}{rng.randint(1, 99)}",
                f"{first}_{last}",
                first,
            )
        )
        return f"{re.sub(r'[^a-z0-9._-]', '', user) or 'info'}@{rng.choice(vocab.domains)}"

    return {
        "contact": lambda rng: person(rng, "CONTACT"),
        "contact_pos": contact_pos,
        "new_contact": new_contact,
        "plain_name": lambda rng: [Piece(rng.choice(names))],
        "plain_last": lambda rng: [Piece(rng.choice(names).split(" ")[-1])],
        "address": lambda rng: [Piece(_address(rng, words))],
        "kind": lambda rng: [Piece(rng.choice(_KINDS))],
        "note_key": one("BODY", lambda rng: rng.choice((*vocab.note_keys, rng.choice(words)))),
        "task_plain": one("BODY", lambda rng: rng.choice([t for t in vocab.tasks if "{" not in t])),
        "duplicate": lambda rng: person(rng, "DUPLICATE"),
        "note": one("BODY", lambda rng: free_text(rng, vocab.notes)),
        "task": one("BODY", lambda rng: free_text(rng, vocab.tasks)),
        "instr": instr,
        "date": one("DATE", _date),
        "period": one("DATE", _period),
        "dob": one("DATE", _dob),
        "time": one("TIME", _time),
        "duration": one("DURATION", _duration),
        "email": one("EMAIL", email),
        "phone": one("PHONE", _phone),
        "tag": one("TAG", tag),
        "purpose": one("PURPOSE", lambda rng: rng.choice(_PURPOSES)),
    }
