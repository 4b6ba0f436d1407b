"""Known contacts in a message: the CRM's own names, found fuzzily, beside the NER's spans.

The contacts in the database are the strongest signal a parser here has. `ContactIndex`
holds their names (accent- and case-folded, one token a word) and finds them in a message:
a full name, or a first name or surname alone, with a possessive ("Mateo's") and a typo within
a small edit distance (SymSpell finds candidates, rapidfuzz scores the mention against the
name). `combine` then merges these matches with the NER's person spans: a match trims an NER
span that bled over its neighbours ("[Chidi Okafor VIP]" -> "[Chidi Okafor]"), and adds a
mention the NER missed ("BOOK DIMITRI ALEXIOU ..."). NER spans that match nobody stay: they
are how a new client is named. A match inside a task title or a note stays part of it (the
labelling guide), but still says which client the record is about (`linked`).

Guards against common words: a word of the command vocabulary (the speller's) is a name only
as part of a full name, and in mixed-case text a lone lower-case word is never one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.nlu.labels import INTENT_LABELS, PERSON_LABELS

if TYPE_CHECKING:
    from assistant.nlu.model import Entity

_TOKEN = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['\u2019]s?$", re.IGNORECASE)
MIN_FUZZY = 5
"""Shorter name words must match exactly ("Sam" is one letter from "same")."""
MIN_SCORE = 80.0
"""rapidfuzz ratio a fuzzy match needs against the name word it stands for."""
MAX_RUN = 4
_PRONOUN_WORDS = "it its he him his she her hers they them their this that me my i you we us"
PRONOUNS = frozenset(_PRONOUN_WORDS.split())


def fold(text: str) -> str:
    """Lower case without accents ("Dvořák" -> "dvorak")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s\-]+", fold(name).replace("\u2019", "'")) if w)


@dataclass(frozen=True, slots=True)
class KnownName:
    id: int
    first: tuple[str, ...]
    last: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KnownMention:
    """Where a known contact is named: the characters, and who it may be."""

    start: int
    end: int
    ids: frozenset[int]
    full: bool
    """First name and surname both written."""

    @property
    def one(self) -> int | None:
        return next(iter(self.ids)) if len(self.ids) == 1 else None


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    word: str
    raw: str


