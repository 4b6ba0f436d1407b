"""A tiny template language whose output keeps exact entity offsets.

`[a|b|]` picks one alternative (empty allowed, nesting allowed), `{slot}` asks a filler for
labelled pieces. Text is assembled from pieces, so noise (case, typos, spacing) is applied
piece by piece and the offsets stay right by construction rather than by search.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.nlu.data import Example, Span


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    label: str | None = None


Filler = Callable[[random.Random], list[Piece]]


@dataclass(frozen=True, slots=True)
class _Lit:
    text: str


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str


@dataclass(frozen=True, slots=True)
class _Alt:
    options: tuple[tuple[_Node, ...], ...]


_Node = _Lit | _Slot | _Alt
_TOKEN = re.compile(r"\[|\]|\||\{[a-z_]+\}|[^\[\]|{}]+")


class TemplateError(ValueError):
    """A template with unbalanced brackets or a slot nobody fills."""


def parse_template(template: str) -> tuple[_Node, ...]:
    tokens = _TOKEN.findall(template)
    if "".join(tokens) != template:
        raise TemplateError(f"bad characters in template {template!r}")
    pos = 0

    def sequence(nested: bool) -> tuple[tuple[_Node, ...], ...]:
        nonlocal pos
        options: list[tuple[_Node, ...]] = []
        current: list[_Node] = []
        while pos < len(tokens):
            token = tokens[pos]
            pos += 1
            if token == "[":
                current.append(_Alt(sequence(nested=True)))
            elif token == "]":
                if not nested:
                    raise TemplateError(f"unbalanced ']' in {template!r}")
                options.append(tuple(current))
                return tuple(options)
            elif token == "|":
                if not nested:
                    raise TemplateError(f"'|' outside brackets in {template!r}")
                options.append(tuple(current))
                current = []
            elif token.startswith("{"):
                current.append(_Slot(token[1:-1]))
            else:
                current.append(_Lit(token))
        if nested:
            raise TemplateError(f"unbalanced '[' in {template!r}")
        options.append(tuple(current))
        return tuple(options)

    return sequence(nested=False)[0]


def slots_of(nodes: Sequence[_Node]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, _Slot):
            found.add(node.name)
        elif isinstance(node, _Alt):
            for option in node.options:
                found |= slots_of(option)
    return found


def expand(
    nodes: Sequence[_Node], fillers: Mapping[str, Filler], rng: random.Random
) -> list[Piece]:
    pieces: list[Piece] = []
    for node in nodes:
        if isinstance(node, _Lit):
            pieces.append(Piece(node.text))
        elif isinstance(node, _Slot):
            pieces.extend(fillers[node.name](rng))
        else:
            pieces.extend(expand(rng.choice(node.options), fillers, rng))
    return pieces


def assemble(pieces: Sequence[Piece], intent: str) -> Example:
    """Join pieces, collapsing doubled spaces and spaces before punctuation, keeping offsets."""
    text = ""
    spans: list[Span] = []
    for piece in pieces:
        chunk = piece.text
        if piece.label is None:
            chunk = re.sub(r" {2,}", " ", chunk)
            if text.endswith(" ") or not text or re.match(r" +[,.?!:;]", chunk):
                chunk = chunk.lstrip(" ")
            if chunk[:1] in {",", ".", "?", "!", ":", ";"} and text.endswith(" "):
                text = text.rstrip(" ")
            text += chunk
            continue
        if not chunk:
            continue
        if (
            text
            and not text.endswith((" ", "(", '"', "'", "#", "@"))
            and chunk[0].isalnum()
            and text[-1].isalnum()
        ):
            text += " "
        spans.append(Span(len(text), len(text) + len(chunk), piece.label))
        text += chunk
    stripped = text.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    kept = [Span(s.start - lead, s.end - lead, s.label) for s in spans]
    return Example(stripped.lstrip(), intent, tuple(kept))
