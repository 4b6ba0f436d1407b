"""The hosted router over real providers and stand-in servers: retries, Retry-After, backoff,
the circuit breaker, falling through to the next provider and the local engine, and masking."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import pytest
from pydantic import SecretStr

from assistant.privacy.scrubber import Scrubber
from assistant.remote.config import ProviderConfig
from assistant.remote.errors import HostedUnavailable
from assistant.remote.providers.base import build
from assistant.remote.resilience import Backoff
from assistant.remote.router import HostedRouter, plan
from assistant.remote.scope import CallScope, call_scope
from assistant.settings import RemoteSettings
from inference.base import ChatRequest, EngineUnavailable, TextDelta, Tool, Usage, collect
from inference.scripted import ScriptedEngine, ScriptedReply
from tests.plugins.hosted import Reply, StandIn, stand_in


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    found = Scrubber()
    found.load()
    return found


@dataclass
class FakeTime:
    """Injected time: `sleep` advances it and records how long the router waited."""

    t: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


@pytest.fixture
def servers() -> Iterator[tuple[StandIn, StandIn]]:
    with stand_in("anthropic") as first, stand_in("openai") as second:
        yield first, second


_OPENED: list[HostedRouter] = []


@pytest.fixture(autouse=True)
async def _close_routers() -> AsyncIterator[None]:
    """Routers (their SDK clients) are closed after each test: no socket left behind."""
    yield
    while _OPENED:
        await _OPENED.pop().close()


def _settings(**kw: object) -> RemoteSettings:
    base: dict[str, object] = {
        "providers": ["anthropic", "openai"],
        "anthropic_api_key": "sk-a",
        "openai_api_key": "sk-o",
        "use": "always",
        "retries": 2,
        "breaker_failures": 3,
        "breaker_reset_seconds": 30,
        "max_wait_seconds": 10,
    }
    base.update(kw)
    return RemoteSettings.model_validate(base)


def _router(
    servers: tuple[StandIn, StandIn],
    scrubber: Scrubber,
    clock: FakeTime,
    local: ScriptedEngine | None = None,
    **kw: object,
) -> HostedRouter:
    settings = _settings(**kw)
    providers = [
        build(ProviderConfig(s.wire, "m", SecretStr("k"), s.base_url, 0.5)) for s in servers
    ]
    router = HostedRouter(
        local, providers, settings, scrubber.analyze, None,
        now=clock.now, sleep=clock.sleep, backoff=Backoff(0.5, 10),
    )  # fmt: skip
    _OPENED.append(router)
    return router


def _req(text: str = "Hello") -> ChatRequest:
    return ChatRequest(messages=[{"role": "user", "content": text}], max_tokens=20)


async def _text(router: HostedRouter, req: ChatRequest | None = None) -> str:
    return (await collect(router.stream(req or _req()))).text


async def test_429_retry_after_is_honoured(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, _ = servers
    first.script = [Reply(status=429, headers={"retry-after": "3"}), Reply("fine now")]
    router = _router(servers, scrubber, clock)
    assert await _text(router) == "fine now"
    assert clock.slept == [3.0] and len(first.received) == 2


async def test_500_backs_off_exponentially_with_jitter(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, _ = servers
    first.script = [Reply(status=500), Reply(status=502), Reply("third time")]
    router = _router(servers, scrubber, clock)
    assert await _text(router) == "third time"
    assert len(clock.slept) == 2
    assert 0.25 <= clock.slept[0] <= 0.5 and 0.5 <= clock.slept[1] <= 1.0


async def test_next_provider_then_local_before_the_first_token(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, second = servers
    first.script = [Reply(status=500)] * 3
    second.script = [Reply("from the second provider")]
    router = _router(servers, scrubber, clock)
    with call_scope("chat") as scope:
        assert await _text(router) == "from the second provider"
    assert scope.provider == "openai"

    first.script = [Reply(status=503)] * 3
    second.script = [Reply(status=500)] * 3
    local = ScriptedEngine(script=[ScriptedReply("local answer")])
    await local.start()
    router = _router(servers, scrubber, clock, local=local)
    assert await _text(router) == "local answer"


async def test_one_clear_error_after_the_first_token(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, second = servers
    first.script = [Reply("one two three four", stall_after=3, stall_seconds=2)]
    router = _router(servers, scrubber, clock)
    with pytest.raises(HostedUnavailable, match="stopped answering mid-reply"):
        await _text(router)
    assert second.received == []  # no second answer spliced onto the first


async def test_circuit_opens_then_half_open_probe_closes_it(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, second = servers
    router = _router(servers, scrubber, clock, retries=0, breaker_failures=2)
    breaker = router.breakers["anthropic"]
    for _ in range(2):
        first.script = [Reply(status=500)]
        second.script = [Reply("second")]
        assert await _text(router) == "second"
    assert breaker.state == "open"
    calls = len(first.received)
    second.script = [Reply("second again")]
    assert await _text(router) == "second again"
    assert len(first.received) == calls  # open: not even tried
    clock.t += 31
    assert breaker.state == "half_open"
    first.script = [Reply("probe answered")]
    assert await _text(router) == "probe answered"
    assert breaker.state == "closed" and len(first.received) == calls + 1


async def test_failed_probe_opens_the_circuit_again(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, _ = servers
    router = _router(servers, scrubber, clock, retries=0, breaker_failures=1)
    first.script = [Reply(status=500)]
    assert await _text(router) == "ok"  # the second provider's default reply
    clock.t += 31
    first.script = [Reply(status=500)]
    await _text(router)
    assert router.breakers["anthropic"].state == "open"


async def test_long_retry_after_moves_on_and_parks_the_provider(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, second = servers
    first.script = [Reply(status=429, headers={"retry-after": "120"})]
    second.script = [Reply("elsewhere"), Reply("still elsewhere")]
    router = _router(servers, scrubber, clock)
    assert await _text(router) == "elsewhere"
    assert clock.slept == []
    assert await _text(router) == "still elsewhere"
    assert len(first.received) == 1  # parked until the Retry-After has passed


async def test_fallback_mode_uses_hosted_only_when_local_is_down_or_busy(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, _ = servers
    local = ScriptedEngine(script=[ScriptedReply("local")])
    router = _router(servers, scrubber, clock, local=local, use="fallback",
                     fallback_after_seconds=0.3)  # fmt: skip
    first.script = [Reply("hosted: local down")]
    assert await _text(router) == "hosted: local down"  # not started: EngineUnavailable
    await local.start()
    assert await _text(router) == "local"
    assert len(first.received) == 1
    busy = ScriptedEngine(script=[ScriptedReply("slow local", token_delay=2)])
    await busy.start()
    router = _router(servers, scrubber, clock, local=busy, use="fallback",
                     fallback_after_seconds=0.3)  # fmt: skip
    first.script = [Reply("hosted: local busy")]
    assert await _text(router) == "hosted: local busy"


@pytest.mark.parametrize(
    ("use", "purpose", "notes_only", "allow", "expected"),
    [
        ("fallback", "chat", False, False, ("local", "hosted")),
        ("drafts", "chat", False, False, ("local",)),
        ("drafts", "draft", False, False, ("hosted", "local")),
        ("drafts", "summary", True, False, ("local",)),
        ("drafts", "summary", True, True, ("hosted", "local")),
        ("always", "tools", False, False, ("hosted", "local")),
    ],
)
def test_plan_by_use(
    use: str, purpose: str, notes_only: bool, allow: bool, expected: tuple
) -> None:  # type: ignore[type-arg]
    settings = _settings(use=use, allow_notes=allow)
    scope = CallScope(purpose, notes_only=notes_only)  # type: ignore[arg-type]
    assert plan(settings, scope) == expected


async def test_masks_every_string_and_restores_text_and_tool_arguments(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, _ = servers
    tool = Tool("notes_add", "Add a note, e.g. for Maria Gonzalez", {
        "type": "object",
        "properties": {"contact": {"type": "string", "description": "Who, e.g. Maria Gonzalez"},
                       "body": {"type": "string"}},
        "required": ["contact", "body"],
    })  # fmt: skip

    def respond(body: dict) -> Reply:  # type: ignore[type-arg]
        sent = json.dumps(body)
        person = "<PERSON_1>" if "<PERSON_1>" in sent else "nobody"
        return Reply(
            f"Calling {person} now",
            tool_calls=[("notes_add", json.dumps({"contact": person, "body": "call back"}))],
        )

    first.script = [respond]
    router = _router(servers, scrubber, clock)
    req = ChatRequest(
        messages=[
            {"role": "system", "content": "Viewing Maria Gonzalez, phone +44 20 7946 0958."},
            {"role": "user", "content": "Add a note for Maria Gonzalez: call back"},
        ],
        tools=[tool],
        tool_choice="auto",
        max_tokens=30,
    )
    with call_scope("tools", 7) as scope:
        reply = await collect(router.stream(req))
    raw = first.received[0].decode()
    assert "Maria" not in raw and "Gonzalez" not in raw and "7946" not in raw
    assert reply.text == "Calling Maria Gonzalez now"
    assert dict(reply.tool_calls[0].arguments) == {"contact": "Maria Gonzalez", "body": "call back"}
    assert scope.masked >= 2 and scope.provider == "anthropic"
    assert any(isinstance(e, Usage) for e in [reply.usage])


async def test_notes_are_withheld_unless_allowed(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, _ = servers
    note = "Reports knee pain after the marathon; try ice."
    req = ChatRequest(messages=[
        {"role": "system", "content": "Recent notes: " + json.dumps([{"body": note}])},
        {"role": "user", "content": "What should I ask about?"},
    ])  # fmt: skip
    router = _router(servers, scrubber, clock)
    with call_scope("chat", clinical=[note]) as scope:
        await _text(router, req)
    assert "knee pain" not in first.received[-1].decode() and scope.withheld == 1
    router = _router(servers, scrubber, clock, allow_notes=True)
    with call_scope("chat", clinical=[note]):
        await _text(router, req)
    assert "knee pain" in first.received[-1].decode()


async def test_no_model_at_all_is_one_clear_error(servers, scrubber) -> None:  # type: ignore[no-untyped-def]
    clock = FakeTime()
    first, second = servers
    first.script = [Reply(status=401)]
    second.script = [Reply(status=401)]
    router = _router(servers, scrubber, clock)
    with pytest.raises(HostedUnavailable, match="no model could answer"):
        await _text(router)
    assert isinstance(HostedUnavailable("x"), Exception)
    assert not isinstance(HostedUnavailable("x"), EngineUnavailable)
    assert [e for e in [TextDelta("a")] if e.text]
