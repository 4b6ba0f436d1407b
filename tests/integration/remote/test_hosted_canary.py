"""The canary run: a conversation full of names, phone numbers, e-mails and a note goes through
each hosted provider (the official SDKs against wire-format stand-ins on 127.0.0.1). No canary
value may reach a stand-in's received bodies; the user sees the real values; a tool call the
stand-in makes with placeholders executes on the right contact. Usage is recorded and shown."""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from assistant.db.models import Contact
from assistant.remote.usage import UsageBookDb
from assistant.runtime import Runtime
from assistant.settings import Settings
from inference.base import Usage
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import ROLES, Member, make_member
from tests.plugins.chat import serve_in_process, turn
from tests.plugins.hosted import Reply, StandIn, stand_in
from tests.plugins.records import Records
from tests.plugins.services import new_database

PLACEHOLDER = re.compile(r"<[A-Z][A-Z_]*_\d+>")
NOTE = "Reports left knee pain since the Boston marathon; MRN 4471-2290."
SUMMARY = "Recurring migraine with aura; on sumatriptan."  # the contact's profile summary
# One person per provider (a second contact of the same name would make the resolver ask).
PEOPLE = {
    "anthropic": ("Evangelina", "Featherstonehaugh", "+1 415 555 0142", "evangelina.f@example.org"),
    "openai": ("Bartholomew", "Okonkwo", "+44 20 7946 0958", "b.okonkwo@example.net"),
}


def canaries(first: str, last: str, phone: str, email: str) -> list[str]:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return [
        first, last, phone, phone.split(" ", 1)[1], digits, email,
        "knee pain", "4471-2290", "migraine", "sumatriptan",
    ]  # fmt: skip


def respond(body: dict[str, Any]) -> Reply:
    """The stand-in model: pick a tool when offered, else echo the placeholders it was sent."""
    sent = json.dumps(body)
    found = list(dict.fromkeys(PLACEHOLDER.findall(sent)))
    asked = json.dumps(body["messages"][-1])  # whom the user's own message names
    people = [p for p in PLACEHOLDER.findall(asked) if p.startswith("<PERSON_")]
    tools = {t.get("name") or t.get("function", {}).get("name") for t in body.get("tools", [])}
    if tools:
        asks_note = "add a note" in sent.lower()
        if asks_note and "notes_add" in tools and people:
            arguments = {"contact": people[0], "body": "call back tomorrow"}
            return Reply(tool_calls=[("notes_add", json.dumps(arguments))])
        return Reply(tool_calls=[("chat", "{}")])
    return Reply("Noted: " + ", ".join(found) + ".")


@dataclass
class Hosted:
    http: httpx.AsyncClient
    servers: dict[str, StandIn]
    engine: ScriptedEngine


def fresh_copy(settings: Settings, **update: Any) -> Settings:
    """`model_copy` keeps the values Settings' cached properties already computed (the
    database URL, the NLU directory): drop them, so they follow the copy's own fields."""
    copied = settings.model_copy(update=update)
    for name, value in vars(type(settings)).items():
        if isinstance(value, functools.cached_property):
            copied.__dict__.pop(name, None)
    return copied


# This module's own database (the session's, shared by every module, carries whatever earlier
# tests left: whole-suite runs failed here on state that no smaller run reproduced), with its
# own staff and runtime on it.
@pytest.fixture(scope="module")
def app_settings(
    app_settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Settings]:
    from assistant.db import migrate

    backend = "sqlite" if app_settings.database_url.startswith("sqlite") else "postgres"
    with new_database(backend, tmp_path_factory.mktemp("canary-db")) as url:
        migrate.upgrade(url)
        yield fresh_copy(
            app_settings, database=app_settings.database.model_copy(update={"url": url})
        )


@pytest.fixture(scope="module")
async def staff(app_settings: Settings) -> dict[str, Member]:
    return {role: await make_member(app_settings, role) for role in ROLES}


@pytest.fixture(scope="module")
async def runtime(app_settings: Settings) -> AsyncIterator[Runtime]:
    rt = Runtime.create(app_settings)
    yield rt
    await rt.close()


@pytest.fixture(scope="module")
def stand_ins() -> Iterator[dict[str, StandIn]]:
    with stand_in("anthropic") as first, stand_in("openai") as second:
        yield {"anthropic": first, "openai": second}


