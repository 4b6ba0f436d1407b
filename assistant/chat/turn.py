"""The turn decision: given the parse, ask, act (or propose) or chat, and say so.

`Turn.run` is one whole turn against a transcript, emitting events as it goes: the user's
message is stored, the parser reads it (or the answer to a pending question), and the reply
is a question, a procedure run through the executor (a critical one becomes an approval
request), or a model's answer. Running it in a task and streaming its events is
assistant/chat/service.py's part.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.chat import (
    capabilities,
    grounding,
    hosted_notice,
    prompts,
    templates,
    undoing,
    wording,
)
from assistant.chat import events as ev
from assistant.chat.events import ChatEvent
from assistant.chat.parsing import PageContext, ParseResult, TurnParser, choices
from assistant.chat.transcript import Ending, Transcript
from assistant.errors import AppError
from assistant.ops.tracing import Span
from assistant.procedures.context import Origin, Principal
from assistant.procedures.executor import Confirm, Done, Executor, Pending, confirm_event
from assistant.procedures.registry import Procedure
from assistant.remote.errors import QuotaExceeded
from assistant.remote.scope import CallScope, call_scope
from assistant.runtime import Runtime
from inference.base import (
    ChatRequest,
    ContextOverflow,
    Engine,
    GenerationCancelled,
    InferenceError,
    Message,
    TextDelta,
    Usage,
)
from inference.base import Done as EngineDone

Emit = Callable[[ChatEvent], None]


@dataclass(frozen=True, slots=True)
class TurnInput:
    message: str
    context: PageContext = field(default_factory=PageContext)


@dataclass
class Reply:
    """What a turn accumulates for the stored reply and message.done."""

    emit: Emit
    parts: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    finish: str = "stop"
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    )
    timings: dict[str, float] = field(default_factory=dict)
    clinical: list[str] = field(default_factory=list)  # note texts the prompt holds
    provider: str | None = None  # the hosted provider that answered, if one did

    def say(self, text: str) -> None:
        self.parts.append(text)
        self.emit(ev.delta(text))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def title_for(outcome: ParseResult, proc: Procedure | None, text: str) -> str:
    """A short title: the procedure and whom it is about, or the message's first line."""
    if proc is not None:
        who = outcome.args.get("contact")
        return f"{proc.summary}: {who}" if isinstance(who, str) and who else proc.summary
    first = text.strip().splitlines()[0] if text.strip() else "Conversation"
    return first if len(first) <= 60 else first[:57].rstrip() + "..."


