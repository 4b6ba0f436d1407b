"""transformers in process: the third path (CPU here, CUDA when present).

`generate` runs in a thread and feeds a TextIteratorStreamer; a stopping criterion both
counts tokens and stops within one token on cancel or client disconnect. Tool calls are
decoded under xgrammar's logits processor with the same bounded call schema llama.cpp uses.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
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
from inference.slots import SlotPool, Stopped, events_from_thread
from inference.tools import ToolCallFormat, call_schema, detect_format

_EXTRA_HINT = "pip install 'clinic-copilot[hf]'"


def _import(name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise EngineUnavailable(f"the hf engine needs {name}: {_EXTRA_HINT}") from exc


class HFEngine:
    name: ClassVar[str] = "hf"

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.device = "cpu"
        self._model: Any = None
        self._tokenizer: Any = None
        self._fmt: ToolCallFormat | None = None
        self._pool: SlotPool[int] | None = None
        self._compiler: Any = None

    @property
    def pool(self) -> SlotPool[int]:
        if self._pool is None:
            raise EngineUnavailable("the hf engine is not started")
        return self._pool

    async def start(self) -> None:
        if self._pool is not None:
            return
        path = self.config.model_path(self.name, inside="config.json")
        torch = _import("torch")
        _import("transformers")
        if self.config.n_threads:
            torch.set_num_threads(self.config.n_threads)
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        await asyncio.to_thread(self._load, path)
        template = getattr(self._tokenizer, "chat_template", None)
        self._fmt = detect_format(template, self.config.tool_call_format)
        self._pool = SlotPool(list(range(self.config.parallel_slots)))

    def _load(self, path: Path) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(path))
            model = AutoModelForCausalLM.from_pretrained(str(path), dtype=dtype)
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            raise ModelLoadError(f"cannot load model {path}: {exc}") from exc
        self._model = model.to(self.device).eval()  # type: ignore[arg-type]

    async def close(self) -> None:
        self._model = self._tokenizer = self._pool = self._compiler = None

    def prompt_ids(self, req: ChatRequest) -> list[int]:
        tools = [t.to_openai() for t in req.tools] or None
        text = self._tokenizer.apply_chat_template(
            [dict(m) for m in req.messages],
            tools=tools,
            add_generation_prompt=True,
            tokenize=False,
        )
        ids: list[int] = self._tokenizer(text, add_special_tokens=False)["input_ids"]
        return ids

    def _window(self) -> int:
        return min(self.config.n_ctx, int(self._model.config.max_position_embeddings))

    def _grammar_processor(self, req: ChatRequest) -> Any:
        """xgrammar's HF logits processor for one call (or text) in the model's format."""
        xgr = _import("xgrammar")
        assert self._fmt is not None
        if self._compiler is None:
            info = xgr.TokenizerInfo.from_huggingface(
                self._tokenizer, vocab_size=self._model.config.vocab_size
            )
            self._compiler = xgr.GrammarCompiler(info)
        schema = call_schema(req.active_tools, self._fmt)
        parts = [xgr.Grammar.from_json_schema(schema, any_whitespace=False)]
        for literal, at in ((self._fmt.prefix, 0), (self._fmt.suffix, 1)):
            if literal:
                parts.insert(at if at == 0 else len(parts), _literal(xgr, literal))
        grammar = xgr.Grammar.concat(*parts) if len(parts) > 1 else parts[0]
        if not req.must_call:
            opener = self._fmt.opener.replace("\\", "\\\\").replace("]", "\\]")
            text = xgr.Grammar.from_ebnf(f"root ::= [^{opener}] [^\\0]*")
            grammar = xgr.Grammar.union(grammar, text)
        from xgrammar.contrib.hf import LogitsProcessor

        return LogitsProcessor(self._compiler.compile_grammar(grammar))

    async def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        pool = self.pool
        ids = self.prompt_ids(req)
        window = self._window()
        if len(ids) >= window:
            raise ContextOverflow(
                f"the prompt has {len(ids)} tokens; the context window is {window}"
            )
        max_tokens = min(req.max_tokens or self.config.max_tokens, window - len(ids))
        processor = self._grammar_processor(req) if req.active_tools else None
        stop = threading.Event()
        async with pool.acquire():

            def produce(emit: Callable[[Event], None]) -> None:
                self._generate(ids, req, max_tokens, processor, emit, stop)

            async for event in events_from_thread(produce, stop):
                yield event

    def _generate(
        self,
        ids: list[int],
        req: ChatRequest,
        max_tokens: int,
        processor: Any,
        emit: Callable[[Event], None],
        stop: threading.Event,
    ) -> None:
        import torch
        from transformers import StoppingCriteria, TextIteratorStreamer

        assert self._fmt is not None
        prompt_len = len(ids)
        progress = {"tokens": 0, "first": 0.0}

        class _Watch(StoppingCriteria):
            """Counts tokens and halts generation on cancel, disconnect or a stop string."""

            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                progress["tokens"] = int(input_ids.shape[-1]) - prompt_len
                progress["first"] = progress["first"] or time.perf_counter()
                halt = stop.is_set() or req.cancel.is_set() or assembler.stopped
                return torch.full(
                    (input_ids.shape[0],), halt, dtype=torch.bool, device=input_ids.device
                )

        assembler = ReplyAssembler(req, self._fmt)
        streamer = TextIteratorStreamer(
            self._tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=None
        )
        sampling = req.temperature > 0
        kwargs: dict[str, Any] = {
            "input_ids": torch.tensor([ids], device=self.device),
            "attention_mask": torch.ones((1, prompt_len), dtype=torch.long, device=self.device),
            "max_new_tokens": max_tokens,
            "do_sample": sampling,
            "streamer": streamer,
            "stopping_criteria": [_Watch()],
            "logits_processor": [processor] if processor is not None else None,
            "pad_token_id": self._tokenizer.pad_token_id,
        }
        if sampling:
            kwargs.update(temperature=req.temperature, top_p=req.top_p, top_k=0)
        if req.ignore_eos:  # EOS is masked until max_new_tokens: the reply runs to the limit
            kwargs["min_new_tokens"] = max_tokens
        result: dict[str, Any] = {}

        def run() -> None:
            try:
                with torch.inference_mode():
                    if req.seed is not None:
                        torch.manual_seed(req.seed)
                    result["out"] = self._model.generate(**kwargs)
            except BaseException as exc:
                result["error"] = exc
                streamer.end()  # type: ignore[no-untyped-call]

        started = time.perf_counter()
        worker = threading.Thread(target=run, name="hf-generate", daemon=True)
        worker.start()
        try:
            for piece in streamer:
                for event in assembler.feed(piece):
                    emit(event)
        except Stopped:
            stop.set()
            raise
        finally:
            worker.join()
        if "error" in result:
            raise result["error"]
        if req.cancel.is_set():
            raise GenerationCancelled("generation was cancelled")
        new = result["out"][0][prompt_len:].tolist()
        eos = set(_as_list(self._model.generation_config.eos_token_id))
        ended = time.perf_counter()
        ended_on_eos = bool(new) and new[-1] in eos
        reason: Any = "length" if len(new) >= max_tokens and not ended_on_eos else "stop"
        completion = len(new) - int(ended_on_eos)
        events, finish = assembler.finish(reason)
        for event in events:
            emit(event)
        first = progress["first"] or ended
        emit(Usage(prompt_len, completion, 0, (first - started) * 1000, (ended - first) * 1000))
        emit(Done(finish))

    async def complete(self, req: ChatRequest) -> Completion:
        return await collect(self.stream(req))


def _literal(xgr: Any, text: str) -> Any:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return xgr.Grammar.from_ebnf(f'root ::= "{escaped}"')


def _as_list(value: Any) -> list[int]:
    if value is None:
        return []
    return [int(v) for v in value] if isinstance(value, list | tuple) else [int(value)]