class ContactIndex:
    """The practice's contact names, ready to be found in text. Build once per snapshot of
    the contacts (a few ms for thousands); `find` takes well under a millisecond."""

    def __init__(self, contacts: Iterable[tuple[int, str, str]]) -> None:
        from symspellpy import SymSpell

        self.names = [KnownName(i, _words(first), _words(last)) for i, first, last in contacts]
        self._ids: dict[str, set[int]] = {}
        self._parts: dict[tuple[int, str], set[str]] = {}
        for name in self.names:
            for part, words in (("first", name.first), ("last", name.last)):
                for word in words:
                    self._ids.setdefault(word, set()).add(name.id)
                    self._parts.setdefault((name.id, word), set()).add(part)
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, ids in self._ids.items():
            if len(word) >= MIN_FUZZY - 1:
                self._symspell.create_dictionary_entry(word, len(ids))

    def __len__(self) -> int:
        return len(self.names)

    def words(self) -> frozenset[str]:
        """Every name word (folded): what the speller must leave alone."""
        return frozenset(self._ids)

    def _candidates(self, word: str) -> dict[int, str]:
        """Contact id -> the name word `word` stands for (exactly, or within an edit or two)."""
        exact = self._ids.get(word)
        if exact:
            return dict.fromkeys(exact, word)
        if len(word) < MIN_FUZZY:
            return {}
        from rapidfuzz import fuzz
        from symspellpy import Verbosity

        distance = 2 if len(word) >= 8 else 1
        found: dict[int, str] = {}
        for item in self._symspell.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance):
            term = str(item.term)
            if fuzz.ratio(word, term) >= MIN_SCORE:
                for contact in self._ids[term]:
                    found.setdefault(contact, term)
        return found

    def find(self, text: str, vocabulary: Collection[str] = ()) -> list[KnownMention]:
        """Known contacts named in `text`, left to right, never overlapping."""
        tokens = _tokens(text)
        mixed = any(c.islower() for c in text) and any(c.isupper() for c in text)
        found: list[KnownMention] = []
        i = 0
        while i < len(tokens):
            mention = self._longest(text, tokens, i, vocabulary, mixed)
            if mention is None:
                i += 1
                continue
            found.append(mention[0])
            i = mention[1]
        return found

    def _longest(
        self,
        text: str,
        tokens: Sequence[_Token],
        i: int,
        vocabulary: Collection[str],
        mixed: bool,
    ) -> tuple[KnownMention, int] | None:
        first = tokens[i]
        common_word = first.word in vocabulary or first.word in PRONOUNS
        ids = self._candidates(first.word) if not (common_word and len(first.word) < 3) else {}
        if not ids:
            return None
        run = [ids]
        j = i + 1
        while j < len(tokens) and j - i < MAX_RUN:
            between = text[tokens[j - 1].end : tokens[j].start]
            if between not in (" ", "-"):
                break
            more = self._candidates(tokens[j].word)
            shared = set(run[-1]) & set(more) if more else set()
            if not shared:
                break
            run.append({k: more[k] for k in shared})
            j += 1
        while len(run) > 1:
            shared_ids = set.intersection(*(set(r) for r in run))
            full = {k for k in shared_ids if self._covers_both(k, [r[k] for r in run])}
            if full:
                return self._mention(tokens[i], tokens[i + len(run) - 1], full, True), i + len(run)
            run.pop()
        if common_word:
            return None
        if mixed and not first.raw[:1].isupper():
            return None
        return self._mention(first, first, set(ids), False), i + 1

    def _covers_both(self, contact: int, words: Sequence[str]) -> bool:
        parts = set().union(*(self._parts.get((contact, w), set()) for w in words))
        return parts == {"first", "last"}

    @staticmethod
    def _mention(first: _Token, last: _Token, ids: set[int], full: bool) -> KnownMention:
        return KnownMention(first.start, last.end, frozenset(ids), full)


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        bare = _POSSESSIVE.sub("", raw) if len(raw) > 3 else raw
        if not bare:
            continue
        out.append(_Token(match.start(), match.start() + len(bare), fold(bare), bare))
    return out


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _only_noise_beside(entity: Entity, match: KnownMention, vocabulary: Collection[str]) -> bool:
    """Whether what the NER span holds beyond the match is no part of a name: command words,
    tags, pronouns ("Chidi Okafor VIP", "Mateo's record"), never another name word ("Maria
    Lopez" is a new client, not the known Maria Garcia)."""
    before = entity.text[: max(0, match.start - entity.start)]
    after = entity.text[match.end - entity.start :]
    return all(
        len(w) > 1 and (fold(w) in vocabulary or fold(w) in PRONOUNS)  # "E." is an initial
        for w in _TOKEN.findall(f"{before} {after}")
    )


def combine(
    intent: str,
    text: str,
    entities: list[Entity],
    known: Sequence[KnownMention],
    vocabulary: Collection[str] = (),
) -> list[Entity]:
    """The NER's entities with the known contacts' mentions folded in (see the module)."""
    from assistant.nlu.model import Entity

    takes_people = bool(INTENT_LABELS.get(intent, frozenset()) & PERSON_LABELS)
    out: list[Entity] = []
    used: set[int] = set()
    for entity in entities:
        if entity.label not in PERSON_LABELS:
            out.append(entity)
            continue
        inside = [
            k for k, m in enumerate(known) if _overlaps(m.start, m.end, entity.start, entity.end)
        ]
        match = known[inside[0]] if len(inside) == 1 else None
        if match is not None and inside[0] not in used:
            used.add(inside[0])
            if not (match.full or _only_noise_beside(entity, match, vocabulary)):
                out.append(entity)  # a longer name the NER found: a new client
                continue
            out.append(replace(entity, text=text[match.start : match.end], start=match.start,
                               end=match.end))  # fmt: skip
        else:
            out.append(entity)
    people = sum(e.label in PERSON_LABELS for e in out)
    wanted = 2 if intent == "contacts.merge" else 1
    for k, match in enumerate(known):
        if k in used or not takes_people or people >= wanted:
            continue
        if any(_overlaps(match.start, match.end, e.start, e.end) for e in out):
            continue  # inside a title, a note or an e-mail's instructions: part of it
        out.append(Entity("CONTACT", text[match.start : match.end], match.start, match.end))
        people += 1
    return sorted(out, key=lambda e: e.start)


