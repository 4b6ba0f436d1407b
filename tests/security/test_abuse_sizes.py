"""Abuse sizes: an input just over each documented limit gets 413 or 422 naming the limit, and
nothing is written. The cases come from the route table and the procedures' input schemas, so
a new route or field is covered the day it is added."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlmodel import func, select

from assistant import compose
from assistant.db.models import Action, Contact, Conversation, EmailDraft, Note, Task
from assistant.runtime import Runtime
from assistant.settings import ApiSettings, Settings
from server.app import create_app
from tests.plugins.app import Member

Client = AsyncTestClient  # type: ignore[type-arg]
LIMIT = ApiSettings().max_body_bytes
_PARAM = re.compile(r"\{[^}:]+:int\}")


API = ("/api/", "/v1/", "/login")


def body_routes() -> list[tuple[str, str]]:
    """(method, path) of every API route that reads a body, path ids filled in. (Page forms
    share the app-wide limit; a request without their CSRF token is refused before it.)"""
    app: Litestar = create_app(Settings(environment="test"))
    out = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            path = _PARAM.sub("1", route.path)
            if "data" in handler.parsed_fn_signature.parameters and path.startswith(API):
                out += [(m, path) for m in sorted(handler.http_methods)]
    return out


async def counts(rt: Runtime) -> dict[str, int]:
    """Rows that any write would add to."""
    async with rt.sessions() as session:
        return {
            t.__name__: int((await session.exec(select(func.count()).select_from(t))).one())
            for t in (Action, Contact, Conversation, EmailDraft, Note, Task)
        }


@pytest.mark.parametrize(("method", "path"), body_routes())
async def test_a_body_one_byte_over_the_limit_is_413_naming_it(
    client: Client, staff: dict[str, Member], runtime: Runtime, method: str, path: str
) -> None:
    before = await counts(runtime)
    response = await client.request(
        method,
        path,
        content=b" " * (LIMIT + 1),
        headers={**staff["owner"].headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413, response.text
    message = response.json()["error"]["message"]
    assert str(LIMIT) in message and "ASSISTANT_API_MAX_BODY_BYTES" in message
    assert await counts(runtime) == before


def _over(schema: dict[str, Any]) -> Any | None:
    """A value just over the schema's bound, or None when it has none we can exceed."""
    if "maxLength" in schema:
        return "x" * (schema["maxLength"] + 1)
    if "maxItems" in schema:
        item = "x" if schema.get("items", {}).get("type") == "string" else 1
        return [item] * (schema["maxItems"] + 1)
    if schema.get("type") == "integer" and "maximum" in schema:
        return schema["maximum"] + 1
    for option in schema.get("anyOf", []):
        found = _over(option)
        if found is not None:
            return found
    return None


def _bound(schema: dict[str, Any]) -> str:
    for key in ("maxLength", "maxItems", "maximum"):
        if key in schema:
            return str(schema[key])
    return next(_bound(o) for o in schema.get("anyOf", []) if _over(o) is not None)


def field_cases() -> list[tuple[str, str, Any, str]]:
    """(procedure, field, value just over, the bound) for every bounded field of every
    procedure that has a route, item bounds of lists included."""
    cases = []
    for proc in compose.procedures():
        if proc.internal:
            continue
        properties = proc.input.model_json_schema().get("properties", {})
        for name, schema in properties.items():
            value = _over(schema)
            if value is not None:
                cases.append((proc.name, name, value, _bound(schema)))
            items = schema.get("items", {})
            if schema.get("type") == "array" and "maxLength" in items:
                cases.append((proc.name, f"{name}[]", [_over(items)], str(items["maxLength"])))
    return cases


