"""One contract, every engine this machine can run: scripted, llamacpp, hf, openai_compat
(against a real llama_cpp.server on the tiny GGUF), vllm where a GPU is present."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from inference import jsonschema
from inference.base import (
    ChatRequest,
    ContextOverflow,
    Done,
    GenerationCancelled,
    ModelLoadError,
    TextDelta,
    Tool,
    ToolCall,
    Usage,
    collect,
)
from inference.scripted import ScriptedEngine, ScriptedReply, tokenize
from tests.integration.inference.engines import (
    Harness,
    config,
    hf_prompt_counter,
    llama_server,
)

pytestmark = pytest.mark.slow

NOTE_TOOL = Tool(
    "notes_add",
    "Add a clinical note to a contact",
    {
        "type": "object",
        "properties": {
            "contact": {"type": "string", "description": "name, e-mail or phone"},
            "body": {"type": "string", "maxLength": 200},
            "pinned": {"type": "boolean"},
            "priority": {"type": "integer", "minimum": 0, "maximum": 5},
            "kind": {"enum": ["clinical", "admin"]},
        },
        "required": ["contact", "body"],
    },
)
TAG_TOOL = Tool(
    "tags_add",
    "Tag a contact",
    {
        "type": "object",
        "properties": {"contact": {"type": "string"}, "tag": {"type": "string"}},
        "required": ["contact", "tag"],
    },
)
SYSTEM = {"role": "system", "content": "You are the clinic co-pilot. Be brief."}
LONG_REPLY = " ".join(f"word{i}" for i in range(3000))


def scripted_reply(req: ChatRequest) -> ScriptedReply:
    """Answers like a model would: a call when one is forced, else (long) text."""
    if req.must_call:
        seed = req.seed or 0
        return ScriptedReply(
            tool_calls=[
                (
                    req.active_tools[0].name,
                    {"contact": f"Jane {seed}", "body": "prefers mornings", "tag": "vip"}
                    if req.active_tools[0] is TAG_TOOL
                    else {"contact": f"Jane {seed}", "body": "hello"},
                )
            ]
        )
    return ScriptedReply(text=LONG_REPLY, token_delay=0.001)


def _available(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _cuda() -> bool:
    if not (_available("torch") and _available("vllm")):
        return False
    import torch

    return bool(torch.cuda.is_available())


ENGINES = [
    "scripted",
    pytest.param(
        "llamacpp",
        marks=pytest.mark.skipif(
            not _available("llama_cpp"), reason="llama-cpp-python not installed"
        ),
    ),
    pytest.param(
        "hf",
        marks=pytest.mark.skipif(
            not _available("transformers"), reason="transformers not installed"
        ),
    ),
    pytest.param(
        "openai_compat",
        marks=pytest.mark.skipif(
            not _available("llama_cpp"), reason="needs llama_cpp.server to serve the tiny GGUF"
        ),
    ),
    pytest.param(
        "vllm",
        marks=[
            pytest.mark.gpu,
            pytest.mark.skipif(not _cuda(), reason="vllm in process needs vllm and a CUDA GPU"),
        ],
    ),
]


@pytest.fixture(scope="module", params=ENGINES)
async def harness(
    request: pytest.FixtureRequest,
    tiny_gguf: Path,
    tiny_hf_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Harness]:
    name = request.param
    if name == "scripted":
        engine = ScriptedEngine(config(engine="scripted"), responder=scripted_reply)

        def count(req: ChatRequest) -> int:
            return engine.prompt_tokens(req)

        harness = Harness(engine, count)
    elif name == "llamacpp":
        from inference.llamacpp import LlamaCppEngine

        harness = Harness(
            LlamaCppEngine(config(model=str(tiny_gguf))), hf_prompt_counter(tiny_hf_dir)
        )
    elif name == "hf":
        from inference.hf import HFEngine

        harness = Harness(HFEngine(config(model=str(tiny_hf_dir))), hf_prompt_counter(tiny_hf_dir))
    elif name == "openai_compat":
        from inference.openai_compat import OpenAICompatEngine

        log = tmp_path_factory.mktemp("server") / "llama_server.log"
        with llama_server(tiny_gguf, log) as url:
            engine = OpenAICompatEngine(config(base_urls=[url]))
            await engine.start()
            yield Harness(engine, hf_prompt_counter(tiny_hf_dir), model_path=False)
            await engine.close()
        return
    else:
        from inference.tiny import ModelShape, build_tiny_hf
        from inference.vllm import VLLMEngine

        # vLLM's attention kernels want a common head size: 64.
        shape = ModelShape(
            arch="llama", hidden=256, layers=2, heads=4, kv_heads=2, ffn=512, context=2048
        )
        hf_dir = build_tiny_hf(tmp_path_factory.mktemp("vllm") / "tiny", shape=shape)
        harness = Harness(VLLMEngine(config(model=str(hf_dir))), hf_prompt_counter(hf_dir))
    await harness.engine.start()
    yield harness
    await harness.engine.close()


def hello(**kwargs: object) -> ChatRequest:
    return ChatRequest([SYSTEM, {"role": "user", "content": "hello there"}], **kwargs)  # type: ignore[arg-type]


async def test_stream_yields_deltas_then_usage_then_done(harness: Harness) -> None:
    texts = 0
    for seed in range(4):
        events = [
            e async for e in harness.engine.stream(hello(max_tokens=12, seed=seed, temperature=1.0))
        ]
        assert isinstance(events[-1], Done) and isinstance(events[-2], Usage)
        assert all(isinstance(e, TextDelta) for e in events[:-2])
        texts += len(events) - 2
    assert texts > 0


async def test_usage_counts_match_the_tokenizer(harness: Harness) -> None:
    req = hello(max_tokens=8, seed=1, temperature=1.0)
    reply = await collect(harness.engine.stream(req))
    assert reply.usage is not None
    if reply.usage.exact:
        assert reply.usage.prompt_tokens == harness.prompt_tokens(req)
    assert 0 < reply.usage.completion_tokens <= 8 or reply.finish_reason == "stop"
    if reply.finish_reason == "length" and reply.usage.exact:
        assert reply.usage.completion_tokens == 8
    whole = await harness.engine.complete(req)  # a remote server reports usage here
    assert whole.usage is not None and whole.usage.exact
    assert whole.usage.prompt_tokens == harness.prompt_tokens(req)


async def test_ignore_eos_runs_every_reply_to_max_tokens(harness: Harness) -> None:
    if harness.model_path is False:
        pytest.skip("llama_cpp.server has no ignore_eos; openai_compat forwards the field")
    for seed in range(6):  # a random model ends early now and then without it
        req = hello(max_tokens=24, seed=seed, temperature=1.0, ignore_eos=True)
        reply = await collect(harness.engine.stream(req))
        assert reply.usage is not None and reply.usage.completion_tokens == 24
        assert reply.finish_reason == "length"


@pytest.mark.parametrize("tools", [[NOTE_TOOL], [NOTE_TOOL, TAG_TOOL]], ids=["one", "two"])
async def test_forced_tool_call_always_parses_and_validates(
    harness: Harness, tools: list[Tool]
) -> None:
    for seed in range(10):
        req = ChatRequest(
            [SYSTEM, {"role": "user", "content": "note for Jane: likes tea"}],
            tools=tools,
            tool_choice="notes_add",
            max_tokens=600,
            seed=seed,
            temperature=1.0,
        )
        reply = await collect(harness.engine.stream(req))
        assert reply.finish_reason == "tool_calls"
        (call,) = reply.tool_calls
        assert call.name == "notes_add"
        assert jsonschema.errors(dict(call.arguments), NOTE_TOOL.parameters) == []


async def test_required_tool_call_picks_a_valid_tool(harness: Harness) -> None:
    if harness.engine.name == "openai_compat":
        pytest.skip("llama_cpp.server constrains only a named tool_choice")
    for seed in range(4):
        req = ChatRequest(
            [{"role": "user", "content": "tag Jane as vip"}],
            tools=[NOTE_TOOL, TAG_TOOL],
            tool_choice="required",
            seed=seed,
            max_tokens=600,
            temperature=1.0,
        )
        (call,) = (await collect(harness.engine.stream(req))).tool_calls
        tool = NOTE_TOOL if call.name == "notes_add" else TAG_TOOL
        assert jsonschema.errors(dict(call.arguments), tool.parameters) == []


async def test_streamed_call_equals_non_streamed(harness: Harness) -> None:
    req = ChatRequest(
        [{"role": "user", "content": "note for Sam"}],
        tools=[NOTE_TOOL],
        tool_choice="notes_add",
        max_tokens=600,
        seed=3,
        temperature=1.0,
    )
    streamed = await collect(harness.engine.stream(req))
    whole = await harness.engine.complete(req)
    assert isinstance(streamed.tool_calls[0], ToolCall)
    assert streamed.tool_calls == whole.tool_calls


async def _second_request_completes(harness: Harness) -> None:
    reply = await asyncio.wait_for(
        collect(harness.engine.stream(hello(max_tokens=4, seed=0))), timeout=30
    )
    assert reply.usage is not None
    pool = getattr(harness.engine, "pool", None)
    if pool is not None:
        assert pool.free == pool.size


async def test_closing_the_stream_frees_the_slot(harness: Harness) -> None:
    stream = harness.engine.stream(hello(max_tokens=1500, seed=0, temperature=1.0))
    await anext(stream)
    await stream.aclose()  # type: ignore[attr-defined]
    pool = getattr(harness.engine, "pool", None)
    if pool is not None:
        assert pool.free == pool.size
    await _second_request_completes(harness)


async def test_cancel_signal_stops_generation(harness: Harness) -> None:
    req = hello(max_tokens=1500, seed=0, temperature=1.0)
    stream = harness.engine.stream(req)
    await anext(stream)
    req.cancel.set()
    received = 0
    with pytest.raises(GenerationCancelled):
        async for _ in stream:
            received += 1
    assert received < 1500
    await _second_request_completes(harness)


async def test_overlong_prompt_raises_context_overflow(harness: Harness) -> None:
    req = ChatRequest([{"role": "user", "content": "lorem ipsum " * 1500}], max_tokens=8)
    with pytest.raises(ContextOverflow):
        await collect(harness.engine.stream(req))


@pytest.mark.parametrize("problem", ["missing", "corrupt"])
async def test_bad_model_file_raises_model_load_error_with_path(
    harness: Harness, tmp_path: Path, problem: str
) -> None:
    if not harness.model_path:
        pytest.skip("a remote server loads its own model files")
    engine_cls = type(harness.engine)
    path = tmp_path / ("model.gguf" if engine_cls.name == "llamacpp" else "model")
    if problem == "corrupt":
        if engine_cls.name in {"hf", "vllm"}:
            path.mkdir()
            (path / "config.json").write_text("{not json")
        else:
            path.write_bytes(b"GGUF\x00garbage")
    engine = engine_cls(config(model=str(path)))  # type: ignore[call-arg]
    with pytest.raises(ModelLoadError, match=str(path)):
        await engine.start()


def test_scripted_tokenizer_keeps_whitespace() -> None:
    assert "".join(tokenize(" a  b\n")) == " a  b\n"
