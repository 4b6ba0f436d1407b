"""llama.cpp in process (llama-cpp-python): the CPU path.

Each parallel slot owns one `Llama` (a context is not thread-safe), generation runs in a
thread, and a slot keeps its KV cache between requests: llama.cpp reuses the longest common
token prefix, so a repeated system prompt + tool schemas is not evaluated again. Requests go
to the free slot whose cache shares the longest prefix with them. Tool calls are decoded
under a GBNF grammar made from the call's JSON schema.
"""

from __future__ import annotations

import asyncio
import codecs
import ctypes
import json
import logging
import random
import re
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from inference.assembler import ReplyAssembler
from inference.base import (
    ChatRequest,
    Completion,
    ContextOverflow,
    Done,
    EngineUnavailable,
    Event,
    GenerationCancelled,
    ModelLoadError,
    Usage,
    collect,
)
from inference.config import EngineConfig
from inference.slots import SlotPool, events_from_thread
from inference.templates import CHATML_TEMPLATE
from inference.tools import ToolCallFormat, call_schema, detect_format

log = logging.getLogger("inference.llamacpp")
native_log = logging.getLogger("inference.llamacpp.native")

# ggml levels (ggml.h, enum ggml_log_level): 1 debug, 2 info, 3 warn, 4 error, 5 "continues the
# previous line". (llama-cpp-python's _logger.py comment still lists an older order.)
_GGML_LEVELS = {0: logging.DEBUG, 1: logging.DEBUG, 2: logging.DEBUG, 3: logging.WARNING,
                4: logging.ERROR}  # fmt: skip
_GGML_CONT = 5
_callbacks: list[Any] = []  # keeps the ctypes callback alive as long as llama.cpp may call it


class _NativeLines:
    """Joins llama.cpp's fragments into whole lines; its info chatter goes out at DEBUG,
    warnings and errors at their level. Thread-safe: generation runs in worker threads."""

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._level = logging.DEBUG
        self._lock = threading.Lock()

    def __call__(self, level: int, text: bytes | None, _user: Any) -> None:
        chunk = (text or b"").decode("utf-8", "replace")
        with self._lock:
            if level != _GGML_CONT:
                self._level = _GGML_LEVELS.get(level, logging.DEBUG)
            self._pending.append(chunk)
            if not chunk.endswith("\n"):
                return
            line, self._pending = "".join(self._pending).strip(), []
            level_now = self._level
        if line:
            native_log.log(level_now, line)


def route_native_logs() -> None:
    """Send llama.cpp's own log lines to Python logging instead of stderr (once a process)."""
    if _callbacks:
        return
    import llama_cpp

    callback = llama_cpp.llama_log_callback(_NativeLines())
    _callbacks.append(callback)
    llama_cpp.llama_log_set(callback, ctypes.c_void_p(0))


def _llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as exc:
        raise EngineUnavailable(
            "the llamacpp engine needs llama-cpp-python: pip install 'clinic-copilot[llamacpp]'"
        ) from exc
    return llama_cpp


def gbnf_for_call(schema: dict[str, Any], fmt: ToolCallFormat, must_call: bool) -> str:
    """GBNF for one call in `fmt`; with `must_call` False, plain text is the alternative."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    body = json_schema_to_gbnf(json.dumps(schema)).replace("root ::=", "call-json ::=", 1)
    body = re.sub(r"^char ::= .*$", lambda _: _STRICT_CHAR, body, count=1, flags=re.MULTILINE)
    call = " ".join(
        part
        for part in (
            json.dumps(fmt.prefix) if fmt.prefix else "",
            "call-json",
            json.dumps(fmt.suffix) if fmt.suffix else "",
        )
        if part
    )
    text = f"[^{_gbnf_escape(fmt.opener)}] [^\\x00]*"
    root = f"root ::= {call}" if must_call else f"root ::= {call} | {text}"
    return f"{root}\n{body}"


# No control characters and no \\u escapes inside strings: a random model would otherwise spend
# its token budget on them, and clinic text never needs them.
_STRICT_CHAR = r'char ::= [^"\\\x00-\x1F\x7F] | "\\" ["\\/bfnrt]'


def _gbnf_escape(char: str) -> str:
    return "\\" + char if char in "[]^\\-" else char


def slot_thread(index: int) -> ThreadPoolExecutor:
    """The one thread a slot's llama.cpp context is loaded and run on, for its whole life.

    llama.cpp computes with an OpenMP team that belongs to the calling thread. Calls from
    threads that come and go (asyncio's default pool) each leave a team behind; once the
    process holds more OpenMP threads than cores, libgomp stops spinning between the fork and
    join of every token and sleeps instead: measured at 29 ms a token against 22 ms with one
    calling thread (random Qwen2.5-0.5B GGUF, 2 threads, 2 cores)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"llamacpp-slot-{index}")


@dataclass(eq=False)
class _Slot:
    llm: Any
    thread: ThreadPoolExecutor
    lock: threading.Lock = field(default_factory=threading.Lock)

    def cached_prefix(self, tokens: Sequence[int]) -> int:
        """How many leading tokens of `tokens` this slot's KV cache already holds."""
        n = 0
        for a, b in zip(self.llm._input_ids, tokens, strict=False):
            if a != b:
                break
            n += 1
        return n


async def _close_slots(slots: Sequence[_Slot]) -> None:
    """Free each context on its own thread, then end the thread."""

    def close(slot: _Slot) -> None:
        with slot.lock:
            slot.llm.close()

    loop = asyncio.get_running_loop()
    for slot in slots:
        await loop.run_in_executor(slot.thread, close, slot)
        slot.thread.shutdown(wait=True)


