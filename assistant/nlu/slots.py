"""Slot fillers: the labelled values (names, dates, phones...) that templates ask for.

Fillers draw from one `Vocab` (train or dev) and a name pool built from Faker with a fixed
seed, so the same seed always yields the same data.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable

from assistant.nlu.render import Filler, Piece
from assistant.nlu.vocab import Vocab

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")  # fmt: skip
_NUMBER_WORDS = ("one", "two", "three", "four", "five", "six")
_PURPOSES = ("follow-up", "follow up", "followup", "reminder", "welcome", "thank you",
             "thank-you", "check-in", "intro")  # fmt: skip


def name_pool(vocab: Vocab, seed: int, per_locale: int = 60) -> list[str]:
    """Full names from Faker's locales (Latin script only) plus the hand-written list."""
    from faker import Faker

    names = list(vocab.names)
    for index, locale in enumerate(vocab.locales):
        fake = Faker(locale)
        fake.seed_instance(seed * 1000 + index)
        for _ in range(per_locale):
            name = f"{fake.first_name()} {fake.last_name()}"
            if all(ch.isascii() or unicodedata.category(ch).startswith("L") for ch in name) \
                    and name.replace(" ", "").replace("-", "").replace("'", "").isalpha():  # fmt: skip
                names.append(name)
    return sorted(set(names))


def _form(name: str, rng: random.Random) -> str:
    """A name as staff write it: full most often, sometimes first or last name only."""
    parts = name.split(" ")
    roll = rng.random()
    if len(parts) < 2 or roll < 0.55:
        return name
    if roll < 0.85:
        return parts[0]
    if roll < 0.93:
        return f"{rng.choice(('Mr.', 'Mrs.', 'Ms.', 'Dr.', 'Mr', 'Ms'))} {parts[-1]}"
    return parts[-1]


def _possessive(name: str) -> str:
    return "'" if name.endswith("s") and len(name) > 3 else "'s"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _date(rng: random.Random) -> str:
    day, month = rng.randint(1, 28), rng.choice(_MONTHS)
    wd = rng.choice(_WEEKDAYS)
    options: list[Callable[[], str]] = [
        lambda: rng.choice(("today", "tomorrow", "the day after tomorrow", "tonight")),
        lambda: f"{rng.choice(('next ', 'this ', '', ''))}{wd}",
        lambda: f"{month} {day}{rng.choice(('', 'th' if day > 3 else '', ''))}",
        lambda: f"{day} {month}",
        lambda: f"the {day}{'st' if day in (1, 21) else 'nd' if day in (2, 22) else 'rd' if day in (3, 23) else 'th'}",  # noqa: E501
        lambda: f"{rng.randint(1, 12)}/{day}",
        lambda: f"in {rng.choice((str(rng.randint(2, 10)), *_NUMBER_WORDS[1:]))} "
        f"{rng.choice(('days', 'weeks'))}",
        lambda: rng.choice(("next week", "in a week", "end of the week", "next month",
                            "end of the month", "in a couple of days", "this weekend")),
        lambda: f"{month[:3]} {day}",
    ]
    text = rng.choice(options)()
    return text.capitalize() if rng.random() < 0.3 else text


def _period(rng: random.Random) -> str:
    return rng.choice((
        "today", "tomorrow", "this week", "next week", "friday", "monday", "thursday",
        "this afternoon", "the weekend", "next month", "this month", "wednesday",
        f"next {rng.choice(_WEEKDAYS)}", f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}",
    ))  # fmt: skip


def _time(rng: random.Random) -> str:
    hour = rng.randint(7, 12) if rng.random() < 0.5 else rng.randint(1, 6)
    suffix = rng.choice(("am", "pm", " am", " pm", "pm", "PM", " p.m.", "")) if hour < 13 else ""
    minute = rng.choice((":00", ":30", ":15", ":45", "", "", ""))
    options: list[Callable[[], str]] = [
        lambda: f"{hour}{minute}{suffix}" if suffix or minute else f"{hour} o'clock",
        lambda: f"{rng.randint(8, 19):02d}:{rng.choice(('00', '30', '15'))}",
        lambda: rng.choice(("noon", "midday", "lunchtime", "the morning", "the afternoon",
                            "the evening", "first thing")),
        lambda: f"half past {rng.choice(_NUMBER_WORDS)}",
        lambda: f"{hour}{rng.choice(('am', 'pm'))}",
    ]
    return rng.choice(options)()


