"""What a procedure sees of its caller and the world."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Job, Role
from assistant.settings import Settings

Source = Literal["http", "chat", "job", "cli"]
CLINICAL_ROLES = frozenset({Role.owner, Role.practitioner})


@dataclass(frozen=True)
class Principal:
    """The authenticated user a call acts for; the LLM never holds more rights than this."""

    user_id: int
    email: str
    role: Role
    timezone: str = "UTC"

    @property
    def reads_clinical_text(self) -> bool:
        return self.role in CLINICAL_ROLES


@dataclass
class CallContext:
    principal: Principal
    session: AsyncSession
    now: datetime
    source: Source
    events: list[tuple[list[int], str, dict[str, Any]]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    settings: Settings | None = None

    async def enqueue(
        self,
        kind: str,
        params: dict[str, Any],
        *,
        key: str | None = None,
        user_id: int | None = None,
    ) -> Job:
        """Create a job row in this transaction; the executor queues it after commit."""
        from assistant.jobs.queue import add_job

        job = await add_job(
            self.session,
            kind=kind,
            user_id=user_id or self.principal.user_id,
            params=params,
            idempotency_key=key,
            now=self.now,
        )
        self.jobs.append(job)
        return job

    def emit(self, user_ids: list[int], kind: str, data: dict[str, Any]) -> None:
        """Queue an event; the executor publishes it after the transaction commits."""
        self.events.append((user_ids, kind, data))
