"""Spelling correction of the command vocabulary, before the classifier reads a message.

Staff type "delte", "cancle", "serch", "appoinments": one wrong letter flips the intent or
loses the name after it. The vocabulary is the domain's own: the words of the training data
(templates, hand-written files and the procedures' declared examples) outside the spans of
people, e-mails and phones, counted at training time and stored beside the model
(`words.json`). A word is corrected only when it is not in that vocabulary, is letters only,
is long enough, and SymSpell (symspellpy) finds a vocabulary word within a small edit
distance. Names, e-mails and numbers are never touched: a word seen as a person's name in
training or known to the CRM, a capitalised word inside mixed-case text (not the first of its
sentence), any word joined to `@`, digits or a dot. Nor are real English words that the
training data happens not to use ("paying", "upstairs": symspellpy's English word list).

The corrected text keeps a map back to the original, so entity offsets are always the
message's own (`Corrected.original_span`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.nlu.data import Example

WORDS_FILE = "words.json"
MIN_COUNT = 3
"""A training word seen fewer times is not vocabulary (the generator's own typos are rare)."""
MIN_LENGTH = 5
"""Shorter words are left alone: "anya" is one letter from "any", "tom" from "top"."""
LONG_WORD = 8
"""From this length two edits are allowed ("appoinmnets"), below it one."""
NOT_VOCABULARY = frozenset({"CONTACT", "DUPLICATE", "EMAIL", "PHONE"})
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
MIN_TARGET_COUNT = 10
"""A correction goes only to a word the training data uses this often: command words."""
ENGLISH = "frequency_dictionary_en_82_765.txt"
"""symspellpy's English word list: a real English word is never "corrected"."""
_JOINED = re.compile(r"[@\d._/\\:+]")
_SENTENCE_START = re.compile(r"(?:^|[.!?;:\-\u2013\u2014(\"]\s*)$")


@dataclass(frozen=True, slots=True)
class Corrected:
    """A corrected message and where each replaced word was in the original."""

    text: str
    original: str
    edits: tuple[tuple[int, int, int, int], ...] = ()
    """(start, end in the original, start, end in the corrected text), in order."""

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def original_offset(self, offset: int, *, end: bool = False) -> int:
        """A corrected-text offset in the original: inside a replaced word it snaps to the
        word's edge (its start, or its end for a span's end)."""
        shift = 0
        for o_start, o_end, c_start, c_end in self.edits:
            if offset < c_start or (offset == c_start and not end):
                break
            if offset < c_end or (offset == c_end and end):
                return o_end if end else o_start
            shift = o_end - c_end
        return offset + shift

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.original_offset(start), self.original_offset(end, end=True)


def vocabulary(examples: Iterable[Example]) -> dict[str, object]:
    """The words.json content for training data: vocabulary counts and name words."""
    words: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for example in examples:
        people = [(s.start, s.end) for s in example.entities if s.label in NOT_VOCABULARY]
        for match in _WORD.finditer(example.text):
            word = match.group().lower()
            if any(a <= match.start() < b for a, b in people):
                names[word] += 1
            else:
                words[word] += 1
    # A name also turns up outside people's spans (task titles, notes): it is vocabulary
    # only when it is mostly used as a word ("mark", "will"), not as a name ("olga").
    kept = {w: n for w, n in sorted(words.items()) if n >= MIN_COUNT and n > 2 * names.get(w, 0)}
    return {"vocabulary": kept, "names": sorted((set(names) | name_words()) - set(kept))}


def name_words() -> set[str]:
    """First names and surnames of every locale Faker knows (letters only): a word a name
    can be is not a misspelling ("anya", "edin", "augusto")."""
    import importlib
    import pkgutil

    import faker.providers.person as person

    found: set[str] = set()
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attr in ("first_names", "last_names", "first_names_male", "first_names_female"):
            listed = provider.__dict__.get(attr)
            if isinstance(listed, list | tuple | dict | set):
                found.update(w.lower() for n in listed for w in str(n).split())
    return {w for w in found if w.isascii() and w.isalpha()}


def write_words(model_dir: Path, examples: Iterable[Example]) -> Path:
    path = model_dir / WORDS_FILE
    path.write_text(json.dumps(vocabulary(examples), ensure_ascii=False) + "\n", encoding="utf-8")
    return path


class Speller:
    """Corrects unknown command words to the domain vocabulary; build once, share."""

    def __init__(self, vocabulary: dict[str, int], names: Collection[str] = ()) -> None:
        from symspellpy import SymSpell

        self.names = frozenset(names)
        self.english = _english()
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in vocabulary.items():
            if "'" not in word and len(word) >= MIN_LENGTH - 1 and count >= MIN_TARGET_COUNT:
                self._symspell.create_dictionary_entry(word, count)
        # The training data has typos on purpose ("delte"); they are vocabulary to the
        # model but still misspellings of a far more frequent English command word.
        self.known = frozenset(w for w, n in vocabulary.items() if not self._typo_of_frequent(w, n))

    def _typo_of_frequent(self, word: str, count: int) -> bool:
        from symspellpy import Verbosity

        if word in self.english or len(word) < MIN_LENGTH:
            return False
        found = self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=1)
        return any(
            s.term != word and s.term in self.english and s.count >= 10 * count for s in found
        )

    @classmethod
    def load(cls, model_dir: Path) -> Speller | None:
        """The model directory's speller, or None for a model trained without words.json."""
        path = model_dir / WORDS_FILE
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(dict(data["vocabulary"]), data.get("names", ()))

    def suggestion(self, word: str) -> str | None:
        """The vocabulary word `word` (lower case) is a misspelling of, or None."""
        from symspellpy import Verbosity

        if len(word) < MIN_LENGTH or not word.isascii():
            return None
        if word in self.known or word in self.names or word in self.english:
            return None
        distance = 2 if len(word) >= LONG_WORD else 1
        found = self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=distance)
        # A known word, the same length give or take a letter ("shouldnt" is not "should"),
        # the closest first and then the most frequent.
        near = [
            s
            for s in found
            if s.term != word and s.term in self.known and abs(len(s.term) - len(word)) <= 1
        ]
        if not near:
            return None
        return str(min(near, key=lambda s: (s.distance, -s.count)).term)

    def correct(self, text: str, protected: Collection[str] = ()) -> Corrected:
        """`text` with its misspelt command words corrected; `protected` words (lower case,
        e.g. the CRM's contact names) are left as they are."""
        mixed = any(c.islower() for c in text) and any(c.isupper() for c in text)
        parts: list[str] = []
        edits: list[tuple[int, int, int, int]] = []
        cursor = length = 0
        for match in _WORD.finditer(text):
            start, end = match.span()
            word = match.group()
            if "'" in word or word.lower() in protected:
                continue
            if _protected(text, start, end, word, mixed):
                continue
            fixed = self.suggestion(word.lower())
            if fixed is None:
                continue
            fixed = _same_case(word, fixed)
            parts.append(text[cursor:start])
            length += start - cursor
            edits.append((start, end, length, length + len(fixed)))
            parts.append(fixed)
            length += len(fixed)
            cursor = end
        if not edits:
            return Corrected(text, text)
        parts.append(text[cursor:])
        return Corrected("".join(parts), text, tuple(edits))


@cache
def _english() -> frozenset[str]:
    from importlib.resources import files

    listing = files("symspellpy").joinpath(ENGLISH).read_text(encoding="utf-8")
    return frozenset(line.split(" ", 1)[0] for line in listing.splitlines() if line)


def _protected(text: str, start: int, end: int, word: str, mixed: bool) -> bool:
    """Part of an e-mail, number or path, or a capitalised word inside mixed-case text (a
    name, unless it starts a sentence)."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if _JOINED.match(before) or (_JOINED.match(after) and not _sentence_end(text, end)):
        return True
    if mixed and word[:1].isupper():
        return not _SENTENCE_START.search(text[:start])
    return False


def _sentence_end(text: str, end: int) -> bool:
    """A dot after a word that ends a sentence, not one inside an address."""
    return text[end] in ".:" and (end + 1 == len(text) or text[end + 1].isspace())


def _same_case(original: str, fixed: str) -> str:
    if original.isupper():
        return fixed.upper()
    if original[:1].isupper():
        return fixed[:1].upper() + fixed[1:]
    return fixed