class Turn:
    """What one turn needs: the runtime, the executor, the engine (or none) and the parser."""

    def __init__(
        self,
        runtime: Runtime,
        executor: Executor,
        engine: Engine | None,
        parser: TurnParser,
        engine_status: str,
    ) -> None:
        self.rt = runtime
        self.executor = executor
        self.engine = engine
        self.parser = parser
        self.engine_status = engine_status

    async def run(
        self,
        principal: Principal,
        turn: TurnInput,
        transcript: Transcript,
        emit: Emit,
        cancel: threading.Event,
    ) -> None:
        """One turn, traced as `chat.turn` (ids, names of code and timings only)."""
        with self.rt.tracing.span("chat.turn", user_id=principal.user_id) as span:
            await self._run(principal, turn, transcript, emit, cancel, span)

    async def _run(
        self,
        principal: Principal,
        turn: TurnInput,
        transcript: Transcript,
        emit: Emit,
        cancel: threading.Event,
        span: Span,
    ) -> None:
        started = time.perf_counter()
        message_id, created = await transcript.begin(turn.message, turn.context)
        history = await transcript.history()
        conversation_id = getattr(transcript, "conversation_id", 0)
        span.set(conversation_id=conversation_id or None, message_id=message_id or None)
        origin = Origin(conversation_id or None, message_id or None)
        emit(ev.turn_start(conversation_id, message_id, created))
        reply = Reply(emit)

        pending = await transcript.pending()
        quota: QuotaExceeded | None = None
        t0 = time.perf_counter()
        with self.rt.tracing.span("chat.parse") as parsing:
            if capabilities.asks(turn.message):  # answered from the registry, not a model
                outcome = ParseResult(intent="chat", confidence=1.0, path="classifier")
            elif undoing.asks(turn.message):  # "undo that": a rule, before any classifier
                outcome = await undoing.outcome(self.rt, principal.user_id, origin.conversation_id)
            else:
                try:
                    outcome = await (
                        self.parser.answer(pending, turn.message, principal, turn.context)
                        if pending is not None
                        else self.parser.parse(turn.message, principal, turn.context)
                    )
                except QuotaExceeded as exc:  # the parser's model call: said below, as an error
                    outcome, quota = ParseResult(intent="chat", path="llm"), exc
            parsing.set(intent=outcome.intent, path=outcome.path, provider=outcome.provider,
                        confidence=outcome.confidence)  # fmt: skip
        reply.timings["parse_ms"] = _ms(t0)
        reply.meta.update(intent=outcome.intent, path=outcome.path)
        proc = None if outcome.is_chat else self.executor.registry.get(outcome.intent)
        ending = Ending("", "complete", reply.meta, title_for(outcome, proc, turn.message))

        try:
            if quota is not None:
                raise quota
            if outcome.needs_answer:
                reply.meta.update(kind="question", missing=list(outcome.missing))
                asked = templates.question_reply(outcome.question, outcome.missing)
                if outcome.is_chat and self.engine is None:  # the parser could not tell
                    asked += "\n\n" + templates.no_engine_reply(self.engine_status)
                reply.say(asked)
                emit(ev.question_asked(asked, choices(outcome.candidates)))
                reply.finish = "question"
                ending.pending = outcome
            elif proc is None:
                reply.meta["kind"] = "chat"
                await self._chat_reply(principal, turn, history, reply, cancel, origin)
            elif found := grounding.ungrounded(
                proc,
                outcome,
                grounding.trusted_texts(turn.message, pending),
                turn.context.contact_id,
            ):
                reply.meta.update(kind="refused", ungrounded=sorted({u.slot for u in found}))
                reply.say(grounding.refusal(found))
            else:
                await self._act(principal, turn, history, proc, outcome, reply, cancel, origin)
        except GenerationCancelled:
            ending.status = "interrupted"
        except QuotaExceeded as exc:
            ending.status = "error"
            reply.meta["error"] = type(exc).__name__
            emit(hosted_notice.quota_error(exc))
        except InferenceError as exc:
            ending.status = "error"
            reply.meta["error"] = type(exc).__name__
            code, retryable = (
                ("context_overflow", False)
                if isinstance(exc, ContextOverflow)
                else ("engine_error", True)
            )
            emit(ev.message_error(code, f"the language model failed: {exc}", retryable))
        if outcome.provider is not None and ending.status == "complete":
            self._parsed_by_hosted(outcome, history, reply)
        reply.timings["total_ms"] = _ms(started)
        span.set(
            intent=outcome.intent, kind=reply.meta.get("kind"), status=ending.status,
            finish_reason=reply.finish, provider=reply.provider,
            **{k: v for k, v in reply.timings.items() if k.endswith("_ms")},
        )  # fmt: skip
        reply.meta.update(finish_reason=reply.finish, usage=reply.usage)
        ending.text = reply.text
        reply_id = await transcript.finish(ending)
        if ending.status == "complete":
            emit(
                ev.message_done(
                    reply_id, reply.finish, reply.usage, reply.timings, provider=reply.provider
                )
            )

    @staticmethod
    def _parsed_by_hosted(outcome: ParseResult, history: Sequence[Message], reply: Reply) -> None:
        """The parser's model step went to a hosted provider: the turn says so like a hosted
        reply does (once per conversation), and `message.done` names the provider."""
        reply.provider = reply.provider or outcome.provider
        reply.meta["provider"] = reply.provider
        said = hosted_notice.MARK in reply.text
        if not said and hosted_notice.first_in_conversation(history):
            scope = CallScope("tools", provider=outcome.provider, masked=outcome.masked)
            reply.say(hosted_notice.text(scope))

    async def _act(
        self,
        principal: Principal,
        turn: TurnInput,
        history: Sequence[Message],
        proc: Procedure,
        outcome: ParseResult,
        reply: Reply,
        cancel: threading.Event,
        origin: Origin,
    ) -> None:
        resolved = dict(outcome.resolved or {})
        reply.emit(ev.tool_call(proc.name, outcome.args, resolved))
        reply.meta["kind"] = "action"
        t0 = time.perf_counter()
        try:
            with self.rt.tracing.span("chat.act", procedure=proc.name) as acting:
                result = await self.executor.call(
                    principal, proc.name, resolved, source="chat", origin=origin
                )
                acting.set(outcome=type(result).__name__.lower())
        except AppError as exc:
            reply.timings["action_ms"] = _ms(t0)
            reply.meta["actions"] = [
                {"procedure": proc.name, "ok": False, "summary": exc.message, "records": []}
            ]
            failed = exc.extra.get("action_id")  # its `failed` row in the ledger, if kept
            reply.emit(ev.action_result(proc.name, False, exc.message, [], failed))
            reply.say(templates.failure_reply(proc, exc.message))
            return
        reply.timings["action_ms"] = _ms(t0)
        if isinstance(result, Pending):
            approval = result.approval
            reply.meta.update(kind="approval", approvals=[approval.approval_id])
            reply.emit(ev.approval_required(approval))
            reply.say(templates.approval_reply(proc, approval))
            reply.finish = "approval"
            return
        if isinstance(result, Confirm):
            action = result.action
            reply.meta.update(kind="confirm", confirms=[action.action_id])
            reply.emit(ev.confirm_required(confirm_event(action, proc.summary)))
            reply.say(templates.confirm_reply(proc, action))
            reply.finish = "confirm"
            return
        assert isinstance(result, Done)
        said = await wording.describe(
            self.rt, principal, turn.context.locale, proc, result.output, resolved,
            ev.records(result.records, result.output),
        )  # fmt: skip
        summary, recs = said.summary, said.records
        reply.meta["actions"] = [
            {"procedure": proc.name, "ok": True, "summary": summary, "records": recs,
             "action_id": result.action_id, "undo": result.undo}
        ]  # fmt: skip
        reply.emit(ev.action_result(proc.name, True, summary, recs, result.action_id, result.undo))
        if templates.is_read(proc) and self.engine is not None:
            data = prompts.fence(f"result of {proc.name}", result.output.model_dump(mode="json"))
            await self._generate(principal, turn, history, [data], reply, cancel)
        else:
            reply.say(said.reply)

    async def _chat_reply(
        self,
        principal: Principal,
        turn: TurnInput,
        history: Sequence[Message],
        reply: Reply,
        cancel: threading.Event,
        origin: Origin,
    ) -> None:
        if capabilities.asks(turn.message):
            reply.say(capabilities.reply(self.executor.registry, principal.role))
            return
        if undoing.asks(turn.message):
            reply.say(undoing.NOTHING)
            return
        if self.engine is None:
            reply.say(templates.no_engine_reply(self.engine_status))
            return
        blocks = await self._page_blocks(principal, turn.context, origin, reply)
        await self._generate(principal, turn, history, blocks, reply, cancel)

    async def _page_blocks(
        self, principal: Principal, context: PageContext, origin: Origin, reply: Reply
    ) -> list[str]:
        """The viewed contact (and, for clinical roles, recent notes), with the user's rights."""
        if context.contact_id is None:
            return []
        args = {"contact_id": context.contact_id}
        try:
            contact = await self.executor.call(
                principal, "contacts.get", args, source="chat", origin=origin, record=False
            )
        except AppError:
            return []
        if not isinstance(contact, Done):  # a clinic may make even reads wait: no context then
            return []
        shown = contact.output.model_dump(
            mode="json",
            exclude={"enrichment", "version", "created_at", "updated_at"},
            exclude_none=True,
        )
        # The page name comes from the browser (a link can set it): data, not instructions.
        page = prompts.fence("page being viewed", context.page or "contact")
        blocks = [page, prompts.fence("contact being viewed", shown)]
        if shown.get("profile_summary"):  # written from the notes: clinical text too
            reply.clinical.append(str(shown["profile_summary"]))
        if principal.reads_clinical_text:
            notes = await self.executor.call(
                principal, "notes.list", {**args, "limit": 5}, source="chat", origin=origin,
                record=False,
            )  # fmt: skip
            if not isinstance(notes, Done):
                return blocks
            items = notes.output.model_dump(mode="json")["items"]
            recent = [{"created_at": n["created_at"], "body": n["body"]} for n in items]
            reply.clinical.extend(n["body"] for n in items)
            blocks.append(prompts.fence("recent notes on this contact", recent))
        return blocks

    def _count(self, engine: Engine) -> Callable[[Sequence[Message]], int]:
        counter = getattr(engine, "prompt_tokens", None)

        def count(messages: Sequence[Message]) -> int:
            if counter is not None:
                n = counter(ChatRequest(messages=messages))
                return n if isinstance(n, int) else len(n)
            return sum(prompts.estimate_tokens(str(m.get("content") or "")) for m in messages)

        return count

    async def _generate(
        self,
        principal: Principal,
        turn: TurnInput,
        history: Sequence[Message],
        blocks: list[str],
        reply: Reply,
        cancel: threading.Event,
    ) -> None:
        engine = self.engine
        assert engine is not None
        llm = self.rt.settings.llm
        system = prompts.system_message(principal.email, principal.role.value, blocks)
        current: Message = {"role": "user", "content": turn.message}
        budget = llm.n_ctx - llm.max_tokens
        # Counting tokens is CPU work over the whole history: never on the event loop.
        messages = await asyncio.to_thread(
            prompts.trim_history, system, history, current, budget, self._count(engine)
        )
        req = ChatRequest(messages=messages, max_tokens=llm.max_tokens, seed=llm.seed,
                          cancel=cancel)  # fmt: skip
        t0 = time.perf_counter()
        with (
            self.rt.tracing.span("chat.generate", engine=engine.name) as generating,
            call_scope("chat", principal.user_id, clinical=reply.clinical) as scope,
        ):
            await self._stream_reply(engine, req, reply, cancel, t0)
            generating.set(
                provider=scope.provider, masked=scope.masked,
                prompt_tokens=reply.usage.get("prompt_tokens"),
                completion_tokens=reply.usage.get("completion_tokens"),
                first_token_ms=reply.timings.get("first_token_ms"),
            )  # fmt: skip
        if scope.provider is not None:
            reply.provider = reply.meta["provider"] = scope.provider
            if hosted_notice.first_in_conversation(history):
                reply.say(hosted_notice.text(scope))
        reply.timings["generation_ms"] = _ms(t0)
        first = reply.timings.get("first_token_ms")
        self.rt.metrics.observe_generation(
            engine.name,
            None if first is None else first / 1000,
            reply.timings["generation_ms"] / 1000,
            reply.usage["completion_tokens"],
        )

    async def _stream_reply(
        self,
        engine: Engine,
        req: ChatRequest,
        reply: Reply,
        cancel: threading.Event,
        t0: float,
    ) -> None:
        stream = engine.stream(req)
        async with contextlib.aclosing(stream):  # type: ignore[type-var]
            async for event in stream:
                if cancel.is_set():
                    raise GenerationCancelled("the client went away")
                if isinstance(event, TextDelta):
                    reply.timings.setdefault("first_token_ms", _ms(t0))
                    reply.say(event.text)
                elif isinstance(event, Usage):
                    reply.usage = {
                        "prompt_tokens": event.prompt_tokens,
                        "completion_tokens": event.completion_tokens,
                        "total_tokens": event.total_tokens,
                    }
                elif isinstance(event, EngineDone):
                    reply.finish = event.finish_reason
