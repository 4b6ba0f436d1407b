"""vLLM in process (AsyncLLM): the GPU path, with structured outputs for tool calls.

Only usable with the `vllm` extra on a CUDA machine; everything vllm is imported in `start`,
so this module imports anywhere and says clearly what is missing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
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
from inference.tools import FORMATS, ToolCallFormat, call_schema

INSTALL_HINT = "pip install 'clinic-copilot[vllm]'"


def _vllm() -> Any:
    try:
        import vllm
    except ImportError as exc:
        raise EngineUnavailable(
            f"the vllm engine needs vLLM and a CUDA GPU: {INSTALL_HINT}"
        ) from exc
    return vllm


def _structured(schema: dict[str, Any]) -> dict[str, Any]:
    """SamplingParams keyword for guided JSON, across vLLM versions."""
    try:
        from vllm.sampling_params import StructuredOutputsParams

        return {"structured_outputs": StructuredOutputsParams(json=schema)}
    except ImportError:
        from vllm.sampling_params import GuidedDecodingParams

        return {"guided_decoding": GuidedDecodingParams(json=schema)}


class VLLMEngine:
    name: ClassVar[str] = "vllm"

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self._engine: Any = None
        self._tokenizer: Any = None
        # Structured outputs constrain to JSON alone, so calls are bare JSON objects.
        self._fmt: ToolCallFormat = FORMATS["json"]

    async def start(self) -> None:
        if self._engine is not None:
            return
        _vllm()
        model = self.config.model
        if not model:
            raise ModelLoadError("no model configured: the vllm engine needs a model")
        if model.startswith((".", "/", "~")):  # a local directory rather than a hub id
            self.config.model_path(self.name, inside="config.json")
        from vllm.engine.arg_utils import AsyncEngineArgs

        try:
            from vllm.v1.engine.async_llm import AsyncLLM as engine_cls
        except ImportError:  # vLLM before the V1 engine
            from vllm.engine.async_llm_engine import AsyncLLMEngine as engine_cls
        args = AsyncEngineArgs(
            model=model,
            max_model_len=self.config.n_ctx,
            max_num_seqs=self.config.parallel_slots,
            enforce_eager=True,
            disable_log_stats=True,
        )
        try:
            self._engine = engine_cls.from_engine_args(args)
            self._tokenizer = await self._engine.get_tokenizer()
        except (OSError, ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load model {model}: {exc}") from exc

    async def close(self) -> None:
        engine, self._engine = self._engine, None
        if engine is not None and hasattr(engine, "shutdown"):
            engine.shutdown()

    def prompt_ids(self, req: ChatRequest) -> list[int]:
        tools = [t.to_openai() for t in req.tools] or None
        ids: list[int] = self._tokenizer.apply_chat_template(
            [dict(m) for m in req.messages],
            tools=tools,
            add_generation_prompt=True,
            tokenize=True,
        )
        return ids

    async def stream(self, req: ChatRequest) -> AsyncIterator[Event]:
        if self._engine is None:
            raise EngineUnavailable("the vllm engine is not started")
        from vllm import SamplingParams

        ids = self.prompt_ids(req)
        if len(ids) >= self.config.n_ctx:
            raise ContextOverflow(
                f"the prompt has {len(ids)} tokens; the context window is {self.config.n_ctx}"
            )
        max_tokens = min(req.max_tokens or self.config.max_tokens, self.config.n_ctx - len(ids))
        extra = _structured(call_schema(req.active_tools, self._fmt)) if req.must_call else {}
        params = SamplingParams(
            temperature=req.temperature,
            top_p=req.top_p,
            max_tokens=max_tokens,
            stop=list(req.stop) or None,
            seed=req.seed,
            ignore_eos=req.ignore_eos,
            **extra,
        )
        request_id = uuid.uuid4().hex
        assembler = ReplyAssembler(req, self._fmt)
        seen, completion, reason = 0, 0, "stop"
        finished = False
        cached = 0
        try:
            async for output in self._engine.generate(
                {"prompt_token_ids": ids}, params, request_id=request_id
            ):
                if req.cancel.is_set():
                    raise GenerationCancelled("generation was cancelled")
                out = output.outputs[0]
                for event in assembler.feed(out.text[seen:]):
                    yield event
                seen, completion = len(out.text), len(out.token_ids)
                reason = out.finish_reason or reason
                finished = output.finished
                cached = int(getattr(output, "num_cached_tokens", 0) or 0)
        finally:
            if not finished:
                await self._engine.abort(request_id)
        events, finish = assembler.finish("length" if reason == "length" else "stop")
        for event in events:
            yield event
        yield Usage(len(ids), completion, cached)
        yield Done(finish)

    async def complete(self, req: ChatRequest) -> Completion:
        return await collect(self.stream(req))
