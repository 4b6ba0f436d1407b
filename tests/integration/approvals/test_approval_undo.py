"""An approved execution carries its undo (issue 19): the approval object says whether the call
that ran can still be undone, and the requester's card on the approvals page has the Undo
button; once undone, both say so."""

from __future__ import annotations

import html
import re
from typing import Any

from litestar.testing import AsyncTestClient

from assistant.procedures.executor import Executor
from tests.plugins.app import Member
from tests.plugins.jobs import jobs_for, run
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


async def _approval(client: Client, member: Member, approval_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/approvals/{approval_id}", headers=member.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def _card(page: str, approval_id: int) -> str:
    found = re.search(rf'<article[^>]*id="approval-{approval_id}".*?</article>', page, re.S)
    assert found, f"no card for approval {approval_id}"
    return html.unescape(found.group(0))


async def test_an_approved_merge_is_undone_from_its_approval_card(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    desk, owner = staff["front_desk"], staff["owner"]
    records = Records(client, desk)
    keep, dup = await records.contact(), await records.contact()
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=desk.headers,
    )
    assert asked.status_code == 202
    approval_id = asked.json()["approval_id"]
    assert (await _approval(client, desk, approval_id))["undo"] is None  # nothing ran yet

    approved = await client.post(
        f"/api/approvals/{approval_id}/approve", json={}, headers=owner.headers
    )
    assert approved.status_code == 200
    [job] = await jobs_for(executor, idempotency_key=f"approval:{approval_id}")
    assert await run(executor, job.id or 0) == "succeeded"

    ran = await _approval(client, desk, approval_id)
    assert ran["status"] == "executed" and ran["action_id"] is not None
    assert ran["undo"]["available"] is True and ran["undo"]["until"] is not None
    listed = await client.get("/api/approvals?status=executed", headers=desk.headers)
    [item] = [a for a in listed.json()["items"] if a["approval_id"] == approval_id]
    assert item["undo"] == ran["undo"]

    page = await client.get("/approvals?box=mine", headers=desk.headers)
    card = _card(page.text, approval_id)
    assert f'action="/activity/{ran["action_id"]}/undo"' in card
    assert f"Undo approval request #{approval_id}" in card and "What ran" in card
    # An owner may undo anyone's call: the approver's history card offers it too.
    decided = await client.get("/approvals?box=history", headers=owner.headers)
    assert f'action="/activity/{ran["action_id"]}/undo"' in _card(decided.text, approval_id)

    token = CSRF.search(page.text)
    assert token is not None
    undone = await client.post(
        f"/activity/{ran['action_id']}/undo",
        data={"_csrf_token": token.group(1)},
        headers=desk.headers,
        follow_redirects=False,
    )
    assert undone.status_code == 303, undone.text
    back = await client.post(
        "/api/rpc/contacts.get", json={"contact_id": dup["id"]}, headers=desk.headers
    )
    assert back.status_code == 200  # the duplicate is back

    after = await _approval(client, desk, approval_id)
    assert after["undo"]["available"] is False and after["undo"]["reason"] == "already undone"
    card = _card((await client.get("/approvals?box=mine", headers=desk.headers)).text, approval_id)
    assert "Cannot undo: already undone" in card
    assert "/undo" not in card
