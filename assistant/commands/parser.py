"""The hybrid parser: classifier fast path -> LLM over top-k candidates -> a clarifying question.

The classifier reads the message with the clinic's known contacts (`KnownValues`, shared with
the log scrubber) and its command words spell-checked. A confident reading whose required
arguments resolve is a call in milliseconds, except that a destructive one (delete, merge,
cancel, send) also needs a clear margin over the runner-up (commands/confirm.py). Otherwise
the LLM picks among the classifier's top candidates (only procedures the caller's role may
run) with mention-level tools; with no LLM, or for a destructive reading without that margin,
the user gets one yes/no question naming the top reading. When a mention is ambiguous the
user is asked too; `answer_clarification` finishes the parse from the answer. A task names
its client through the known contacts found in the text (`linked`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.clock import Clock
from assistant.commands import clarify, confirm, dates
from assistant.commands.extract import mentions_from_nlu
from assistant.commands.fill import Ask, Env, Filled, fill
from assistant.commands.llm import LLMOptions, ask_llm
from assistant.commands.page import PageContext
from assistant.commands.result import Candidate, ParsePath, ParseResult, Pending
from assistant.crm.known_values import KnownContact, KnownValues
from assistant.db.models import Contact
from assistant.procedures.command import Command
from assistant.procedures.context import Principal
from assistant.procedures.registry import CHAT, Procedure, Registry, as_asked
from assistant.remote.scope import call_scope
from inference.base import Engine

if TYPE_CHECKING:
    from assistant.nlu.contacts import ContactIndex
    from assistant.nlu.model import NLUModel, NLUResult

DATE_KINDS = frozenset({"when", "range", "before", "day", "record"})


class CommandParser:
    """Build one per process (it holds the NLU model and engine); `parse` is safe to share."""

    def __init__(
        self,
        nlu: NLUModel | None,
        engine: Engine | None,
        registry: Registry,
        sessions: async_sessionmaker[AsyncSession] | None,
        clock: Clock,
        *,
        top_k: int = 4,
        llm_options: LLMOptions | None = None,
        known: KnownValues | None = None,
        margin: float = confirm.MARGIN,
    ) -> None:
        self.nlu = nlu
        self.engine = engine
        self.registry = registry
        self.sessions = sessions
        self.clock = clock
        self.top_k = top_k
        self.llm_options = llm_options or LLMOptions()
        self.margin = margin
        """A destructive reading's lead over the runner-up needed to act without asking."""
        self.known = known or KnownValues()
        """The clinic's contacts (shared with the log scrubber where the process has one)."""

    def allowed(self, principal: Principal) -> list[Procedure]:
        """Procedures this parser can fill and the principal's role may call."""
        return [p for p in self.registry.commands() if principal.role in p.roles]

    @property
    def status(self) -> str:
        """One line for /readyz: what this parser can do here."""
        nlu = f"classifier {self.nlu.path}" if self.nlu is not None else "no classifier"
        llm = f"llm {self.engine.name}" if self.engine is not None else "no llm"
        return f"hybrid: {nlu}; {llm}"

    async def parse(
        self, text: str, principal: Principal, context: PageContext | None = None
    ) -> ParseResult:
        text = " ".join(text.split())
        ctx = context or PageContext()
        if not text:
            return _chat(0.0, "clarify", "What would you like me to do?")
        result = None
        if self.nlu is not None:
            result = self.nlu.parse(text, known=await self._known_index())
        first_try: ParseResult | None = None
        if result is not None and self.nlu is not None:
            confident = self.nlu.accepts(result)
            if result.intent == CHAT and (confident or self.engine is None):
                return _chat(result.confidence, "classifier")
            proc = self.registry.get(result.intent)
            if proc is not None and proc.command is not None:
                mentions = mentions_from_nlu(proc.command, result, text)
                unsure = not confident and self.engine is None
                if unsure or (confident and not confirm.clear(result, self.margin)):
                    return await self._confirm(proc, mentions, principal, result, text)
                if confident:
                    first_try = await self._complete(
                        proc.name, mentions, principal, ctx, text, "classifier",
                        result.confidence, linked=_linked(result),
                    )  # fmt: skip
                    asked = Pending.model_validate(first_try.pending) if first_try.pending else None
                    if asked is None or asked.kind == "choose" or self.engine is None:
                        return first_try
        if self.engine is not None:
            llm = await self._llm(text, principal, ctx, result)
            if llm is not None:
                return llm
        return first_try or self._ask_intent(text, principal, result)

    async def _known_index(self) -> ContactIndex | None:
        """The clinic's contacts as a matcher, reloaded only when they changed."""
        if self.sessions is None:
            return None
        async with self.sessions() as session:
            await self.known.refresh(session)
        return self.known.derived(contact_index) if self.known.contacts else None

    async def _confirm(
        self,
        proc: Procedure,
        mentions: dict[str, Any],
        principal: Principal,
        result: NLUResult,
        text: str,
    ) -> ParseResult:
        """One yes/no question naming the classifier's top reading (confirm.py)."""
        if principal.role not in proc.roles:
            return _denied(proc, principal, result.confidence)
        names = confirm.names_for(mentions, self._canonical(result))
        pending = Pending(
            kind="confirm", intent=proc.name, path="classifier", confidence=result.confidence,
            text=text, mentions=mentions, candidates=list(confirm.BUTTONS), linked=_linked(result),
        )  # fmt: skip
        return ParseResult(
            intent=proc.name,
            confidence=result.confidence,
            path="clarify",
            args=dict(mentions),
            question=confirm.question(proc, names),
            candidates=list(confirm.BUTTONS),
            pending=pending.model_dump(mode="json"),
        )

    def _canonical(self, result: NLUResult) -> dict[str, str]:
        """Mention as written -> the known contact's name as stored, for one-contact matches."""
        by_id = {c.id: f"{c.first_name} {c.last_name}".strip() for c in self.known.contacts}
        out: dict[str, str] = {}
        for match in result.known:
            if match.one is not None and match.one in by_id:
                for entity in result.entities:
                    if entity.start < match.end and match.start < entity.end:
                        out[entity.text] = by_id[match.one]
        return out

    async def answer(
        self,
        asked: ParseResult,
        text: str,
        principal: Principal,
        context: PageContext | None = None,
    ) -> ParseResult:
        """The user's reply to `asked.question`; a question with nothing to finish (e.g. "you
        may not") is answered by parsing the reply as a new request."""
        if asked.pending is None:
            return await self.parse(text, principal, context)
        return await self.answer_clarification(asked.pending, text, principal, context)

    async def answer_clarification(
        self,
        pending: Mapping[str, Any],
        text: str,
        principal: Principal,
        context: PageContext | None = None,
    ) -> ParseResult:
        """Finish the parse that asked `pending`'s question with the user's answer."""
        asked = Pending.model_validate(pending)
        answer = " ".join(text.split())
        ctx = context or PageContext()
        if clarify.is_cancel(answer):
            return _chat(1.0, "classifier")
        if asked.kind == "value":
            return await self._answer_value(asked, answer, principal, ctx)
        if asked.kind == "confirm":
            return await self._answer_confirm(asked, answer, principal, ctx)
        choice = clarify.pick(asked.candidates, answer)
        if (
            choice is not None
            and asked.slot is not None
            and self._new_request(asked, answer, choice)
        ):
            return await self.parse(answer, principal, ctx)
        if choice is None:
            if len(answer.split()) >= 4:  # a new request rather than an answer
                return await self.parse(answer, principal, ctx)
            return _again(asked)
        if asked.kind == "intent":
            intent = str(choice.id)
            proc = self.registry.get(intent)
            if proc is None or proc.command is None:
                return _again(asked)
            mentions = self._nlu_mentions(proc.command, asked.text)
            return await self._complete(
                intent, mentions, principal, ctx, asked.text, "classifier", asked.confidence
            )
        assert asked.slot is not None
        chosen = {**asked.chosen, asked.slot: int(choice.id)}
        return await self._complete(
            asked.intent, asked.mentions, principal, ctx, asked.text, asked.path,
            asked.confidence, chosen, linked=asked.linked,
        )  # fmt: skip

    def _new_request(self, asked: Pending, answer: str, choice: Candidate) -> bool:
        """An answer that names a candidate inside a request of its own is that request:
        "delete Sam Lee", said to "which Sam?" of "show me Sam", deletes (with its approval)
        rather than showing Sam Lee and dropping the delete."""
        if self.nlu is None or not clarify.beyond(choice, answer):
            return False
        result = self.nlu.parse(answer)
        return result.intent not in (CHAT, asked.intent) and self.nlu.accepts(result)

    async def _answer_confirm(
        self, asked: Pending, answer: str, principal: Principal, ctx: PageContext
    ) -> ParseResult:
        said = confirm.answer(answer)
        if said == confirm.YES:
            return await self._complete(
                asked.intent, asked.mentions, principal, ctx, asked.text, asked.path,
                asked.confidence, linked=asked.linked,
            )  # fmt: skip
        if said == confirm.NO:
            return _chat(1.0, "clarify", "OK, I won't. What would you like me to do?")
        if len(answer.split()) >= 3:  # a new request rather than an answer
            return await self.parse(answer, principal, ctx)
        return _again(asked)

    async def _answer_value(
        self, asked: Pending, answer: str, principal: Principal, ctx: PageContext
    ) -> ParseResult:
        if asked.slot is None:  # e.g. "what should I change?": read the whole request again
            return await self.parse(f"{asked.text} {answer}", principal, ctx)
        proc = self.registry.get(asked.intent)
        slot = proc.command.slot(asked.slot) if proc is not None and proc.command else None
        mentions, chosen = dict(asked.mentions), dict(asked.chosen)
        chosen.pop(asked.slot, None)
        if slot is not None and not slot.required and clarify.is_none(answer):
            mentions.pop(asked.slot, None)
        elif slot is not None and slot.kind in DATE_KINDS:
            previous = mentions.get(asked.slot)
            tz = principal.timezone or "UTC"
            mentions[asked.slot] = dates.merge_answer(previous, answer, self.clock.now(), tz)
        else:
            mentions[asked.slot] = answer
        return await self._complete(
            asked.intent, mentions, principal, ctx, asked.text, asked.path, asked.confidence,
            chosen, linked=asked.linked,
        )  # fmt: skip

    def _nlu_mentions(self, spec: Command, text: str) -> dict[str, Any]:
        if self.nlu is None:
            return {}
        return mentions_from_nlu(spec, self.nlu.parse(text), text)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession | None]:
        if self.sessions is None:
            yield None
            return
        async with self.sessions() as session:
            yield session

    async def _complete(
        self,
        intent: str,
        mentions: dict[str, Any],
        principal: Principal,
        ctx: PageContext,
        text: str,
        path: ParsePath,
        confidence: float,
        chosen: dict[str, int] | None = None,
        *,
        linked: int | None = None,
    ) -> ParseResult:
        """Fill, resolve and validate `intent`'s arguments; a question when that fails.
        `linked`: the one known contact the text names (a task's client)."""
        proc = self.registry.get(intent)
        if proc is None or proc.command is None:
            return _chat(confidence, "clarify", "I can't do that here yet.")
        if principal.role not in proc.roles:
            return _denied(proc, principal, confidence)
        async with self._session() as session:
            env = Env(
                principal, self.clock.now(), text, session, ctx.contact_id, dict(chosen or {}),
                linked=linked,
            )  # fmt: skip
            filled = await fill(proc, mentions, env)
        pending = Pending(
            kind="value", intent=intent, path=path, confidence=confidence, text=text,
            mentions=mentions, chosen=dict(chosen or {}), linked=linked,
        )  # fmt: skip
        if filled.ask is not None:
            return _question(intent, confidence, filled, filled.ask, pending)
        if filled.offline:
            return ParseResult(intent=intent, confidence=confidence, path=path, args=filled.args)
        # A record's contact only helped find it: keep what the procedure takes.
        fields = proc.input.model_fields
        resolved = {k: v for k, v in filled.resolved.items() if k in fields}
        try:
            model = proc.input.model_validate(resolved)
        except ValidationError as exc:
            return _question(intent, confidence, filled, _invalid(proc.command, exc), pending)
        return ParseResult(
            intent=intent,
            confidence=confidence,
            path=path,
            args=filled.args,
            resolved=model.model_dump(mode="json", exclude_unset=True),
        )

    async def _llm(
        self,
        text: str,
        principal: Principal,
        ctx: PageContext,
        result: NLUResult | None,
    ) -> ParseResult | None:
        assert self.engine is not None
        allowed = self.allowed(principal)
        if result is not None:
            names = [name for name, _ in result.ranking]
            ranked = sorted(
                (p for p in allowed if p.name in names), key=lambda p: names.index(p.name)
            )
            candidates = ranked[: self.top_k] or allowed
        else:
            candidates = allowed
        page_contact = await self._page_name(ctx)
        with call_scope("tools", principal.user_id) as scope:
            choice = await ask_llm(
                self.engine,
                text,
                candidates,
                now=self.clock.now(),
                tz=principal.timezone or "UTC",
                page_contact=page_contact,
                options=self.llm_options,
            )
        if choice is None:
            return None
        scores = dict(result.ranking) if result is not None else {}
        confidence = float(scores.get(choice.intent, 0.0))
        parsed = (
            _chat(confidence, "llm")
            if choice.intent == CHAT
            else await self._complete(
                choice.intent, choice.mentions, principal, ctx, text, "llm", confidence
            )
        )
        parsed.provider, parsed.masked = scope.provider, scope.masked
        return parsed

    async def _page_name(self, ctx: PageContext) -> str | None:
        page = ctx.contact_id
        if page is None:
            return None
        async with self._session() as session:
            contact = await session.get(Contact, page) if session is not None else None
        return f"{contact.first_name} {contact.last_name}".strip() if contact else None

    def _ask_intent(self, text: str, principal: Principal, result: NLUResult | None) -> ParseResult:
        """No confident classifier and no LLM: offer the classifier's best procedures."""
        allowed = {p.name: p for p in self.allowed(principal)}
        ranked = [(n, s) for n, s in (result.ranking if result else []) if n in allowed][:3]
        if not ranked:
            return _chat(0.0, "clarify", "I'm not sure what you'd like me to do. Please rephrase.")
        options = [Candidate(id=n, label=allowed[n].summary) for n, _ in ranked]
        listed = " ".join(f"{i}. {c.label}" for i, c in enumerate(options, 1))
        pending = Pending(
            kind="intent", intent=ranked[0][0], path="clarify", confidence=ranked[0][1],
            text=text, candidates=options,
        )  # fmt: skip
        return ParseResult(
            intent=ranked[0][0],
            confidence=ranked[0][1],
            path="clarify",
            question=f"Did you mean: {listed}?",
            candidates=options,
            pending=pending.model_dump(mode="json"),
        )