def _duration(rng: random.Random) -> str:
    return rng.choice((
        f"{rng.choice((15, 20, 30, 45, 50, 60, 75, 90, 120))} {rng.choice(('minutes', 'min', 'mins', 'minute'))}",  # noqa: E501
        rng.choice(("an hour", "half an hour", "1 hour", "one hour", "two hours", "2 hours",
                    "1.5 hours", "an hour and a half", "90 min", "45min", "30 minutes")),
    ))  # fmt: skip


def _phone(rng: random.Random) -> str:
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(0, 9999)
    return rng.choice((
        f"{a} {b} {c:04d}", f"{a}-{b}-{c:04d}", f"({a}) {b}-{c:04d}", f"+1 {a} {b} {c:04d}",
        f"{a}.{b}.{c:04d}", f"{a}{b}{c:04d}", f"+44 20 {rng.randint(7000, 8999)} {c:04d}",
        f"+1-{a}-{b}-{c:04d}", f"{a} 555 {c:04d}",
    ))  # fmt: skip


def make_fillers(vocab: Vocab, names: list[str], labelled: bool = True) -> dict[str, Filler]:
    """Every slot a template may use. With labelled=False the pieces carry no entity label."""

    def lab(label: str) -> str | None:
        return label if labelled else None

    def one(label: str, make: Callable[[random.Random], str]) -> Filler:
        return lambda rng: [Piece(make(rng), lab(label))]

    def contact(rng: random.Random) -> list[Piece]:
        return [Piece(_form(rng.choice(names), rng), lab("CONTACT"))]

    def contact_pos(rng: random.Random) -> list[Piece]:
        name = _form(rng.choice(names), rng)
        return [Piece(name, lab("CONTACT")), Piece(_possessive(name))]

    def new_contact(rng: random.Random) -> list[Piece]:
        return [Piece(rng.choice(names), lab("CONTACT"))]

    def duplicate(rng: random.Random) -> list[Piece]:
        return [Piece(_form(rng.choice(names), rng), lab("DUPLICATE"))]

    def free_text(rng: random.Random, pool: tuple[str, ...]) -> str:
        name = _form(rng.choice(names), rng)
        text = rng.choice(pool).replace("{n}", name).replace("{p}", name + _possessive(name))
        return text

    def email(rng: random.Random) -> str:
        first, *rest = _ascii(rng.choice(names)).replace("'", "").split(" ")
        last = rest[-1] if rest else "x"
        user = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{first}{rng.randint(1, 99)}",
                           f"{first}_{last}", first))  # fmt: skip
        return f"{re.sub(r'[^a-z0-9._-]', '', user) or 'info'}@{rng.choice(vocab.domains)}"

    return {
        "contact": contact,
        "contact_pos": contact_pos,
        "new_contact": new_contact,
        "duplicate": duplicate,
        "note": one("BODY", lambda rng: free_text(rng, vocab.notes)),
        "task": one("BODY", lambda rng: free_text(rng, vocab.tasks)),
        "instr": one("BODY", lambda rng: free_text(rng, vocab.instructions)),
        "date": one("DATE", _date),
        "period": one("DATE", _period),
        "dob": one("DATE", lambda rng: rng.choice((
            f"{rng.choice(_MONTHS).capitalize()} {rng.randint(1, 28)}, {rng.randint(1940, 2015)}",
            f"{rng.randint(1, 12)}/{rng.randint(1, 28)}/{rng.randint(1940, 2015)}",
            f"{rng.randint(1940, 2015)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            f"{rng.randint(1, 28)} {rng.choice(_MONTHS)} {rng.randint(1940, 2015)}",
        ))),  # fmt: skip
        "time": one("TIME", _time),
        "duration": one("DURATION", _duration),
        "email": one("EMAIL", email),
        "phone": one("PHONE", _phone),
        "tag": one("TAG", lambda rng: rng.choice(vocab.tags)),
        "purpose": one("PURPOSE", lambda rng: rng.choice(_PURPOSES)),
    }
