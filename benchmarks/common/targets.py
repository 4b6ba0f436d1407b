"""What a benchmark sends requests to, timed the same way for each: an engine in process, any
OpenAI-compatible server (streaming chat completions), or the co-pilot's `/api/chat`.

`send` never raises for a failed request: the error goes into the timing, so a run counts it.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any, Protocol

from benchmarks.common.stats import RequestTiming
from benchmarks.common.workload import Request


class Target(Protocol):
    name: str

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def send(self, req: Request) -> RequestTiming: ...


class EngineTarget:
    """An inference engine in this process (the baseline every server adds to)."""

    def __init__(self, engine: Any, temperature: float = 1.0, ignore_eos: bool = True) -> None:
        self.engine = engine
        self.name = f"{engine.name} in process"
        self.temperature = temperature
        self.ignore_eos = ignore_eos

    async def start(self) -> None:
        await self.engine.start()

    async def close(self) -> None:
        await self.engine.close()

    async def send(self, req: Request) -> RequestTiming:
        from inference.base import ChatRequest, InferenceError, TextDelta, Usage

        chat = ChatRequest(
            messages=req.messages, max_tokens=req.output_len, seed=req.seed,
            temperature=self.temperature, ignore_eos=self.ignore_eos,
        )  # fmt: skip
        timing = RequestTiming(start=time.perf_counter())
        try:
            async for event in self.engine.stream(chat):
                if isinstance(event, TextDelta) and event.text:
                    timing.token_times.append(time.perf_counter())
                elif isinstance(event, Usage):
                    timing.output_tokens = event.completion_tokens
                    timing.prompt_tokens = event.prompt_tokens
        except InferenceError as exc:
            timing.error = f"{type(exc).__name__}: {exc}"
        timing.end = time.perf_counter()
        return timing


def v1_base(url: str) -> str:
    """`http://host:port` or `.../v1` -> the /v1 base the OpenAI clients use."""
    url = url.rstrip("/")
    return url if url.endswith("/v1") else url + "/v1"


async def _sse_data(response: Any) -> AsyncIterator[tuple[str, str]]:
    """(event, data) pairs of an SSE stream (event "message" when unnamed)."""
    event, data = "message", list[str]()
    async for raw in response.content:
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        if not line:
            if data:
                yield event, "\n".join(data)
            event, data = "message", list[str]()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        elif line.startswith("event:"):
            event = line[6:].strip()
    if data:
        yield event, "\n".join(data)


class _HTTPTarget(ABC):
    """Streams over aiohttp, as `vllm bench serve` does: its C parser costs the client about
    half of what httpx's pure-Python one does a token, and a client's CPU time, spent beside an
    engine that fills every core, lands in the time per token the benchmark measures."""

    READ_BUFFER = 2**20  # the longest SSE line read whole (a tool call's arguments)

    def __init__(self, url: str, api_key: str | None, timeout: float) -> None:
        self.url = url
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout = timeout
        self._client: Any = None

    async def start(self) -> None:
        import aiohttp

        self._client = aiohttp.ClientSession(
            headers=self.headers,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            connector=aiohttp.TCPConnector(limit=1024),
            read_bufsize=self.READ_BUFFER,
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()

    async def _post(self, path: str, body: dict[str, Any]) -> RequestTiming:
        import aiohttp

        timing = RequestTiming(start=time.perf_counter())
        try:
            async with self._client.post(self.url + path, json=body) as response:
                if response.status != 200:
                    text = (await response.read()).decode("utf-8", "replace")[:200]
                    timing.error = f"HTTP {response.status}: {text}"
                else:
                    await self._read(timing, response)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            timing.error = f"{type(exc).__name__}: {exc}"
        timing.end = time.perf_counter()
        return timing

    @abstractmethod
    async def _read(self, timing: RequestTiming, response: Any) -> None:
        """Record token times (and counts, errors) from a 200 response's stream."""


class OpenAITarget(_HTTPTarget):
    """Streaming /v1/chat/completions of any OpenAI-compatible server. Sends vLLM's
    `ignore_eos` (servers without it ignore it; the report counts short replies)."""

    def __init__(
        self,
        url: str,
        model: str,
        api_key: str | None = None,
        *,
        temperature: float = 1.0,
        ignore_eos: bool = True,
        timeout: float = 600.0,
        name: str | None = None,
    ) -> None:
        super().__init__(v1_base(url), api_key, timeout)
        self.model = model
        self.name = name or self.url
        self.temperature = temperature
        self.ignore_eos = ignore_eos

    async def send(self, req: Request) -> RequestTiming:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": req.messages,
            "max_tokens": req.output_len,
            "temperature": self.temperature,
            "seed": req.seed,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if self.ignore_eos:
            body["ignore_eos"] = True
        return await self._post("/chat/completions", body)

    async def _read(self, timing: RequestTiming, response: Any) -> None:
        async for _, data in _sse_data(response):
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            if "error" in chunk:
                timing.error = str(chunk["error"].get("message", chunk["error"]))[:200]
                return
            for choice in chunk.get("choices") or ():
                if (choice.get("delta") or {}).get("content"):
                    timing.token_times.append(time.perf_counter())
            usage = chunk.get("usage")
            if usage:
                timing.output_tokens = int(usage.get("completion_tokens") or 0)
                timing.prompt_tokens = int(usage.get("prompt_tokens") or 0)


class CopilotTarget(_HTTPTarget):
    """The co-pilot's `POST /api/chat` (SSE): the user's last message is the turn's text; a
    new conversation each request. Records the server's parse_ms for the report."""

    def __init__(self, url: str, api_key: str, timeout: float = 600.0) -> None:
        super().__init__(url.rstrip("/").removesuffix("/v1"), api_key, timeout)
        self.name = "/api/chat"

    async def send(self, req: Request) -> RequestTiming:
        text = str(req.messages[-1]["content"])
        return await self._post("/api/chat", {"message": text})

    async def _read(self, timing: RequestTiming, response: Any) -> None:
        async for event, data in _sse_data(response):
            if event == "message.delta":
                if json.loads(data).get("text"):
                    timing.token_times.append(time.perf_counter())
            elif event == "message.done":
                done = json.loads(data)
                usage = done.get("usage") or {}
                timing.output_tokens = int(usage.get("completion_tokens") or 0)
                timing.prompt_tokens = int(usage.get("prompt_tokens") or 0)
                timings = done.get("timings") or {}
                timing.extra = {k: float(v) for k, v in timings.items() if v is not None}
                if not timing.output_tokens:  # a question or an action: not a model's reply
                    timing.error = f"no model reply (finish_reason {done.get('finish_reason')})"
            elif event == "message.error":
                timing.error = str(json.loads(data).get("message"))[:200]
