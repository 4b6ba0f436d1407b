"""A clinic policy for the length of a test, set and removed through `policies.set` (the
session's database is shared, so a test never leaves its policy behind)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from assistant.procedures.executor import Executor
from assistant.procedures.system import CLI


@asynccontextmanager
async def clinic_policy(
    executor: Executor, procedure: str, level: str, role: str | None = None
) -> AsyncIterator[None]:
    args = {"procedure": procedure, "policy": level} | ({"role": role} if role else {})
    await executor.call(CLI, "policies.set", args, source="cli")
    try:
        yield
    finally:
        await executor.call(CLI, "policies.set", {**args, "policy": "default"}, source="cli")
