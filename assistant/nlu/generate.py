"""Generate the training and dev sets from templates, deterministically for a given seed.

Train and dev come from disjoint templates, vocabularies and name pools: dev measures new
wordings, the failure mode that matters for staff text. Bump GENERATOR_VERSION whenever
the output changes for reasons the template data does not show (the model's staleness
check includes it).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.nlu.data import Example, write_jsonl
from assistant.nlu.labels import CHAT, INTENTS
from assistant.nlu.render import Filler, Piece, assemble, expand, parse_template, slots_of
from assistant.nlu.slots import make_fillers, name_pool, word_pool
from assistant.nlu.templates import MACROS, activities, chat, contacts, dev, messaging, synonyms
from assistant.nlu.vocab import DEV, TRAIN, Vocab

GENERATOR_VERSION = "2"
DEFAULT_SEED = 13


@dataclass(frozen=True, slots=True)
class SplitSpec:
    """What one split is made of, and how many examples of each intent it gets."""

    commands: Mapping[str, Sequence[str]]
    chat: Sequence[str]
    chat_words: Mapping[str, Sequence[str]]
    vocab: Vocab
    per_intent: int
    chat_count: int


def train_spec(per_intent: int = 360, chat_count: int = 1300) -> SplitSpec:
    commands = {**contacts.TRAIN, **activities.TRAIN, **messaging.TRAIN}
    merged = {i: (*t, *synonyms.TRAIN.get(i, ())) for i, t in commands.items()}
    words = {k: (*v, *synonyms.WORDS.get(k, ())) for k, v in chat.WORDS.items()}
    return SplitSpec(merged, (*chat.TRAIN, *synonyms.CHAT), words, TRAIN, per_intent, chat_count)


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
    out: list[Piece] = []
    typo_left = 1 if rng.random() < 0.15 else 0
    for piece in pieces:
        text = piece.text.lower() if lower and piece.label not in {"EMAIL"} else piece.text
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


def _plain(words: tuple[str, ...]) -> Filler:
    """An unlabelled slot (chat's generic CRM words)."""
    return lambda rng: [Piece(rng.choice(words))]


def generate_split(spec: SplitSpec, seed: int = DEFAULT_SEED) -> list[Example]:
    rng = random.Random(seed)
    names = name_pool(spec.vocab, seed)
    fillers: dict[str, Filler] = dict(make_fillers(spec.vocab, names, word_pool(seed)))
    for slot, words in spec.chat_words.items():
        fillers[slot] = _plain(tuple(words))
    examples: list[Example] = []
    for intent in INTENTS:
        if intent == CHAT:
            examples += _render_all(spec.chat, CHAT, spec.chat_count, fillers, rng)
        else:
            examples += _render_all(spec.commands[intent], intent, spec.per_intent, fillers, rng)
    rng.shuffle(examples)
    return examples


def generate(seed: int = DEFAULT_SEED) -> tuple[list[Example], list[Example]]:
    """The project's (train, dev) sets; dev drops any text that also occurs in train."""
    train = generate_split(train_spec(), seed)
    seen = {e.text.lower() for e in train}
    held_out = [e for e in generate_split(dev_spec(), seed + 1) if e.text.lower() not in seen]
    return train, held_out


def write_datasets(out_dir: Path, seed: int = DEFAULT_SEED) -> tuple[Path, Path]:
    train, dev_set = generate(seed)
    train_path, dev_path = out_dir / "train.jsonl", out_dir / "dev.jsonl"
    write_jsonl(train_path, train)
    write_jsonl(dev_path, dev_set)
    return train_path, dev_path


if __name__ == "__main__":  # pragma: no cover - `python -m assistant.nlu.generate DIR`
    import sys

    for path in write_datasets(Path(sys.argv[1] if len(sys.argv) > 1 else "models/nlu")):
        print(path)
