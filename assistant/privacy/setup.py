"""Starting the scrubbed log pipeline for a process (assistant/crm/known_values.py feeds it
the clinic's contacts)."""

from __future__ import annotations

import logging
import sys

from assistant.privacy.logging import LoggingHandle, configure_logging
from assistant.privacy.scrubber import Scrubber
from assistant.settings import Settings

logger = logging.getLogger(__name__)


def start_logging(settings: Settings, level: str | None = None) -> tuple[LoggingHandle, Scrubber]:
    """The process-wide pipeline; the scrubber's models load in the background on first use."""
    scrubber = Scrubber(model=settings.log.spacy_model, phone_regions=settings.log.phone_regions)
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
