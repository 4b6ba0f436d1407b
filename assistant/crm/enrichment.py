"""Enrichment procedures: queue a job for one contact, or (critical, bulk) for all."""

from __future__ import annotations

from assistant.crm.common import get_or_404
from assistant.crm.contacts import STAFF
from assistant.crm.declare import Command, contact, procedure
from assistant.crm.impacts import enrich_all_impact
from assistant.db.models import Contact
from assistant.jobs.queue import JobOut
from assistant.procedures.context import CLINICAL_ROLES, CallContext
from assistant.procedures.types import Id, Input


class EnrichOne(Input):
    contact_id: Id


class EnrichAll(Input):
    pass


@procedure(
    "contacts.enrich",
    summary="Look up a contact's details offline: phone region and type, e-mail domain, name "
    "parts, likely duplicates (a background job)",
    input=EnrichOne,
    output=JobOut,
    roles=STAFF,
    examples=[
        "enrich [Jane Doe](CONTACT)",
        "look up [Tom Reed](CONTACT)'s phone details",
    ],
    command=Command((contact("Which contact should I enrich?"),)),
    classified=True,
)
async def enrich(ctx: CallContext, args: EnrichOne) -> JobOut:
    await get_or_404(ctx.session, Contact, args.contact_id, "contact")
    return JobOut.of(await ctx.enqueue("contact.enrich", {"contact_id": args.contact_id}))


@procedure(
    "contacts.enrich_all",
    summary="Enrich every contact (a bulk background job with progress)",
    input=EnrichAll,
    output=JobOut,
    roles=CLINICAL_ROLES,
    risk="critical",
    impact=enrich_all_impact,
    examples=[
        "enrich all contacts",
    ],
)
async def enrich_all(ctx: CallContext, args: EnrichAll) -> JobOut:
    return JobOut.of(await ctx.enqueue("contacts.enrich_all", {}))
