"""The clinic's known values: one snapshot of the contacts feeds the log scrubber's deny-list
and the parser's known-contacts matcher, reloaded only when the contacts changed."""

from __future__ import annotations

from sqlmodel import delete

from assistant.commands.parser import contact_index
from assistant.crm.known_values import KnownValues, ScrubberFeed, refresh_known_values
from assistant.db.models import Contact
from assistant.privacy.scrubber import Scrubber
from tests.plugins.commands import Clinic

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
    known, scrubber = KnownValues(), Scrubber()
    count = await refresh_known_values(clinic.sessions, scrubber, known)
    assert count == len(clinic.contacts) == len(known.contacts)
    names, emails, phones = known.deny_list()
    assert "Priya Nair" in names and "Nair" in names  # full names and surnames
    assert "jane.doe@example.com" in emails and "(415) 555 0100" in phones


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
