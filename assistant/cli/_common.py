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
        database=settings.database,
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


def call_procedure(settings: Settings, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run a procedure as the CLI's system principal, through the executor (so it is
    role-checked and audited like any other call); its output as JSON-ready data."""
    from assistant import compose
    from assistant.procedures.executor import Done, Executor
    from assistant.procedures.system import CLI
    from assistant.runtime import Runtime

    async def go() -> dict[str, Any]:
        runtime = Runtime.offline(settings)
        try:
            done = await Executor(runtime, compose.procedures()).call(CLI, name, args, source="cli")
        finally:
            await runtime.close()
        assert isinstance(done, Done), f"{name} waits for approval; the CLI cannot wait"
        output: dict[str, Any] = done.output.model_dump(mode="json")
        return output

    return run(go())


def all_pages(settings: Settings, name: str, args: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a list procedure, a page at a time."""
    items: list[dict[str, Any]] = []
    while True:
        page = call_procedure(settings, name, {**args, "limit": 200, "offset": len(items)})
        items.extend(page["items"])
        if not page["items"] or len(items) >= page["total"]:
            return items
