"""What the chat service needs of a command parser, and how it gets one.

The hybrid parser (`assistant/commands`) is reached only through `TurnParser`, so the service
runs (and is tested) whatever parser is plugged in: the real `CommandParser`, or, where the
commands package or the NLU model is missing, a parser that treats every message as chat.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

from assistant.procedures.context import Principal

log = logging.getLogger(__name__)

Path = Literal["classifier", "llm", "clarify"]


@dataclass(frozen=True, slots=True)
class PageContext:
    """Where the user is: the page, and the contact being viewed."""

    page: str = ""
    contact_id: int | None = None
    locale: str = ""
    """The browser's language tag ("en-US"): how replies write dates and times."""

    def as_dict(self) -> dict[str, Any]:
        return {"page": self.page, "contact_id": self.contact_id, "locale": self.locale}


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """DESIGN.md section 5's parse output; `raw` is the parser's own object, handed back to it
    when the user answers a question."""

    intent: str
    confidence: float = 0.0
    path: Path = "clarify"
    args: dict[str, Any] = field(default_factory=dict)
    resolved: dict[str, Any] | None = None
    missing: list[str] = field(default_factory=list)
    question: str | None = None
    candidates: list[dict[str, str]] = field(default_factory=list)
    """The question's choices: [{label, reply}], `reply` being the answer that picks it."""
    pending: dict[str, Any] | None = None
    """The parser's own state for answering `question` (JSON), if it keeps one."""
    raw: Any = field(default=None, compare=False, repr=False)

    @property
    def is_chat(self) -> bool:
        return self.intent == "chat"

    @property
    def needs_answer(self) -> bool:
        return self.question is not None or (not self.is_chat and self.resolved is None)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("raw")
        return data

    @classmethod
    def of(cls, result: Any) -> ParseOutcome:
        """From a mapping or an object with the documented attributes (pydantic, dataclass)."""
        if isinstance(result, ParseOutcome):
            return result
        get = result.get if isinstance(result, dict) else lambda k, d=None: getattr(result, k, d)
        path = get("path", "clarify")
        return cls(
            intent=str(get("intent", "chat") or "chat"),
            confidence=float(get("confidence", 0.0) or 0.0),
            path=path if path in ("classifier", "llm", "clarify") else "clarify",
            args=dict(get("args", None) or {}),
            resolved=dict(resolved) if (resolved := get("resolved", None)) is not None else None,
            missing=list(get("missing", None) or []),
            question=get("question", None),
            candidates=choices(get("candidates", None) or []),
            pending=dict(pending) if (pending := get("pending", None)) is not None else None,
            raw=result,
        )


def choices(candidates: Any) -> list[dict[str, str]]:
    """A parser's candidates ({id, label}) as buttons: the label is the answer when no other
    candidate shares it, else the number ("2"), which the parser reads as that choice."""
    found = [c if isinstance(c, dict) else {"label": getattr(c, "label", "")} for c in candidates]
    if found and all("reply" in c for c in found):  # already buttons (a stored question)
        return [{"label": str(c["label"]), "reply": str(c["reply"])} for c in found]
    labels = [" ".join(str(c.get("label", "")).split()) for c in found]
    folded = [label.casefold() for label in labels]
    return [
        {
            "label": label,
            "reply": label if label and folded.count(label.casefold()) == 1 else str(i),
        }
        for i, label in enumerate(labels, 1)
    ]


class TurnParser(Protocol):
    """The parser as the chat service sees it."""

    @property
    def status(self) -> str:
        """One line for /readyz: what the parser can do here."""
        ...

    async def parse(
        self, text: str, principal: Principal, context: PageContext
    ) -> ParseOutcome: ...

    async def answer(
        self, pending: ParseOutcome, text: str, principal: Principal, context: PageContext
    ) -> ParseOutcome:
        """The user's reply to `pending.question`."""
        ...


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class ChatOnlyParser:
    """Every message is chat: used when no command parser can be built."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @property
    def status(self) -> str:
        return f"chat only: {self.reason}"

    async def parse(self, text: str, principal: Principal, context: PageContext) -> ParseOutcome:
        return ParseOutcome(intent="chat", path="llm")

    async def answer(
        self, pending: ParseOutcome, text: str, principal: Principal, context: PageContext
    ) -> ParseOutcome:
        return await self.parse(text, principal, context)


class CommandParserAdapter:
    """`assistant.commands.CommandParser` behind `TurnParser`."""

    def __init__(self, parser: Any, status: str) -> None:
        self._parser = parser
        self._status = status

    @property
    def status(self) -> str:
        return self._status

    async def parse(self, text: str, principal: Principal, context: PageContext) -> ParseOutcome:
        result = await _maybe_await(self._parser.parse(text, principal, context.as_dict()))
        return ParseOutcome.of(result)

    async def answer(
        self, pending: ParseOutcome, text: str, principal: Principal, context: PageContext
    ) -> ParseOutcome:
        if pending.pending is None:  # a question with nothing to finish (e.g. "you may not")
            return await self.parse(text, principal, context)
        result = await _maybe_await(
            self._parser.answer_clarification(pending.pending, text, principal, context.as_dict())
        )
        return ParseOutcome.of(result)


def build_parser(**deps: Any) -> TurnParser:
    """The hybrid parser with what this process has (NLU model, engine, DB), or chat-only.

    `deps` are offered to `CommandParser`'s constructor by name (settings, runtime, registry,
    engine, nlu, executor); it takes the ones it declares.
    """
    if importlib.util.find_spec("assistant.commands") is None:
        return ChatOnlyParser("the command parser (assistant.commands) is not installed")
    module = importlib.import_module("assistant.commands")
    parser_cls = getattr(module, "CommandParser", None)
    if parser_cls is None:
        return ChatOnlyParser("assistant.commands has no CommandParser")
    settings = deps.get("settings")
    nlu = None
    nlu_note = "classifier off"
    nlu_dir = getattr(settings, "nlu_dir", None)
    if nlu_dir is not None and (nlu_dir / "config.cfg").is_file():
        from assistant.nlu.model import NLUModel

        nlu = NLUModel(nlu_dir)
        nlu_note = f"classifier {nlu_dir}"
    else:
        nlu_note = f"no classifier: no NLU model at {nlu_dir} (run `assistant nlu build`)"
        log.warning("chat: %s", nlu_note)
    deps["nlu"] = nlu
    deps["model"] = nlu
    params = inspect.signature(parser_cls).parameters
    kwargs = {name: value for name, value in deps.items() if name in params}
    parser = parser_cls(**kwargs)
    engine = deps.get("engine")
    llm = f"llm {engine.name}" if engine is not None else "no llm"
    return CommandParserAdapter(parser, f"hybrid: {nlu_note}; {llm}")
