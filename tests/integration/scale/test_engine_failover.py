"""Two `llama_cpp.server` engines behind our openai_compat engine: one is killed while both
are busy, and no request that had not yet streamed a token fails (it moves to the other)."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import httpx
import pytest

from inference.base import ChatRequest, Done, TextDelta
from inference.config import EngineConfig
from inference.openai_compat import OpenAICompatEngine
from tests.plugins.cluster import Process, eventually
from tests.plugins.servers import free_port

pytestmark = pytest.mark.slow
pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
REQUESTS = 16


def _engine_server(gguf: Path, folder: Path, name: str) -> tuple[Process, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"

    def ready() -> bool:
        try:
            return httpx.get(f"{url}/models", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    argv = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(gguf),
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048",
        "--n_threads", "1", "--n_threads_batch", "1", "--verbose", "False",
    ]  # fmt: skip
    return Process(name, argv, dict(os.environ), folder / f"{name}.log", ready), url


class Tracked:
    def __init__(self) -> None:
        self.first_token: float | None = None
        self.done = False
        self.error: BaseException | None = None


async def _ask(engine: OpenAICompatEngine, n: int, out: Tracked) -> None:
    request = ChatRequest([{"role": "user", "content": f"count to {n}"}], max_tokens=400, seed=n)
    try:
        async for event in engine.stream(request):
            if isinstance(event, TextDelta) and out.first_token is None:
                out.first_token = time.monotonic()
            elif isinstance(event, Done):
                out.done = True
    except Exception as exc:  # what a caller would see; judged below
        out.error = exc


async def test_killing_one_engine_mid_load_fails_no_request_that_had_no_token(
    tiny_gguf: Path, tmp_path: Path
) -> None:
    made = [_engine_server(tiny_gguf, tmp_path, f"engine-{i}") for i in range(2)]
    servers, urls = [server for server, _ in made], [url for _, url in made]
    try:
        for server in servers:
            server.launch()
        for server in servers:
            server.await_ready()
        engine = OpenAICompatEngine(EngineConfig(engine="openai_compat", base_urls=urls))
        await engine.start()
        try:
            tracked = [Tracked() for _ in range(REQUESTS)]
            asks = [asyncio.create_task(_ask(engine, n, t)) for n, t in enumerate(tracked)]
            # Both engines serving, and the one to die holding more than the reply it is
            # working on (llama_cpp.server answers one request at a time; the rest wait).
            await eventually(
                lambda: (
                    engine.endpoints[0].outstanding >= 2
                    and any(t.first_token or t.done for t in tracked)
                ),
                60,
                "the engines to be busy",
            )
            servers[0].kill()
            killed_at = time.monotonic()
            await asyncio.wait_for(asyncio.gather(*asks), 120)
        finally:
            await engine.close()
    finally:
        for server in servers:
            server.stop()
    waiting = [t for t in tracked if t.first_token is None or t.first_token > killed_at]
    assert waiting  # some requests had no token yet when the engine died
    for t in waiting:
        assert t.error is None and t.done, t.error
    failed = [t for t in tracked if t.error is not None]
    assert len(failed) <= 1  # at most the one reply the dead engine was streaming
    assert engine.endpoints[0].failures > 0  # and requests did meet the dead engine
