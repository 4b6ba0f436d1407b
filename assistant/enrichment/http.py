"""External HTTP enrichment providers: an interface, off unless a clinic opts in per provider.

A provider receives only the contact's e-mail domain (never names, notes or phone numbers)
and returns JSON facts about that organisation.
"""

from __future__ import annotations

from typing import Any, ClassVar

import httpx

from assistant.db.models import Contact
from assistant.enrichment.base import EnrichContext, enricher


@enricher
class DomainInfoProvider:
    name: ClassVar[str] = "domain_info"

    def _url(self, ctx: EnrichContext) -> str | None:
        providers = ctx.settings.enrichment.http_providers
        urls = ctx.settings.enrichment.http_provider_urls
        if self.name not in providers:
            return None
        index = providers.index(self.name)
        return urls[index] if index < len(urls) else None

    def available(self, ctx: EnrichContext) -> bool:
        return self._url(ctx) is not None

    async def enrich(self, contact: Contact, ctx: EnrichContext) -> dict[str, Any]:
        url = self._url(ctx)
        if url is None or not contact.email or "@" not in contact.email:
            return {}
        domain = contact.email.rsplit("@", 1)[1].lower()
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(url, params={"domain": domain})
            response.raise_for_status()
            data = response.json()
        return data if isinstance(data, dict) else {}
