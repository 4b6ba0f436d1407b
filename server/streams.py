"""Long-lived streams end when the credential that opened them stops being valid.

A stream is authorised once, when it opens; a revoked token, a disabled user, an ended
session or a changed role would otherwise keep it delivering. `guarded` asks again on every
item and, between items, at least every `every` seconds, and closes the stream when the
answer is no longer the principal it started with.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from litestar.connection import ASGIConnection

from assistant.auth.authenticate import Credential
from assistant.errors import Unauthenticated
from assistant.procedures.context import Principal
from server.auth import recheck_principal

T = TypeVar("T")
Check = Callable[[], Awaitable[bool]]

logger = logging.getLogger(__name__)


def principal_check(connection: ASGIConnection[Any, Any, Any, Any]) -> Check:
    """True while the request's credential still yields the same principal (user and role)."""
    credential: Credential = connection.auth
    started: Principal = connection.user

    async def still_valid() -> bool:
        try:
            now = await recheck_principal(connection, credential)
        except Unauthenticated:
            return False
        return now.user_id == started.user_id and now.role == started.role

    return still_valid


async def guarded(
    source: AsyncIterator[T], check: Check, every: float, farewell: T | None = None
) -> AsyncGenerator[T, None]:
    """`source`'s items while `check` passes; on failure, `farewell` (if any), then the end."""
    iterator = aiter(source)
    pending: asyncio.Task[T] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(iterator))
            done, _ = await asyncio.wait({pending}, timeout=every)
            if not await check():
                logger.info("stream closed: its credential is no longer valid")
                if farewell is not None:
                    yield farewell
                return
            if not done:
                continue
            try:
                item = pending.result()
            except StopAsyncIteration:
                return
            finally:
                pending = None
            yield item
    finally:
        if pending is not None:
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await pending
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()
