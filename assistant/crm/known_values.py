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

    @property
    def stamp(self) -> Stamp | None:
        """The stamp of the contacts this snapshot holds (None before the first load)."""
        return self._stamp

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


class ScrubberFeed:
    """Keeps one scrubber's deny-list equal to the clinic's contacts. `sync` costs one small
    query when nothing changed; only when something did does it rebuild the deny-list, which
    also empties the scrubber's cache of analysed texts (every log line after that is new text
    to it: a spaCy pass each, on a thread that shares the CPU with the replies being
    streamed). `keep_fresh` syncs in the background; a masking scrubber syncs before each
    hosted call, so a contact added a moment ago is masked.

    `known` may be shared with the command parser, which reloads it on its own: the feed
    remembers which snapshot it last gave the scrubber, so a reload by the parser still
    reaches the scrubber."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        scrubber: Scrubber,
        known: KnownValues | None = None,
    ) -> None:
        self.sessions = sessions
        self.scrubber = scrubber
        self.known = known if known is not None else KnownValues()
        self._given: Stamp | None = None
        self._giving = asyncio.Lock()

    async def sync(self) -> bool:
        """Bring the deny-list up to date now; returns whether the scrubber's changed."""
        async with self._giving:
            async with self.sessions() as session:
                await self.known.refresh(session)
            stamp, contacts = self.known.stamp, self.known.contacts
            if stamp is None or stamp == self._given:
                return False
            # A clinic's whole list: 10,000 contacts are about 170 ms of Python, which on the
            # event loop would stall every reply being streamed; in a thread it takes turns.
            await asyncio.to_thread(self._give, contacts)
            self._given = stamp
        logger.debug("scrubber deny-list rebuilt from %d contacts", len(contacts))
        return True

    def _give(self, contacts: Sequence[KnownContact]) -> None:
        names, emails, phones = deny_list(contacts)
        self.scrubber.update_known_values(names=names, emails=emails, phones=phones)

    async def keep_fresh(self, every: float) -> None:
        """`sync` now and then every `every` seconds until cancelled."""
        while True:
            try:
                await self.sync()
            except Exception:  # a failed refresh keeps the previous list; the next one retries
                logger.exception("could not refresh the scrubber's deny-list")
            await asyncio.sleep(every)
