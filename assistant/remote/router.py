"""The hosted router: an Engine that answers with the local engine or a hosted provider.

Which one, per call (the caller's `call_scope` says what the call is for):

- ``fallback``: the local engine; a hosted provider only when the local engine is down or has
  not produced a first token within ``fallback_after_seconds`` (no free slot).
- ``drafts``: hosted for e-mail drafts and profile summaries, local for everything else.
- ``always``: hosted for every call; the local engine if no provider answers.

A profile summary reads nothing but notes: without ``allow_notes`` it never leaves. Hosted
providers are tried in order; each gets retries (Retry-After honoured, else exponential
backoff with jitter) while its circuit is closed. All of that happens before the first token;
after it, a failure is one clear error. Every hosted request is masked (masking.py) and its
tokens are recorded per user (usage.py), whose daily quota is checked first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from typing import Any, ClassVar, Literal, Protocol

from assistant.privacy.pseudonymise import Analyzer
from assistant.remote.errors import HostedUnavailable, ProviderError
from assistant.remote.masking import MaskedCall
from assistant.remote.providers.base import Provider
from assistant.remote.resilience import Backoff, CircuitBreaker
from assistant.remote.scope import CallScope, current
from assistant.settings import RemoteSettings
from inference.base import (
    ChatRequest,
    Completion,
    ContextOverflow,
    Engine,
    EngineUnavailable,
    Event,
    GenerationCancelled,
    InferenceError,
    Usage,
    collect,
)

log = logging.getLogger(__name__)
Step = Literal["local", "hosted"]
Sleep = Callable[[float], Awaitable[None]]
Refresh = Callable[[], Coroutine[Any, Any, None]]
"""A background task the router runs while started (the masking deny-list refresh)."""


class Observer(Protocol):
    """Where the router reports each hosted call (the process's metrics: assistant/ops)."""

    def hosted_call(self, provider: str, outcome: str) -> None: ...

    def hosted_usage(self, provider: str, prompt_tokens: int, completion_tokens: int) -> None: ...


class _Unobserved:
    def hosted_call(self, provider: str, outcome: str) -> None:
        pass

    def hosted_usage(self, provider: str, prompt_tokens: int, completion_tokens: int) -> None:
        pass


Sync = Callable[[], Awaitable[object]]
"""Awaited before each hosted call is masked (the deny-list brought up to date)."""


class UsageBook(Protocol):
    """Where hosted usage is checked against the quota and recorded (usage.py)."""

    async def check(self, user_id: int | None) -> None:
        """Raise QuotaExceeded when the user's hosted tokens for today are spent."""
        ...

    async def record(
        self, user_id: int | None, provider: str, model: str, purpose: str, usage: Usage
    ) -> None: ...


def _hosted_purposes(use: str) -> frozenset[str]:
    return {
        "always": frozenset({"chat", "tools", "draft", "summary"}),
        "drafts": frozenset({"draft", "summary"}),
        "fallback": frozenset(),
    }[use]


def plan(settings: RemoteSettings, scope: CallScope) -> tuple[Step, ...]:
    """The order to try for this call."""
    if not settings.providers or (scope.notes_only and not settings.allow_notes):
        return ("local",)
    if scope.purpose in _hosted_purposes(settings.use):
        return ("hosted", "local")
    if settings.use == "fallback":
        return ("local", "hosted")
    return ("local",)


class _Failed(Exception):
    """This step produced no first event; try the next one."""


# Local failures before the first token that a hosted provider can make up for. A prompt too
# long for the local context is one: the hosted model has its own.
_LOCAL_FAILURES = (EngineUnavailable, ContextOverflow, InferenceError)


class HostedRouter:
    name: ClassVar[str] = "hosted"

    def __init__(
        self,
        local: Engine | None,
        providers: Sequence[Provider],
        settings: RemoteSettings,
        analyze: Analyzer,
        usage: UsageBook | None = None,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        backoff: Backoff | None = None,
        refresh: Refresh | None = None,
        sync: Sync | None = None,
        prepare: Callable[[], None] | None = None,
        observer: Observer | None = None,
    ) -> None:
        self.observer: Observer = observer or _Unobserved()
        self._refresh = refresh
        self._sync = sync
        self._prepare = prepare
        self._task: asyncio.Task[None] | None = None
        self.local = local
        self.providers = list(providers)
        self.settings = settings
        self.analyze = analyze
        self.usage = usage
        self.sleep = sleep
        self.backoff = backoff or Backoff(settings.backoff_seconds, settings.max_wait_seconds)
        self.breakers = {
            p.config.name: CircuitBreaker(
                settings.breaker_failures, settings.breaker_reset_seconds, now
            )
            for p in self.providers
        }

    # -- Engine ------------------------------------------------------------------------------

    async def start(self) -> None:
        if self._prepare is not None:  # load the analyzer now, not in the first request
            await asyncio.to_thread(self._prepare)
        if self._refresh is not None and self._task is None:
            self._task = asyncio.create_task(self._refresh())
        if self.local is not None:
            try:
                await self.local.start()
            except InferenceError as exc:
                log.warning("local engine %s unavailable: %s", self.local.name, exc)
                self.local = None

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.local is not None:
            await self.local.close()
        for provider in self.providers:
            await provider.close()

    @property
    def status(self) -> str:
        """For /readyz: names and circuit states only, never keys or URLs."""
        local = self.local.name if self.local is not None else "none"
        hosted = ", ".join(f"{n} ({b.state})" for n, b in self.breakers.items())
        return f"{local}; hosted ({self.settings.use}): {hosted}"

    @property
    def prompt_tokens(self) -> Any:
        return getattr(self.local, "prompt_tokens", None)

    def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        return self._route(req, current())

    async def complete(self, req: ChatRequest) -> Completion:
        return await collect(self.stream(req))

    # -- routing -----------------------------------------------------------------------------

    async def _route(self, req: ChatRequest, scope: CallScope) -> AsyncIterator[Event]:
        steps = plan(self.settings, scope)
        problems: list[str] = []
        for i, step in enumerate(steps):
            last = i == len(steps) - 1
            try:
                events = (
                    await self._local(req, None if last else self.settings.fallback_after_seconds)
                    if step == "local"
                    else await self._hosted(req, scope, problems)
                )
            except _Failed as exc:
                problems.append(str(exc))
                continue
            async with contextlib.aclosing(events):  # type: ignore[type-var]
                async for event in events:
                    yield event
            return
        raise HostedUnavailable("no model could answer: " + "; ".join(problems))

    async def _first(
        self, events: AsyncIterator[Event], patience: float | None
    ) -> AsyncIterator[Event]:
        """The stream with its first event already received (failures before it raise);
        TimeoutError when none came within `patience` seconds."""
        try:
            first = await asyncio.wait_for(anext(events), patience)
        except StopAsyncIteration:
            return _chain((), events)
        except BaseException:
            with contextlib.suppress(Exception):
                await events.aclose()  # type: ignore[attr-defined]
            raise
        return _chain((first,), events)

    async def _local(self, req: ChatRequest, patience: float | None) -> AsyncIterator[Event]:
        if self.local is None:
            raise _Failed("the local engine is not running")
        if patience is None:
            return self.local.stream(req)
        try:
            return await self._first(self.local.stream(req), patience)
        except TimeoutError:
            log.info("local engine gave no first token in %.1fs; trying hosted", patience)
            raise _Failed("the local engine was busy") from None
        except GenerationCancelled:
            raise
        except _LOCAL_FAILURES as exc:
            log.info("local engine failed before its first token (%s)", type(exc).__name__)
            raise _Failed(f"the local engine failed ({type(exc).__name__})") from None

    async def _hosted(
        self, req: ChatRequest, scope: CallScope, problems: list[str]
    ) -> AsyncIterator[Event]:
        if self.usage is not None:
            await self.usage.check(scope.user_id)
        if self._sync is not None:  # the deny-list knows a contact added a moment ago
            await self._sync()
        masked = await asyncio.to_thread(
            MaskedCall,
            req,
            self.analyze,
            clinical=scope.clinical,
            allow_notes=self.settings.allow_notes,
        )
        for provider in self.providers:
            try:
                raw = await self._attempts(provider, masked.request)
            except _Failed as exc:
                problems.append(str(exc))
                continue
            scope.provider, scope.model = provider.config.name, provider.config.model
            scope.masked, scope.withheld = masked.masked, masked.withheld
            return self._answer(provider, raw, masked, scope)
        raise _Failed("no hosted provider answered")

    async def _attempts(self, provider: Provider, req: ChatRequest) -> AsyncIterator[Event]:
        name = provider.config.name
        breaker = self.breakers[name]
        for attempt in range(self.settings.retries + 1):
            if req.cancel.is_set():
                raise GenerationCancelled("the client went away")
            if not breaker.allow():
                self.observer.hosted_call(name, "circuit_open")
                raise _Failed(f"{name}: circuit {breaker.state}")
            try:
                events = await self._first(provider.stream(req), None)
            except ProviderError as exc:
                breaker.failure()
                self.observer.hosted_call(name, "retryable" if exc.retryable else "refused")
                log.warning("hosted %s failed (attempt %d): %s", name, attempt + 1, exc)
                if not exc.retryable:
                    raise _Failed(str(exc)) from None
                wait = (
                    exc.retry_after if exc.retry_after is not None else self.backoff.delay(attempt)
                )
                if wait > self.settings.max_wait_seconds:
                    breaker.park(wait)
                    raise _Failed(f"{name}: asked to wait {wait:.0f}s") from None
                if attempt < self.settings.retries:
                    await self.sleep(wait)
                continue
            breaker.success()
            self.observer.hosted_call(name, "ok")
            return events
        raise _Failed(f"{name}: failed {self.settings.retries + 1} times")

    async def _answer(
        self, provider: Provider, raw: AsyncIterator[Event], masked: MaskedCall, scope: CallScope
    ) -> AsyncIterator[Event]:
        name = provider.config.name
        try:
            async for event in masked.restore(raw):
                if isinstance(event, Usage):
                    self.observer.hosted_usage(name, event.prompt_tokens, event.completion_tokens)
                if isinstance(event, Usage) and self.usage is not None:
                    await self.usage.record(
                        scope.user_id, name, provider.config.model, scope.purpose, event
                    )
                yield event
        except ProviderError as exc:
            self.breakers[name].failure()
            self.observer.hosted_call(name, "mid_reply")
            log.warning("hosted %s failed mid-reply: %s", name, exc)
            raise HostedUnavailable(
                f"the hosted model ({name}) stopped answering mid-reply; please try again"
            ) from None


async def _chain(head: Sequence[Event], rest: AsyncIterator[Event]) -> AsyncIterator[Event]:
    try:
        for event in head:
            yield event
        async for event in rest:
            yield event
    finally:
        with contextlib.suppress(Exception):
            await rest.aclose()  # type: ignore[attr-defined]
