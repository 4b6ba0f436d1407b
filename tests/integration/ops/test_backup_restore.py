"""The restore drill, on SQLite and PostgreSQL: seed, back up while the app serves (and
writes), wipe, restore; every encrypted note reads back and the audit chain verifies. And
the refusals: no overwrite without --force, the key file kept apart, a key file that cannot
read the backup, a schema revision this version does not know."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import col, select

from assistant.db import migrate
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Note
from assistant.demo import seed_demo
from assistant.privacy.keys import create_key_file, load_keyring
from assistant.settings import Settings
from tests.plugins.servers import running_server, server_env

PAT = "pat.practitioner@demo-clinic.example.com"


def _settings(url: str, folder: Path, redis_url: str) -> Settings:
    keys = folder / "keys.json"
    if not keys.exists():
        create_key_file(keys)
    return Settings(
        environment="test",
        data_dir=folder,
        key_file=keys,
        database={"url": url},
        redis={"url": redis_url},
    )


def _assistant(
    settings: Settings, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        env=server_env(settings),
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"assistant {' '.join(args)}: {done.stderr}")
    return done


async def _notes(settings: Settings) -> dict[int, str]:
    engine = create_engine(settings.database_url, keyring=load_keyring(settings.keys_path))
    try:
        async with session_factory(engine)() as session:
            rows = (await session.exec(select(Note).order_by(col(Note.id)))).all()
            return {int(n.id or 0): n.body for n in rows}
    finally:
        await engine.dispose()


def _wipe(settings: Settings) -> None:
    if settings.database_url.startswith("sqlite"):
        Path(settings.database_url.split("///", 1)[1]).unlink()
        return
    asyncio.run(_drop_schema(settings))


async def _drop_schema(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


def _seeded(url: str, folder: Path, redis_url: str) -> tuple[Settings, dict[str, str]]:
    migrate.upgrade(url)
    settings = _settings(url, folder, redis_url)
    report = asyncio.run(seed_demo(settings, datetime.now(UTC)))
    return settings, report.passwords


def test_restore_drill(empty_db_url: str, tmp_path: Path, redis_url: str) -> None:
    settings, passwords = _seeded(empty_db_url, tmp_path / "var", redis_url)
    with running_server(settings) as url, httpx.Client(base_url=url, timeout=30) as web:
        assert web.post("/login", json={"email": PAT, "password": passwords[PAT]}).is_success
        contact = web.post("/api/rpc/contacts.search", json={"query": "Jane"}).json()["items"][0]
        added = web.post(
            "/api/rpc/notes.add",
            json={"contact_id": contact["id"], "body": "written while serving"},
        )
        assert added.status_code == 200, added.text
        backup = tmp_path / "backups" / "drill.bak"
        made = _assistant(
            settings, "backup", "create", "--out", str(backup),
            "--keys-out", str(tmp_path / "vault" / "keys.json"),
        )  # fmt: skip
        assert "backup written" in made.stdout
        assert web.get("/readyz").status_code == 200  # still serving
    before = asyncio.run(_notes(settings))
    assert "written while serving" in before.values() and len(before) > 10

    _wipe(settings)
    restored = _assistant(settings, "backup", "restore", str(backup))
    read = re.search(r"(\d+) encrypted values read", restored.stdout)
    assert read is not None and int(read.group(1)) >= len(before)  # every note, and the rest
    assert asyncio.run(_notes(settings)) == before
    assert "audit chain intact" in _assistant(settings, "audit", "verify").stdout

    again = _assistant(settings, "backup", "restore", str(backup), check=False)
    assert again.returncode == 1 and "--force" in again.stderr
    assert _assistant(settings, "backup", "restore", str(backup), "--force").returncode == 0
    assert asyncio.run(_notes(settings)) == before
    assert "audit chain intact" in _assistant(settings, "audit", "verify").stdout


@pytest.fixture
def sqlite_backup(tmp_path: Path, redis_url: str) -> tuple[Settings, Path]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'var' / 'assistant.db'}"
    settings, _ = _seeded(url, tmp_path / "var", redis_url)
    backup = tmp_path / "backups" / "one.sqlite"
    _assistant(settings, "backup", "create", "--out", str(backup))
    return settings, backup


def test_the_key_file_is_kept_apart(sqlite_backup: tuple[Settings, Path], tmp_path: Path) -> None:
    settings, _ = sqlite_backup
    same = _assistant(
        settings, "backup", "create", "--out", str(tmp_path / "backups" / "two.sqlite"),
        "--keys-out", str(tmp_path / "backups" / "keys.json"), check=False,
    )  # fmt: skip
    assert same.returncode == 1
    assert same.stderr.startswith("error: --keys-out is in the same directory as the backup")
    assert not (tmp_path / "backups" / "two.sqlite").exists()


def test_a_key_file_that_cannot_read_it_replaces_nothing(
    sqlite_backup: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, backup = sqlite_backup
    before = asyncio.run(_notes(settings))
    other = tmp_path / "other-keys.json"
    create_key_file(other)
    stranger = Settings(
        environment="test",
        data_dir=settings.data_dir,
        key_file=other,
        database={"url": settings.database_url},
        redis={"url": settings.redis.url},
    )
    refused = _assistant(stranger, "backup", "restore", str(backup), "--force", check=False)
    assert refused.returncode == 1
    assert "the key file cannot read notes.body" in refused.stderr, refused.stderr
    assert asyncio.run(_notes(settings)) == before


def test_an_unknown_schema_revision_replaces_nothing(
    sqlite_backup: tuple[Settings, Path],
) -> None:
    settings, backup = sqlite_backup
    with sqlite3.connect(backup) as conn:
        conn.execute("update alembic_version set version_num = '9999_future'")
    refused = _assistant(settings, "backup", "restore", str(backup), "--force", check=False)
    assert refused.returncode == 1
    assert "schema revision 9999_future is unknown to this version" in refused.stderr
    assert "audit chain intact" in _assistant(settings, "audit", "verify").stdout


def test_a_file_that_is_no_backup_is_refused(
    sqlite_backup: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, _ = sqlite_backup
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    refused = _assistant(settings, "backup", "restore", str(junk), check=False)
    assert refused.returncode == 1
    assert "is not a sqlite backup made by `assistant backup create`" in refused.stderr
