"""Migrations from empty to head, down to base and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect
from sqlmodel import SQLModel

import assistant.db.models  # noqa: F401 - the tables the migrations must create
from assistant.db import migrate
from assistant.db.engine import create_engine


async def _state(url: str) -> tuple[str | None, set[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        return await migrate.current_revision(engine), tables
    finally:
        await engine.dispose()


def test_upgrade_downgrade_upgrade(empty_db_url: str) -> None:
    expected = set(SQLModel.metadata.tables)
    migrate.upgrade(empty_db_url)
    revision, tables = asyncio.run(_state(empty_db_url))
    assert revision == migrate.head_revision()
    assert expected <= tables

    migrate.downgrade(empty_db_url, "base")
    revision, tables = asyncio.run(_state(empty_db_url))
    assert revision is None
    assert tables <= {"alembic_version"}

    migrate.upgrade(empty_db_url)
    revision, tables = asyncio.run(_state(empty_db_url))
    assert revision == migrate.head_revision()
    assert expected <= tables


def test_models_and_migrations_agree(empty_db_url: str) -> None:
    """Autogenerate finds nothing to do: every model change has a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    migrate.upgrade(empty_db_url)

    async def diff() -> list[object]:
        engine = create_engine(empty_db_url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda c: compare_metadata(MigrationContext.configure(c), SQLModel.metadata)
                )
        finally:
            await engine.dispose()

    assert asyncio.run(diff()) == []
