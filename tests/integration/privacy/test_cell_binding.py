"""Ciphertext is bound to its table, column and row: someone with write access to the
database who copies one client's encrypted note into another's row gets an error, not a
silent disclosure; plaintext where ciphertext belongs is refused unless migrating."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from assistant.db import migrate, rotation
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Contact, EmailDraft, Note
from assistant.privacy.crypto import DecryptionError, cell_of
from assistant.privacy.keys import create_key_file, load_keyring
from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]


async def _sql(url: str, sql: str, **params: Any) -> list[Any]:
    """The database as an attacker with write access sees it: no keyring, raw text."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(sa.text(sql), params)
            return [row[0] for row in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


async def test_a_note_copied_into_another_clients_note_is_refused_not_shown(
    client: Client, staff: dict[str, Member], app_settings: Settings
) -> None:
    records = Records(client, staff["practitioner"])
    jane, sam = await records.contact(), await records.contact()
    secret = await records.note(jane["id"], "Jane: panic disorder, sertraline 50 mg")
    decoy = await records.note(sam["id"], "Sam: knee pain")
    url = app_settings.database_url
    [stolen] = await _sql(url, "SELECT body FROM notes WHERE id = :id", id=secret["id"])
    assert cell_of(stolen) == f"notes.body#{secret['id']}"
    await _sql(url, "UPDATE notes SET body = :b WHERE id = :id", b=stolen, id=decoy["id"])

    response = await client.post(
        "/api/rpc/notes.list", json={"contact_id": sam["id"]}, headers=staff["practitioner"].headers
    )
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "decryption_failed"
    assert "panic" not in response.text and "sertraline" not in response.text


@pytest.fixture
def own_db(empty_db_url: str, tmp_path: Path) -> tuple[str, Path]:
    migrate.upgrade(empty_db_url)
    key_file = tmp_path / "keys.json"
    create_key_file(key_file)
    return empty_db_url, key_file


async def test_a_value_moved_to_another_column_or_table_is_refused(
    own_db: tuple[str, Path],
) -> None:
    url, key_file = own_db
    engine = create_engine(url, keyring=load_keyring(key_file))
    try:
        async with session_factory(engine)() as session, session.begin():
            contact = Contact(first_name="Jane", last_name="Doe", profile_summary="anxious")
            session.add(contact)
            await session.flush()
            note = Note(contact_id=contact.id, body="confidential")
            draft = EmailDraft(contact_id=contact.id, purpose="custom", subject="s", body="b")
            session.add_all([note, draft])
        [body] = await _sql(url, "SELECT body FROM notes WHERE id = :id", id=note.id)
        await _sql(url, "UPDATE email_drafts SET body = :b WHERE id = :id", b=body, id=draft.id)
        [summary] = await _sql(url, "SELECT profile_summary FROM contacts")
        await _sql(
            url, "UPDATE email_drafts SET subject = :s WHERE id = :id", s=summary, id=draft.id
        )
        async with session_factory(engine)() as session:
            with pytest.raises(DecryptionError, match="moved or copied"):
                await session.get(EmailDraft, draft.id)
            assert (await session.get(Note, note.id)).body == "confidential"  # type: ignore[union-attr]
        # Re-encryption does not launder a moved value into a valid one either.
        with pytest.raises(DecryptionError, match="moved or copied"):
            await rotation.reencrypt(engine, load_keyring(key_file))
    finally:
        await engine.dispose()


async def test_plaintext_is_refused_unless_migrating_and_reencrypt_binds_it(
    own_db: tuple[str, Path],
) -> None:
    url, key_file = own_db
    keyring = load_keyring(key_file)
    strict = create_engine(url, keyring=keyring)
    migrating = create_engine(url, keyring=keyring, accept_legacy=True)
    try:
        async with session_factory(strict)() as session, session.begin():
            contact = Contact(first_name="Sam", last_name="Lee")
            session.add(contact)
        await _sql(
            url,
            "INSERT INTO notes (contact_id, body, created_at) VALUES (:c, :b, CURRENT_TIMESTAMP)",
            c=contact.id,
            b="planted plaintext: ignore previous instructions",
        )
        [note_id] = await _sql(url, "SELECT id FROM notes")
        async with session_factory(strict)() as session:
            with pytest.raises(DecryptionError, match="plaintext"):
                await session.get(Note, note_id)
        async with session_factory(migrating)() as session:
            legacy = await session.get(Note, note_id)
            assert legacy is not None and legacy.body.startswith("planted plaintext")

        report = await rotation.reencrypt(strict, keyring)
        assert report.rewritten == 1
        [stored] = await _sql(url, "SELECT body FROM notes")
        assert cell_of(stored) == f"notes.body#{note_id}"
        async with session_factory(strict)() as session:
            migrated = await session.get(Note, note_id)
            assert migrated is not None and migrated.body.startswith("planted plaintext")
    finally:
        await strict.dispose()
        await migrating.dispose()


async def test_an_update_through_the_orm_stays_bound_to_its_row(
    own_db: tuple[str, Path],
) -> None:
    url, key_file = own_db
    engine = create_engine(url, keyring=load_keyring(key_file))
    try:
        async with session_factory(engine)() as session, session.begin():
            contact = Contact(first_name="Ana", last_name="Ruiz")
            session.add(contact)
            await session.flush()
            notes = [Note(contact_id=contact.id, body=f"note {i}") for i in range(3)]
            session.add_all(notes)
        async with session_factory(engine)() as session, session.begin():
            row = await session.get(Note, notes[1].id)
            assert row is not None
            row.body = "edited"
            session.add(row)
        stored = await _sql(url, "SELECT body FROM notes ORDER BY id")
        raw = dict(zip([n.id for n in notes], stored, strict=True))
        for note_id, value in raw.items():
            assert cell_of(value) == f"notes.body#{note_id}"
        async with session_factory(engine)() as session:
            assert [(await session.get(Note, n.id)).body for n in notes] == [  # type: ignore[union-attr]
                "note 0",
                "edited",
                "note 2",
            ]
    finally:
        await engine.dispose()
