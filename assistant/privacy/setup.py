"""Starting the scrubbed log pipeline for a process, and feeding it the clinic's contacts."""

from __future__ import annotations

import asyncio
import logging
import sys

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Contact
from assistant.privacy.logging import LoggingHandle, configure_logging
from assistant.privacy.scrubber import Scrubber
from assistant.settings import Settings

logger = logging.getLogger(__name__)


def start_logging(settings: Settings, level: str | None = None) -> tuple[LoggingHandle, Scrubber]:
    """The process-wide pipeline; the scrubber's models load in the background on first use."""
    scrubber = Scrubber(model=settings.log.spacy_model)
    handle = configure_logging(
        level or settings.log.level,
        settings.log.format_for(sys.stderr),
        file=settings.log.file,
        scrubber=scrubber,
        scrub_timeout=settings.log.scrub_timeout,
        queue_size=settings.log.queue_size,
        spacy_model=settings.log.spacy_model,
    )
    return handle, scrubber


def serving_level(settings: Settings) -> None:
    """Long-running processes log at the configured level (INFO unless set)."""
    logging.getLogger().setLevel(settings.log.level)


def one_shot_level(settings: Settings) -> str:
    """One-shot CLI commands stay quiet (WARNING) unless ASSISTANT_LOG_LEVEL says otherwise."""
    return settings.log.level if "level" in settings.log.model_fields_set else "WARNING"


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