class LlamaCppEngine:
    name: ClassVar[str] = "llamacpp"

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._pool: SlotPool[_Slot] | None = None
        self._formatter: Any = None
        self._fmt: ToolCallFormat | None = None
        self._eos = ""
        self._slots: list[_Slot] = []

    @property
    def pool(self) -> SlotPool[_Slot]:
        if self._pool is None:
            raise EngineUnavailable("the llamacpp engine is not started")
        return self._pool

    async def start(self) -> None:
        if self._pool is not None:
            return
        path = self.config.model_path(self.name)
        _llama_cpp()
        route_native_logs()
        slots: list[_Slot] = []
        try:
            for index in range(self.config.parallel_slots):
                thread = slot_thread(index)
                try:
                    llm = await asyncio.get_running_loop().run_in_executor(thread, self._load, path)
                except BaseException:
                    thread.shutdown(wait=False)
                    raise
                slots.append(_Slot(llm, thread))
        except BaseException:
            await _close_slots(slots)
            raise
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llm = slots[0].llm
        template = llm.metadata.get("tokenizer.chat_template") or CHATML_TEMPLATE
        self._eos = llm._model.token_get_text(llm.token_eos())
        bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
        self._formatter = Jinja2ChatFormatter(template, eos_token=self._eos, bos_token=bos)
        self._fmt = detect_format(template, self.config.tool_call_format)
        self._slots = slots
        self._pool = SlotPool(slots)
        log.info("llamacpp: loaded %s into %d slot(s)", path.name, len(slots))

    def _load(self, path: Path) -> Any:
        from llama_cpp import Llama

        try:
            return Llama(
                model_path=str(path),
                n_ctx=self.config.n_ctx,
                n_threads=self.config.n_threads,
                n_threads_batch=self.config.n_threads,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelLoadError(f"cannot load model {path}: {exc}") from exc

    async def close(self) -> None:
        slots, self._slots, self._pool = self._slots, [], None
        await _close_slots(slots)

    def prompt_tokens(self, req: ChatRequest) -> list[int]:
        """The prompt as llama.cpp sees it (the same rendering llama_cpp.server uses)."""
        if not self._slots:
            raise EngineUnavailable("the llamacpp engine is not started")
        llm = self._slots[0].llm
        tools = [t.to_openai() for t in req.tools] or None
        rendered = self._formatter(messages=list(req.messages), tools=tools)
        # Tokenizing reads only the vocabulary, never a context, so any slot's model serves.
        tokens: list[int] = llm.tokenize(
            rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
        )
        return tokens

    async def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        pool = self.pool
        # Rendering, tokenizing and grammar building are CPU work: off the event loop.
        tokens = await asyncio.to_thread(self.prompt_tokens, req)
        if len(tokens) >= self.config.n_ctx:
            raise ContextOverflow(
                f"the prompt has {len(tokens)} tokens; the context window is {self.config.n_ctx}"
            )
        max_tokens = min(req.max_tokens or self.config.max_tokens, self.config.n_ctx - len(tokens))
        grammar = None
        if req.active_tools:
            assert self._fmt is not None
            schema = call_schema(req.active_tools, self._fmt)
            grammar = await asyncio.to_thread(gbnf_for_call, schema, self._fmt, req.must_call)
        stop = threading.Event()
        async with pool.acquire(score=lambda slot: slot.cached_prefix(tokens)) as slot:

            def produce(emit: Callable[[Event], None]) -> None:
                with slot.lock:
                    self._generate(slot, tokens, req, max_tokens, grammar, emit, stop)

            async for event in events_from_thread(produce, stop, slot.thread):
                yield event

    def _generate(
        self,
        slot: _Slot,
        tokens: list[int],
        req: ChatRequest,
        max_tokens: int,
        grammar_text: str | None,
        emit: Callable[[Event], None],
        stop: threading.Event,
    ) -> None:
        llama_cpp = _llama_cpp()
        llm = slot.llm
        assert self._fmt is not None
        cached = slot.cached_prefix(tokens)
        cached = cached - 1 if cached == len(tokens) else cached  # llama.cpp replays one
        llm.set_seed(req.seed if req.seed is not None else random.randrange(2**31))
        grammar = (
            llama_cpp.LlamaGrammar.from_string(grammar_text, verbose=False)
            if grammar_text
            else None
        )
        assembler = ReplyAssembler(req, self._fmt, stop=[] if req.ignore_eos else [self._eos])
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        started = time.perf_counter()
        first: float | None = None
        generated = 0
        finish: Any = "length"
        generator = llm.generate(
            tokens,
            top_k=0,
            top_p=req.top_p,
            min_p=0.0,
            temp=req.temperature,
            repeat_penalty=1.0,
            grammar=grammar,
        )
        try:
            for token in generator:
                first = first or time.perf_counter()
                if req.cancel.is_set():
                    raise GenerationCancelled("generation was cancelled")
                if stop.is_set():
                    return
                if not req.ignore_eos and llama_cpp.llama_vocab_is_eog(llm._model.vocab, token):
                    finish = "stop"
                    break
                generated += 1
                for event in assembler.feed(decoder.decode(llm.detokenize([token]))):
                    emit(event)
                if assembler.stopped:
                    finish = "stop"
                    break
                if generated >= max_tokens:
                    break
        finally:
            generator.close()
        ended = time.perf_counter()
        events, reason = assembler.finish(finish)
        for event in events:
            emit(event)
        first = first or ended
        emit(
            Usage(
                len(tokens),
                generated,
                max(cached, 0),
                (first - started) * 1000,
                (ended - first) * 1000,
            )
        )
        emit(Done(reason))

    async def complete(self, req: ChatRequest) -> Completion:
        return await collect(self.stream(req))
