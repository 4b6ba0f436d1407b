"""Stand-ins for hosted model APIs: real HTTP servers on 127.0.0.1 that speak the OpenAI
chat-completions and the Anthropic Messages wire formats (server-sent events), so the official
SDKs are the clients. Each request takes the next scripted `Reply` (or asks a responder with
the parsed body); every body received is kept, byte for byte, for the canary assertions.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """text (streamed word by word), tool calls (name, JSON arguments text), or a failure:
    `status` (with `headers`), or `stall_after` deltas then silence for `stall_seconds`."""

    text: str = ""
    tool_calls: Sequence[tuple[str, str]] = ()
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    stall_after: int | None = None
    stall_seconds: float = 3.0


Responder = Callable[[dict[str, Any]], Reply]


def _words(text: str) -> list[str]:
    out: list[str] = []
    for i, word in enumerate(text.split(" ")):
        out.append(word if i == 0 else " " + word)
    return [w for w in out if w]


class StandIn:
    """One provider's stand-in; `wire` is "openai" or "anthropic"."""

    def __init__(self, wire: str) -> None:
        self.wire = wire
        self.script: list[Reply | Responder] = []
        self.received: list[bytes] = []
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}" + ("/v1" if self.wire == "openai" else "")

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(b) for b in self.received]

    def reply_for(self, body: dict[str, Any]) -> Reply:
        item = self.script.pop(0) if self.script else Reply("ok")
        return item(body) if callable(item) else item

    def start(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _handler(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length", 0)))
            stand_in.received.append(raw)
            stand_in.paths.append(self.path)
            stand_in.headers.append({k.lower(): v for k, v in self.headers.items()})
            body = json.loads(raw)
            reply = stand_in.reply_for(body)
            if reply.status != 200:
                payload = json.dumps({"error": {"type": "error", "message": "stand-in"}})
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload.encode())
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            events = (openai_events if stand_in.wire == "openai" else anthropic_events)(body, reply)
            try:
                for n, chunk in enumerate(events):
                    if reply.stall_after is not None and n >= reply.stall_after:
                        time.sleep(reply.stall_seconds)
                        return
                    self.wfile.write(chunk.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    return Handler


def _prompt_tokens(body: dict[str, Any]) -> int:
    return max(1, len(json.dumps(body)) // 4)


def openai_events(body: dict[str, Any], reply: Reply) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        data = {
            "id": "chatcmpl-standin",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": body["model"],
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(data)}\n\n"

    words = _words(reply.text)
    yield chunk({"role": "assistant", "content": ""})
    for word in words:
        yield chunk({"content": word})
    for index, (name, arguments) in enumerate(reply.tool_calls):
        yield chunk(
            {
                "tool_calls": [
                    {
                        "index": index,
                        "id": f"call_{index}",
                        "type": "function",
                        "function": {"name": name, "arguments": ""},
                    }
                ]
            }
        )
        half = len(arguments) // 2
        for part in (arguments[:half], arguments[half:]):
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
    yield chunk({}, "tool_calls" if reply.tool_calls else "stop")
    usage = {
        "prompt_tokens": _prompt_tokens(body),
        "completion_tokens": len(words) + len(reply.tool_calls),
        "total_tokens": _prompt_tokens(body) + len(words) + len(reply.tool_calls),
    }
    data = {"id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": 0,
            "model": body["model"], "choices": [], "usage": usage}  # fmt: skip
    yield f"data: {json.dumps(data)}\n\n"
    yield "data: [DONE]\n\n"


def anthropic_events(body: dict[str, Any], reply: Reply) -> Iterator[str]:
    def event(kind: str, data: dict[str, Any]) -> str:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n"

    words = _words(reply.text)
    yield event(
        "message_start",
        {
            "message": {
                "id": "msg_standin", "type": "message", "role": "assistant",
                "model": body["model"], "content": [], "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": _prompt_tokens(body), "output_tokens": 1},
            }
        },
    )  # fmt: skip
    index = 0
    if words:
        yield event(
            "content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}}
        )
        for word in words:
            yield event(
                "content_block_delta",
                {"index": 0, "delta": {"type": "text_delta", "text": word}},
            )
        yield event("content_block_stop", {"index": 0})
        index = 1
    for n, (name, arguments) in enumerate(reply.tool_calls):
        block = {"type": "tool_use", "id": f"toolu_{n}", "name": name, "input": {}}
        yield event("content_block_start", {"index": index, "content_block": block})
        half = len(arguments) // 2
        for part in (arguments[:half], arguments[half:]):
            yield event(
                "content_block_delta",
                {"index": index, "delta": {"type": "input_json_delta", "partial_json": part}},
            )
        yield event("content_block_stop", {"index": index})
        index += 1
    stop = "tool_use" if reply.tool_calls else "end_turn"
    yield event(
        "message_delta",
        {
            "delta": {"stop_reason": stop, "stop_sequence": None},
            "usage": {"output_tokens": len(words) + len(reply.tool_calls)},
        },
    )
    yield event("message_stop", {})


@contextmanager
def stand_in(wire: str) -> Iterator[StandIn]:
    server = StandIn(wire)
    server.start()
    try:
        yield server
    finally:
        server.stop()
