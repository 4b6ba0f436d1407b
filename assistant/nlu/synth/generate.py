"""Generate the training and dev sets, deterministically for a given seed.

Two sources. Templates: train and dev come from disjoint templates, vocabularies and name
pools, so dev measures new wordings, the failure mode that matters for staff text.
Hand-written examples (`models/nlu/written/`, see LABELLING.md) and the examples each
procedure declares (`@procedure(examples=...)`, after the files): the training ones join the
training set three times (as written, in lower case, and as written or in capitals) so that
real phrasing is not drowned by the templates; `dev-*.txt` join dev, where they choose the
model and calibrate the threshold. The intents are those the registry's declarations give
the classifier; the templates are rendered in their own order, so the output does not depend
on the order procedures are declared in.
Bump GENERATOR_VERSION whenever the output changes for reasons the data does not show (the
model's staleness check includes it).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.nlu.data import Example, write_jsonl
from assistant.nlu.labels import CHAT, INTENTS, classified
from assistant.nlu.markup import parse_line, read_markup_files
from assistant.nlu.synth.render import Filler, Piece, assemble, expand, parse_template, slots_of
from assistant.nlu.synth.slots import make_fillers, name_pool, word_pool
from assistant.nlu.synth.templates import (
    MACROS,
    activities,
    chat,
    contacts,
    dev,
    messaging,
    synonyms,
    variety,
)
from assistant.nlu.synth.vocab import DEV, TRAIN, Vocab

GENERATOR_VERSION = "6"
DEFAULT_SEED = 13
WRITTEN_DIR = Path(__file__).resolve().parents[3] / "models" / "nlu" / "written"


@dataclass(frozen=True, slots=True)
class SplitSpec:
    """What one split is made of, and how many examples of each intent it gets."""

    commands: Mapping[str, Sequence[str]]
    chat: Sequence[str]
    chat_words: Mapping[str, Sequence[str]]
    vocab: Vocab
    per_intent: int
    chat_count: int
    extra_dates: bool = False


def train_spec(per_intent: int = 400, chat_count: int = 1450) -> SplitSpec:
    commands = {**contacts.TRAIN, **activities.TRAIN, **messaging.TRAIN}
    merged = {
        i: (*t, *synonyms.TRAIN.get(i, ()), *variety.TRAIN.get(i, ())) for i, t in commands.items()
    }
    words = {
        k: (*v, *synonyms.WORDS.get(k, ()), *variety.WORDS.get(k, ()))
        for k, v in chat.WORDS.items()
    }
    chats = (*chat.TRAIN, *synonyms.CHAT, *variety.CHAT)
    return SplitSpec(merged, chats, words, TRAIN, per_intent, chat_count, extra_dates=True)


def dev_spec(per_intent: int = 60, chat_count: int = 240) -> SplitSpec:
    return SplitSpec(dev.COMMANDS, dev.CHAT, dev.CHAT_WORDS, DEV, per_intent, chat_count)


def _expand_macros(template: str) -> str:
    for name, value in MACROS.items():
        template = template.replace(name, value)
    return template


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def add_noise(pieces: list[Piece], rng: random.Random) -> list[Piece]:
    """Staff typing: lower case, a capital first letter, a typo in a literal word, punctuation."""
    lower = rng.random() < 0.35
    upper = not lower and rng.random() < 0.08
    out: list[Piece] = []
    typo_left = 1 if rng.random() < 0.15 else 0
    for piece in pieces:
        text = piece.text.lower() if lower and piece.label not in {"EMAIL"} else piece.text
        if upper and piece.label not in {"EMAIL"} and len(text.upper()) == len(text):
            text = text.upper()
        if typo_left and piece.label in {None, "BODY"}:
            words = text.split(" ")
            long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if long_words:
                i = rng.choice(long_words)
                words[i] = _typo(words[i], rng)
                text = " ".join(words)
                typo_left = 0
        out.append(Piece(text, piece.label))
    if out and not lower and rng.random() < 0.5 and out[0].label is None:
        out[0] = Piece(out[0].text[:1].upper() + out[0].text[1:], None)
    last = out[-1].text if out else ""
    if not last.endswith(("?", "!", ".")) and rng.random() < 0.12:
        out.append(Piece(rng.choice((".", "!", " please", " thanks", " pls"))))
    return out


def _render_all(
    templates: Sequence[str],
    intent: str,
    count: int,
    fillers: Mapping[str, Filler],
    rng: random.Random,
) -> list[Example]:
    parsed = [parse_template(_expand_macros(t)) for t in templates]
    for template, nodes in zip(templates, parsed, strict=True):
        missing = slots_of(nodes) - set(fillers)
        if missing:
            raise ValueError(f"template {template!r} uses unknown slots {sorted(missing)}")
    seen: set[str] = set()
    examples: list[Example] = []
    attempts = 0
    while len(examples) < count and attempts < count * 20:
        attempts += 1
        nodes = parsed[len(examples) % len(parsed)] if attempts <= count else rng.choice(parsed)
        example = assemble(add_noise(expand(nodes, fillers, rng), rng), intent)
        if example.text and example.text not in seen:
            seen.add(example.text)
            examples.append(example)
    return examples


_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SHORT_DAYS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")
_MONTHS = ("january", "february", "march", "april", "june", "july", "august", "september")


def _ordinal(day: int) -> str:
    if 11 <= day <= 13:
        return f"{day}th"
    return f"{day}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th') }"


def _extra_date(rng: random.Random) -> str:
    """Date wordings the slot filler lacks (abbreviated days, ordinals with months)."""
    day, month, weekday = rng.randint(1, 30), rng.choice(_MONTHS), rng.choice(_DAYS)
    forms = (
        f"{weekday} the {_ordinal(day)}",
        f"the {_ordinal(day)} of {month}",
        f"{month} {_ordinal(day)}",
        f"{_ordinal(day)} {month}",
        f"{rng.choice(('next ', 'this ', ''))}{rng.choice(_SHORT_DAYS)}",
        f"this coming {weekday}",
        f"{weekday} next week",
        f"{weekday} week",
        rng.choice(("next fortnight", "in a fortnight", "a week from today", "two weeks from now")),
        f"in {rng.choice(('3', '4', 'six', 'a few'))} {rng.choice(('days', 'weeks'))}' time",
        f"{day}/{rng.randint(1, 12)}",
        f"{day}.{rng.randint(1, 12)}.",
        f"{weekday.capitalize()} {day} {month[:3].capitalize()}",
    )
    return rng.choice(forms)


def _with_extra_dates(base: Filler) -> Filler:
    def fill(rng: random.Random) -> list[Piece]:
        if rng.random() < 0.25:
            return [Piece(_extra_date(rng), "DATE")]
        return base(rng)

    return fill


_TITLES = ("Miss ", "Prof. ", "Mx ", "Mrs ", "Dr ", "Sr. ", "Doctor ")


def _with_more_forms(base: Filler) -> Filler:
    """Other honorifics, and "James's" as well as "James'" (labels untouched)."""

    def fill(rng: random.Random) -> list[Piece]:
        pieces = list(base(rng))
        if len(pieces) >= 2 and pieces[0].label is None and rng.random() < 0.4:
            pieces[0] = Piece(rng.choice(_TITLES))
        if pieces and pieces[-1].label is None and pieces[-1].text == "'" and rng.random() < 0.5:
            pieces[-1] = Piece("'s")
        return pieces

    return fill


def _plain(words: tuple[str, ...]) -> Filler:
    """An unlabelled slot (chat's generic CRM words)."""
    return lambda rng: [Piece(rng.choice(words))]


def generate_split(spec: SplitSpec, seed: int = DEFAULT_SEED) -> list[Example]:
    rng = random.Random(seed)
    names = name_pool(spec.vocab, seed)
    fillers: dict[str, Filler] = dict(make_fillers(spec.vocab, names, word_pool(seed)))
    for slot, words in spec.chat_words.items():
        fillers[slot] = _plain(tuple(words))
    if spec.extra_dates:
        for slot in ("date", "period"):
            fillers[slot] = _with_extra_dates(fillers[slot])
        for slot in ("contact", "contact_pos", "duplicate"):
            fillers[slot] = _with_more_forms(fillers[slot])
    instructions = variety.INSTRUCTIONS
    fillers.setdefault("instr_full", lambda rng: [Piece(rng.choice(instructions), "BODY")])
    unknown = set(spec.commands) - set(INTENTS)
    if unknown:
        raise ValueError(f"templates for intents no procedure declares: {sorted(unknown)}")
    examples: list[Example] = []
    for intent, templates in spec.commands.items():
        examples += _render_all(templates, intent, spec.per_intent, fillers, rng)
    examples += _render_all(spec.chat, CHAT, spec.chat_count, fillers, rng)
    rng.shuffle(examples)
    return examples


def declared_examples() -> list[Example]:
    """The examples the classified procedures declare, by procedure name, as declared."""
    return [
        parse_line(f"{proc.name} | {example}")
        for proc in classified()
        if proc.classified
        for example in proc.marked_examples
    ]


def written(kind: str, directory: Path = WRITTEN_DIR) -> list[Example]:
    """The hand-written examples of one kind ("train" or "dev"), in file and line order;
    training also takes the procedures' declared examples, after the files."""
    found = read_markup_files(directory.glob(f"{kind}-*.txt"))
    return [*found, *declared_examples()] if kind == "train" else found


def _cased(example: Example, case: str) -> Example:
    text = getattr(example.text, case)()
    return (
        Example(text, example.intent, example.entities)
        if len(text) == len(example.text)
        else example
    )


def with_case_variants(examples: Sequence[Example]) -> list[Example]:
    """Each example as written, in lower case, and again as written (every 10th in capitals)."""
    out: list[Example] = []
    for i, example in enumerate(examples):
        out += [
            example,
            _cased(example, "lower"),
            _cased(example, "upper") if i % 10 == 0 else example,
        ]
    return out


def generate(seed: int = DEFAULT_SEED) -> tuple[list[Example], list[Example]]:
    """The project's (train, dev) sets; dev drops any text that also occurs in train."""
    train = generate_split(train_spec(), seed) + with_case_variants(written("train"))
    random.Random(seed).shuffle(train)
    seen = {e.text.lower() for e in train}
    dev_set = generate_split(dev_spec(), seed + 1) + written("dev")
    return train, [e for e in dev_set if e.text.lower() not in seen]


def write_datasets(out_dir: Path, seed: int = DEFAULT_SEED) -> tuple[Path, Path]:
    train, dev_set = generate(seed)
    train_path, dev_path = out_dir / "train.jsonl", out_dir / "dev.jsonl"
    write_jsonl(train_path, train)
    write_jsonl(dev_path, dev_set)
    return train_path, dev_path


if __name__ == "__main__":  # pragma: no cover - `python -m assistant.nlu.synth.generate DIR`
    import sys

    for path in write_datasets(Path(sys.argv[1] if len(sys.argv) > 1 else "models/nlu")):
        print(path)
