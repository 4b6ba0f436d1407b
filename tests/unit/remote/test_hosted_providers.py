"""One contract suite over both hosted providers, each against its own wire-format stand-in
(real HTTP on 127.0.0.1; the official SDKs are the clients)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from assistant.remote.config import ProviderConfig
from assistant.remote.errors import ProviderError
from assistant.remote.providers.base import Provider, build
from inference.base import ChatRequest, TextDelta, Tool, ToolCall, Usage, collect
from tests.plugins.hosted import Reply, StandIn, stand_in

WIRES = ["openai", "anthropic"]
NOTE_TOOL = Tool(
    "notes_add",
    "Add a note to a contact",
    {
        "type": "object",
        "properties": {"contact": {"type": "string"}, "body": {"type": "string"}},
        "required": ["contact", "body"],
    },
)


@pytest.fixture(params=WIRES)
def wire(request: pytest.FixtureRequest) -> Iterator[tuple[StandIn, Provider]]:
    with stand_in(request.param) as server:
        config = ProviderConfig(
            name=request.param,
            model="stand-in-model",
            api_key=SecretStr("sk-test-not-a-real-key"),
            base_url=server.base_url,
            timeout_seconds=0.5,
        )
        yield server, build(config)


def _request(**kw: object) -> ChatRequest:
    return ChatRequest(
        messages=[
            {"role": "system", "content": "You help a clinic."},
            {"role": "user", "content": "Say hello"},
        ],
        max_tokens=50,
        **kw,  # type: ignore[arg-type]
    )


async def test_streams_text_and_usage(wire: tuple[StandIn, Provider]) -> None:
    server, provider = wire
    server.script = [Reply("Hello there, how can I help?")]
    events = [e async for e in provider.stream(_request())]
    deltas = [e.text for e in events if isinstance(e, TextDelta)]
    assert len(deltas) > 1  # streamed, not one block
    assert "".join(deltas) == "Hello there, how can I help?"
    usage = next(e for e in events if isinstance(e, Usage))
    assert usage.prompt_tokens > 0 and usage.completion_tokens == 6
    body = server.bodies[0]
    assert body["stream"] is True and body["model"] == "stand-in-model"
    if server.wire == "anthropic":
        assert body["system"] == "You help a clinic."
        assert server.paths[0] == "/v1/messages"
    else:
        assert server.paths[0] == "/v1/chat/completions"
    sent = server.headers[0]
    key = "sk-test-not-a-real-key"
    assert key in (sent.get("x-api-key"), sent.get("authorization", "").removeprefix("Bearer "))
    await provider.close()


async def test_tool_calls_are_parsed_and_validated(wire: tuple[StandIn, Provider]) -> None:
    server, provider = wire
    arguments = json.dumps({"contact": "Jane Doe", "body": "prefers mornings"})
    server.script = [Reply(tool_calls=[("notes_add", arguments)])]
    reply = await collect(provider.stream(_request(tools=[NOTE_TOOL], tool_choice="required")))
    assert reply.finish_reason == "tool_calls"
    assert [(c.name, dict(c.arguments)) for c in reply.tool_calls] == [
        ("notes_add", {"contact": "Jane Doe", "body": "prefers mornings"})
    ]
    assert all(isinstance(c, ToolCall) for c in reply.tool_calls)
    body = server.bodies[0]
    if server.wire == "anthropic":
        assert body["tool_choice"] == {"type": "any"}
        assert body["tools"][0]["input_schema"]["required"] == ["contact", "body"]
    else:
        assert body["tool_choice"] == "required"
        assert body["tools"][0]["function"]["name"] == "notes_add"
    await provider.close()


async def test_429_carries_retry_after(wire: tuple[StandIn, Provider]) -> None:
    server, provider = wire
    server.script = [Reply(status=429, headers={"retry-after": "7"})]
    with pytest.raises(ProviderError) as caught:
        await collect(provider.stream(_request()))
    assert caught.value.status == 429 and caught.value.retryable
    assert caught.value.retry_after == 7
    assert len(server.received) == 1  # the SDK's own retries are off: the router decides
    await provider.close()


async def test_500_is_retryable(wire: tuple[StandIn, Provider]) -> None:
    server, provider = wire
    server.script = [Reply(status=500)]
    with pytest.raises(ProviderError) as caught:
        await collect(provider.stream(_request()))
    assert caught.value.status == 500 and caught.value.retryable
    assert "stand-in" not in str(caught.value)  # the provider's error body is never copied
    await provider.close()


async def test_401_is_not_retryable_and_never_shows_the_key(
    wire: tuple[StandIn, Provider],
) -> None:
    server, provider = wire
    server.script = [Reply(status=401)]
    with pytest.raises(ProviderError) as caught:
        await collect(provider.stream(_request()))
    assert not caught.value.retryable
    assert "sk-test" not in str(caught.value) and "sk-test" not in repr(provider.config)
    await provider.close()


async def test_timeout_mid_stream(wire: tuple[StandIn, Provider]) -> None:
    server, provider = wire
    server.script = [Reply("one two three four", stall_after=3, stall_seconds=2)]
    seen: list[str] = []
    with pytest.raises(ProviderError) as caught:
        async for event in provider.stream(_request()):
            if isinstance(event, TextDelta):
                seen.append(event.text)
    assert caught.value.retryable and "timed out" in str(caught.value)
    assert seen  # it failed after the first token
    await provider.close()