def _linked(result: NLUResult) -> int | None:
    from assistant.nlu.contacts import linked

    return linked(result.known)


def _chat(confidence: float, path: ParsePath, question: str | None = None) -> ParseResult:
    return ParseResult(intent=CHAT, confidence=confidence, path=path, question=question)


def _denied(proc: Procedure, principal: Principal, confidence: float) -> ParseResult:
    role = principal.role.value.replace("_", " ")
    return ParseResult(
        intent=proc.name,
        confidence=confidence,
        path="clarify",
        question=f"As {role}, you may not {as_asked(proc.summary)}.",
    )


def _question(
    intent: str, confidence: float, filled: Filled, ask: Ask, pending: Pending
) -> ParseResult:
    waiting = pending.model_copy(
        update={"kind": ask.kind, "slot": ask.slot, "candidates": list(ask.candidates)}
    )
    return ParseResult(
        intent=intent,
        confidence=confidence,
        path="clarify",
        args=filled.args,
        missing=[ask.slot] if ask.kind == "value" and ask.slot else [],
        question=ask.question,
        candidates=list(ask.candidates),
        pending=waiting.model_dump(mode="json"),
    )


def _invalid(command: Command, exc: ValidationError) -> Ask:
    """The first validation error as a question about the mention that produced it."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else ""
    message = str(error["msg"]).removeprefix("Value error, ")
    slot = next((s for s in command.slots if field and field in s.target), None)
    if slot is None:
        return Ask(None, f"I can't do that: {message}. What should I change?")
    label = slot.name.replace("_", " ")
    follow = slot.question or f"What should the {label} be?"
    return Ask(slot.name, f"That {label} doesn't look right ({message}). {follow}")


def _again(asked: Pending) -> ParseResult:
    listed = " ".join(f"{i}. {c.label}" for i, c in enumerate(asked.candidates, 1))
    return ParseResult(
        intent=asked.intent,
        confidence=asked.confidence,
        path="clarify",
        args=dict(asked.mentions),
        question=f"Sorry, which one? {listed}",
        candidates=list(asked.candidates),
        pending=asked.model_dump(mode="json"),
    )


def contact_index(contacts: tuple[KnownContact, ...]) -> ContactIndex:
    """The known contacts as the classifier's matcher (built once per snapshot)."""
    from assistant.nlu.contacts import ContactIndex  # spaCy's side, loaded with the model

    return ContactIndex((c.id, c.first_name, c.last_name) for c in contacts)
