"""Read-only sessions on SQLite neither wait for nor take the write lock: a stream's re-check
reads while another connection holds a write transaction open (real SQLite files, WAL). On
both databases a write in one fails at once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.engine import create_engine, reader_factory, session_factory


async def _run(session: AsyncSession, sql: str) -> Any:
    result = await (await session.connection()).execute(text(sql))
    return result.scalar() if result.returns_rows else None


async def test_a_reader_reads_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'locks.db'}")
    try:
        async with session_factory(engine)() as session, session.begin():
            await _run(session, "CREATE TABLE t (v INTEGER)")
            await _run(session, "INSERT INTO t VALUES (1)")
        async with session_factory(engine)() as writer:
            await _run(writer, "INSERT INTO t VALUES (2)")  # holds the write lock
            async with asyncio.timeout(3), reader_factory(engine)() as reader:
                # The last commit, read at once (a writer's session would wait 10 s, then fail).
                assert await _run(reader, "SELECT sum(v) FROM t") == 1
            await writer.commit()
        async with reader_factory(engine)() as reader:
            assert await _run(reader, "SELECT sum(v) FROM t") == 3
    finally:
        await engine.dispose()


async def test_only_readers_begin_deferred(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'modes.db'}")
    seen: list[str] = []

    def record(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with reader_factory(engine)() as reader:
            await _run(reader, "SELECT 1")
        async with session_factory(engine)() as session:
            await _run(session, "SELECT 1")
        assert seen == ["BEGIN", "BEGIN IMMEDIATE"]  # after their PRAGMA query_only
    finally:
        await engine.dispose()


async def test_a_write_in_a_reader_fails_at_once_and_the_connection_writes_again(
    migrated_db_url: str,
) -> None:
    engine = create_engine(migrated_db_url)
    try:
        for _ in range(2):  # the pooled connection goes back and forth between the two kinds
            async with reader_factory(engine)() as reader:
                with pytest.raises(DBAPIError, match=r"(?i)read-?only"):
                    await _run(reader, "DELETE FROM web_sessions WHERE id = -1")
            async with session_factory(engine)() as session, session.begin():
                await _run(session, "DELETE FROM web_sessions WHERE id = -1")
    finally:
        await engine.dispose()


async def test_query_only_is_sent_only_when_a_connection_changes_kind(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    sent: list[str] = []

    def record(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("PRAGMA query_only"):
            sent.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        for factory in (reader_factory, reader_factory, session_factory, reader_factory):
            async with factory(engine)() as session:
                await _run(session, "SELECT 1")
        assert sent == ["PRAGMA query_only=1", "PRAGMA query_only=0", "PRAGMA query_only=1"]
    finally:
        await engine.dispose()


async def test_a_reconnected_reader_is_read_only_again(migrated_db_url: str) -> None:
    """The pool's record outlives its connection; a new connection starts writable, so the
    record's note of the mode must start over with it."""
    engine = create_engine(migrated_db_url)
    try:
        async with reader_factory(engine)() as reader:
            await _run(reader, "SELECT 1")
            await (await reader.connection()).invalidate()
        async with reader_factory(engine)() as reader:
            with pytest.raises(DBAPIError, match=r"(?i)read-?only"):
                await _run(reader, "DELETE FROM web_sessions WHERE id = -1")
    finally:
        await engine.dispose()
