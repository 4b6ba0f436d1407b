"""Harnesses that start each engine available here on the tiny models, for the contract suite.

Kept apart from the tests so the GPU suite and later chat tests can start engines the same way.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from inference.base import ChatRequest, Engine
from inference.config import EngineConfig

N_CTX = 2048
THREADS = 1


@dataclass
class Harness:
    engine: Engine
    prompt_tokens: Callable[[ChatRequest], int]
    """Counts the prompt independently of the engine (HF `tokenizers` for the model engines)."""
    model_path: bool = True
    """False where the engine does not load a model file itself (a remote server does)."""


def hf_prompt_counter(hf_dir: Path) -> Callable[[ChatRequest], int]:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))

    def count(req: ChatRequest) -> int:
        tools = [t.to_openai() for t in req.tools] or None
        text = tokenizer.apply_chat_template(
            [dict(m) for m in req.messages], tools=tools, add_generation_prompt=True, tokenize=False
        )
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    return count


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def llama_server(gguf: Path, log: Path) -> Iterator[str]:
    """`python -m llama_cpp.server` on 127.0.0.1 with the tiny GGUF; yields its /v1 URL."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(gguf),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                str(N_CTX),
                "--n_threads",
                str(THREADS),
                "--n_threads_batch",
                str(THREADS),
                "--verbose",
                "False",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"llama_cpp.server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("llama_cpp.server did not start within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def config(**kwargs: Any) -> EngineConfig:
    return EngineConfig(n_ctx=N_CTX, n_threads=THREADS, parallel_slots=1, max_tokens=64, **kwargs)
