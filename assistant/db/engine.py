"""Async engines and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import uuid4

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.types import attach_keyring, bind_cells
from assistant.privacy.keys import Keyring
from assistant.settings import DatabaseSettings


def ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout needs no manual step."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


# An execution option marking an engine whose sessions only read (see `reader_factory`).
READ_ONLY = "assistant_read_only"
# The connection record's note of the query_only pragma its connection has now.
_QUERY_ONLY = "assistant_query_only"


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # Let SQLAlchemy, not the driver, open transactions (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    record.info[_QUERY_ONLY] = False  # a new connection's; the record outlives a reconnect


def _sqlite_begin(conn: Any) -> None:
    """Take the write lock at BEGIN, so read-then-write sequences (the audit chain) cannot
    interleave between processes; SQLite serialises writers anyway. A read-only session's
    transaction begins DEFERRED: under WAL it reads the last commit without waiting for, or
    holding, the write lock; `query_only` makes a write in it fail at once, loudly, instead
    of taking the lock mid-transaction (pooled connections serve both kinds, so each
    transaction sets it where the connection's mode differs: on aiosqlite each statement is
    several hops to the driver's thread, and most transactions are reads on a reader)."""
    read_only = bool(conn.get_execution_options().get(READ_ONLY, False))
    info = conn.connection.info
    if info.get(_QUERY_ONLY) is not read_only:
        conn.exec_driver_sql(f"PRAGMA query_only={int(read_only)}")
        info[_QUERY_ONLY] = read_only
    conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def _unique_statement_name() -> str:
    return f"__asyncpg_{uuid4().hex}__"


def _pool_options(database: DatabaseSettings) -> dict[str, Any]:
    """PostgreSQL: a pool of our own, or none behind PgBouncer's transaction pooling, where a
    server connection serves another client after each transaction (so no statement may be
    cached on it, and asyncpg's numbered statement names would collide). The audit chain's
    advisory lock is transaction-scoped, so it holds in that mode too."""
    if not database.pgbouncer:
        return {
            "pool_pre_ping": True,
            "pool_size": database.pool_size,
            "max_overflow": database.max_overflow,
        }
    return {
        "poolclass": NullPool,
        "connect_args": {
            "statement_cache_size": 0,  # asyncpg's own cache
            "prepared_statement_cache_size": 0,  # SQLAlchemy's asyncpg adapter's
            "prepared_statement_name_func": _unique_statement_name,
        },
    }


def create_engine(
    url: str,
    *,
    echo: bool = False,
    keyring: Keyring | None = None,
    accept_legacy: bool = False,
    database: DatabaseSettings | None = None,
) -> AsyncEngine:
    """An engine; with `keyring`, one that can read and write encrypted columns (and, with
    `accept_legacy`, read plaintext or v1 values in them while they are migrated);
    `database` sizes the PostgreSQL pool (or turns it off behind PgBouncer)."""
    ensure_sqlite_dir(url)
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    # Parameters are personal data: keep them out of SQL errors (tracebacks are logged) and echo.
    kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
    if not is_sqlite:
        kwargs.update(_pool_options(database or DatabaseSettings()))
    engine = create_async_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    if keyring is not None:
        attach_keyring(engine.dialect, keyring, accept_legacy=accept_legacy)
        bind_cells()
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def reader_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reads that must not queue behind writers: authentication, the pages'
    and lists' queries, the re-checks of open streams, the enrichers' lookups. On SQLite
    they begin DEFERRED, so they never wait for (or hold) the one write lock; on either
    database their transactions are read-only, so a write in one fails at once."""
    options: dict[str, Any] = {READ_ONLY: True}
    if is_postgres(engine):
        options["postgresql_readonly"] = True
    return session_factory(engine.execution_options(**options))


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"
