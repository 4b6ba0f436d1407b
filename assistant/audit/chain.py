"""The append-only, hash-chained audit trail: ids and outcomes, never clinical text.

Each event's hash covers its fields and the previous event's hash, so editing or deleting a
row breaks every later link. Appends are serialised across processes: PostgreSQL takes a
transaction-scoped advisory lock, SQLite transactions begin IMMEDIATE (see db/engine.py).

The hashed payload is versioned: each row keeps the version it was written with, and
`verify` recomputes it with that version's payload, so rows written before a format change
still verify after it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import AuditEvent

GENESIS = "0" * 64
HASH_VERSION = 2
_LOCK_KEY = 0x41554449  # "AUDI": the advisory lock all audit writers share


@dataclass(frozen=True)
class Actor:
    """Who did it: the principal's kind (user, token, job, system) and what names it."""

    kind: str
    user_id: int | None = None
    role: str | None = None
    name: str | None = None
    token_id: int | None = None
    job_id: int | None = None


SYSTEM = Actor(kind="system", name="system")


def _payload_v1(event: AuditEvent) -> dict[str, Any]:
    """The first format: no principal kind, no conversation."""
    return {
        "seq": event.seq,
        "prev": event.prev_hash,
        "actor": event.actor_id,
        "role": event.actor_role,
        "source": event.source,
        "procedure": event.procedure,
        "records": event.record_ids,
        "outcome": event.outcome,
        "at": event.created_at.astimezone(UTC).isoformat(),
    }


def _payload_v2(event: AuditEvent) -> dict[str, Any]:
    """v1 plus the principal (kind, system name, token, job) and the co-pilot's origin."""
    return {
        **_payload_v1(event),
        "v": 2,
        "kind": event.principal_kind,
        "name": event.principal_name,
        "token": event.token_id,
        "job": event.job_id,
        "conversation": event.conversation_id,
        "message": event.message_id,
    }


PAYLOADS: dict[int, Callable[[AuditEvent], dict[str, Any]]] = {1: _payload_v1, 2: _payload_v2}


def link_hash(event: AuditEvent) -> str:
    """The hash of `event` in the format it was written with."""
    payload = PAYLOADS[event.hash_version](event)
    dumped = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(dumped.encode()).hexdigest()


async def append(
    session: AsyncSession,
    actor: Actor,
    *,
    source: str,
    procedure: str,
    record_ids: dict[str, Any],
    outcome: str,
    now: datetime,
    conversation_id: int | None = None,
    message_id: int | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_LOCK_KEY))  # type: ignore[call-overload]
    last = (
        await session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1))
    ).first()
    who = asdict(actor)
    event = AuditEvent(
        seq=last.seq + 1 if last else 1,
        prev_hash=last.hash if last else GENESIS,
        created_at=now.astimezone(UTC),
        hash_version=HASH_VERSION,
        actor_id=who.pop("user_id"),
        actor_role=who.pop("role"),
        principal_kind=who.pop("kind"),
        principal_name=who.pop("name"),
        **who,
        source=source,
        procedure=procedure,
        record_ids=record_ids,
        outcome=outcome,
        conversation_id=conversation_id,
        message_id=message_id,
        hash="",
    )
    event.hash = link_hash(event)
    session.add(event)
    await session.flush()
    return event


Problem = Literal["missing", "relinked", "format", "altered", "unreadable"]
"""What can be wrong with an entry, as `VerifyReport.problem` names it (pages word each)."""
PROBLEMS: tuple[Problem, ...] = get_args(Problem)


@dataclass(frozen=True)
class VerifyReport:
    count: int
    broken_seq: int | None = None
    reason: str | None = None
    problem: Problem | None = None
    """One of PROBLEMS: the entry is missing, does not link to the one before, has a format
    it cannot have, was altered after it was written, or cannot be read at all."""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _check(event: AuditEvent, prev_hash: str, version: int) -> tuple[Problem, str] | None:
    """(problem, reason) for the first thing wrong with `event`, or None."""
    if event.prev_hash != prev_hash:
        return "relinked", "its previous-hash does not match the chain"
    if event.hash_version not in PAYLOADS or event.hash_version < version:
        return "format", f"unexpected format {event.hash_version}"
    try:
        sealed = link_hash(event)
    except (TypeError, ValueError, AttributeError) as exc:  # a value no writer stores
        return "unreadable", f"it cannot be read ({type(exc).__name__})"
    if sealed != event.hash:
        return "altered", "its contents do not match its hash"
    return None


async def verify(session: AsyncSession, batch: int = 1000) -> VerifyReport:
    """Walk the chain in order and report the first broken link."""
    prev_hash, expected_seq, count, version = GENESIS, 1, 0, 1
    while True:
        try:
            rows = (
                await session.exec(
                    select(AuditEvent)
                    .where(AuditEvent.seq >= expected_seq)
                    .order_by(col(AuditEvent.seq))
                    .limit(batch)
                )
            ).all()
        except (TypeError, ValueError) as exc:  # a stored value the column type cannot read
            if batch > 1:  # read this stretch again one by one, to name the event
                batch = 1
                continue
            reason = f"it cannot be read ({type(exc).__name__})"
            return VerifyReport(count, expected_seq, reason, "unreadable")
        if not rows:
            return VerifyReport(count=count)
        for event in rows:
            if event.seq != expected_seq:
                missing = f"event {expected_seq} is missing"
                return VerifyReport(count, expected_seq, missing, "missing")
            wrong = _check(event, prev_hash, version)
            if wrong is not None:
                return VerifyReport(count, event.seq, wrong[1], wrong[0])
            prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
            version = event.hash_version
