"""ASSISTANT_REMOTE_USE=drafts on a clinic without a local model: the e-mail draft job is
written by a hosted provider (a stand-in on 127.0.0.1), masked on the way out, restored on
the way back, and its tokens are recorded for the user who asked."""

from __future__ import annotations

import json
import re
from functools import partial

from sqlmodel import select

from assistant import compose
from assistant.crm.known_values import ScrubberFeed
from assistant.db.models import EmailDraft, UsageRecord, User
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from assistant.remote.setup import with_remote
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.plugins.app import Member
from tests.plugins.hosted import Reply, stand_in
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

FIRST = "Oluwaseun"


async def test_drafts_go_to_the_hosted_model_masked(
    client: object, staff: dict[str, Member], app_settings: Settings
) -> None:
    member = staff["front_desk"]
    with stand_in("anthropic") as server:

        def write(body: dict) -> Reply:  # type: ignore[type-arg]
            # The placeholder that stands where the client's first name was.
            found = re.search(r"client_first_name\W+(<[A-Z_]+_\d+>)", json.dumps(body))
            return Reply(f"Dear {found.group(1) if found else 'client'}, we missed you on Monday.")

        server.script = [write]
        settings = app_settings.model_copy(
            update={
                "engine": "none",
                "remote": app_settings.remote.model_validate(
                    {"providers": ["anthropic"], "use": "drafts",
                     "anthropic_api_key": "sk-standin", "anthropic_base_url": server.base_url}
                ),
            }
        )  # fmt: skip
        executor = Executor(Runtime.create(settings), compose.procedures())
        engine = with_remote(
            None, executor.runtime, feed=partial(ScrubberFeed, executor.runtime.sessions)
        )
        assert engine is not None
        await engine.start()
        try:
            contact = await Records(client, member).contact(  # type: ignore[arg-type]
                first_name=FIRST, last_name="Adeyemi-Clarke"
            )
            async with executor.runtime.sessions() as session:
                user = await session.get(User, member.user_id)
            assert user is not None
            done = await executor.call(
                Principal.of(user), "emails.draft",
                {"contact_id": contact["id"], "purpose": "follow_up"}, source="http",
            )  # fmt: skip
            draft = done.output.model_dump()  # type: ignore[union-attr]
            assert draft["status"] == "pending"  # a model will write it: the hosted one
            [job] = [
                j
                for j in await jobs_for(executor, kind="email.draft")
                if j.params == {"draft_id": draft["id"]}
            ]
            assert await run(executor, job.id or 0, engine) == "succeeded"
            async with executor.runtime.sessions() as session:
                row = await session.get(EmailDraft, draft["id"])
                usage = (
                    await session.exec(
                        select(UsageRecord).where(UsageRecord.user_id == member.user_id)
                    )
                ).all()
            assert row is not None and row.body == f"Dear {FIRST}, we missed you on Monday."
            assert FIRST not in server.received[0].decode()
            assert [(u.provider, u.purpose) for u in usage][-1] == ("anthropic", "draft")
        finally:
            await engine.close()
            await executor.runtime.close()
