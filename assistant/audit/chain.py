"""The append-only, hash-chained audit trail: ids and outcomes, never clinical text.

Each event's hash covers its fields and the previous event's hash, so editing or deleting a
row breaks every later link. Appends are serialised across processes: PostgreSQL takes a
transaction-scoped advisory lock, SQLite transactions begin IMMEDIATE (see db/engine.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import AuditEvent

GENESIS = "0" * 64
_LOCK_KEY = 0x41554449  # "AUDI": the advisory lock all audit writers share


def link_hash(
    *,
    seq: int,
    prev_hash: str,
    actor_id: int | None,
    actor_role: str | None,
    source: str,
    procedure: str,
    record_ids: dict[str, Any],
    outcome: str,
    created_at: datetime,
) -> str:
    payload = json.dumps(
        {
            "seq": seq,
            "prev": prev_hash,
            "actor": actor_id,
            "role": actor_role,
            "source": source,
            "procedure": procedure,
            "records": record_ids,
            "outcome": outcome,
            "at": created_at.astimezone(UTC).isoformat(),
        },
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


async def append(
    session: AsyncSession,
    *,
    actor_id: int | None,
    actor_role: str | None,
    source: str,
    procedure: str,
    record_ids: dict[str, Any],
    outcome: str,
    now: datetime,
) -> AuditEvent:
    """Append one event inside the caller's transaction."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        await session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_LOCK_KEY))  # type: ignore[call-overload]
    last = (
        await session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1))
    ).first()
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS
    now = now.astimezone(UTC)
    fields: dict[str, Any] = {
        "actor_id": actor_id,
        "actor_role": actor_role,
        "source": source,
        "procedure": procedure,
        "record_ids": record_ids,
        "outcome": outcome,
    }
    event = AuditEvent(
        seq=seq,
        prev_hash=prev_hash,
        created_at=now,
        hash=link_hash(seq=seq, prev_hash=prev_hash, created_at=now, **fields),
        **fields,
    )
    session.add(event)
    await session.flush()
    return event


@dataclass(frozen=True)
class VerifyReport:
    count: int
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


async def verify(session: AsyncSession, batch: int = 1000) -> VerifyReport:
    """Walk the chain in order and report the first broken link."""
    prev_hash, expected_seq, count = GENESIS, 1, 0
    while True:
        rows = (
            await session.exec(
                select(AuditEvent)
                .where(AuditEvent.seq >= expected_seq)
                .order_by(col(AuditEvent.seq))
                .limit(batch)
            )
        ).all()
        if not rows:
            return VerifyReport(count=count)
        for event in rows:
            if event.seq != expected_seq:
                return VerifyReport(count, expected_seq, f"event {expected_seq} is missing")
            if event.prev_hash != prev_hash:
                return VerifyReport(count, event.seq, "its previous-hash does not match the chain")
            recomputed = link_hash(
                seq=event.seq,
                prev_hash=event.prev_hash,
                actor_id=event.actor_id,
                actor_role=event.actor_role,
                source=event.source,
                procedure=event.procedure,
                record_ids=event.record_ids,
                outcome=event.outcome,
                created_at=event.created_at,
            )
            if recomputed != event.hash:
                return VerifyReport(count, event.seq, "its contents do not match its hash")
            prev_hash, expected_seq, count = event.hash, expected_seq + 1, count + 1
