"""`assistant db upgrade` from nothing and `assistant demo seed` twice."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select

from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Appointment, Contact, Note, Task, User
from tests.integration.cli.conftest import _env


async def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return {
                model.__name__: (await session.exec(select(func.count()).select_from(model))).one()
                for model in (User, Contact, Note, Task, Appointment)
            }
    finally:
        await engine.dispose()


async def _names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            rows = (await session.exec(select(Contact))).all()
            return {f"{c.first_name} {c.last_name}" for c in rows}
    finally:
        await engine.dispose()


def _assistant(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )


def test_upgrade_then_seed_twice(empty_db_url: str, tmp_path: Path) -> None:
    env = _env(empty_db_url, tmp_path)
    assert "database at revision" in _assistant(env, "db", "upgrade").stdout

    first = _assistant(env, "demo", "seed").stdout
    assert "seeded 50 contacts" in first
    passwords = [line.split()[-1] for line in first.splitlines() if "@demo-clinic" in line]
    assert len(passwords) == 5 and len(set(passwords)) == 5
    counts = asyncio.run(_counts(empty_db_url))
    assert counts["User"] == 5 and counts["Contact"] == 50
    assert counts["Note"] > 10 and counts["Task"] > 5 and counts["Appointment"] > 20
    names = asyncio.run(_names(empty_db_url))
    for person in (
        "Jane Doe",
        "Sam Lee",
        "Sam Patel",
        "Priya Nair",
        "Tom Reed",
        "Maria Garcia",
        "Ann Smith",
        "Omar Haddad",
        "John Smith",
        "Jon Smith",
    ):
        assert person in names

    second = _assistant(env, "demo", "seed").stdout
    assert "nothing changed" in second
    assert not any(p in second for p in passwords)
    assert asyncio.run(_counts(empty_db_url)) == counts


def test_commands_before_upgrade_say_what_to_do(tmp_path: Path) -> None:
    env = _env(f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}", tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "users", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert "assistant db upgrade" in result.stderr
    assert "Traceback" not in result.stderr
