"""The machine's PostgreSQL and Redis for tests: skip with a reason on a laptop, fail under CI."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_HOST, PG_PORT = "127.0.0.1", 5432
PG_ADMIN_URL = f"postgresql://postgres@{PG_HOST}:{PG_PORT}/test"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


# SQLite files the session's engines hold open. Python's own open() of one of them (or of its
# -wal or -shm) in this process is refused: the close() that follows drops every POSIX lock
# the process holds on the file, so its other connections and the servers sharing it then
# corrupt it (sqlite.org/howtocorrupt.html, 2.2). Read such a file from a child process.
_LIVE_SQLITE: set[str] = set()


def _refuse_open_of_live_sqlite(event: str, args: tuple[object, ...]) -> None:
    if event != "open" or not args or not isinstance(args[0], str | bytes | os.PathLike):
        return
    path = os.fsdecode(args[0])
    if any(path.startswith(live) for live in _LIVE_SQLITE):
        raise PermissionError(
            f"tests must not open() the live SQLite file {path}: closing it drops this "
            "process's locks and corrupts the database; read it from a child process"
        )


sys.addaudithook(_refuse_open_of_live_sqlite)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    reason = f"{name} is not reachable on {host}:{port}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true requires it")
    pytest.skip(f"{reason} (start it to run these tests)")


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def new_database(backend: str, folder: Path) -> Iterator[str]:
    """A new, empty database of the given backend; removed afterwards."""
    if backend == "sqlite":
        path = str(folder / f"db-{uuid.uuid4().hex[:8]}.sqlite")
        _LIVE_SQLITE.add(path)
        try:
            yield f"sqlite+aiosqlite:///{path}"
        finally:
            _LIVE_SQLITE.discard(path)
        return
    require_service("PostgreSQL", PG_HOST, PG_PORT)
    name = f"assistant_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+asyncpg://postgres@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, once per backend."""
    with new_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A database at the newest migration, shared by a session's tests of one backend."""
    from assistant.db import migrate

    with new_database(request.param, tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The machine's Redis; tests use unique key names and channels, never FLUSHALL."""
    require_service("Redis", REDIS_HOST, REDIS_PORT)
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"
