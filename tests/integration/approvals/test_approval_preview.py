"""The approver sees what an approval will do (issue 18, impact preview): `GET /api/approvals`
and `GET /api/approvals/{id}` carry the preview the requester's confirmation card shows (one
computation, stored with the request's action): counts, the records by name and the call in
words. A note is named by its date, never quoted."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from assistant.procedures.executor import Executor
from assistant.procedures.waiting import of_approval
from tests.plugins.app import Member
from tests.plugins.records import Records

Client = AsyncTestClient  # type: ignore[type-arg]
NOTE = "reports knee pain after the fall"


async def _merge_request(client: Client, staff: dict[str, Member]) -> int:
    """The front desk asks to merge a duplicate that has a note, a task and an appointment."""
    desk = staff["front_desk"]
    keep = await Records(client, desk).contact(first_name="Johanna", last_name="Preview")
    dup = await Records(client, desk).contact(first_name="Jo", last_name="Preview")
    await Records(client, staff["practitioner"]).note(dup["id"], body=NOTE)
    await Records(client, desk).task(title="send the intake form", contact_id=dup["id"])
    await Records(client, desk).appointment(dup["id"])
    asked = await client.post(
        "/api/rpc/contacts.merge",
        json={"contact_id": keep["id"], "duplicate_id": dup["id"]},
        headers=desk.headers,
    )
    assert asked.status_code == 202, asked.text
    return int(asked.json()["approval_id"])


async def test_the_approver_reads_the_merge_preview_in_the_list_and_the_request(
    client: Client, staff: dict[str, Member], executor: Executor
) -> None:
    approval_id = await _merge_request(client, staff)
    approver = staff["practitioner"]

    listed = await client.get("/api/approvals", headers=approver.headers)
    assert listed.status_code == 200, listed.text
    [item] = [a for a in listed.json()["items"] if a["approval_id"] == approval_id]
    one = await client.get(f"/api/approvals/{approval_id}", headers=approver.headers)
    assert one.status_code == 200, one.text
    impact = one.json()["impact"]
    assert item["impact"] == impact

    assert impact["counts"] == {"appointment": 1, "note": 1, "task": 1}
    named = {(r["type"], r["name"]) for r in impact["records"]}
    assert ("task", "send the intake form") in named
    assert any(kind == "note" and name.startswith("Note of ") for kind, name in named)
    assert impact["call"].startswith("Merge Jo Preview")
    assert "into Johanna Preview" in impact["call"]
    assert NOTE not in one.text and NOTE not in listed.text  # a note is named, never quoted

    # The same preview as the requester's own card (`GET /api/actions/{id}`): one computation.
    async with executor.runtime.sessions() as session:
        action = await of_approval(session, approval_id)
    assert action is not None and action.id is not None
    mine = await client.get(f"/api/actions/{action.id}", headers=staff["front_desk"].headers)
    assert mine.status_code == 200, mine.text
    assert mine.json()["impact"] == impact


async def test_the_requester_reads_the_preview_of_their_own_request(
    client: Client, staff: dict[str, Member]
) -> None:
    approval_id = await _merge_request(client, staff)
    desk = staff["front_desk"]
    mine = await client.get(f"/api/approvals/{approval_id}", headers=desk.headers)
    assert mine.status_code == 200, mine.text
    impact = mine.json()["impact"]
    assert impact["counts"] == {"appointment": 1, "note": 1, "task": 1}
    assert impact["call"].startswith("Merge Jo Preview")
    assert NOTE not in mine.text
