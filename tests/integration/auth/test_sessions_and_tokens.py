"""One authentication path: sessions and tokens, disabled users, revoked tokens, throttling."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from assistant.auth import tokens as token_service
from assistant.auth import users as user_service
from assistant.runtime import Runtime
from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member, make_member

PASSWORD = "correct horse battery"


async def test_login_sets_a_safe_cookie_and_logout_ends_the_session(app_settings: Settings) -> None:
    member = await make_member(app_settings, "practitioner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        response = await client.post(
            "/login", json={"email": member.email.upper(), "password": PASSWORD}
        )
        assert response.status_code == 200, response.text
        assert response.json()["role"] == "practitioner"
        cookie = response.headers["set-cookie"]
        assert "assistant_session=" in cookie
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
        assert "Secure" not in cookie  # plain http here; https requests get Secure
        me = await client.get("/api/me")
        assert me.status_code == 200 and me.json()["user_id"] == member.user_id
        listed = await client.post(
            "/api/rpc/tasks.list", json={}, headers={"Origin": "http://testserver.local"}
        )
        assert listed.status_code == 200
        session_cookie = client.cookies.get("assistant_session")

        assert (await client.post("/logout")).status_code == 200
        assert (await client.get("/api/me")).status_code == 401
        client.cookies.set("assistant_session", session_cookie or "")
        assert (await client.get("/api/me")).status_code == 401


async def test_cross_site_posts_with_a_cookie_are_refused(app_settings: Settings) -> None:
    member = await make_member(app_settings, "owner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        await client.post("/login", json={"email": member.email, "password": PASSWORD})
        response = await client.post(
            "/api/rpc/tasks.list", json={}, headers={"Origin": "https://evil.example"}
        )
        assert response.status_code == 403


async def test_wrong_password_is_401_and_repeated_failures_are_throttled(
    app_settings: Settings,
) -> None:
    member = await make_member(app_settings, "viewer", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        for _ in range(app_settings.auth.login_max_failures):
            response = await client.post(
                "/login", json={"email": member.email, "password": "wrong password"}
            )
            assert response.status_code == 401
            assert response.json()["error"]["message"] == "wrong e-mail or password"
        blocked = await client.post("/login", json={"email": member.email, "password": PASSWORD})
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) > 0
        unknown = await client.post(
            "/login", json={"email": "nobody@clinic.example.com", "password": PASSWORD}
        )
        assert unknown.status_code == 401


async def test_missing_bad_and_revoked_tokens_are_401(
    client: AsyncTestClient,
    app_settings: Settings,
    runtime: Runtime,  # type: ignore[type-arg]
) -> None:
    member = await make_member(app_settings, "front_desk", PASSWORD)
    assert (await client.post("/api/rpc/tasks.list", json={})).status_code == 401
    bad = await client.post(
        "/api/rpc/tasks.list", json={}, headers={"Authorization": "Bearer cca_forged"}
    )
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    assert (
        await client.post("/api/rpc/tasks.list", json={}, headers=member.headers)
    ).status_code == 200
    async with runtime.sessions() as session, session.begin():
        [row] = await token_service.list_tokens(
            session, await user_service.require_by_email(session, member.email)
        )
        assert row.id is not None
        await token_service.revoke_token(session, row.id)
    revoked = await client.post("/api/rpc/tasks.list", json={}, headers=member.headers)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["error"]["message"]


async def test_disabled_users_lose_tokens_and_sessions(
    app_settings: Settings, runtime: Runtime
) -> None:
    member: Member = await make_member(app_settings, "owner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        await client.post("/login", json={"email": member.email, "password": PASSWORD})
        assert (await client.get("/api/me")).status_code == 200
        async with runtime.sessions() as session, session.begin():
            await user_service.disable_user(session, member.email)
        assert (await client.get("/api/me")).status_code == 401
        assert (await client.get("/api/me", headers=member.headers)).status_code == 401
        again = await client.post("/login", json={"email": member.email, "password": PASSWORD})
        assert again.status_code == 401
