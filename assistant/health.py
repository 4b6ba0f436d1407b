"""Readiness: whether the database and Redis answer (for the probe route and the CLI)."""

from __future__ import annotations

from sqlalchemy import text

from assistant.runtime import Runtime


async def readiness(runtime: Runtime) -> dict[str, str]:
    """{"database": "ok" | "unavailable: <error type>", "redis": ...}; never raises."""
    checks: dict[str, str] = {}
    try:
        async with runtime.db.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # readiness reports any failure instead of raising
        checks["database"] = f"unavailable: {type(exc).__name__}"
    try:
        await runtime.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:  # readiness reports any failure instead of raising
        checks["redis"] = f"unavailable: {type(exc).__name__}"
    return checks