def linked(known: Sequence[KnownMention]) -> int | None:
    """The one contact a message names, when it names exactly one (a task's client)."""
    ids = {m.one for m in known if m.one is not None}
    full = {m.one for m in known if m.full and m.one is not None}
    if len(full) == 1:
        return next(iter(full))
    return next(iter(ids)) if len(ids) == 1 and not any(m.one is None for m in known) else None


def not_a_person(entity: Entity, vocabulary: Collection[str], text: str) -> bool:
    """A person span that is a pronoun, or lower-case command words in mixed-case text
    ("it", "thnak"): noise, not a name."""
    words = [fold(w) for w in _TOKEN.findall(entity.text)]
    if not words:
        return True
    if all(w in PRONOUNS for w in words):
        return True
    mixed = any(c.islower() for c in text) and any(c.isupper() for c in text)
    return mixed and entity.text[:1].islower() and all(w in vocabulary for w in words)


def _name_token(token: _Token, first: bool, mixed: bool, words: NameWords) -> bool:
    """A word that can be part of a person's name in this text (see `name_runs`)."""
    word = token.word
    if word in PRONOUNS or word in words.not_names or word in words.vocabulary:
        return False
    if mixed and not token.raw[:1].isupper():
        return False
    if first or not mixed:  # a sentence's first word, or text in one case: names only
        return word in words.names
    return word in words.names or word not in words.english


@dataclass(frozen=True, slots=True)
class NameWords:
    """What tells a name from other words: the command vocabulary, Faker's names of every
    locale, English, and the labelling guide's words that are never names."""

    vocabulary: Collection[str]
    names: Collection[str]
    english: Collection[str]
    not_names: Collection[str]


def name_runs(text: str, words: NameWords) -> list[tuple[int, int]]:
    """Spans of words that look like a person's name: two or more name words in a row, or
    one word that is a known first name or surname."""
    tokens = _tokens(text)
    mixed = any(c.islower() for c in text) and any(c.isupper() for c in text)
    runs: list[list[_Token]] = []
    for k, token in enumerate(tokens):
        before = text[: token.start].rstrip()
        first = not before or before[-1] in ".!?:;"
        if not _name_token(token, first, mixed, words):
            continue
        previous = tokens[k - 1] if k else None
        joined = previous is not None and text[previous.end : token.start] in (" ", "-")
        if runs and joined and runs[-1][-1] is previous:
            runs[-1].append(token)
        else:
            runs.append([token])
    return [
        (run[0].start, run[-1].end)
        for run in runs
        if len(run) >= 2 or (run[0].word in words.names and len(run[0].word) > 2)
    ]


def fallback_people(
    intent: str, text: str, entities: list[Entity], words: NameWords
) -> list[Entity]:
    """For an intent that names a person and a message where the NER found nobody: the first
    name-shaped run of words that no other span holds becomes the CONTACT."""
    from assistant.nlu.model import Entity

    if "CONTACT" not in INTENT_LABELS.get(intent, frozenset()) or intent == "contacts.search":
        return entities
    if any(e.label in PERSON_LABELS for e in entities):
        return entities
    for start, end in name_runs(text, words):
        if not any(_overlaps(start, end, e.start, e.end) for e in entities):
            found = Entity("CONTACT", text[start:end], start, end)
            return sorted([*entities, found], key=lambda e: e.start)
    return entities
