"""Reading a follow-up answer against the numbered candidates of the last question.

"2", "#2", "the second one", "last", "Sam Patel" or just "Patel" all pick a candidate; a
plain "yes" picks the only one. Anything else picks nothing, and the caller decides whether
it is a new command or the question must be asked again.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.commands.resolve import normalise_name
from assistant.commands.result import Candidate

ORDINALS = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3,
    "three": 3, "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5,
    "sixth": 6, "6th": 6, "six": 6, "seventh": 7, "7th": 7, "seven": 7, "eighth": 8,
    "8th": 8, "eight": 8,
}  # fmt: skip
YES = {"yes", "y", "yep", "yeah", "sure", "ok", "okay", "correct", "that one", "right"}
CANCEL = {"cancel", "never mind", "nevermind", "forget it", "stop", "nothing", "no thanks"}
NONE_ANSWERS = {"none", "no one", "nobody", "no", "no contact", "skip"}
_FILLER = r"\b(?:the|one|number|no\.?|option|choice|please|pls|it's|its|it is|i mean|that)\b"


def is_cancel(answer: str) -> bool:
    return _plain(answer) in CANCEL


def is_none(answer: str) -> bool:
    return _plain(answer) in NONE_ANSWERS


def _plain(answer: str) -> str:
    return re.sub(r"[^\w\s']", " ", answer.lower()).strip()


def pick(candidates: Sequence[Candidate], answer: str) -> Candidate | None:
    """The candidate an answer names, or None."""
    if not candidates:
        return None
    plain = _plain(answer)
    if len(candidates) == 1 and plain in YES:
        return candidates[0]
    stripped = re.sub(r"\s+", " ", re.sub(_FILLER, " ", plain)).strip()
    index: int | None = None
    if re.fullmatch(r"#?\d{1,2}", stripped.replace(" ", "")):
        index = int(stripped.replace("#", "").replace(" ", ""))
    elif stripped in ORDINALS:
        index = ORDINALS[stripped]
    elif stripped in ("last", "the last", "latter"):
        index = len(candidates)
    if index is not None:
        return candidates[index - 1] if 1 <= index <= len(candidates) else None
    return _by_label(candidates, answer)


# Words around a chosen name that still make the answer only an answer ("oh, I meant Sam Lee").
_ASIDE_WORDS = """the one number no option choice please pls it's its it is i mean meant i'm im
    yes yeah yep ok okay oh sorry thanks thx ty sure that this him her them"""
_ASIDES = frozenset(_ASIDE_WORDS.split())
_POSITIONS = frozenset(ORDINALS) | {"last", "latter", "former"}


def beyond(candidate: Candidate, answer: str) -> list[str]:
    """The words of an answer that neither name `candidate` nor only set it off: "delete" in
    "delete Sam Lee", said to "which Sam?"."""
    named = set(normalise_name(candidate.label).split())
    return [
        w
        for w in _plain(answer).split()
        if w not in named and w not in _ASIDES and w not in _POSITIONS and not w.isdigit()
    ]


def _by_label(candidates: Sequence[Candidate], answer: str) -> Candidate | None:
    from rapidfuzz import fuzz

    said = normalise_name(answer)
    if not said:
        return None
    labels = [normalise_name(c.label) for c in candidates]
    exact = [c for c, lb in zip(candidates, labels, strict=True) if lb == said]
    if len(exact) == 1:
        return exact[0]
    words = set(said.split())
    partial = [c for c, lb in zip(candidates, labels, strict=True) if words <= set(lb.split())]
    if len(partial) == 1:
        return partial[0]
    scored = sorted(
        ((fuzz.token_set_ratio(said, lb), c) for c, lb in zip(candidates, labels, strict=True)),
        key=lambda pair: -pair[0],
    )
    if scored[0][0] >= 85 and (len(scored) == 1 or scored[1][0] < scored[0][0] - 5):
        return scored[0][1]
    return None
