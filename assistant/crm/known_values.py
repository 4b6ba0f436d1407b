"""The clinic's known values: every contact's name, e-mail and phone, read in one place.

Two readers share them. The log scrubber gets them as a deny-list, so names, e-mails and
phones are scrubbed from logs even where no recognizer would catch them. The command parser
builds a `ContactIndex` from them (`derived`; assistant/nlu/contacts.py), to find known
clients in a message. `KnownValues` holds the latest snapshot and reloads it only when the contacts
changed (their count, highest id or latest update moved).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Contact
from assistant.privacy.scrubber import Scrubber

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class KnownContact:
    id: int
    first_name: str
    last_name: str
    email: str | None
    phone: str | None


Stamp = tuple[int, int | None, datetime | None]


async def contacts_stamp(session: AsyncSession) -> Stamp:
    """What changes whenever a contact is added, edited or deleted."""
    query: Any = select(
        func.count(col(Contact.id)), func.max(col(Contact.id)), func.max(col(Contact.updated_at))
    )
    count, highest, latest = (await session.exec(query)).one()
    return int(count or 0), highest, latest


async def load_known_contacts(session: AsyncSession) -> list[KnownContact]:
    """Every contact's id, name, e-mail and phone (no clinical, encrypted text is read)."""
    query: Any = select(  # type: ignore[call-overload]  # sqlmodel types up to 4 columns
        col(Contact.id),
        col(Contact.first_name),
        col(Contact.last_name),
        col(Contact.email),
        col(Contact.phone),
    )
    rows = (await session.exec(query)).all()
    return [KnownContact(int(r[0]), r[1] or "", r[2] or "", r[3], r[4]) for r in rows if r[0]]


class KnownValues:
    """The latest snapshot of the known contacts; one per process, shared by its readers."""

    def __init__(self) -> None:
        self.contacts: tuple[KnownContact, ...] = ()
        self._stamp: Stamp | None = None
        self._derived: dict[Callable[..., Any], Any] = {}
        self._lock = asyncio.Lock()

    async def refresh(self, session: AsyncSession) -> bool:
        """Reload when the contacts changed; returns whether it did."""
        async with self._lock:
            stamp = await contacts_stamp(session)
            if stamp == self._stamp:
                return False
            self.contacts = tuple(await load_known_contacts(session))
            self._stamp, self._derived = stamp, {}
            return True

    def derived(self, build: Callable[[tuple[KnownContact, ...]], T]) -> T:
        """What a reader builds from the snapshot (the parser's known-contacts matcher), built
        once per snapshot and per builder."""
        if build not in self._derived:
            self._derived[build] = build(self.contacts)
        result: T = self._derived[build]
        return result

    def deny_list(self) -> tuple[list[str], list[str], list[str]]:
        """(names, e-mails, phones) for the scrubber: full names and surnames over two letters."""
        return deny_list(self.contacts)


def deny_list(contacts: Sequence[KnownContact]) -> tuple[list[str], list[str], list[str]]:
    names = {f"{c.first_name} {c.last_name}".strip() for c in contacts}
    names |= {c.last_name for c in contacts if c.last_name and len(c.last_name) > 2}
    names.discard("")
    return (
        sorted(names),
        sorted({c.email for c in contacts if c.email}),
        sorted({c.phone for c in contacts if c.phone}),
    )


async def refresh_known_values(
    sessions: async_sessionmaker[AsyncSession],
    scrubber: Scrubber,
    known: KnownValues | None = None,
) -> int:
    """Load every contact's name, e-mail and phone into the deny-list (and into `known`, when
    given, for the parser to share); returns the count."""
    async with sessions() as session:
        if known is not None:
            await known.refresh(session)
            contacts: Sequence[KnownContact] = known.contacts
        else:
            contacts = await load_known_contacts(session)
    names, emails, phones = deny_list(contacts)
    scrubber.update_known_values(names=names, emails=emails, phones=phones)
    return len(contacts)


class ScrubberFeed:
    """Keeps one scrubber's deny-list equal to the clinic's contacts, for a use that must not
    miss a contact added a moment ago (masking before a hosted call): `sync` costs one small
    query when nothing changed and reloads when something did; `keep_fresh` syncs in the
    background."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], scrubber: Scrubber) -> None:
        self.sessions = sessions
        self.scrubber = scrubber
        self.known = KnownValues()

    async def sync(self) -> bool:
        """Bring the deny-list up to date now; returns whether the contacts had changed."""
        async with self.sessions() as session:
            changed = await self.known.refresh(session)
        if changed:
            names, emails, phones = self.known.deny_list()
            self.scrubber.update_known_values(names=names, emails=emails, phones=phones)
        return changed

    async def keep_fresh(self, every: float) -> None:
        while True:
            try:
                await self.sync()
            except Exception:  # a failed refresh keeps the previous list; the next one retries
                logger.exception("could not refresh the masking deny-list")
            await asyncio.sleep(every)


async def keep_known_values_fresh(
    sessions: async_sessionmaker[AsyncSession],
    scrubber: Scrubber,
    every: float,
    known: KnownValues | None = None,
) -> None:
    """Refresh the deny-list now and then every `every` seconds until cancelled."""
    while True:
        try:
            count = await refresh_known_values(sessions, scrubber, known)
            logger.debug("scrubber deny-list refreshed from %d contacts", count)
        except Exception:  # a failed refresh keeps the previous list; the next one retries
            logger.exception("could not refresh the scrubber's deny-list")
        await asyncio.sleep(every)
