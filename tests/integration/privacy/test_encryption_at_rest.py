"""Clinical text at rest, on real SQLite and PostgreSQL: the database file, a dump and a raw
SELECT hold only ciphertext; rotation moves every row to the new key; a wrong or missing key
fails loudly instead of reading garbage or writing plaintext."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import col, select

from assistant.db import migrate, rotation
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Contact, Conversation, EmailDraft, Message, Note, User
from assistant.db.types import UTCDateTime, utcnow
from assistant.privacy.crypto import DecryptionError, key_id_of
from assistant.privacy.keys import (
    KeyringError,
    KeyringInvalid,
    KeyringMissing,
    add_key,
    create_key_file,
    load_keyring,
)
from assistant.procedures.context import Principal
from assistant.procedures.executor import Done, Executor
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


def _secret(what: str) -> str:
    return f"{what} {uuid.uuid4().hex} confided a panic disorder diagnosis"


async def _raw(url: str, sql: str, **params: Any) -> list[Any]:
    """What the database itself holds: an engine with no keyring and an untyped query."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return [row[0] for row in (await conn.execute(text(sql), params)).all()]
    finally:
        await engine.dispose()


def _database_bytes(url: str) -> bytes:
    """Every byte at rest: the SQLite file and its WAL, or a pg_dump of the database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        assert parsed.database
        files = [Path(parsed.database + suffix) for suffix in ("", "-wal", "-shm")]
        # Read by another process: a close() of any descriptor on a live SQLite file drops
        # every POSIX lock this process holds on it (sqlite.org/howtocorrupt.html, 2.2), and
        # the session's other connections, here and in its server processes, then corrupt it.
        return subprocess.run(
            ["cat", *(str(f) for f in files if f.exists())],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    if shutil.which("pg_dump") is None:
        return b""
    dump_url = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(
        ["pg_dump", "--data-only", dump_url], capture_output=True, check=True, timeout=120
    ).stdout


async def test_a_note_written_through_the_api_is_ciphertext_at_rest(
    client: Client, staff: dict[str, Member], app_settings: Settings
) -> None:
    records = Records(client, staff["practitioner"])
    contact = await records.contact()
    secret = _secret("note")
    note = await records.note(contact["id"], secret)

    [stored] = await _raw(
        app_settings.database_url, "SELECT body FROM notes WHERE id = :id", id=note["id"]
    )
    primary = load_keyring(app_settings.keys_path).primary_id
    assert stored.startswith(f"enc:v2:{primary}:notes.body#{note['id']}:")
    assert secret not in stored
    listed = await records.rpc("notes.list", contact_id=contact["id"])
    assert [n["body"] for n in listed["items"]] == [secret]

    at_rest = _database_bytes(app_settings.database_url)
    if make_url(app_settings.database_url).get_backend_name() == "sqlite" or at_rest:
        assert stored.encode() in at_rest  # the dump is real: it holds the ciphertext
        assert secret.encode() not in at_rest
        assert secret.split()[1].encode() not in at_rest


async def test_every_clinical_column_written_through_the_executor_is_encrypted(
    executor: Executor, runtime: Runtime, staff: dict[str, Member]
) -> None:
    async with runtime.sessions() as session:
        user = await session.get(User, staff["owner"].user_id)
    assert user is not None
    principal = Principal.of(user)
    secrets = {name: _secret(name) for name in ("note", "instructions", "message", "summary")}

    made = await executor.call(principal, "contacts.create", {"first_name": "Ida"}, source="chat")
    assert isinstance(made, Done)
    contact_id = made.output.model_dump()["id"]
    await executor.call(
        principal, "notes.add", {"contact_id": contact_id, "body": secrets["note"]}, source="chat"
    )
    await executor.call(
        principal,
        "emails.draft",
        {"contact_id": contact_id, "purpose": "custom", "instructions": secrets["instructions"]},
        source="chat",
    )
    async with runtime.sessions() as session, session.begin():
        conversation = Conversation(user_id=principal.user_id)
        session.add(conversation)
        await session.flush()
        session.add(
            Message(conversation_id=conversation.id, role="user", content=secrets["message"])
        )
        contact = await session.get(Contact, contact_id)
        assert contact is not None
        contact.profile_summary = secrets["summary"]
        session.add(contact)

    url = runtime.settings.database_url
    stored: list[str] = []
    for table in rotation.encrypted_tables():
        for column in table.columns:
            stored += await _raw(
                url, f"SELECT {column.name} FROM {table.name} WHERE {column.name} IS NOT NULL"
            )
    assert stored and all(value.startswith("enc:v2:") for value in stored)
    for secret in secrets.values():
        assert not any(secret in value for value in stored)
    async with runtime.sessions() as session:
        draft = (
            await session.exec(select(EmailDraft).where(EmailDraft.contact_id == contact_id))
        ).one()
        assert (
            secrets["instructions"] in draft.body and draft.instructions == secrets["instructions"]
        )
        message = (
            await session.exec(select(Message).where(Message.conversation_id == conversation.id))
        ).one()
        assert message.content == secrets["message"]


@pytest.fixture
def own_db(empty_db_url: str, tmp_path: Path) -> tuple[str, Path]:
    """A migrated database of each backend with a key file of its own (rotation changes it)."""
    migrate.upgrade(empty_db_url)
    key_file = tmp_path / "keys.json"
    create_key_file(key_file)
    return empty_db_url, key_file


async def _write_records(url: str, key_file: Path, n: int) -> dict[int, str]:
    engine = create_engine(url, keyring=load_keyring(key_file))
    bodies: dict[int, str] = {}
    try:
        async with session_factory(engine)() as session, session.begin():
            contact = Contact(first_name="Rota", last_name="Tion", profile_summary="summary text")
            session.add(contact)
            await session.flush()
            for i in range(n):
                note = Note(contact_id=contact.id, body=f"note {i} about anxiety")
                session.add(note)
                await session.flush()
                assert note.id is not None
                bodies[note.id] = note.body
            session.add(EmailDraft(contact_id=contact.id, purpose="custom", subject="s", body="b"))
        # A row from before encryption: legacy plaintext, read only with accept_legacy,
        # encrypted (and bound to its row) by rotation.
        raw_notes = sa.table(
            "notes",
            sa.column("id", sa.Integer()),
            sa.column("contact_id", sa.Integer()),
            sa.column("body", sa.Text()),
            sa.column("created_at", UTCDateTime()),
        )
        insert = raw_notes.insert().values(
            contact_id=contact.id, body="legacy plaintext note", created_at=utcnow()
        )
        async with engine.begin() as conn:
            legacy = (await conn.execute(insert.returning(raw_notes.c.id))).scalar_one()
        bodies[legacy] = "legacy plaintext note"
    finally:
        await engine.dispose()
    return bodies


async def _read_notes(url: str, key_file: Path, accept_legacy: bool = False) -> dict[int, str]:
    engine = create_engine(url, keyring=load_keyring(key_file), accept_legacy=accept_legacy)
    try:
        async with session_factory(engine)() as session:
            return {
                n.id: n.body
                for n in (await session.exec(select(Note).order_by(col(Note.id)))).all()
                if n.id
            }
    finally:
        await engine.dispose()


async def test_rotation_re_encrypts_every_row_in_batches_and_data_reads_back(
    own_db: tuple[str, Path],
) -> None:
    url, key_file = own_db
    bodies = await _write_records(url, key_file, n=23)
    old_id = load_keyring(key_file).primary_id
    new_id = add_key(key_file)
    keyring = load_keyring(key_file)
    batches: list[tuple[str, int, int]] = []

    engine = create_engine(url, keyring=keyring)
    try:
        report = await rotation.reencrypt(
            engine, keyring, batch_size=5, progress=lambda *batch: batches.append(batch)
        )
        counts = rotation.totals(await rotation.count_by_key(engine))
        assert counts == {new_id: 24 + 1 + 2}  # notes, the summary, draft subject and body
        assert report.rewritten == 24 + 1 + 1 and report.changed_meanwhile == 0
        assert len([b for b in batches if b[0] == "notes"]) == 5  # 24 rows, 5 per transaction
        removed = await rotation.retire_old_keys(
            engine, keyring, key_file, since=0, grace_seconds=0, batch_size=5
        )
    finally:
        await engine.dispose()

    assert removed == [old_id]
    assert list(load_keyring(key_file).keys) == [new_id]
    assert await _read_notes(url, key_file) == bodies
    raw = await _raw(url, "SELECT body FROM notes")
    assert all(key_id_of(value) == new_id for value in raw)


async def test_old_keys_are_kept_while_any_row_still_uses_them(own_db: tuple[str, Path]) -> None:
    url, key_file = own_db
    await _write_records(url, key_file, n=2)
    old_id = load_keyring(key_file).primary_id
    add_key(key_file)
    before = key_file.read_bytes()
    engine = create_engine(url, keyring=load_keyring(key_file))
    try:
        with pytest.raises(KeyringError, match=f"5 values under {old_id}"):
            await rotation.retire_unused_keys(engine, load_keyring(key_file), key_file)
    finally:
        await engine.dispose()
    assert key_file.read_bytes() == before
    assert len(await _read_notes(url, key_file, accept_legacy=True)) == 3


async def test_a_wrong_key_file_fails_loudly_naming_the_key(
    own_db: tuple[str, Path], tmp_path: Path
) -> None:
    url, key_file = own_db
    await _write_records(url, key_file, n=1)
    right = load_keyring(key_file)

    other = tmp_path / "other" / "keys.json"
    create_key_file(other)
    with pytest.raises(DecryptionError, match=f"no key {right.primary_id}"):
        await _read_notes(url, other)

    # Same key id, different key bytes: authentication fails, nothing is returned.
    forged = tmp_path / "forged.json"
    forged.write_text(other.read_text().replace(load_keyring(other).primary_id, right.primary_id))
    forged.chmod(0o600)
    with pytest.raises(DecryptionError, match=f"key {right.primary_id} failed to decrypt"):
        await _read_notes(url, forged)


async def test_an_engine_without_a_keyring_never_writes_plaintext(own_db: tuple[str, Path]) -> None:
    url, _ = own_db
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            contact = Contact(first_name="No", last_name="Key")
            session.add(contact)
            await session.flush()
            session.add(Note(contact_id=contact.id, body="must not be stored"))
            with pytest.raises(Exception, match="no encryption keyring"):
                await session.flush()
            await session.rollback()
    finally:
        await engine.dispose()
    assert await _raw(url, "SELECT body FROM notes") == []


def _settings(redis_url: str, tmp_path: Path, key_file: Path) -> Settings:
    """Startup checks the key before it touches the database, so any URL will do."""
    return Settings(
        environment="test",
        data_dir=tmp_path,
        database={"url": f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}"},
        redis={"url": redis_url},
        key_file=key_file,
    )


def test_the_app_refuses_to_start_without_a_key_file(redis_url: str, tmp_path: Path) -> None:
    missing = _settings(redis_url, tmp_path, tmp_path / "nowhere" / "keys.json")
    with pytest.raises(KeyringMissing, match="assistant keys create"):
        Runtime.create(missing)

    readable = tmp_path / "keys.json"
    create_key_file(readable)
    readable.chmod(0o644)
    with pytest.raises(KeyringInvalid, match=f"chmod 600 {readable}"):
        Runtime.create(_settings(redis_url, tmp_path, readable))


def test_the_server_process_does_not_serve_without_a_key(redis_url: str, tmp_path: Path) -> None:
    from tests.plugins.servers import running_server

    refused = "no encryption key file|startup failed"
    with (
        pytest.raises(RuntimeError, match=refused),
        running_server(_settings(redis_url, tmp_path, tmp_path / "keys.json")),
    ):
        pass
    assert not (tmp_path / "keys.json").exists()


async def test_rotation_keeps_up_with_a_running_app(own_db: tuple[str, Path]) -> None:
    """A process that has not noticed the rotation keeps writing under the old key and
    reading rows already under the new one; a second pass leaves everything on one key."""
    url, key_file = own_db
    ids = list(await _write_records(url, key_file, n=30))
    stale = load_keyring(key_file)
    stale.recheck_seconds = 3600
    app_engine = create_engine(url, keyring=stale)
    new_id = add_key(key_file)
    keyring = load_keyring(key_file)
    engine = create_engine(url, keyring=keyring)

    async def app_writes() -> None:
        for i, note_id in enumerate(ids[:20]):
            async with session_factory(app_engine)() as session, session.begin():
                note = await session.get(Note, note_id)
                assert note is not None
                note.body = f"edited during rotation {i}"
                session.add(note)
                session.add(Note(contact_id=note.contact_id, body=f"added during rotation {i}"))
            await asyncio.sleep(0)

    try:
        await asyncio.gather(app_writes(), rotation.reencrypt(engine, keyring, batch_size=4))
        await rotation.reencrypt(engine, keyring, batch_size=4)
        assert set(rotation.totals(await rotation.count_by_key(engine))) == {new_id}
        async with session_factory(app_engine)() as session:  # the stale process reads on
            notes = {n.id: n.body for n in (await session.exec(select(Note))).all()}
    finally:
        await engine.dispose()
        await app_engine.dispose()
    assert notes == await _read_notes(url, key_file)
    assert sum(body.startswith("edited during rotation") for body in notes.values()) == 20
    assert sum(body.startswith("added during rotation") for body in notes.values()) == 20
