"""One chat turn: store the message, parse, act or propose, stream a reply.

A turn runs in a task of its own and hands events to whoever streams them. A client that
goes away only sets the turn's cancel signal: the task stops generating within a token,
stores the partial reply as `interrupted` and frees the conversation lock, on whichever loop
state the request handler was in when it was cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.chat import events as ev
from assistant.chat import prompts, templates
from assistant.chat.events import ChatEvent
from assistant.chat.lock import ConversationBusy, ConversationLocks
from assistant.chat.parsing import PageContext, ParseOutcome, TurnParser
from assistant.chat.transcript import Ending, StoredTranscript, Transcript
from assistant.errors import AppError
from assistant.procedures.context import Origin, Principal
from assistant.procedures.executor import Done, Executor, Pending
from assistant.procedures.registry import Procedure
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

log = logging.getLogger(__name__)
Emit = Callable[[ChatEvent], None]


@dataclass(frozen=True, slots=True)
class TurnInput:
    message: str
    context: PageContext = field(default_factory=PageContext)


@dataclass
class _Reply:
    """What a turn accumulates for the stored reply and message.done."""

    emit: Emit
    parts: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    finish: str = "stop"
    usage: dict[str, int] = field(
        default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    )
    timings: dict[str, float] = field(default_factory=dict)

    def say(self, text: str) -> None:
        self.parts.append(text)
        self.emit(ev.delta(text))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def title_for(outcome: ParseOutcome, proc: Procedure | None, text: str) -> str:
    """A short title: the procedure and whom it is about, or the message's first line."""
    if proc is not None:
        who = outcome.args.get("contact")
        return f"{proc.summary}: {who}" if isinstance(who, str) and who else proc.summary
    first = text.strip().splitlines()[0] if text.strip() else "Conversation"
    return first if len(first) <= 60 else first[:57].rstrip() + "..."


