"""The requests of a run: random prompts of an exact token length (as the engine counts them,
chat template included), or prompts from a data set; a fixed seed makes them repeatable.

Token counts come from the engine in process, or for a URL target from `--tokenizer`: a GGUF
(llama.cpp's tokenizer and the file's chat template, the way llama.cpp servers render) or an HF
directory (its chat template). Without one, prompts are sized by an estimate and the report
records the lengths the server said it saw.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Messages = list[dict[str, Any]]
Counter = Callable[[Messages], int]
"""Tokens of the rendered chat prompt for these messages."""


class WorkloadError(ValueError):
    """A workload cannot be built as asked (a message names the flag or file)."""


@dataclass(frozen=True, slots=True)
class Request:
    messages: Messages
    output_len: int
    seed: int
    prompt_len: int | None
    """Tokens of the rendered prompt where a tokenizer counted them; None: unknown."""


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 7)))


def _user(text: str, system: str | None) -> Messages:
    user = {"role": "user", "content": text}
    return [{"role": "system", "content": system}, user] if system else [user]


def exact_prompt(
    count: Counter, target: int, rng: random.Random, system: str | None = None
) -> tuple[Messages, int]:
    """Random words as the user message, sized so the rendered prompt has `target` tokens:
    bisect on the number of words, then add letters one by one. Returns the messages and the
    length reached (equal to `target` unless the tokenizer makes that impossible)."""
    base = count(_user("", system))
    if target <= base:
        raise WorkloadError(
            f"--prompt-len {target} is too short: the chat template alone is {base} tokens"
        )
    words: list[str] = []
    while count(_user(" ".join(words), system)) < target:
        words += [_word(rng) for _ in range(max(1, (target - base) // 4))]
    low, high = 0, len(words)  # largest prefix of words that does not exceed the target
    while low < high:
        mid = (low + high + 1) // 2
        if count(_user(" ".join(words[:mid]), system)) <= target:
            low = mid
        else:
            high = mid - 1
    text = " ".join(words[:low])
    reached = count(_user(text, system))
    for _ in range(64):
        if reached == target:
            break
        for extra in (" " + rng.choice(string.ascii_lowercase), rng.choice(string.ascii_lowercase)):
            n = count(_user(text + extra, system))
            if reached < n <= target:
                text, reached = text + extra, n
                break
        else:
            break
    return _user(text, system), reached


def estimated_prompt(target: int, rng: random.Random, system: str | None = None) -> Messages:
    """No tokenizer: about one token per word of 2-7 letters after a space (an estimate)."""
    return _user(" ".join(_word(rng) for _ in range(max(1, target - 8))), system)


def random_requests(
    n: int,
    prompt_len: int,
    output_len: int,
    seed: int,
    count: Counter | None,
    system: str | None = None,
) -> list[Request]:
    if n < 1 or output_len < 1:
        raise WorkloadError("--requests and --output-len must be at least 1")
    rng = random.Random(seed)
    requests = []
    for i in range(n):
        if count is None:
            messages, reached = estimated_prompt(prompt_len, rng, system), None
        else:
            messages, got = exact_prompt(count, prompt_len, rng, system)
            reached = got
        requests.append(Request(messages, output_len, seed + i, reached))
    return requests


def dataset_requests(
    path: Path, n: int, output_len: int, seed: int, count: Counter | None
) -> list[Request]:
    """JSONL, one request a line: {"prompt": text} or {"messages": [...]}, optionally
    {"output_len": N}; lines are used in order and repeated to make `n` requests."""
    try:
        lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise WorkloadError(f"--dataset {path}: {exc}") from None
    if not lines:
        raise WorkloadError(f"--dataset {path}: no requests")
    requests = []
    for i in range(n):
        item = lines[i % len(lines)]
        if not isinstance(item, dict) or not ("prompt" in item or "messages" in item):
            raise WorkloadError(f"--dataset {path}, line {i % len(lines) + 1}: no prompt")
        messages = item.get("messages") or _user(str(item["prompt"]), None)
        length = int(item.get("output_len", output_len))
        requests.append(
            Request(messages, length, seed + i, count(messages) if count is not None else None)
        )
    return requests


def gguf_counter(path: Path) -> Counter:
    """llama.cpp's tokenizer and the GGUF's chat template (vocabulary only: no weights load)."""
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    from inference.templates import CHATML_TEMPLATE

    try:
        llm = Llama(model_path=str(path), vocab_only=True, verbose=False)
    except (ValueError, RuntimeError, OSError) as exc:
        raise WorkloadError(f"--tokenizer {path}: {exc}") from None
    template = llm.metadata.get("tokenizer.chat_template") or CHATML_TEMPLATE
    eos = llm._model.token_get_text(llm.token_eos())
    bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
    formatter = Jinja2ChatFormatter(template, eos_token=eos, bos_token=bos)

    def count(messages: Messages) -> int:
        rendered = formatter(messages=messages)  # type: ignore[arg-type]
        tokens = llm.tokenize(
            rendered.prompt.encode("utf-8"), add_bos=not rendered.added_special, special=True
        )
        return len(tokens)

    return count


def hf_counter(path: Path) -> Counter:
    try:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(path))
    except (ImportError, OSError, ValueError) as exc:
        raise WorkloadError(f"--tokenizer {path}: {exc}") from None

    def count(messages: Messages) -> int:
        ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True)
        return len(ids["input_ids"] if isinstance(ids, dict) else ids)

    return count


def tokenizer_counter(path: Path) -> Counter:
    if path.is_dir():
        return hf_counter(path)
    if path.suffix == ".gguf":
        return gguf_counter(path)
    raise WorkloadError(f"--tokenizer {path}: a .gguf file or an HF model directory")


def engine_counter(engine: Any) -> Counter | None:
    """The engine's own count (llamacpp, hf, vllm, scripted), or None where it has none."""
    from inference.base import ChatRequest

    method = getattr(engine, "prompt_tokens", None) or getattr(engine, "prompt_ids", None)
    if method is None:
        return None

    def count(messages: Messages) -> int:
        n = method(ChatRequest(messages=messages))
        return n if isinstance(n, int) else len(n)

    return count


def lengths(requests: Sequence[Request]) -> dict[str, Any]:
    known = [r.prompt_len for r in requests if r.prompt_len is not None]
    return {
        "prompt_len_min": min(known) if known else None,
        "prompt_len_max": max(known) if known else None,
    }
