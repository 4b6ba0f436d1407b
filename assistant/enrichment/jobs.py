"""Enrichment jobs: one contact (also after create), or all of them with progress.

The enrichers only read; what they found is stored by the internal procedure
`contacts.record_enrichment`, as the user who asked, so the write is checked and audited.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import col, select

from assistant.db.models import Contact
from assistant.enrichment import ENRICHERS
from assistant.enrichment.base import EnrichContext
from assistant.errors import NotFound
from assistant.jobs.registry import job_handler
from assistant.jobs.runner import JobContext

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 5


async def find_facts(ctx: JobContext, contact_id: int) -> dict[str, Any] | None:
    """Run every available enricher on the contact; None if it no longer exists."""
    async with ctx.runtime.sessions() as session:
        contact = await session.get(Contact, contact_id)
        if contact is None:
            return None
        enrich = EnrichContext(session, ctx.runtime.settings, ctx.engine)
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


async def enrich_contact(ctx: JobContext, contact_id: int) -> list[str] | None:
    """Find the facts and store them; the enrichers' names, or None if the contact is gone."""
    results = await find_facts(ctx, contact_id)
    if results is None:
        return None
    summary = results.pop("summary", {}).get("profile_summary")
    args = {"contact_id": contact_id, "facts": results, "profile_summary": summary or None}
    try:
        done = await ctx.call("contacts.record_enrichment", args)
    except NotFound:  # deleted while the enrichers ran
        return None
    names: list[str] = done.output.model_dump()["enrichers"]
    return names


@job_handler("contact.enrich")
async def enrich_one(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    contact_id = int(params["contact_id"])
    names = await enrich_contact(ctx, contact_id)
    if names is None:
        return {"contact_id": contact_id, "skipped": "contact no longer exists"}
    await ctx.progress(1, 1)
    return {"contact_id": contact_id, "enrichers": names}


@job_handler("contacts.enrich_all")
async def enrich_all(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    async with ctx.runtime.sessions() as session:
        ids = list((await session.exec(select(Contact.id).order_by(col(Contact.id)))).all())
    total = len(ids)
    await ctx.progress(0, total)
    for done, contact_id in enumerate(ids, start=1):
        assert contact_id is not None
        await enrich_contact(ctx, contact_id)
        if done % PROGRESS_EVERY == 0 or done == total:
            await ctx.progress(done, total)
    return {"enriched": total}
