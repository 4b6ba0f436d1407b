"""Attacks on sign-in and on the cookie's CSRF check, performed against the real app."""

from __future__ import annotations

import asyncio
import uuid

from litestar.testing import AsyncTestClient

from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import make_member

PASSWORD = "correct horse battery"
WRONG = "wrong password"
EVIL = {"Origin": "https://evil.example"}


async def test_the_display_name_form_counts_against_the_same_account(
    app_settings: Settings,
) -> None:
    member = await make_member(app_settings, "practitioner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        for _ in range(app_settings.auth.login_max_failures):
            failed = await client.post("/login", json={"email": member.email, "password": WRONG})
            assert failed.status_code == 401
        for spelling in (f"x <{member.email}>", f"  {member.email.upper()} ", member.email):
            blocked = await client.post("/login", json={"email": spelling, "password": PASSWORD})
            assert blocked.status_code == 429, spelling
            assert "set-cookie" not in blocked.headers


async def test_parallel_wrong_passwords_cannot_race_past_the_count(app_settings: Settings) -> None:
    member = await make_member(app_settings, "owner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        answers = await asyncio.gather(
            *(
                client.post("/login", json={"email": f"Eve <{member.email}>", "password": WRONG})
                for _ in range(20)
            )
        )
        codes = sorted(a.status_code for a in answers)
        assert codes.count(401) <= app_settings.auth.login_max_failures
        assert codes.count(429) >= 20 - app_settings.auth.login_max_failures
        right = await client.post("/login", json={"email": member.email, "password": PASSWORD})
        assert right.status_code == 429


async def test_one_client_guessing_across_accounts_is_throttled(app_settings: Settings) -> None:
    settings = app_settings.model_copy(
        update={
            "secret_key": app_settings.secret_key.__class__(uuid.uuid4().hex),
            "auth": app_settings.auth.model_copy(update={"login_max_failures_per_client": 4}),
        }
    )
    async with AsyncTestClient(app=create_app(settings)) as client:
        codes = []
        for n in range(6):
            email = f"guess-{n}-{uuid.uuid4().hex[:6]}@clinic.example.com"
            codes.append(
                (await client.post("/login", json={"email": email, "password": WRONG})).status_code
            )
        assert codes == [401, 401, 401, 401, 429, 429]


async def test_successful_sign_ins_do_not_use_up_the_client_allowance(
    app_settings: Settings,
) -> None:
    settings = app_settings.model_copy(
        update={
            "secret_key": app_settings.secret_key.__class__(uuid.uuid4().hex),
            "auth": app_settings.auth.model_copy(update={"login_max_failures_per_client": 2}),
        }
    )
    member = await make_member(app_settings, "front_desk", PASSWORD)
    async with AsyncTestClient(app=create_app(settings)) as client:
        for _ in range(4):
            ok = await client.post("/login", json={"email": member.email, "password": PASSWORD})
            assert ok.status_code == 200


async def test_a_basic_header_does_not_switch_the_origin_check_off(
    app_settings: Settings,
) -> None:
    member = await make_member(app_settings, "owner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        assert (
            await client.post("/login", json={"email": member.email, "password": PASSWORD})
        ).status_code == 200
        for header in ("Basic dXNlcjpwYXNz", "Token abc", "Bearer", "junk"):
            forged = await client.post(
                "/api/rpc/tasks.list", json={}, headers={**EVIL, "Authorization": header}
            )
            assert forged.status_code == 403, header
            assert forged.json()["error"]["code"] == "forbidden"


async def test_a_bearer_token_authenticates_cross_origin_but_a_bad_one_never_falls_back(
    app_settings: Settings,
) -> None:
    member = await make_member(app_settings, "owner", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        await client.post("/login", json={"email": member.email, "password": PASSWORD})
        by_token = await client.post(
            "/api/rpc/tasks.list", json={}, headers={**EVIL, **member.headers}
        )
        assert by_token.status_code == 200
        forged = await client.post(
            "/api/rpc/tasks.list",
            json={},
            headers={**EVIL, "Authorization": "Bearer cca_forged"},
        )
        assert forged.status_code == 401  # not the cookie's user


async def test_sign_in_from_another_site_is_refused_whatever_the_content_type(
    app_settings: Settings,
) -> None:
    member = await make_member(app_settings, "viewer", PASSWORD)
    async with AsyncTestClient(app=create_app(app_settings)) as client:
        as_json = await client.post(
            "/login", json={"email": member.email, "password": PASSWORD}, headers=EVIL
        )
        as_form = await client.post(
            "/login", data={"email": member.email, "password": PASSWORD}, headers=EVIL
        )
        as_text = await client.post(
            "/login",
            content=f'{{"email": "{member.email}", "password": "{PASSWORD}"}}',
            headers={**EVIL, "Content-Type": "text/plain"},
        )
        cross_site = await client.post(
            "/login",
            json={"email": member.email, "password": PASSWORD},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        for response in (as_json, as_form, as_text, cross_site):
            assert response.status_code == 403
            assert "set-cookie" not in response.headers
        same_site = await client.post(
            "/login",
            json={"email": member.email, "password": PASSWORD},
            headers={"Origin": "http://testserver.local"},
        )
        assert same_site.status_code == 200
