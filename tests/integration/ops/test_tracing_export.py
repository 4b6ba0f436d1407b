"""A chat turn traced to an OTLP/HTTP receiver on 127.0.0.1 (the SDK's real exporter): the
turn, its parse and its generation arrive as nested spans with ids and timings, and no byte
of what the user wrote or the model answered."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from assistant.settings import Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import serve_in_process, turn

MESSAGE = "tell me something cheerful about Wilhelmina Quackenbush's recovery"
ANSWER = "Gentle walks every morning are going splendidly."


class Receiver:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        received = self.bodies

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                received.append(self.rfile.read(int(self.headers["Content-Length"])))
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/traces"

    def spans(self) -> list[Any]:
        found = []
        for body in self.bodies:
            request = ExportTraceServiceRequest.FromString(body)
            for resource in request.resource_spans:
                for scoped in resource.scope_spans:
                    found.extend(scoped.spans)
        return found


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()
    thread.join(timeout=10)


def _attributes(span: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in span.attributes:
        value = kv.value
        out[kv.key] = getattr(value, value.WhichOneof("value"))
    return out


@pytest.mark.slow
async def test_a_chat_turn_arrives_as_nested_spans_without_text(
    app_settings: Settings, staff: dict[str, Member], receiver: Receiver
) -> None:
    settings = app_settings.model_copy(
        update={
            "metrics": app_settings.metrics.model_copy(update={"traces_endpoint": receiver.url}),
            "data_dir": app_settings.data_dir / uuid.uuid4().hex[:8],  # no NLU model
        }
    )
    engine = ScriptedEngine(
        script=[ScriptedReply(tool_calls=[("chat", {})]), ScriptedReply(ANSWER)]
    )
    app = create_app(settings, engine=engine)
    async with serve_in_process(app) as base, httpx.AsyncClient(base_url=base, timeout=60) as http:
        events = await turn(http, staff["practitioner"], MESSAGE)
    assert events[-1].event == "message.done", events
    conversation = events[0].data["conversation_id"]

    spans = {span.name: span for span in receiver.spans()}  # sent when the app stopped
    assert {"chat.turn", "chat.parse", "chat.generate"} <= set(spans), list(spans)
    root = spans["chat.turn"]
    assert spans["chat.parse"].parent_span_id == root.span_id
    assert spans["chat.generate"].parent_span_id == root.span_id
    said = _attributes(root)
    assert said["assistant.conversation_id"] == conversation
    assert said["assistant.user_id"] == staff["practitioner"].user_id
    assert said["assistant.intent"] == "chat" and said["assistant.status"] == "complete"
    assert said["assistant.total_ms"] > 0
    assert _attributes(spans["chat.generate"])["assistant.engine"] == engine.name
    raw = b"".join(receiver.bodies)
    for text in ("Wilhelmina", "Quackenbush", "cheerful", "splendidly", "Gentle walks"):
        assert text.encode() not in raw
