"""The event bus across two server processes sharing Redis, with Last-Event-ID resume."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from assistant.clock import ManualClock
from assistant.events.bus import EventBus
from assistant.runtime import Runtime
from assistant.settings import Settings
from tests.plugins.app import Member, make_member
from tests.plugins.servers import SSE, running_server, sse_events


@pytest.fixture(scope="module")
def two_servers(app_settings: Settings) -> Iterator[tuple[str, str]]:
    with running_server(app_settings) as a, running_server(app_settings) as b:
        yield a, b


class Listener:
    """Collects one user's SSE events in the background."""

    def __init__(self, base: str, member: Member, last_id: str | None = None) -> None:
        self.base, self.member, self.last_id = base, member, last_id
        self.events: list[SSE] = []
        self.connected = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        headers = dict(self.member.headers)
        if self.last_id:
            headers["Last-Event-ID"] = self.last_id
        async with (
            httpx.AsyncClient(base_url=self.base, timeout=None) as client,
            client.stream("GET", "/api/events", headers=headers) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            async for event in sse_events(response):
                self.connected.set()
                if event is not None:
                    self.events.append(event)

    async def __aenter__(self) -> Listener:
        self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.connected.wait(), 10)  # first keep-alive: subscribed
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    async def wait_for(self, count: int, seconds: float = 10) -> list[SSE]:
        deadline = asyncio.get_running_loop().time() + seconds
        while len(self.events) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"got {len(self.events)} events, wanted {count}")
            await asyncio.sleep(0.05)
        return self.events


async def rpc(base: str, member: Member, name: str, **args: Any) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base) as client:
        return await client.post(f"/api/rpc/{name}", json=args, headers=member.headers)


@pytest.fixture
async def people(app_settings: Settings) -> dict[str, Member]:
    return {
        role: await make_member(app_settings, role)
        for role in ("owner", "practitioner", "front_desk", "viewer")
    }


async def test_events_cross_processes_and_stay_with_their_users(
    two_servers: tuple[str, str], people: dict[str, Member]
) -> None:
    a, b = two_servers
    secret = "confidential: recovering from surgery"
    contact = (
        await rpc(a, people["owner"], "contacts.create", first_name="Eve", last_name="Canary")
    ).json()
    await rpc(a, people["owner"], "notes.add", contact_id=contact["id"], body=secret)
    async with (
        Listener(b, people["owner"]) as owner,
        Listener(a, people["front_desk"]) as requester,
        Listener(b, people["viewer"]) as viewer,
    ):
        response = await rpc(a, people["front_desk"], "contacts.delete", contact_id=contact["id"])
        assert response.status_code == 202
        approval_id = response.json()["approval_id"]
        [seen_by_owner] = await owner.wait_for(1)
        [seen_by_requester] = await requester.wait_for(1)
        for event in (seen_by_owner, seen_by_requester):
            assert event.event == "approval.required"
            assert event.data["approval_id"] == approval_id
            assert event.data["procedure"] == "contacts.delete"
            assert set(event.data) == {
                "approval_id",
                "procedure",
                "summary",
                "approver_roles",
                "expires_at",
            }
            assert event.id is not None and event.id.isdigit()
            assert secret not in str(event.data)
        await asyncio.sleep(1.0)  # time for a stray delivery to show up
        assert viewer.events == []


async def test_reconnect_with_last_event_id_loses_nothing(
    two_servers: tuple[str, str], people: dict[str, Member]
) -> None:
    a, b = two_servers
    contacts = [
        (await rpc(a, people["owner"], "contacts.create", first_name=f"R{i}")).json()
        for i in range(3)
    ]
    async with Listener(b, people["practitioner"]) as first:
        await rpc(a, people["front_desk"], "contacts.delete", contact_id=contacts[0]["id"])
        [event] = await first.wait_for(1)
    # Disconnected: two more events happen meanwhile.
    for contact in contacts[1:]:
        await rpc(b, people["front_desk"], "contacts.delete", contact_id=contact["id"])
    async with Listener(a, people["practitioner"], last_id=event.id) as resumed:
        missed = await resumed.wait_for(2)
    assert [e.data["summary"] for e in missed] == [
        f"contacts.delete (contact #{c['id']})" for c in contacts[1:]
    ]
    ids = [int(e.id or 0) for e in missed]
    assert ids == sorted(ids) and ids[0] > int(event.id or 0)


async def test_bad_last_event_id_is_422(
    two_servers: tuple[str, str], people: dict[str, Member]
) -> None:
    async with httpx.AsyncClient(base_url=two_servers[0]) as client:
        response = await client.get(
            "/api/events", headers={**people["owner"].headers, "Last-Event-ID": "abc"}
        )
    assert response.status_code == 422


@pytest.fixture
async def manual_bus(app_settings: Settings) -> AsyncIterator[tuple[EventBus, ManualClock]]:
    clock = ManualClock()
    runtime = Runtime.create(app_settings, clock)
    yield runtime.bus, clock
    await runtime.close()


async def test_replay_window_bounds_what_a_reconnect_gets(
    manual_bus: tuple[EventBus, ManualClock], app_settings: Settings
) -> None:
    bus, clock = manual_bus
    member = await make_member(app_settings, "owner")
    await bus.publish([member.user_id], "job.progress", {"n": 1})
    clock.advance(timedelta(seconds=app_settings.events.replay_seconds + 1))
    await bus.publish([member.user_id], "job.progress", {"n": 2})
    replayed = await bus.after(member.user_id, 0)
    assert [e.data["n"] for e in replayed] == [2]
    clock.advance(timedelta(seconds=app_settings.events.replay_seconds * 2))
    assert await bus.purge() >= 2
