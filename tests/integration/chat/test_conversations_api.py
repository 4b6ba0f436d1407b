"""GET|DELETE /api/conversations: the caller's own only; another's id is a 404 everywhere."""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from assistant.chat.lock import ConversationLocks
from assistant.settings import Settings
from tests.integration.chat.conftest import ChatHarness
from tests.plugins.app import Member, make_member
from tests.plugins.chat import turn


async def test_list_search_paginate_delete(chat: ChatHarness, app_settings: object) -> None:
    member = await make_member(app_settings, "practitioner")  # type: ignore[arg-type]
    word = uuid.uuid4().hex[:8]
    ids = []
    for n in range(3):
        events = await turn(chat.http, member, f"topic {word} number {n}")
        ids.append(events[0].data["conversation_id"])
    await turn(chat.http, member, "something else")

    page = (await chat.http.get("/api/conversations", headers=member.headers)).json()
    assert page["total"] == 4
    assert [c["id"] for c in page["items"]][1:] == ids[::-1], "newest first"
    found = await chat.http.get(
        "/api/conversations",
        params={"q": word.upper(), "limit": 2, "offset": 1},
        headers=member.headers,
    )
    assert found.status_code == 200
    assert found.json()["total"] == 3
    assert [c["id"] for c in found.json()["items"]] == [ids[1], ids[0]]
    # Titles may quote a message: stored encrypted; the search decrypts the caller's own.
    from sqlalchemy import text

    from assistant.db.engine import create_engine

    engine = create_engine(app_settings.database_url)  # type: ignore[attr-defined]
    async with engine.connect() as conn:
        raw = (
            await conn.execute(
                text("SELECT title FROM conversations WHERE id = :id"), {"id": ids[1]}
            )
        ).scalar_one()
    await engine.dispose()
    assert raw.startswith("enc:v2:") and word not in raw
    assert (
        await chat.http.get("/api/conversations", params={"limit": 0}, headers=member.headers)
    ).status_code == 422

    gone = await chat.http.delete(f"/api/conversations/{ids[0]}", headers=member.headers)
    assert gone.status_code == 204
    again = await chat.http.get(f"/api/conversations/{ids[0]}", headers=member.headers)
    assert again.status_code == 404
    page = (await chat.http.get("/api/conversations", headers=member.headers)).json()
    assert page["total"] == 3


async def test_another_users_conversation_is_not_found(
    chat: ChatHarness, staff: dict[str, Member]
) -> None:
    owner, other = staff["owner"], staff["owner2"]
    events = await turn(chat.http, owner, "private matter")
    cid = events[0].data["conversation_id"]
    h = other.headers
    assert (await chat.http.get(f"/api/conversations/{cid}", headers=h)).status_code == 404
    assert (await chat.http.delete(f"/api/conversations/{cid}", headers=h)).status_code == 404
    post = await chat.http.post(
        "/api/chat", json={"message": "hi", "conversation_id": cid}, headers=h
    )
    assert post.status_code == 404 and post.json()["error"]["code"] == "not_found"
    v1 = await chat.http.post(
        "/v1/chat/completions",
        headers=h,
        json={
            "model": "assistant",
            "conversation_id": cid,
            "messages": [{"role": "user", "content": "hi"}],
        },
    )
    assert v1.status_code == 404 and v1.json()["error"]["type"] == "invalid_request_error"
    listed = (await chat.http.get("/api/conversations", headers=h)).json()["items"]
    assert cid not in [c["id"] for c in listed]
    # The owner still has it, untouched.
    mine = await chat.http.get(f"/api/conversations/{cid}", headers=owner.headers)
    assert mine.json()["messages"][0]["content"] == "private matter"


async def test_conversations_need_authentication(chat: ChatHarness) -> None:
    assert (await chat.http.get("/api/conversations")).status_code == 401
    assert (await chat.http.post("/api/chat", json={"message": "x"})).status_code == 401


async def test_a_conversation_read_mid_turn_says_its_reply_is_still_coming(
    chat: ChatHarness, staff: dict[str, Member], app_settings: Settings
) -> None:
    """A reload mid-reply (or just after Stop) reads the conversation before the turn has
    stored its reply: the API and the dock say so, and the dock reads it again."""
    member = staff["practitioner"]
    events = await turn(chat.http, member, "hello there")
    conversation_id = events[0].data["conversation_id"]
    url = f"/api/conversations/{conversation_id}"
    dock = f"/dock/conversations/{conversation_id}"
    redis = Redis.from_url(app_settings.redis.url)
    try:
        # The turn's own lock (the one any replica takes), held as a running turn holds it.
        async with ConversationLocks(redis).hold(conversation_id):
            during = await chat.http.get(url, headers=member.headers)
            assert during.status_code == 200 and during.json()["replying"] is True
            html = (await chat.http.get(dock, headers=member.headers)).text
            assert "data-dock-replying" in html and "still writing its reply" in html
            # A finished turn's own range (read just after message.done) never says so.
            last = during.json()["messages"][-1]["id"]
            ranged = await chat.http.get(f"{dock}?since=1&until={last}", headers=member.headers)
            assert "data-dock-replying" not in ranged.text
        after = await chat.http.get(url, headers=member.headers)
        assert after.json()["replying"] is False
        assert "data-dock-replying" not in (await chat.http.get(dock, headers=member.headers)).text
        # Another user's conversation stays a 404, busy or not.
        other = staff["front_desk"]
        async with ConversationLocks(redis).hold(conversation_id):
            assert (await chat.http.get(url, headers=other.headers)).status_code == 404
    finally:
        await redis.aclose()
