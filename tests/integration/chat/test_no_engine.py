"""With no engine configured the co-pilot still answers: commands work, chat says how to
enable a model, and readiness does not fail."""

from __future__ import annotations

from typing import Any

from tests.plugins.app import Member


def parse_sse(body: str) -> list[tuple[str, dict[str, Any]]]:
    import json

    out = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        fields = dict(
            line.split(": ", 1)
            for line in block.splitlines()
            if ": " in line and not line.startswith(":")
        )
        if "data" in fields:
            out.append((fields.get("event", "message"), json.loads(fields["data"])))
    return out


async def test_readyz_reports_no_engine(client: Any, staff: dict[str, Member]) -> None:
    ready = (await client.get("/readyz", headers=staff["owner"].headers)).json()
    assert ready["status"] == "ok"
    assert ready["engine"].startswith("none: ")
    assert ready["parser"]


async def test_chat_without_engine_says_how_to_enable_one(
    client: Any, staff: dict[str, Member]
) -> None:
    response = await client.post(
        "/api/chat", json={"message": "hello there"}, headers=staff["owner"].headers
    )
    assert response.status_code == 200
    events = parse_sse(response.text)
    assert events[0][0] == "turn.start" and events[-1][0] == "message.done"
    text = "".join(data["text"] for kind, data in events if kind == "message.delta")
    assert "ASSISTANT_MODEL" in text
    models = (await client.get("/v1/models", headers=staff["owner"].headers)).json()
    assert [m["id"] for m in models["data"]] == ["assistant"]
    other = await client.post(
        "/v1/chat/completions",
        headers=staff["owner"].headers,
        json={"model": "qwen", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert other.status_code == 404
    assert other.json()["error"]["type"] == "invalid_request_error"
