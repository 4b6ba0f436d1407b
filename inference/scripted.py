"""A real engine that replays scripted replies: deterministic chat tests without a model.

Each `stream` call takes the next `ScriptedReply` (the last one repeats), or asks a
`responder`. Replies carry text, tool calls (validated against the request's tools exactly
as a model's would be) and failures injected mid-stream. Tokens are whitespace-delimited
pieces; slots, cancellation and the context limit behave as in the local engines.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from inference.base import (
    ChatRequest,
    Completion,
    ContextOverflow,
    Done,
    EngineUnavailable,
    Event,
    GenerationCancelled,
    InferenceError,
    ModelLoadError,
    TextDelta,
    Usage,
    collect,
)
from inference.config import EngineConfig
from inference.slots import SlotPool
from inference.tools import build_call

_TOKEN = re.compile(r"\s*\S+|\s+")


def tokenize(text: str) -> list[str]:
    """The scripted engine's tokens: words with their leading whitespace."""
    return _TOKEN.findall(text)


@dataclass(frozen=True, slots=True)
class ScriptedReply:
    text: str = ""
    tool_calls: Sequence[tuple[str, Mapping[str, Any]]] = ()
    fail_after: int | None = None
    """Raise `error` after this many text tokens (0: before the first)."""
    error: InferenceError = field(default_factory=lambda: EngineUnavailable("scripted failure"))
    token_delay: float = 0.0
    """Seconds between tokens, to exercise cancellation and concurrency."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScriptedReply:
        calls = [(c["name"], c.get("arguments", {})) for c in data.get("tool_calls", ())]
        return cls(
            text=str(data.get("text", "")),
            tool_calls=calls,
            fail_after=data.get("fail_after"),
            token_delay=float(data.get("token_delay", 0.0)),
        )


def load_script(path: Path) -> list[ScriptedReply]:
    """A JSON list of replies (see ScriptedReply.from_dict), e.g. for ASSISTANT_ENGINE=scripted."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [ScriptedReply.from_dict(item) for item in data]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ModelLoadError(f"cannot load script {path}: {exc}") from exc


Responder = Callable[[ChatRequest], ScriptedReply]


class ScriptedEngine:
    name: ClassVar[str] = "scripted"

    def __init__(
        self,
        config: EngineConfig | None = None,
        *,
        script: Sequence[ScriptedReply] = (),
        responder: Responder | None = None,
    ) -> None:
        self.config = config or EngineConfig(engine="scripted")
        self._script = list(script)
        self._responder = responder
        self._turn = 0
        self.requests: list[ChatRequest] = []
        self._pool: SlotPool[int] | None = None

    @property
    def pool(self) -> SlotPool[int]:
        if self._pool is None:
            raise EngineUnavailable("the scripted engine is not started")
        return self._pool

    async def start(self) -> None:
        """`config.model`, when set, is a JSON file: a list of replies (see from_dict)."""
        if self.config.model and not self._script:
            self._script = load_script(self.config.model_path(self.name))
        self._pool = SlotPool(list(range(self.config.parallel_slots)))

    async def close(self) -> None:
        self._pool = None

    def prompt_tokens(self, req: ChatRequest) -> int:
        text = " ".join(str(m.get("content") or "") for m in req.messages)
        tools = " ".join(json.dumps(t.to_openai()) for t in req.tools)
        return len(tokenize(text)) + len(tokenize(tools))

    def _next(self, req: ChatRequest) -> ScriptedReply:
        if self._responder is not None:
            return self._responder(req)
        if not self._script:
            last = str(req.messages[-1].get("content") or "")
            return ScriptedReply(text=f"You said: {last}")
        reply = self._script[min(self._turn, len(self._script) - 1)]
        self._turn += 1
        return reply

    async def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        pool = self.pool
        self.requests.append(req)
        prompt = self.prompt_tokens(req)
        if prompt >= self.config.n_ctx:
            raise ContextOverflow(
                f"the prompt has {prompt} tokens; the context window is {self.config.n_ctx}"
            )
        reply = self._next(req)
        limit = min(req.max_tokens or self.config.max_tokens, self.config.n_ctx - prompt)
        async with pool.acquire():
            loop = asyncio.get_running_loop()
            started = loop.time()
            pieces = tokenize(reply.text)
            if req.ignore_eos and pieces and not reply.tool_calls:
                # A reply's end is its end-of-sequence: ignored, the text repeats to the limit.
                pieces = [pieces[i % len(pieces)] for i in range(max(limit, len(pieces)))]
            finish: Any = "stop"
            if len(pieces) > limit:
                pieces, finish = pieces[:limit], "length"
            for index, piece in enumerate(pieces):
                if reply.fail_after is not None and index >= reply.fail_after:
                    raise reply.error
                if req.cancel.is_set():
                    raise GenerationCancelled("generation was cancelled")
                if reply.token_delay:
                    await asyncio.sleep(reply.token_delay)
                yield TextDelta(piece)
            if reply.fail_after is not None and reply.fail_after >= len(pieces):
                raise reply.error
            calls = (
                [
                    build_call(name, dict(args), req.active_tools, index)
                    for index, (name, args) in enumerate(reply.tool_calls)
                ]
                if finish == "stop"
                else []
            )
            for call in calls:
                yield call
            elapsed = (loop.time() - started) * 1000
            yield Usage(prompt, len(pieces), 0, 0.0, elapsed)
            yield Done("tool_calls" if calls else finish)

    async def complete(self, req: ChatRequest) -> Completion:
        return await collect(self.stream(req))
