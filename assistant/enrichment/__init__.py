"""Contact enrichment; importing the package registers every enricher."""

from __future__ import annotations

from assistant.enrichment import duplicates, http, offline, summary
from assistant.enrichment.base import ENRICHERS

__all__ = ["ENRICHERS", "duplicates", "http", "offline", "summary"]