@pytest.fixture(scope="module")
async def hosted(app_settings: Settings, stand_ins: dict[str, StandIn]) -> AsyncIterator[Hosted]:
    settings = fresh_copy(
        app_settings,
        **{
            "remote": app_settings.remote.model_validate(
                {
                    "providers": ["anthropic", "openai"],
                    "use": "always",
                    "anthropic_api_key": "sk-ant-standin",
                    "anthropic_base_url": stand_ins["anthropic"].base_url,
                    "openai_api_key": "sk-standin",
                    "openai_base_url": stand_ins["openai"].base_url,
                    "retries": 0,
                    "quota_tokens_per_day": 1_000_000,
                }
            ),
            # No background refresh within the test: each call's sync must find the contact.
            "log": app_settings.log.model_copy(update={"known_values_refresh_seconds": 3600}),
            "data_dir": app_settings.data_dir / uuid.uuid4().hex[:8],  # no NLU model: llm path
        },
    )
    engine = ScriptedEngine(script=[ScriptedReply("the local engine answered")])
    app = create_app(settings, engine=engine)
    async with (
        serve_in_process(app) as base,
        httpx.AsyncClient(base_url=base, timeout=120) as http,
    ):
        yield Hosted(http, stand_ins, engine)


def text_of(events: list[Any]) -> str:
    return "".join(e.data["text"] for e in events if e.event == "message.delta")


@pytest.mark.slow
@pytest.mark.parametrize("answering", ["anthropic", "openai"])
async def test_canary_conversation(
    hosted: Hosted, staff: dict[str, Member], runtime: Runtime, answering: str
) -> None:
    member = staff["practitioner"]
    FIRST, LAST, PHONE, EMAIL = PEOPLE[answering]
    records = Records(hosted.http, member)  # type: ignore[arg-type]
    contact = await records.contact(first_name=FIRST, last_name=LAST, phone=PHONE, email=EMAIL)
    await records.note(contact["id"], NOTE)  # asked about at once: masking syncs its list first
    async with runtime.sessions() as session, session.begin():  # what enrichment writes
        row = await session.get(Contact, contact["id"])
        assert row is not None
        row.profile_summary = SUMMARY
        session.add(row)
    for name, server in hosted.servers.items():
        server.received.clear()
        # The first provider is down (a 401 is not retried) when the second should answer.
        failing = name != answering
        # Enough for every call of the three turns and any the server makes beside them (an
        # exhausted script answers plain "ok", which would read as a model that chose no tool).
        server.script = [Reply(status=401) if failing else respond for _ in range(20)]

    message = f"What should I tell {FIRST} {LAST} ({EMAIL}, {PHONE}) about her knee?"
    events = await turn(hosted.http, member, message, contact_id=contact["id"], page="contact")
    done = events[-1]
    assert done.event == "message.done", events
    assert done.data["provider"] == answering
    reply = text_of(events)
    assert f"{FIRST} {LAST}" in reply and EMAIL in reply  # the user sees real values
    assert reply.count("Answered by a hosted model") == 1
    conversation = events[0].data["conversation_id"]
    again = await turn(
        hosted.http, member, "And her phone?", conversation, contact_id=contact["id"]
    )
    assert again[-1].data["provider"] == answering
    assert "Answered by a hosted model" not in text_of(again)  # said once per conversation

    add = f"add a note to {FIRST} {LAST}: call back tomorrow"
    events = await turn(hosted.http, member, add)
    calls = [e for e in events if e.event == "tool.call"]
    received = {name: len(server.received) for name, server in hosted.servers.items()}
    assert calls and calls[0].data["procedure"] == "notes.add", (received, events)
    # A new conversation whose model step went out: said once, and named in message.done.
    assert events[-1].data["provider"] == answering
    assert text_of(events).count("Answered by a hosted model") == 1
    assert calls[0].data["resolved"]["contact_id"] == contact["id"]  # the right contact
    results = [e for e in events if e.event == "action.result"]
    assert results and results[0].data["ok"], events
    notes = await records.rpc("notes.list", contact_id=contact["id"])
    assert "call back tomorrow" in [n["body"] for n in notes["items"]]

    answered = hosted.servers[answering]
    assert len(answered.received) >= 3  # tools + reply for the first turn, tools for the second
    for server in hosted.servers.values():
        for raw in server.received:
            sent = raw.decode()
            leaked = [c for c in canaries(*PEOPLE[answering]) if c.lower() in sent.lower()]
            assert not leaked, (server.wire, leaked)
    assert "[clinical note withheld]" in "".join(r.decode() for r in answered.received)


