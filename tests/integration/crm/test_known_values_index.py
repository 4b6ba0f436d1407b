"""The clinic's known values: one snapshot of the contacts feeds the log scrubber's deny-list
and the parser's known-contacts matcher, reloaded only when the contacts changed."""

from __future__ import annotations

import asyncio
import contextlib

from sqlmodel import delete

from assistant.commands.parser import contact_index
from assistant.crm.known_values import KnownValues, ScrubberFeed
from assistant.db.models import Contact
from assistant.privacy.scrubber import Scrubber
from tests.plugins.commands import Clinic
from tests.plugins.scrubbers import CountingScrubber

pytest_plugins = ["tests.plugins.commands"]


async def test_the_snapshot_reloads_only_when_the_contacts_change(clinic: Clinic) -> None:
    known = KnownValues()
    async with clinic.sessions() as session:
        assert await known.refresh(session) is True
        assert await known.refresh(session) is False
    assert {c.id for c in known.contacts} == set(clinic.contacts.values())
    index = known.derived(contact_index)
    assert index is known.derived(contact_index)  # built once per snapshot
    found = index.find("pls delete tom reed's file")
    assert [m.one for m in found] == [clinic.contacts["Tom Reed"]]
    async with clinic.sessions() as session, session.begin():
        extra = Contact(first_name="Zubair", last_name="Quennell-Ashby")
        session.add(extra)
    try:
        async with clinic.sessions() as session:
            assert await known.refresh(session) is True
        assert [m.one for m in known.derived(contact_index).find("book ZUBAIR friday")] == [
            extra.id
        ]
    finally:
        async with clinic.sessions() as session, session.begin():
            await session.exec(delete(Contact).where(Contact.id == extra.id))  # type: ignore[arg-type]


async def test_the_scrubber_gets_the_same_snapshot(clinic: Clinic) -> None:
    known, scrubber = KnownValues(), CountingScrubber()
    assert await ScrubberFeed(clinic.sessions, scrubber, known).sync() is True
    assert len(known.contacts) == len(clinic.contacts)
    names, emails, phones = known.deny_list()
    assert "Priya Nair" in names and "Nair" in names  # full names and surnames
    assert "jane.doe@example.com" in emails and "(415) 555 0100" in phones
    assert "Nair" not in scrubber.scrub("Priya Nair called")


async def test_a_snapshot_the_parser_reloaded_first_still_reaches_the_scrubber(
    clinic: Clinic,
) -> None:
    known, scrubber = KnownValues(), CountingScrubber()
    async with clinic.sessions() as session:
        assert await known.refresh(session) is True  # a chat turn got there first
    feed = ScrubberFeed(clinic.sessions, scrubber, known)
    assert await feed.sync() is True
    assert scrubber.rebuilt == 1
    assert "Nair" not in scrubber.scrub("Priya Nair called")


async def test_an_unchanged_clinic_keeps_the_scrubbers_cache(clinic: Clinic) -> None:
    """Every rebuild empties the scrubber's cache, and each log line after it costs a spaCy
    pass beside the replies being streamed: the periodic refresh rebuilds only on a change."""
    scrubber = CountingScrubber()
    feed = ScrubberFeed(clinic.sessions, scrubber)
    task = asyncio.create_task(feed.keep_fresh(0.01))
    extra: Contact | None = None
    try:
        await asyncio.sleep(0.2)  # many refreshes
        assert scrubber.rebuilt == 1
        async with clinic.sessions() as session, session.begin():
            extra = Contact(first_name="Ottoline", last_name="Vexworthy-Brandt")
            session.add(extra)
        await asyncio.sleep(0.2)
        assert scrubber.rebuilt == 2
        assert "Vexworthy" not in scrubber.scrub("ring Ottoline Vexworthy-Brandt back")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if extra is not None:
            async with clinic.sessions() as session, session.begin():
                await session.exec(delete(Contact).where(Contact.id == extra.id))  # type: ignore[arg-type]


async def test_the_masking_feed_knows_a_contact_added_a_moment_ago(clinic: Clinic) -> None:
    """Before a hosted call is masked the feed syncs: no wait for a background refresh."""
    scrubber = Scrubber()
    feed = ScrubberFeed(clinic.sessions, scrubber)
    assert await feed.sync() is True
    assert await feed.sync() is False  # nothing changed: nothing reloaded
    async with clinic.sessions() as session, session.begin():
        extra = Contact(first_name="Ottoline", last_name="Vexworthy-Brandt")
        session.add(extra)
    try:
        assert "Vexworthy-Brandt" not in feed.known.deny_list()[0]
        assert await feed.sync() is True
        scrubbed = scrubber.scrub("ring Ottoline Vexworthy-Brandt back")
        assert "Vexworthy" not in scrubbed and "Ottoline" not in scrubbed, scrubbed
    finally:
        async with clinic.sessions() as session, session.begin():
            await session.exec(delete(Contact).where(Contact.id == extra.id))  # type: ignore[arg-type]
