"""A regex recognizer with context checks, for the recognizers Presidio's patterns can't express.

Presidio's ``PatternRecognizer`` scores a match by its pattern alone; ours also ask the text
around it (a phone cue a few words before, a capitalised place after a postcode) and may trim
the match. Subclasses list their patterns and implement ``accept``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts


class RegexRecognizer(EntityRecognizer):
    """Matches of ``patterns`` that ``accept`` keeps, reported as ``entity``."""

    entity: str = ""
    patterns: tuple[re.Pattern[str], ...] = ()
    score: float = 0.7

    def __init__(self, name: str) -> None:
        super().__init__(supported_entities=[self.entity], name=name, supported_language="en")

    def load(self) -> None:
        """Patterns are compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for pattern in self.patterns:
            for match in pattern.finditer(text):
                for start, end, score in self.accept(text, match):
                    if end > start:
                        results.append(RecognizerResult(self.entity, start, end, score))
        return results

    def accept(self, text: str, match: re.Match[str]) -> Iterator[tuple[int, int, float]]:
        """The span(s) to report for ``match`` (default: the whole match)."""
        yield match.start(), match.end(), self.score


def before(text: str, start: int, width: int = 40) -> str:
    """The lower-cased text just before ``start`` (for cue words)."""
    return text[max(0, start - width) : start].lower()


def after(text: str, end: int, width: int = 40) -> str:
    return text[end : end + width]
