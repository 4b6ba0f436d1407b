"""The engine's PostgreSQL pool as the settings size it, and the PgBouncer mode (transaction
pooling: no pool in the process, no statement caches, a fresh name for every prepared
statement), run against the real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.pool import NullPool, QueuePool

from assistant.db.engine import create_engine
from assistant.settings import DatabaseSettings

PREPARED = text("SELECT name FROM pg_prepared_statements WHERE name LIKE '__asyncpg_%'")


def postgres_only(url: str) -> None:
    if url.startswith("sqlite"):
        pytest.skip("pooling concerns PostgreSQL")


async def test_the_pool_is_sized_by_the_settings(migrated_db_url: str) -> None:
    postgres_only(migrated_db_url)
    engine = create_engine(migrated_db_url, database=DatabaseSettings(pool_size=3, max_overflow=1))
    try:
        assert isinstance(engine.pool, QueuePool)
        assert (engine.pool.size(), engine.pool._max_overflow) == (3, 1)
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_behind_pgbouncer_no_statement_outlives_its_use(migrated_db_url: str) -> None:
    postgres_only(migrated_db_url)
    engine = create_engine(migrated_db_url, database=DatabaseSettings(pgbouncer=True))
    try:
        assert isinstance(engine.pool, NullPool)
        async with engine.connect() as conn:
            for _ in range(3):
                await conn.execute(text("SELECT count(*) FROM users"))
            names = list((await conn.execute(PREPARED)).scalars())
        # Nothing stays prepared on the server connection (PgBouncer may hand it to another
        # client next), and the one statement alive (the lookup) has a name of its own.
        (name,) = names
        assert name.startswith("__asyncpg_") and "stmt" not in name
    finally:
        await engine.dispose()


async def test_by_default_statements_are_cached(migrated_db_url: str) -> None:
    postgres_only(migrated_db_url)
    engine = create_engine(migrated_db_url, database=DatabaseSettings())
    try:
        async with engine.connect() as conn:
            for _ in range(3):
                await conn.execute(text("SELECT count(*) FROM users"))
            names = list((await conn.execute(PREPARED)).scalars())
        # The repeated statement stays prepared, under asyncpg's numbered names.
        assert len(names) >= 2 and all("stmt" in name for name in names)
    finally:
        await engine.dispose()
