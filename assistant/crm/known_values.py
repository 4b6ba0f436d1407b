"""Feeding the log scrubber the clinic's contacts, so their names, emails and phones are
scrubbed from logs even where no recognizer would catch them."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Contact
from assistant.privacy.scrubber import Scrubber

logger = logging.getLogger(__name__)


async def refresh_known_values(
    sessions: async_sessionmaker[AsyncSession], scrubber: Scrubber
) -> int:
    """Load every contact's name, e-mail and phone into the deny-list; returns the count."""
    async with sessions() as session:
        rows = (
            await session.exec(
                select(Contact.first_name, Contact.last_name, Contact.email, Contact.phone)
            )
        ).all()
    names = {f"{first} {last}".strip() for first, last, _, _ in rows}
    names |= {last for _, last, _, _ in rows if last and len(last) > 2}
    scrubber.update_known_values(
        names=sorted(names),
        emails=sorted({email for _, _, email, _ in rows if email}),
        phones=sorted({phone for _, _, _, phone in rows if phone}),
    )
    return len(rows)


async def keep_known_values_fresh(
    sessions: async_sessionmaker[AsyncSession], scrubber: Scrubber, every: float
) -> None:
    """Refresh the deny-list now and then every `every` seconds until cancelled."""
    while True:
        try:
            count = await refresh_known_values(sessions, scrubber)
            logger.debug("scrubber deny-list refreshed from %d contacts", count)
        except Exception:  # a failed refresh keeps the previous list; the next one retries
            logger.exception("could not refresh the scrubber's deny-list")
        await asyncio.sleep(every)
