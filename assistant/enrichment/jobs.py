"""Enrichment jobs: one contact (also after create), or all of them with progress."""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from assistant.db.models import Contact
from assistant.enrichment import ENRICHERS
from assistant.enrichment.base import EnrichContext
from assistant.jobs.registry import job_handler
from assistant.jobs.runner import JobContext
from assistant.runtime import Runtime

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 5


async def enrich_contact(
    runtime: Runtime, session: AsyncSession, contact: Contact, engine: Any = None
) -> list[str]:
    """Run every available enricher; derived facts do not bump the contact's version."""
    ctx = EnrichContext(session, runtime.settings, engine)
    results: dict[str, Any] = {}
    for enricher in ENRICHERS:
        if not enricher.available(ctx):
            continue
        try:
            facts = await enricher.enrich(contact, ctx)
        except Exception as exc:  # one failing plug-in must not lose the others' facts
            logger.warning("enricher %s failed: %s", enricher.name, type(exc).__name__)
            facts = {"error": type(exc).__name__}
        if facts:
            results[enricher.name] = facts
    summary = results.pop("summary", {}).get("profile_summary")
    if summary:  # clinical text: its own encrypted column, never the plaintext JSON
        contact.profile_summary = summary
    contact.enrichment = {**results, "enriched_at": runtime.clock.now().isoformat()}
    session.add(contact)
    return sorted(results)


@job_handler("contact.enrich")
async def enrich_one(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    contact_id = int(params["contact_id"])
    async with ctx.runtime.sessions() as session, session.begin():
        contact = await session.get(Contact, contact_id)
        if contact is None:
            return {"contact_id": contact_id, "skipped": "contact no longer exists"}
        names = await enrich_contact(ctx.runtime, session, contact, ctx.engine)
    await ctx.progress(1, 1)
    return {"contact_id": contact_id, "enrichers": names}


@job_handler("contacts.enrich_all")
async def enrich_all(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    async with ctx.runtime.sessions() as session:
        ids = list((await session.exec(select(Contact.id).order_by(col(Contact.id)))).all())
    total = len(ids)
    await ctx.progress(0, total)
    for done, contact_id in enumerate(ids, start=1):
        async with ctx.runtime.sessions() as session, session.begin():
            contact = await session.get(Contact, contact_id)
            if contact is not None:
                await enrich_contact(ctx.runtime, session, contact, ctx.engine)
        if done % PROGRESS_EVERY == 0 or done == total:
            await ctx.progress(done, total)
    return {"enriched": total}
