"""The `/activity` page: owners see everyone's, others only their own, whatever they ask for;
its Undo form runs the same `actions.undo` as the API, with the same refusals."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


async def _undo(client: Client, member: Member, action_id: int) -> Any:
    """The activity page's Undo form, posted as a browser does (with its CSRF token)."""
    page = await client.get("/activity", headers=member.headers)
    token = CSRF.search(page.text)
    assert token, page.text[:500]
    return await client.post(
        f"/activity/{action_id}/undo", data={"_csrf_token": token.group(1)},
        headers=member.headers, follow_redirects=False,
    )  # fmt: skip


async def test_owners_see_everyones_and_others_only_their_own(
    client: Client, staff: dict[str, Member]
) -> None:
    desk, prac, owner = staff["front_desk"], staff["practitioner"], staff["owner"]
    contact = await Records(client, desk).contact()
    await Records(client, desk).task(contact_id=contact["id"], title="page check")
    listed = await client.get("/api/actions?limit=1", headers=desk.headers)
    row = f'id="action-{listed.json()["items"][0]["action_id"]}"'
    everyone = await client.get("/activity?everyone=true", headers=owner.headers)
    assert everyone.status_code == 200 and row in everyone.text
    assert row not in (await client.get("/activity", headers=owner.headers)).text
    asked = await client.get("/activity?everyone=true", headers=prac.headers)
    assert asked.status_code == 200 and row not in asked.text
    assert row in (await client.get("/activity", headers=desk.headers)).text


async def test_the_undo_form_is_for_the_requester_and_owners_only(
    client: Client, staff: dict[str, Member]
) -> None:
    desk, prac, owner = staff["front_desk"], staff["practitioner"], staff["owner"]
    contact = await Records(client, desk).contact()
    for title in ("first", "second"):
        await Records(client, desk).task(contact_id=contact["id"], title=title)
    listed = await client.get("/api/actions?procedure=tasks.create&limit=2", headers=desk.headers)
    second, first = (a["action_id"] for a in listed.json()["items"])
    assert (await _undo(client, prac, first)).status_code == 404
    mine = await _undo(client, desk, first)
    assert mine.status_code in (302, 303) and f"undone={first}" in mine.headers["location"]
    again = await _undo(client, desk, first)
    assert again.status_code == 409 and "already undone" in again.text
    by_owner = await _undo(client, owner, second)
    assert by_owner.status_code in (302, 303)
