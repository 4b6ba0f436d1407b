"""SQLite point reads on the event loop: read-only, never stale, and giving way to the async
engine when the file is locked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from assistant.db.engine import create_engine
from assistant.db.point_reads import PointReadBusy, PointReader


def _count(reader: PointReader) -> int:
    return int(
        reader.run(
            lambda connection: connection.execute(text("SELECT count(*) FROM t")).scalar_one()
        )
    )


def test_only_sqlite_files_get_a_point_reader(tmp_path: Path) -> None:
    assert PointReader.for_url("postgresql+asyncpg://u@localhost/db") is None
    assert PointReader.for_url("sqlite+aiosqlite:///:memory:") is None
    reader = PointReader.for_url(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}")
    assert reader is not None
    try:
        assert reader.engine.dialect.driver == "pysqlite"
    finally:
        reader.close()


async def test_it_sees_every_commit_and_cannot_write(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    engine = create_engine(url)  # the app's engine: WAL, as every running server's file is
    reader = PointReader.for_url(url)
    assert reader is not None
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE t (x INTEGER)"))
        assert _count(reader) == 0
        for expected in (1, 2):  # a commit after a read is seen by the next read
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
            assert _count(reader) == expected
        with pytest.raises(OperationalError, match="readonly"):
            reader.run(lambda connection: connection.execute(text("DELETE FROM t")))
        assert _count(reader) == 2
    finally:
        reader.close()
        await engine.dispose()


def test_a_locked_file_is_busy_soon_not_a_stalled_loop(tmp_path: Path) -> None:
    """Outside WAL a writer's exclusive lock blocks readers: the point read gives up within
    its short wait, so the caller can read through the async engine, which waits."""
    path = tmp_path / "a.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    reader = PointReader.for_url(f"sqlite:///{path}")
    assert reader is not None
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(PointReadBusy):
            _count(reader)
        holder.execute("COMMIT")
        assert _count(reader) == 0
    finally:
        reader.close()
        holder.close()
