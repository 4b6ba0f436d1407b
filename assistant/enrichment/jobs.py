"""Enrichment jobs: one contact (also after create), or all of them with progress.

The enrichers only read; what they found is stored by the internal procedure
`contacts.record_enrichment` (a batch per call), as the user who asked, so the write is
checked and audited.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import col, select

from assistant.db.models import Contact
from assistant.enrichment import ENRICHERS
from assistant.enrichment.base import EnrichContext
from assistant.jobs.registry import job_handler
from assistant.jobs.runner import JobContext

logger = logging.getLogger(__name__)
BATCH = 10  # contacts per write (one audited call) and per progress report


async def find_facts(ctx: JobContext, contact_ids: list[int]) -> list[dict[str, Any]]:
    """Run every available enricher on each contact still there: the procedure's items.
    They only read, in a read-only session per contact: an enricher may wait seconds on
    the model, and a read never holds (or waits for) SQLite's write lock meanwhile."""
    items: list[dict[str, Any]] = []
    for contact_id in contact_ids:
        async with ctx.runtime.readers() as session:
            contact = await session.get(Contact, contact_id)
            if contact is None:
                continue
            results = await _run_enrichers(
                contact, EnrichContext(session, ctx.runtime.settings, ctx.engine)
            )
        summary = results.pop("summary", {}).get("profile_summary")
        items.append({"contact_id": contact_id, "facts": results, "profile_summary": summary})
    return items


async def _run_enrichers(contact: Contact, enrich: EnrichContext) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for enricher in ENRICHERS:
        if not enricher.available(enrich):
            continue
        try:
            facts = await enricher.enrich(contact, enrich)
        except Exception as exc:  # one failing plug-in must not lose the others' facts
            logger.warning("enricher %s failed: %s", enricher.name, type(exc).__name__)
            facts = {"error": type(exc).__name__}
        if facts:
            results[enricher.name] = facts
    return results


async def enrich_contacts(ctx: JobContext, contact_ids: list[int]) -> dict[str, list[str]]:
    """Find the facts and store them in one call; the enrichers' names by contact id."""
    items = await find_facts(ctx, contact_ids)
    if not items:
        return {}
    done = await ctx.call("contacts.record_enrichment", {"contacts": items})
    names: dict[str, list[str]] = done.output.model_dump()["enrichers"]
    return names


@job_handler("contact.enrich")
async def enrich_one(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    contact_id = int(params["contact_id"])
    names = await enrich_contacts(ctx, [contact_id])
    if str(contact_id) not in names:
        return {"contact_id": contact_id, "skipped": "contact no longer exists"}
    await ctx.progress(1, 1)
    return {"contact_id": contact_id, "enrichers": names[str(contact_id)]}


@job_handler("contacts.enrich_all")
async def enrich_all(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    async with ctx.runtime.readers() as session:
        ids = [i for i in (await session.exec(select(Contact.id).order_by(col(Contact.id)))).all()]
    total = len(ids)
    await ctx.progress(0, total)
    for start in range(0, total, BATCH):
        batch = [i for i in ids[start : start + BATCH] if i is not None]
        await enrich_contacts(ctx, batch)
        await ctx.progress(min(start + BATCH, total), total)
    return {"enriched": total}
