"""`assistant keys create|status|rotate|reencrypt` as real processes, on SQLite and PostgreSQL,
and every database command refusing to run without a key."""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from assistant.db import migrate
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Note
from assistant.privacy.keys import load_keyring
from tests.integration.cli.conftest import _env

# Until the lead mounts `keys` on the root app, mount it in the child the same way.
_MOUNT = (
    "from assistant.cli import app, main; from assistant.cli.keys import app as keys; "
    "app.add_typer(keys, name='keys'); main()"
)


def _command() -> list[str]:
    from assistant.cli import app as root

    mounted = any(group.name == "keys" for group in root.registered_groups)
    return ["-m", "assistant"] if mounted else ["-c", _MOUNT]


def _assistant(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *_command(), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _ok(env: dict[str, str], *args: str) -> str:
    result = _assistant(env, *args)
    assert result.returncode == 0, (args, result.stderr)
    return result.stdout


@pytest.fixture
def env(empty_db_url: str, tmp_path: Path) -> dict[str, str]:
    """A migrated database; the key file is ours to create (not the one _env makes)."""
    migrate.upgrade(empty_db_url)
    env = _env(empty_db_url, tmp_path / "var")
    env["ASSISTANT_KEY_FILE"] = str(tmp_path / "secrets" / "keys.json")
    return env


def test_create_is_private_and_idempotent(env: dict[str, str]) -> None:
    path = Path(env["ASSISTANT_KEY_FILE"])
    first = _ok(env, "keys", "create")
    assert f"created key file {path}" in first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()

    assert "key file already exists" in _ok(env, "keys", "create")
    assert path.read_bytes() == content

    path.chmod(0o644)
    refused = _assistant(env, "keys", "create")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        f"error: key file {path} is accessible by group or others (mode 644); "
        f"run `chmod 600 {path}`"
    )


def test_database_commands_need_the_key_but_upgrade_does_not(env: dict[str, str]) -> None:
    assert "database at revision" in _ok(env, "db", "upgrade")
    for args in (("demo", "seed"), ("users", "list"), ("keys", "status"), ("keys", "rotate")):
        result = _assistant(env, *args)
        assert result.returncode == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: no encryption key file at"), (
            args,
            result.stderr,
        )
        assert "assistant keys create" in lines[0]
    assert not Path(env["ASSISTANT_KEY_FILE"]).exists()


def test_seed_rotate_retire_and_status(env: dict[str, str]) -> None:
    path = Path(env["ASSISTANT_KEY_FILE"])
    _ok(env, "keys", "create")
    first_id = load_keyring(path).primary_id
    assert "seeded" in _ok(env, "demo", "seed")

    status = _ok(env, "keys", "status")
    assert f"{first_id} (primary):" in status and "notes.body" in status

    rotated = _ok(env, "keys", "rotate", "--batch-size", "7")
    keyring = load_keyring(path)
    new_id = keyring.primary_id
    assert new_id != first_id and set(keyring.keys) == {first_id, new_id}
    assert f"added key {new_id} as primary" in rotated
    assert rotated.count("  notes:") >= 2  # progress, batch by batch
    status = _ok(env, "keys", "status")
    assert f"{first_id}: 0 values" in status
    assert f"{new_id} (primary):" in status and f"{new_id} (primary): 0 values" not in status

    retired = _ok(env, "keys", "rotate", "--retire-old", "--grace-seconds", "0")
    newest = load_keyring(path).primary_id
    assert f"retired 2 old keys: {', '.join(sorted([first_id, new_id]))}" in retired
    assert list(json.loads(path.read_text())["keys"]) == [newest]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    bodies = asyncio.run(_note_bodies(env["ASSISTANT_DATABASE_URL"], path))
    assert bodies and all(body and not body.startswith("enc:") for body in bodies)
    audited = asyncio.run(_audited(env["ASSISTANT_DATABASE_URL"]))
    assert [a for a in audited if a[0].startswith("keys.")] == [
        ("keys.rotate", "system", "cli"),
        ("keys.rotate", "system", "cli"),
    ]


async def _audited(url: str) -> list[tuple[str, str | None, str | None]]:
    from assistant.db.models import AuditEvent

    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            rows = (await session.exec(select(AuditEvent))).all()
            return [(r.procedure, r.principal_kind, r.principal_name) for r in rows]
    finally:
        await engine.dispose()


async def _note_bodies(url: str, key_file: Path) -> list[str]:
    engine = create_engine(url, keyring=load_keyring(key_file))
    try:
        async with session_factory(engine)() as session:
            return [note.body for note in (await session.exec(select(Note))).all()]
    finally:
        await engine.dispose()


def test_add_only_then_reencrypt_is_a_rotation_in_two_steps(env: dict[str, str]) -> None:
    """For a key file that reaches the processes as a secret: the new key is handed out
    before any value is written under it."""
    path = Path(env["ASSISTANT_KEY_FILE"])
    _ok(env, "keys", "create")
    first_id = load_keyring(path).primary_id
    _ok(env, "demo", "seed")
    offline = {**env, "ASSISTANT_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"}
    added = _ok(offline, "keys", "rotate", "--add-only")
    new_id = load_keyring(path).primary_id
    assert new_id != first_id and f"added key {new_id} as primary" in added
    status = _ok(env, "keys", "status")
    assert f"{new_id} (primary): 0 values" in status and f"{first_id}: 0 values" not in status
    _ok(env, "keys", "reencrypt")
    assert f"{first_id}: 0 values" in _ok(env, "keys", "status")


def test_reencrypt_encrypts_rows_from_before_encryption(env: dict[str, str]) -> None:
    _ok(env, "keys", "create")
    _ok(env, "demo", "seed")

    async def plaintext_note() -> None:
        engine = create_engine(env["ASSISTANT_DATABASE_URL"])
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE notes SET body = 'legacy note' WHERE id = 1"))
        await engine.dispose()

    asyncio.run(plaintext_note())
    assert "(plaintext) 1" in _ok(env, "keys", "status")
    out = _ok(env, "keys", "reencrypt")
    assert "re-encrypted 1 of" in out
    assert "(plaintext)" not in _ok(env, "keys", "status")