class ChatService:
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
        self.locks = ConversationLocks(runtime.redis)
        self._tasks: set[asyncio.Task[None]] = set()

    # -- streaming ---------------------------------------------------------------------

    async def open(self, principal: Principal, conversation_id: int | None) -> int:
        """The conversation a turn goes to: the caller's own (404 otherwise) or a new one."""
        from assistant.chat import store

        async with self.rt.sessions() as session, session.begin():
            if conversation_id is None:
                row = await store.create(session, principal, self.rt.clock.now())
            else:
                row = await store.owned(session, principal, conversation_id)
            assert row.id is not None
            return row.id

    def stream(
        self,
        principal: Principal,
        turn: TurnInput,
        transcript: Transcript,
        *,
        lock_id: int | None = None,
    ) -> AsyncIterator[ChatEvent]:
        """Run the turn in its own task; iterate its events. Closing the iterator early
        cancels generation (the task still stores what was said)."""
        queue: asyncio.Queue[ChatEvent | None] = asyncio.Queue()
        cancel = threading.Event()
        task = asyncio.create_task(
            self._produce(principal, turn, transcript, lock_id, queue.put_nowait, cancel)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return self._drain(queue, task, cancel)

    def stream_stored(
        self, principal: Principal, conversation_id: int, turn: TurnInput
    ) -> AsyncIterator[ChatEvent]:
        transcript = StoredTranscript(self.rt, principal, conversation_id)
        return self.stream(principal, turn, transcript, lock_id=conversation_id)

    @staticmethod
    async def _drain(
        queue: asyncio.Queue[ChatEvent | None], task: asyncio.Task[None], cancel: threading.Event
    ) -> AsyncIterator[ChatEvent]:
        try:
            while (item := await queue.get()) is not None:
                yield item
        finally:
            if not task.done():
                cancel.set()

    async def close(self) -> None:
        """Let running turns store their replies (they were told to stop) before shutdown."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=10)

    async def _produce(
        self,
        principal: Principal,
        turn: TurnInput,
        transcript: Transcript,
        lock_id: int | None,
        emit: Callable[[ChatEvent | None], None],
        cancel: threading.Event,
    ) -> None:
        try:
            held = self.locks.hold(lock_id) if lock_id is not None else contextlib.nullcontext()
            async with held:
                await self._turn(principal, turn, transcript, emit, cancel)
        except ConversationBusy as exc:
            emit(ev.message_error(exc.code, exc.message, True))
        except Exception:
            log.exception("chat turn failed")
            emit(
                ev.message_error(
                    "internal", "something went wrong on our side; it was logged", True
                )
            )
        finally:
            emit(None)

    # -- one turn ----------------------------------------------------------------------

    async def _turn(
        self,
        principal: Principal,
        turn: TurnInput,
        transcript: Transcript,
        emit: Emit,
        cancel: threading.Event,
    ) -> None:
        started = time.perf_counter()
        message_id, created = await transcript.begin(turn.message, turn.context)
        history = await transcript.history()
        conversation_id = getattr(transcript, "conversation_id", 0)
        origin = Origin(conversation_id or None, message_id or None)
        emit(ev.turn_start(conversation_id, message_id, created))
        reply = _Reply(emit)

        pending = await transcript.pending()
        t0 = time.perf_counter()
        if pending is not None:
            outcome = await self.parser.answer(pending, turn.message, principal, turn.context)
        else:
            outcome = await self.parser.parse(turn.message, principal, turn.context)
        reply.timings["parse_ms"] = _ms(t0)
        reply.meta.update(intent=outcome.intent, path=outcome.path)
        proc = None if outcome.is_chat else self.executor.registry.get(outcome.intent)
        ending = Ending("", "complete", reply.meta, title_for(outcome, proc, turn.message))

        try:
            if outcome.needs_answer:
                reply.meta.update(kind="question", missing=list(outcome.missing))
                asked = templates.question_reply(outcome.question, outcome.missing)
                if outcome.is_chat and self.engine is None:  # the parser could not tell
                    asked += "\n\n" + templates.no_engine_reply(self.engine_status)
                reply.say(asked)
                reply.finish = "question"
                ending.pending = outcome
            elif proc is None:
                reply.meta["kind"] = "chat"
                await self._chat_reply(principal, turn, history, reply, cancel, origin)
            else:
                await self._act(principal, turn, history, proc, outcome, reply, cancel, origin)
        except GenerationCancelled:
            ending.status = "interrupted"
        except InferenceError as exc:
            ending.status = "error"
            reply.meta["error"] = type(exc).__name__
            code, retryable = (
                ("context_overflow", False)
                if isinstance(exc, ContextOverflow)
                else ("engine_error", True)
            )
            emit(ev.message_error(code, f"the language model failed: {exc}", retryable))
        reply.timings["total_ms"] = _ms(started)
        reply.meta.update(finish_reason=reply.finish, usage=reply.usage)
        ending.text = reply.text
        reply_id = await transcript.finish(ending)
        if ending.status == "complete":
            emit(ev.message_done(reply_id, reply.finish, reply.usage, reply.timings))

    async def _act(
        self,
        principal: Principal,
        turn: TurnInput,
        history: Sequence[Message],
        proc: Procedure,
        outcome: ParseOutcome,
        reply: _Reply,
        cancel: threading.Event,
        origin: Origin,
    ) -> None:
        resolved = dict(outcome.resolved or {})
        reply.emit(ev.tool_call(proc.name, outcome.args, resolved))
        reply.meta["kind"] = "action"
        t0 = time.perf_counter()
        try:
            result = await self.executor.call(
                principal, proc.name, resolved, source="chat", origin=origin
            )
        except AppError as exc:
            reply.timings["action_ms"] = _ms(t0)
            reply.meta["actions"] = [
                {"procedure": proc.name, "ok": False, "summary": exc.message, "records": []}
            ]
            reply.emit(ev.action_result(proc.name, False, exc.message, []))
            reply.say(templates.failure_reply(proc, exc.message))
            return
        reply.timings["action_ms"] = _ms(t0)
        if isinstance(result, Pending):
            approval = result.approval
            reply.meta.update(kind="approval", approvals=[approval.approval_id])
            reply.emit(ev.approval_required(approval))
            reply.say(templates.approval_reply(approval))
            reply.finish = "approval"
            return
        assert isinstance(result, Done)
        summary = templates.action_summary(proc, result.output)
        recs = ev.records(result.records)
        reply.meta["actions"] = [
            {"procedure": proc.name, "ok": True, "summary": summary, "records": recs}
        ]
        reply.emit(ev.action_result(proc.name, True, summary, recs))
        if templates.is_read(proc) and self.engine is not None:
            data = prompts.fence(f"result of {proc.name}", result.output.model_dump(mode="json"))
            await self._generate(principal, turn, history, [data], reply, cancel)
        else:
            reply.say(templates.action_reply(proc, result.output))

    async def _chat_reply(
        self,
        principal: Principal,
        turn: TurnInput,
        history: Sequence[Message],
        reply: _Reply,
        cancel: threading.Event,
        origin: Origin,
    ) -> None:
        if self.engine is None:
            reply.say(templates.no_engine_reply(self.engine_status))
            return
        blocks = await self._page_blocks(principal, turn.context, origin)
        await self._generate(principal, turn, history, blocks, reply, cancel)

    async def _page_blocks(
        self, principal: Principal, context: PageContext, origin: Origin
    ) -> list[str]:
        """The viewed contact (and, for clinical roles, recent notes), with the user's rights."""
        if context.contact_id is None:
            return []
        args = {"contact_id": context.contact_id}
        try:
            contact = await self.executor.call(
                principal, "contacts.get", args, source="chat", origin=origin
            )
        except AppError:
            return []
        assert isinstance(contact, Done)
        shown = contact.output.model_dump(
            mode="json",
            exclude={"enrichment", "version", "created_at", "updated_at"},
            exclude_none=True,
        )
        page = f"Page: {context.page or 'contact'}"
        blocks = [page, prompts.fence("contact being viewed", shown)]
        if principal.reads_clinical_text:
            notes = await self.executor.call(
                principal, "notes.list", {**args, "limit": 5}, source="chat", origin=origin
            )
            assert isinstance(notes, Done)
            items = notes.output.model_dump(mode="json")["items"]
            recent = [{"created_at": n["created_at"], "body": n["body"]} for n in items]
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
        reply: _Reply,
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
        reply.timings["generation_ms"] = _ms(t0)
