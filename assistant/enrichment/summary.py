"""A short profile summary from the contact's notes, when a model is available.

Clinical text: the summary is shown only to roles that may read notes (see crm/contacts).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlmodel import col, select

from assistant.db.models import Contact, Note
from assistant.enrichment.base import EnrichContext, enricher
from assistant.privacy.fencing import RULE, fence
from assistant.remote.scope import call_scope

PROMPT = "You summarise a clinic client's notes for staff in at most two sentences. " + RULE


@enricher
class SummaryEnricher:
    name: ClassVar[str] = "summary"

    def available(self, ctx: EnrichContext) -> bool:
        return ctx.engine is not None

    async def enrich(self, contact: Contact, ctx: EnrichContext) -> dict[str, Any]:
        from inference.base import ChatRequest, TextDelta

        rows = await ctx.session.exec(  # whole rows: each body is checked against its row
            select(Note)
            .where(Note.contact_id == contact.id)
            .order_by(col(Note.created_at).desc())
            .limit(20)
        )
        notes = [note.body for note in rows.all()]
        if not notes:
            return {}
        request = ChatRequest(
            messages=[
                {"role": "system", "content": PROMPT},
                {"role": "user", "content": fence("notes, newest first", list(notes))},
            ],
            max_tokens=120,
            temperature=0.2,
        )
        with call_scope("summary", clinical=notes, notes_only=True):
            text = "".join(
                [e.text async for e in ctx.engine.stream(request) if isinstance(e, TextDelta)]
            )
        return {"profile_summary": text.strip()[:1000]} if text.strip() else {}
