"""Optional OpenTelemetry traces of a chat turn: `chat.turn` with `chat.parse`, `chat.act` and
`chat.generate` inside it, exported over OTLP/HTTP to ASSISTANT_METRICS_TRACES_ENDPOINT.

Off unless that endpoint is set (then the `otel` extra must be installed). Attributes hold ids,
names of code (intent, procedure, engine, provider), counts and timings: never text. `Span.set`
enforces it: a string is kept only under a key that names code, anything else is dropped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from opentelemetry.trace import NoOpTracer, Tracer

from assistant.errors import AppError
from assistant.settings import Settings

logger = logging.getLogger(__name__)
SERVICE = "clinic-copilot"
PREFIX = "assistant."
# Keys whose string values name code or a state, never what a person wrote.
CODE_NAMES = frozenset(
    {
        "intent",
        "path",
        "procedure",
        "engine",
        "provider",
        "finish_reason",
        "kind",
        "status",
        "outcome",
    }
)


class TracingUnavailable(AppError):
    code = "tracing_unavailable"


class Span:
    """A span that takes ids, counts, timings and names of code only."""

    def __init__(self, span: Any) -> None:
        self._span = span

    def set(self, **attributes: Any) -> None:
        for key, value in attributes.items():
            if value is None:
                continue
            if isinstance(value, bool | int | float) or (
                isinstance(value, str) and key in CODE_NAMES
            ):
                self._span.set_attribute(PREFIX + key, value)


class Tracing:
    """One process's tracer: a no-op unless configured."""

    def __init__(self, tracer: Tracer | None = None, provider: Any = None) -> None:
        self._tracer: Tracer = tracer or NoOpTracer()
        self._provider = provider

    @property
    def enabled(self) -> bool:
        return self._provider is not None

    @classmethod
    def for_settings(cls, settings: Settings) -> Tracing:
        endpoint = settings.metrics.traces_endpoint
        if not endpoint:
            return cls()
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.resources import Resource
            from opentelemetry.sdk.trace import TracerProvider
            from opentelemetry.sdk.trace.export import BatchSpanProcessor
        except ImportError:
            raise TracingUnavailable(
                "ASSISTANT_METRICS_TRACES_ENDPOINT is set but the OpenTelemetry SDK is not "
                "installed: pip install '.[otel]'"
            ) from None
        provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        logger.info("tracing chat turns to %s", endpoint)
        return cls(provider.get_tracer("assistant.chat"), provider)

    @contextlib.contextmanager
    def span(self, name: str, **attributes: Any) -> Iterator[Span]:
        """A child of the current span (if any); ended when the block ends."""
        with self._tracer.start_as_current_span(name) as raw:
            span = Span(raw)
            span.set(**attributes)
            yield span

    def shutdown(self) -> None:
        """Send what is buffered and stop (a process's last step)."""
        if self._provider is not None:
            self._provider.shutdown()
