"""Existing OpenAI-compatible servers (vLLM, llama-server, Ollama) over httpx streaming.

Requests go to the healthy endpoint with the fewest outstanding requests. A 429 parks an
endpoint for its Retry-After, a 5xx or a connection failure for an exponential backoff; the
request then moves to another endpoint (or waits for this one), but only before its first
token: after that a failure is the caller's, since a reply cannot be spliced. Time and
sleeping are injected so tests never really wait.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar

import httpx

from inference.base import (
    ChatRequest,
    Completion,
    ContextOverflow,
    Done,
    EngineUnavailable,
    Event,
    FinishReason,
    GenerationCancelled,
    InferenceError,
    TextDelta,
    Usage,
)
from inference.config import EngineConfig
from inference.tools import bounded_schema, build_call

log = logging.getLogger("inference.openai_compat")

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
_OVERFLOW = re.compile(r"context (length|window)|too many tokens|exceed", re.IGNORECASE)


class _Retry(Exception):
    """This endpoint failed before the first token; try again (elsewhere or later)."""


class _EmptyStream(Exception):
    """The server closed the stream without a single chunk (llama-cpp-python does so on an
    error such as an over-long prompt); asking again without streaming gets the error."""


@dataclass(slots=True)
class Endpoint:
    base_url: str
    api_key: str | None = None
    outstanding: int = 0
    failures: int = 0
    available_at: float = 0.0
    model: str | None = None

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}


class OpenAICompatEngine:
    name: ClassVar[str] = "openai_compat"

    def __init__(
        self,
        config: EngineConfig,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
        max_attempts: int = 4,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        timeout: float = 120.0,
    ) -> None:
        if not config.base_urls:
            raise EngineUnavailable("the openai_compat engine needs at least one base URL")
        self.config = config
        self.endpoints = [
            Endpoint(url.rstrip("/"), config.api_key_for(i), model=config.model)
            for i, url in enumerate(config.base_urls)
        ]
        self._clock, self._sleep = clock, sleep
        self._transport = transport
        self._attempts, self._base, self._max = max_attempts, backoff_base, backoff_max
        self._timeout = timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise EngineUnavailable("the openai_compat engine is not started")
        return self._client

    async def start(self) -> None:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self._transport, timeout=httpx.Timeout(self._timeout, connect=5.0)
            )
        healthy = await self.check_health()
        if not any(healthy.values()):
            log.warning("no OpenAI-compatible endpoint answers yet; requests will retry")

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def check_health(self) -> dict[str, bool]:
        """GET /models on every endpoint; a failing one is parked, a served model noted."""
        results = await asyncio.gather(*(self._probe(ep) for ep in self.endpoints))
        return {ep.base_url: ok for ep, ok in zip(self.endpoints, results, strict=True)}

    async def _probe(self, ep: Endpoint) -> bool:
        try:
            resp = await self.client.get(f"{ep.base_url}/models", headers=ep.headers(), timeout=5.0)
            resp.raise_for_status()
            models = resp.json().get("data") or []
        except (httpx.HTTPError, ValueError) as exc:
            self._park(ep, None)
            log.warning("endpoint %s failed its health check: %s", ep.base_url, exc)
            return False
        ep.model = ep.model or (models[0].get("id") if models else None)
        ep.failures, ep.available_at = 0, 0.0
        return True

    # -- routing -------------------------------------------------------------------------

    def _park(self, ep: Endpoint, retry_after: float | None) -> None:
        ep.failures += 1
        delay = (
            retry_after
            if retry_after is not None
            else min(self._max, self._base * 2 ** (ep.failures - 1))
        )
        ep.available_at = self._clock() + delay

    async def _pick(self) -> Endpoint:
        """Least outstanding requests among available endpoints; wait if all are parked."""
        now = self._clock()
        ready = [ep for ep in self.endpoints if ep.available_at <= now]
        if not ready:
            ep = min(self.endpoints, key=lambda e: e.available_at)
            await self._sleep(ep.available_at - now)
            ready = [ep]
        return min(ready, key=lambda e: (e.outstanding, e.failures))

    def _payload(self, req: ChatRequest, ep: Endpoint, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": ep.model or "default",
            "messages": [dict(m) for m in req.messages],
            "temperature": req.temperature,
            "top_p": req.top_p,
            "max_tokens": self.config.reply_tokens(req.max_tokens),
            "stream": stream,
        }
        if stream:
            body["stream_options"] = {"include_usage": True}
        if req.stop:
            body["stop"] = list(req.stop)
        if req.seed is not None:
            body["seed"] = req.seed
        if req.ignore_eos:  # vLLM's and llama-server's extension; sent only when asked for
            body["ignore_eos"] = True
        tools = req.active_tools
        if tools:
            # Bounded schemas: the server's grammar then cannot run a string to max_tokens.
            body["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": bounded_schema(t.parameters),
                    },
                }
                for t in tools
            ]
            forced = tools[0].name if req.must_call and len(tools) == 1 else None
            body["tool_choice"] = (
                {"type": "function", "function": {"name": forced}} if forced else req.tool_choice
            )
        return body

    async def _send(self, ep: Endpoint, req: ChatRequest, stream: bool) -> httpx.Response:
        request = self.client.build_request(
            "POST",
            f"{ep.base_url}/chat/completions",
            json=self._payload(req, ep, stream),
            headers=ep.headers(),
        )
        try:
            resp = await self.client.send(request, stream=True)
        except httpx.TransportError as exc:
            self._park(ep, None)
            raise _Retry(f"{ep.base_url}: {exc!r}") from exc
        if resp.status_code == 429 or resp.status_code >= 500:
            await resp.aclose()
            retry_after = _retry_after(resp.headers.get("retry-after"), self._clock)
            self._park(ep, retry_after if resp.status_code == 429 else None)
            raise _Retry(f"{ep.base_url}: HTTP {resp.status_code}")
        if resp.status_code >= 400:
            await resp.aread()
            await resp.aclose()
            message = _error_message(resp)
            if _OVERFLOW.search(message):
                raise ContextOverflow(message)
            raise InferenceError(f"{ep.base_url} refused the request: {message}")
        ep.failures = 0
        return resp

    async def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        if req.must_call:
            # A forced call has no text to stream, and some servers (llama-cpp-python) drop
            # multi-byte characters from streamed arguments: the whole reply is exact.
            for event in _as_events(await self.complete(req)):
                yield event
            return
        failures: list[str] = []
        for _ in range(self._attempts):
            ep = await self._pick()
            ep.outstanding += 1
            started = False
            try:
                resp = await self._send(ep, req, stream=True)
                try:
                    async for event in self._events(resp, req):
                        started = True
                        yield event
                    return
                finally:
                    await resp.aclose()
            except _Retry as exc:
                failures.append(str(exc))
            except _EmptyStream:
                for event in _as_events(await self.complete(req)):
                    yield event
                return
            except (httpx.TransportError, httpx.StreamError) as exc:
                self._park(ep, None)
                if started:
                    raise EngineUnavailable(f"{ep.base_url} failed mid-reply: {exc!r}") from exc
                failures.append(f"{ep.base_url}: {exc!r}")
            finally:
                ep.outstanding -= 1
        raise EngineUnavailable("no OpenAI-compatible endpoint answered: " + "; ".join(failures))

    async def _events(self, resp: httpx.Response, req: ChatRequest) -> AsyncIterator[Event]:
        t0 = self._clock()
        first: float | None = None
        parts: dict[int, dict[str, Any]] = {}
        chunks, usage, finish, received = 0, None, "stop", False
        async for line in resp.aiter_lines():
            if req.cancel.is_set():
                raise GenerationCancelled("generation was cancelled")
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            received = True
            usage = chunk.get("usage") or usage
            for choice in chunk.get("choices") or ():
                delta = choice.get("delta") or {}
                finish = choice.get("finish_reason") or finish
                if delta.get("content"):
                    first = first or self._clock()
                    chunks += 1
                    yield TextDelta(delta["content"])
                for call in delta.get("tool_calls") or ():
                    first = first or self._clock()
                    chunks += 1
                    part = parts.setdefault(call.get("index", len(parts)), {"args": ""})
                    fn = call.get("function") or {}
                    part["name"] = fn.get("name") or part.get("name")
                    part["args"] += fn.get("arguments") or ""
        if not received:
            raise _EmptyStream
        calls = [
            build_call(p.get("name") or "", p["args"], req.active_tools, i)
            for i, p in sorted(parts.items())
        ]
        for call in calls:
            yield call
        yield _usage(usage, chunks, t0, first, self._clock())
        yield Done(_finish(finish, bool(calls)))

    async def complete(self, req: ChatRequest) -> Completion:
        """The non-streamed path (stream: false), retried like `stream`."""
        failures: list[str] = []
        for _ in range(self._attempts):
            ep = await self._pick()
            ep.outstanding += 1
            t0 = self._clock()
            try:
                resp = await self._send(ep, req, stream=False)
                try:
                    body = json.loads(await resp.aread())
                finally:
                    await resp.aclose()
            except _Retry as exc:
                failures.append(str(exc))
                continue
            finally:
                ep.outstanding -= 1
            choice = body["choices"][0]
            message = choice.get("message") or {}
            calls = tuple(
                build_call(
                    c["function"]["name"], c["function"].get("arguments") or "", req.active_tools, i
                )
                for i, c in enumerate(message.get("tool_calls") or ())
            )
            usage = _usage(body.get("usage"), 0, t0, None, self._clock())
            return Completion(
                message.get("content") or "",
                calls,
                usage,
                _finish(choice.get("finish_reason"), bool(calls)),
            )
        raise EngineUnavailable("no OpenAI-compatible endpoint answered: " + "; ".join(failures))


def _retry_after(value: str | None, clock: Clock) -> float | None:
    """Retry-After as seconds (a number or an HTTP date), or None if absent/unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _error_message(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return resp.text[:300]
    error = body.get("error", body) if isinstance(body, Mapping) else body
    if isinstance(error, Mapping):
        return str(error.get("message") or error)
    return str(error)


def _usage(
    raw: Mapping[str, Any] | None, chunks: int, t0: float, first: float | None, end: float
) -> Usage:
    first = first or end
    prompt_ms, generation_ms = (first - t0) * 1000, (end - first) * 1000
    if raw:
        details = raw.get("prompt_tokens_details") or {}
        return Usage(
            int(raw.get("prompt_tokens") or 0),
            int(raw.get("completion_tokens") or 0),
            int(details.get("cached_tokens") or 0),
            prompt_ms,
            generation_ms,
        )
    return Usage(0, chunks, 0, prompt_ms, generation_ms, exact=False)


def _as_events(reply: Completion) -> list[Event]:
    events: list[Event] = [TextDelta(reply.text)] if reply.text else []
    events.extend(reply.tool_calls)
    if reply.usage is not None:
        events.append(reply.usage)
    return [*events, Done(reply.finish_reason)]


def _finish(reason: str | None, called: bool) -> FinishReason:
    if called:
        return "tool_calls"
    return "length" if reason == "length" else "stop"