@pytest.mark.parametrize(("procedure", "field", "value", "bound"), field_cases())
async def test_a_field_just_over_its_bound_is_422_naming_field_and_bound(
    client: Client,
    staff: dict[str, Member],
    runtime: Runtime,
    procedure: str,
    field: str,
    value: Any,
    bound: str,
) -> None:
    before = await counts(runtime)
    key = field.removesuffix("[]")
    response = await client.post(
        f"/api/rpc/{procedure}", json={key: value}, headers=staff["owner"].headers
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    named = {k: v for k, v in error.get("fields", {}).items() if k.split(".")[0] == key}
    assert named, error
    assert any(bound in why for why in named.values()), error
    assert await counts(runtime) == before


CHAT_CASES = {
    "message": ({"message": "x" * 10_001}, "10000"),
    "context.page": ({"message": "hi", "context": {"page": "p" * 201}}, "200"),
    "context.locale": ({"message": "hi", "context": {"locale": "e" * 36}}, "35"),
}


@pytest.mark.parametrize("field", sorted(CHAT_CASES))
async def test_a_chat_turn_over_a_bound_is_refused_before_anything_is_stored(
    client: Client, staff: dict[str, Member], runtime: Runtime, field: str
) -> None:
    body, bound = CHAT_CASES[field]
    before = await counts(runtime)
    response = await client.post("/api/chat", json=body, headers=staff["front_desk"].headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert any(bound in why for why in error["fields"].values()), error
    assert await counts(runtime) == before


def paged_routes() -> list[str]:
    app: Litestar = create_app(Settings(environment="test"))
    return sorted(
        route.path
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if "paging" in handler.parsed_fn_signature.parameters and "{" not in route.path
    )


@pytest.mark.parametrize("path", paged_routes())
async def test_a_page_size_over_the_maximum_is_422_naming_it(
    client: Client, staff: dict[str, Member], path: str
) -> None:
    from server.paging import MAX_LIMIT

    response = await client.get(
        path, params={"limit": MAX_LIMIT + 1}, headers=staff["owner"].headers
    )
    assert response.status_code == 422, response.text
    assert str(MAX_LIMIT) in response.text and "limit" in response.text


async def test_the_body_limit_is_the_setting(
    app_settings: Settings, staff: dict[str, Member]
) -> None:
    small = app_settings.model_copy(
        update={"api": app_settings.api.model_copy(update={"max_body_bytes": 65_536})}
    )
    async with AsyncTestClient(app=create_app(small)) as client:
        fits = await client.post(
            "/api/rpc/contacts.search",
            content=b'{"query": "a"}' + b" " * (65_536 - 14),
            headers={**staff["owner"].headers, "Content-Type": "application/json"},
        )
        over = await client.post(
            "/api/rpc/contacts.search",
            content=b'{"query": "a"}' + b" " * (65_536 - 13),
            headers={**staff["owner"].headers, "Content-Type": "application/json"},
        )
    assert fits.status_code == 200, fits.text
    assert over.status_code == 413 and "65536 bytes" in over.json()["error"]["message"]


def _v1(**extra: Any) -> dict[str, Any]:
    return {"model": "assistant", "messages": [{"role": "user", "content": "hi"}], **extra}


def _tool(parameters: dict[str, Any], name: str = "t") -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, "parameters": parameters}}


def _nested(depth: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(depth - 1):
        schema = {"type": "array", "items": schema}
    return schema


def v1_cases() -> dict[str, dict[str, Any]]:
    """Setting -> a /v1 request just over it."""
    api = ApiSettings()
    say = {"role": "user", "content": "m"}
    return {
        "max_messages": _v1(messages=[say] * (api.max_messages + 1)),
        "max_chars": _v1(messages=[{"role": "user", "content": "c" * (api.max_chars + 1)}]),
        "max_tools": _v1(tools=[_tool({}, f"t{i}") for i in range(api.max_tools + 1)]),
        "max_tool_schema_chars": _v1(
            tools=[_tool({"description": "d" * api.max_tool_schema_chars})]
        ),
        "max_tool_schema_depth": _v1(tools=[_tool(_nested(api.max_tool_schema_depth + 1))]),
        "max_tool_schema_count": _v1(
            tools=[_tool({"type": "string", "maxLength": api.max_tool_schema_count + 1})]
        ),
        "max_stop_strings": _v1(stop=[f"s{i}" for i in range(api.max_stop_strings + 1)]),
        "max_stop_chars": _v1(stop=["s" * (api.max_stop_chars + 1)]),
    }


@pytest.mark.parametrize("setting", sorted(v1_cases()))
async def test_a_v1_request_just_over_a_bound_is_422_naming_the_setting(
    client: Client, staff: dict[str, Member], runtime: Runtime, setting: str
) -> None:
    before = await counts(runtime)
    response = await client.post(
        "/v1/chat/completions", json=v1_cases()[setting], headers=staff["owner"].headers
    )
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert f"ASSISTANT_API_{setting.upper()}" in error["message"], error
    assert await counts(runtime) == before
