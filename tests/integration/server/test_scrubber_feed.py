"""The server keeps its log scrubber's deny-list in step with the contacts, and rebuilds it
(emptying the scrubber's cache, so each later log line costs a spaCy pass beside the replies
being streamed) only when the contacts changed, however often it looks."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient
from sqlmodel import delete

from assistant.db.models import Contact
from assistant.runtime import Runtime
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.scrubbers import CountingScrubber


async def test_the_deny_list_is_rebuilt_only_when_a_contact_changes(
    app_settings: Settings, runtime: Runtime
) -> None:
    log = app_settings.log.model_copy(update={"known_values_refresh_seconds": 0.01})
    scrubber = CountingScrubber()
    app = create_app(app_settings.model_copy(update={"log": log}), scrubber=scrubber)
    sessions = runtime.sessions  # the app runs its own loop: the test's own connections
    async with AsyncTestClient(app=app):
        await asyncio.sleep(0.3)  # about thirty looks
        assert scrubber.rebuilt == 1
        async with sessions() as session, session.begin():
            extra = Contact(first_name="Ottoline", last_name="Vexworthy-Brandt")
            session.add(extra)
        try:
            await asyncio.sleep(0.3)
            assert scrubber.rebuilt == 2
            assert "Vexworthy" not in scrubber.scrub("ring Ottoline Vexworthy-Brandt back")
        finally:
            async with sessions() as session, session.begin():
                await session.exec(delete(Contact).where(Contact.id == extra.id))  # type: ignore[arg-type]
