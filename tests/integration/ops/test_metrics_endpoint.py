"""`GET /metrics`: an owner's token or session reads it, others and anonymous callers are
refused; one chat turn lands in the time-to-first-event histogram; the separate listener
(ASSISTANT_METRICS_ADDRESS) answers without sign-in, on /metrics only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from assistant.ops.listener import metrics_listener
from assistant.runtime import Runtime
from assistant.settings import Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import Member
from tests.plugins.chat import ScriptedParser, serve_in_process, turn
from tests.plugins.servers import free_port


@pytest.fixture(scope="module")
async def http(app_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    engine = ScriptedEngine(responder=lambda req: ScriptedReply(text="Hello there, friend."))
    app = create_app(app_settings, engine=engine, parser=ScriptedParser())
    async with (
        serve_in_process(app) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as client,
    ):
        yield client


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_only_an_owner_reads_the_metrics(
    http: httpx.AsyncClient, staff: dict[str, Member]
) -> None:
    assert (await http.get("/metrics")).status_code == 401
    for role in ("practitioner", "front_desk", "viewer"):
        refused = await http.get("/metrics", headers=staff[role].headers)
        assert refused.status_code == 403, role
        assert refused.json()["error"]["code"] == "forbidden"
    by_token = await http.get("/metrics", headers=staff["owner"].headers)
    assert by_token.status_code == 200
    assert by_token.headers["content-type"].startswith("text/plain")
    assert "# TYPE assistant_http_request_duration_seconds histogram" in by_token.text

    signed_in = await http.post(
        "/login", json={"email": staff["owner"].email, "password": "correct horse battery"}
    )
    assert signed_in.status_code in (200, 201), signed_in.text
    assert http.cookies.get("assistant_session")  # the client sends it from now on
    by_session = await http.get("/metrics")
    http.cookies.clear()
    assert by_session.status_code == 200
    assert "assistant_approvals_pending" in by_session.text


async def test_a_chat_turn_lands_in_the_first_event_histogram(
    http: httpx.AsyncClient, staff: dict[str, Member]
) -> None:
    owner = staff["owner"]
    before = samples((await http.get("/metrics", headers=owner.headers)).text)
    events = await turn(http, owner, "say hello")
    assert events[-1].event == "message.done"
    after = samples((await http.get("/metrics", headers=owner.headers)).text)

    count = ("assistant_chat_time_to_first_event_seconds_count", (("engine", "scripted"),))
    assert after[count] == before.get(count, 0) + 1
    tokens = ("assistant_chat_completion_tokens_total", (("engine", "scripted"),))
    assert after[tokens] > before.get(tokens, 0)
    assert after[("assistant_chat_tokens_per_second_count", (("engine", "scripted"),))] >= 1
    assert after[("assistant_active_streams", (("kind", "chat"),))] == 0
    assert after[("assistant_engine_queue_depth", (("engine", "scripted"),))] == 0
    route = (
        "assistant_http_request_duration_seconds_count",
        (("method", "POST"), ("route", "/api/chat"), ("status", "200")),
    )
    assert after[route] == before.get(route, 0) + 1


async def test_the_separate_listener_serves_metrics_without_sign_in(runtime: Runtime) -> None:
    address = f"127.0.0.1:{free_port()}"
    async with (
        metrics_listener(address, runtime.metrics, runtime.sessions),
        httpx.AsyncClient(base_url=f"http://{address}", timeout=10) as client,
    ):
        found = await client.get("/metrics")
        assert found.status_code == 200
        assert "assistant_jobs" in found.text and "assistant_approvals_pending" in found.text
        assert (await client.get("/")).status_code == 404
        assert (await client.post("/metrics")).status_code == 405
