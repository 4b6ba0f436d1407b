"""The owner's procedures over HTTP: accounts, tokens, the audit trail; the directory for
every role. What they change takes effect at once (a disabled user's token stops working)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from tests.plugins.app import Member

Client = AsyncTestClient  # type: ignore[type-arg]


async def rpc(client: Client, member: Member | dict[str, str], name: str, /, **args: Any) -> Any:
    headers = member.headers if isinstance(member, Member) else member
    return await client.post(f"/api/rpc/{name}", json=args, headers=headers)


async def test_an_owner_manages_an_account_and_its_token(
    client: Client, staff: dict[str, Member]
) -> None:
    owner = staff["owner"]
    email = f"new-{uuid.uuid4().hex[:8]}@clinic.example.com"
    made = await rpc(client, owner, "users.create", email=email, role="front_desk")
    assert made.status_code == 200
    body = made.json()
    assert body["user"]["email"] == email and len(body["password"]) >= 10
    user_id = body["id"]

    token = (await rpc(client, owner, "tokens.create", user_id=user_id, name="t")).json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert (await rpc(client, bearer, "contacts.search")).status_code == 200
    listed = (await rpc(client, owner, "tokens.list", user_id=user_id)).json()
    assert [t["id"] for t in listed["items"]] == [token["id"]] and "token" not in listed["items"][0]

    role = await rpc(client, owner, "users.set_role", user_id=user_id, role="viewer")
    assert role.json()["role"] == "viewer"
    assert (await rpc(client, bearer, "contacts.create", first_name="X")).status_code == 403

    reset = await rpc(client, owner, "users.reset_password", user_id=user_id)
    assert reset.status_code == 200 and reset.json()["password"] != body["password"]

    assert (await rpc(client, owner, "users.disable", user_id=user_id)).status_code == 200
    assert (await rpc(client, bearer, "contacts.search")).status_code == 401
    users = (await rpc(client, owner, "users.list", limit=200)).json()
    assert any(u["id"] == user_id and not u["is_active"] for u in users["items"])

    revoked = await rpc(client, owner, "tokens.revoke", token_id=token["id"])
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]


async def test_the_directory_gives_names_and_roles_to_every_role(
    client: Client, staff: dict[str, Member]
) -> None:
    response = await rpc(client, staff["viewer"], "users.directory", limit=200)
    assert response.status_code == 200
    items = response.json()["items"]
    assert {"id", "full_name", "role"} == set(items[0])  # no e-mail, no status
    assert {staff[r].user_id for r in ("owner", "viewer")} <= {i["id"] for i in items}


async def test_admin_calls_are_audited_and_the_owner_reads_the_trail(
    client: Client, staff: dict[str, Member]
) -> None:
    owner = staff["owner"]
    await rpc(client, owner, "users.list")
    page = (await rpc(client, owner, "audit.list", procedure="users.list", limit=1)).json()
    [last] = page["items"]
    assert last["actor_id"] == owner.user_id and last["principal_kind"] == "token"
    assert last["token_id"] is not None and last["outcome"] == "ok"
    verified = (await rpc(client, owner, "audit.verify")).json()
    assert verified["ok"] is True and verified["count"] >= 1
    denied = await rpc(client, staff["practitioner"], "audit.list")
    assert denied.status_code == 403


async def test_the_owner_filters_the_trail_by_the_record_it_touched(
    client: Client, staff: dict[str, Member]
) -> None:
    owner, desk = staff["owner"], staff["front_desk"]
    contact = (await rpc(client, desk, "contacts.create", first_name="Audit")).json()
    other = (await rpc(client, desk, "contacts.create", first_name="Other")).json()
    await rpc(client, desk, "tags.add", contact_id=contact["id"], tag="vip")
    await rpc(client, desk, "tags.add", contact_id=other["id"], tag="vip")
    found = await rpc(
        client, owner, "audit.list", record="contact_id", record_id=contact["id"], limit=200
    )
    assert found.status_code == 200, found.text
    items = found.json()["items"]
    assert [e["procedure"] for e in items] == ["tags.add", "contacts.create"]
    assert all(e["record_ids"]["contact_id"] == contact["id"] for e in items)
    mine = await rpc(
        client, owner, "audit.list",
        record="contact_id", record_id=contact["id"], actor_id=owner.user_id,
    )  # fmt: skip
    assert mine.json() == {"items": [], "total": 0}
    alone = await rpc(client, owner, "audit.list", record="contact_id")
    assert alone.status_code == 422
    odd = await rpc(client, owner, "audit.list", record="x' OR 1=1 --", record_id=1)
    assert odd.status_code == 422


async def test_a_drafts_trail_is_found_from_its_creation_on(
    client: Client, staff: dict[str, Member]
) -> None:
    """emails.draft is audited under email_id, later calls under draft_id: either name finds
    both, and nothing of another draft."""
    owner, desk = staff["owner"], staff["front_desk"]
    contact = (await rpc(client, desk, "contacts.create", first_name="Draftee")).json()
    made = await rpc(client, desk, "emails.draft", contact_id=contact["id"], purpose="welcome")
    assert made.status_code == 200, made.text
    draft_id = made.json()["id"]
    other = await rpc(client, desk, "emails.draft", contact_id=contact["id"], purpose="welcome")
    assert other.json()["id"] != draft_id
    edited = await rpc(client, desk, "emails.update", draft_id=draft_id, subject="See you soon")
    assert edited.status_code == 200, edited.text
    for name in ("draft_id", "email_id"):
        found = await rpc(client, owner, "audit.list", record=name, record_id=draft_id)
        assert found.status_code == 200, found.text
        items = found.json()["items"]
        assert [e["procedure"] for e in items] == ["emails.update", "emails.draft"]
        assert items[1]["record_ids"]["email_id"] == draft_id
        assert items[0]["record_ids"]["draft_id"] == draft_id


async def test_bad_admin_input_is_a_clear_422_or_404(
    client: Client, staff: dict[str, Member]
) -> None:
    owner = staff["owner"]
    both = await rpc(client, owner, "users.disable", user_id=1, email="a@clinic.example.com")
    assert both.status_code == 422
    role = await rpc(client, owner, "users.create", email="r@clinic.example.com", role="boss")
    assert role.status_code == 422 and "unknown role" in role.json()["error"]["message"]
    missing = await rpc(client, owner, "users.set_role", user_id=99_999_999, role="viewer")
    assert missing.status_code == 404
