"""Enrichers: registered plug-ins that derive facts about a contact, offline by default."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Contact
from assistant.settings import Settings


@dataclass
class EnrichContext:
    session: AsyncSession
    settings: Settings
    engine: Any = None  # an inference Engine when a model is available, else None


class Enricher(Protocol):
    name: ClassVar[str]

    def available(self, ctx: EnrichContext) -> bool:
        """Whether it may run here (a model present, a provider opted into...)."""
        ...

    async def enrich(self, contact: Contact, ctx: EnrichContext) -> dict[str, Any]:
        """Facts for `contact.enrichment[name]`; an empty dict means nothing to say."""
        ...


class EnricherRegistry:
    def __init__(self) -> None:
        self._by_name: dict[str, Enricher] = {}

    def register(self, enricher: Enricher) -> Enricher:
        if enricher.name in self._by_name:
            raise ValueError(f"enricher {enricher.name!r} is registered twice")
        self._by_name[enricher.name] = enricher
        return enricher

    def get(self, name: str) -> Enricher | None:
        return self._by_name.get(name)

    def __iter__(self) -> Iterator[Enricher]:
        return iter(self._by_name.values())


ENRICHERS = EnricherRegistry()


def enricher(cls: type[Any]) -> type[Any]:
    """Class decorator: register one instance of the enricher."""
    ENRICHERS.register(cls())
    return cls
