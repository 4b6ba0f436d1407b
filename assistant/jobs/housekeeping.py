"""Periodic clean-up that keeps the database small and sessions honest."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlmodel import col

from assistant.db.models import WebSession
from assistant.runtime import Runtime


async def purge_expired_sessions(ctx: dict[str, Any]) -> int:
    """Delete browser sessions past their expiry; returns how many were removed."""
    runtime: Runtime = ctx["runtime"]
    async with runtime.sessions() as session, session.begin():
        result = await session.exec(
            delete(WebSession).where(col(WebSession.expires_at) < runtime.clock.now())
        )
        return int(result.rowcount or 0)


FUNCTIONS: tuple[Any, ...] = (purge_expired_sessions,)