@pytest.mark.slow
async def test_usage_is_recorded_per_user_provider_and_model(
    hosted: Hosted, staff: dict[str, Member]
) -> None:
    member = staff["front_desk"]
    for server in hosted.servers.values():
        server.script = [respond, respond]
    events = await turn(hosted.http, member, "hello there, what can you do for me today?")
    assert events[-1].event == "message.done"
    # anthropic's circuit may still be open from the canary run's 401s: either may answer.
    provider = events[-1].data["provider"]
    assert provider in hosted.servers
    got = await hosted.http.get("/api/usage", headers=member.headers)
    assert got.status_code == 200, got.text
    mine = got.json()
    assert mine["scope"] == "mine", mine
    row = next(r for r in mine["items"] if r["provider"] == provider)
    assert row["user_id"] == member.user_id and row["prompt_tokens"] > 0
    assert mine["quota"]["tokens_per_day"] == 1_000_000 and mine["quota"]["used_today"] > 0
    everyone = await hosted.http.get(
        "/api/usage", params={"view": "everyone"}, headers=member.headers
    )
    assert everyone.status_code == 403
    owner = (await hosted.http.get("/api/usage", headers=staff["owner"].headers)).json()
    assert owner["scope"] == "everyone"
    assert member.user_id in {r["user_id"] for r in owner["items"]}
    page = await hosted.http.get("/usage", headers=member.headers)
    assert page.status_code == 200 and "Hosted model usage" in page.text


@pytest.mark.slow
async def test_spent_quota_is_a_429_with_the_reset_time(
    hosted: Hosted, staff: dict[str, Member], runtime: Runtime
) -> None:
    member = staff["viewer"]
    book = UsageBookDb(runtime.sessions, runtime.clock, 1_000_000)
    await book.record(member.user_id, "openai", "m", "chat", Usage(999_999, 1))
    sent = sum(len(s.received) for s in hosted.servers.values())

    events = await turn(hosted.http, member, "hello, anyone there?")
    error = events[-1]
    assert error.event == "message.error" and error.data["code"] == "quota_exceeded"
    assert error.data["status"] == 429 and "resets at" in error.data["message"]
    tomorrow = datetime.fromisoformat(error.data["reset_at"])
    assert tomorrow.hour == 0 and tomorrow > datetime.now(UTC)

    api = await hosted.http.post(
        "/v1/chat/completions",
        json={"model": "assistant", "messages": [{"role": "user", "content": "hello there"}]},
        headers=member.headers,
    )
    assert api.status_code == 429, api.text
    assert api.json()["error"]["code"] == "quota_exceeded"
    assert 0 < int(api.headers["retry-after"]) <= 86_400
    raw = await hosted.http.post(
        "/v1/chat/completions",
        json={"model": "any", "messages": [{"role": "user", "content": "hello there"}]},
        headers=member.headers,
    )  # the bare engine (the hosted router here) counts against the same quota
    assert raw.status_code == 429 and "retry-after" in raw.headers, raw.text
    assert sum(len(s.received) for s in hosted.servers.values()) == sent  # nothing left


async def test_readyz_names_providers_never_keys(hosted: Hosted, staff: dict[str, Member]) -> None:
    body = (await hosted.http.get("/readyz", headers=staff["owner"].headers)).text
    assert "anthropic" in body and "openai" in body
    assert "sk-" not in body and "127.0.0.1" not in body


@pytest.mark.slow
async def test_hosted_calls_and_tokens_are_counted_in_the_metrics(
    hosted: Hosted, staff: dict[str, Member]
) -> None:
    owner = staff["owner"]
    for server in hosted.servers.values():
        server.script = [respond, respond]
    events = await turn(hosted.http, owner, "good morning, what is on the list for today?")
    provider = events[-1].data["provider"]
    assert provider in hosted.servers, events
    metrics = await hosted.http.get("/metrics", headers=owner.headers)
    assert metrics.status_code == 200, metrics.text
    samples = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in metrics.text.splitlines()
        if line.startswith("assistant_hosted_")
    }
    ok = f'assistant_hosted_calls_total{{outcome="ok",provider="{provider}"}}'
    prompt = f'assistant_hosted_tokens_total{{direction="prompt",provider="{provider}"}}'
    assert samples.get(ok, 0) >= 1 and samples.get(prompt, 0) > 0, samples
    assert "Evangelina" not in metrics.text  # labels name providers and outcomes only
