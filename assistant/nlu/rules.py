"""Exact rules inside the spaCy pipeline: e-mail addresses and phone numbers are always found.

A statistical NER misses unseen formats now and then; these patterns do not, so the rule
component runs after `ner` and its spans win over overlapping model spans. Importing this
module registers the factory; `NLUModel` and the trainer import it before loading a pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

if TYPE_CHECKING:
    from collections.abc import Iterable

FACTORY = "assistant_contact_rules"


class ContactRules:
    """Marks EMAIL (the `like_email` token attribute) and PHONE (libphonenumber's matcher)."""

    def __init__(self, region: str) -> None:
        self.region = region

    def _rule_spans(self, doc: Doc) -> Iterable[Span]:
        import phonenumbers

        for token in doc:
            if token.like_email:
                yield Span(doc, token.i, token.i + 1, label="EMAIL")
        matcher = phonenumbers.PhoneNumberMatcher(
            doc.text, self.region, leniency=phonenumbers.Leniency.POSSIBLE
        )
        for match in matcher:
            span = doc.char_span(match.start, match.end, label="PHONE", alignment_mode="expand")
            if span is not None:
                yield span

    def __call__(self, doc: Doc) -> Doc:
        found = list(self._rule_spans(doc))
        if not found:
            return doc
        taken = {i for span in found for i in range(span.start, span.end)}
        kept = [e for e in doc.ents if taken.isdisjoint(range(e.start, e.end))]
        doc.ents = filter_spans([*found, *kept])
        return doc


@Language.factory(FACTORY, default_config={"region": "US"})
def make_contact_rules(nlp: Language, name: str, region: str) -> ContactRules:
    return ContactRules(region)


def register() -> Any:
    """Called for its side effect (this module's import registers the factory)."""
    return make_contact_rules
