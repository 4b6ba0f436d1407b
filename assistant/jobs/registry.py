"""Job kinds: a name selects the handler; modules declare theirs with @job_handler.

assistant/compose.py imports the declaring modules, so this package imports none of them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.jobs.runner import JobContext

JobHandler = Callable[["JobContext", dict[str, Any]], Awaitable[dict[str, Any]]]


class JobKinds:
    def __init__(self) -> None:
        self._handlers: dict[str, JobHandler] = {}

    def register(self, kind: str) -> Callable[[JobHandler], JobHandler]:
        def decorate(fn: JobHandler) -> JobHandler:
            if kind in self._handlers:
                raise ValueError(f"job kind {kind!r} is declared twice")
            self._handlers[kind] = fn
            return fn

        return decorate

    def get(self, kind: str) -> JobHandler | None:
        return self._handlers.get(kind)

    def kinds(self) -> list[str]:
        return sorted(self._handlers)


JOB_KINDS = JobKinds()
job_handler = JOB_KINDS.register
