"""A span takes ids, counts, timings and names of code; text never becomes an attribute."""

from __future__ import annotations

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from assistant.ops.tracing import Tracing
from assistant.settings import Settings


def test_only_ids_counts_and_names_of_code_are_kept() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider.get_tracer("test"), provider)
    with tracing.span("chat.turn", user_id=7) as turn:
        with tracing.span("chat.act", procedure="notes.add") as act:
            act.set(body="knee pain since the fall", contact="Jane Doe", outcome="done")
        turn.set(intent="notes.add", total_ms=12.5, message="add a note to Jane", missing=None)
    tracing.shutdown()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert dict(spans["chat.act"].attributes or {}) == {
        "assistant.procedure": "notes.add",
        "assistant.outcome": "done",
    }
    assert dict(spans["chat.turn"].attributes or {}) == {
        "assistant.user_id": 7,
        "assistant.intent": "notes.add",
        "assistant.total_ms": 12.5,
    }
    assert spans["chat.act"].parent is not None
    assert spans["chat.act"].parent.span_id == spans["chat.turn"].context.span_id


def test_without_an_endpoint_nothing_is_traced() -> None:
    tracing = Tracing.for_settings(Settings())
    assert not tracing.enabled
    with tracing.span("chat.turn", user_id=1) as span:
        span.set(intent="chat")  # a no-op span takes attributes and drops them
