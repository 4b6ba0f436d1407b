"""The home page's "latest actions" partial: my newest actions, rendered with their status."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from assistant.db.models import Role
from assistant.procedures.context import Principal
from assistant.procedures.executor import Executor
from server.pages.activity import latest_context
from server.pages.templates import template_config
from tests.plugins.app import Member
from tests.plugins.records import Records


async def test_the_partial_lists_my_latest_actions(
    client: AsyncTestClient,  # type: ignore[type-arg]
    staff: dict[str, Member],
    executor: Executor,
) -> None:
    member = staff["front_desk"]
    contact = await Records(client, member).contact()
    await Records(client, member).task(contact_id=contact["id"], title="ring <the> lab")
    me = Principal(member.user_id, member.email, Role.front_desk, "America/New_York")
    context = await latest_context(executor.runtime, executor, me, limit=3)
    assert 1 <= len(context["latest_actions"]) <= 3
    assert all(a.user_id == member.user_id for a in context["latest_actions"])
    newest = context["latest_actions"][0]
    assert newest.procedure == "tasks.create" and newest.undo.available

    engine = template_config().instance
    assert engine is not None
    html = engine.engine.get_template("actions/_latest.html").render(
        **context, tz=me.timezone, me=me
    )
    assert "What the co-pilot did for you" in html
    assert newest.what in html and "can be undone" in html
    assert f"All activity ({context['latest_total']})" in html
