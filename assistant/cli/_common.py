"""What every CLI command shares: running async code, a DB session, one-line errors."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Coroutine
from contextlib import asynccontextmanager
from typing import Any, NoReturn, TypeVar

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.engine import create_engine, session_factory
from assistant.privacy.keys import load_keyring
from assistant.settings import Settings

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def fail(message: str, code: int = 1) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@asynccontextmanager
async def db_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    """One transaction: committed when the block ends normally, rolled back otherwise.
    Every such command loads the key file, so none can write clinical text in plaintext."""
    engine = create_engine(
        settings.database_url,
        keyring=load_keyring(settings.keys_path),
        accept_legacy=settings.encryption.accept_legacy,
    )
    try:
        async with session_factory(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


def read_secret_line(what: str) -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        fail(f"no {what} on standard input")
    return value
