"""The data layer on both databases: aware datetimes, cascades, uniqueness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Appointment, Contact, Note, Role, User
from assistant.privacy.keys import Keyring


@pytest.fixture
async def session(migrated_db_url: str, keyring: Keyring) -> AsyncIterator[AsyncSession]:
    engine = create_engine(migrated_db_url, keyring=keyring)
    async with session_factory(engine)() as s:
        yield s
        await s.rollback()
    await engine.dispose()


async def test_datetimes_come_back_aware_in_utc(session: AsyncSession) -> None:
    contact = Contact(first_name="Jane", last_name="Doe")
    session.add(contact)
    await session.flush()
    starts = datetime(2026, 3, 29, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    session.add(Appointment(contact_id=contact.id, starts_at=starts))
    await session.flush()
    session.expunge_all()
    row = (
        await session.exec(select(Appointment).where(Appointment.contact_id == contact.id))
    ).one()
    assert row.starts_at == starts
    assert row.starts_at.tzinfo == UTC


async def test_naive_datetime_is_refused(session: AsyncSession) -> None:
    contact = Contact(first_name="Sam", last_name="Lee")
    session.add(contact)
    await session.flush()
    session.add(Appointment(contact_id=contact.id, starts_at=datetime(2026, 1, 1, 9)))
    with pytest.raises(Exception, match="naive datetime"):
        await session.flush()


async def test_deleting_a_contact_removes_its_notes(session: AsyncSession) -> None:
    contact = Contact(first_name="Ann", last_name="Smith")
    session.add(contact)
    await session.flush()
    session.add(Note(contact_id=contact.id, body="private"))
    await session.flush()
    await session.delete(contact)
    await session.flush()
    notes = (await session.exec(select(Note).where(Note.contact_id == contact.id))).all()
    assert notes == []


async def test_user_email_is_unique(session: AsyncSession) -> None:
    session.add(User(email="dup@example.com", role=Role.viewer, password_hash="x"))
    await session.flush()
    session.add(User(email="dup@example.com", role=Role.owner, password_hash="y"))
    with pytest.raises(IntegrityError):
        await session.flush()
