"""What a procedure sees of its caller and the world."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Job, Role, User
from assistant.errors import PermissionDenied
from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.procedures.registry import Registry

Source = Literal["http", "chat", "job", "cli"]
# How a caller proved who it is: a browser session, an API token, a job acting for the user
# who asked for it, or a named system principal (the CLI operator, the worker).
PrincipalKind = Literal["user", "token", "job", "system"]
CLINICAL_ROLES = frozenset({Role.owner, Role.practitioner})


@dataclass(frozen=True)
class Principal:
    """The staff member a call acts for; the LLM never holds more rights than this."""

    user_id: int
    email: str
    role: Role
    timezone: str = "UTC"
    kind: PrincipalKind = "user"
    token_id: int | None = None
    job_id: int | None = None

    @classmethod
    def of(
        cls,
        user: User,
        *,
        kind: PrincipalKind = "user",
        token_id: int | None = None,
        job_id: int | None = None,
    ) -> Principal:
        """The user as they are now (their current role), acting as `kind`."""
        assert user.id is not None
        return cls(
            user_id=user.id, email=user.email, role=Role(user.role), timezone=user.timezone,
            kind=kind, token_id=token_id, job_id=job_id,
        )  # fmt: skip

    @property
    def reads_clinical_text(self) -> bool:
        return self.role in CLINICAL_ROLES


@dataclass(frozen=True)
class SystemPrincipal:
    """A named caller that is no staff member; it may call exactly the procedures it lists
    (the permission table names it beside the roles)."""

    name: str
    may_call: frozenset[str]
    job_id: int | None = None
    kind: Literal["system"] = "system"


Caller = Principal | SystemPrincipal


@dataclass(frozen=True)
class Origin:
    """Where a co-pilot call came from: its conversation and the user's message."""

    conversation_id: int | None = None
    message_id: int | None = None


@dataclass
class CallContext:
    caller: Caller
    session: AsyncSession
    now: datetime
    source: Source
    origin: Origin = field(default_factory=Origin)
    events: list[tuple[list[int], str, dict[str, Any]]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    settings: Settings | None = None
    nested: Callable[[CallContext, str, dict[str, Any]], Awaitable[BaseModel]] | None = None
    """The executor's way to run another procedure inside this call (see `call`)."""
    registry: Registry | None = None
    """The declarations (an undo reads the inverse the undone procedure declares)."""

    @property
    def principal(self) -> Principal:
        """The staff member behind the call; procedures that act for a person use this."""
        if isinstance(self.caller, SystemPrincipal):
            raise PermissionDenied(f"{self.caller.name} does not act for a staff member")
        return self.caller

    @property
    def user_id(self) -> int | None:
        return self.caller.user_id if isinstance(self.caller, Principal) else None

    async def enqueue(
        self,
        kind: str,
        params: dict[str, Any],
        *,
        key: str | None = None,
        user_id: int | None = None,
    ) -> Job:
        """Create a job row in this transaction; the executor queues it after commit."""
        from assistant.queue.rows import add_job

        job = await add_job(
            self.session,
            kind=kind,
            user_id=user_id or self.user_id,
            params=params,
            idempotency_key=key,
            now=self.now,
        )
        self.jobs.append(job)
        return job

    def emit(self, user_ids: list[int], kind: str, data: dict[str, Any]) -> None:
        """Queue an event; the executor publishes it after the transaction commits."""
        self.events.append((user_ids, kind, data))

    async def call(self, name: str, args: dict[str, Any]) -> BaseModel:
        """Run another procedure in this transaction, for the same caller: its role is
        checked, its targets' access too, and it is audited (an undo reverts through these)."""
        if self.nested is None:
            raise RuntimeError("this context runs no nested procedures")
        return await self.nested(self, name, args)
