"""Adding a procedure is one declaration plus its handler (README, "Adding a procedure").

A procedure declared here, in no CRM module, joins a registry built by the composition
function the app uses; from that declaration alone it is an RPC route, an OpenAPI entry, a
tool the parser's LLM is offered, a command the parser fills and an NLU intent.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator

import pytest
from litestar.testing import AsyncTestClient
from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlmodel import select

from assistant import compose
from assistant.clock import SystemClock
from assistant.commands import CommandParser
from assistant.commands.llm import mention_tool
from assistant.crm.declare import Command, Slot, procedure
from assistant.db.engine import create_engine, session_factory
from assistant.db.models import Contact, Role
from assistant.procedures.context import CallContext, Principal
from assistant.procedures.registry import ALL_STAFF, Registry, declared
from assistant.procedures.types import Input
from assistant.settings import Settings
from inference.scripted import ScriptedEngine, ScriptedReply
from server.app import create_app
from tests.plugins.app import Member


class CountIn(Input):
    first_name: str | None = Field(default=None, max_length=100)


class CountOut(BaseModel):
    count: int


@procedure(
    "contacts.count",
    summary="Count the contacts, optionally those with a first name",
    input=CountIn,
    output=CountOut,
    roles=ALL_STAFF,
    examples=["how many clients called [Sam](CONTACT) do we have"],
    command=Command((Slot("name", "text", "a first name", ("first_name",), ("CONTACT",)),)),
    classified=True,
)
async def count(ctx: CallContext, args: CountIn) -> CountOut:
    query = select(func.count()).select_from(Contact)
    if args.first_name is not None:
        query = query.where(Contact.first_name == args.first_name)
    return CountOut(count=(await ctx.session.exec(query)).one())


@pytest.fixture(scope="module")
def registry() -> Registry:
    return compose.procedures(extra=declared([sys.modules[__name__]]))


@pytest.fixture
async def client(app_settings: Settings, registry: Registry) -> AsyncIterator[AsyncTestClient]:  # type: ignore[type-arg]
    app = create_app(app_settings, engine=None, registry=registry)
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


def test_the_composed_registry_holds_it_beside_the_crm(registry: Registry) -> None:
    assert registry.get("contacts.count") is not None
    assert registry.get("contacts.count") is not compose.procedures().get("contacts.count")
    assert set(compose.procedures().names()) < set(registry.names())


async def test_it_is_an_rpc_route_listed_for_the_caller(
    client: AsyncTestClient,  # type: ignore[type-arg]
    staff: dict[str, Member],
) -> None:
    viewer = staff["viewer"]
    listed = (await client.get("/api/rpc", headers=viewer.headers)).json()
    [info] = [p for p in listed if p["name"] == "contacts.count"]
    assert info["tool_name"] == "contacts_count"
    assert set(info["input_schema"]["properties"]) == {"first_name"}
    response = await client.post("/api/rpc/contacts.count", json={}, headers=viewer.headers)
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["count"], int)


async def test_it_is_in_the_openapi_schema(
    client: AsyncTestClient,  # type: ignore[type-arg]
) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/rpc/contacts.count"]["post"]
    assert operation["operationId"] == "contacts_count"
    assert operation["summary"] == "Count the contacts, optionally those with a first name"


async def test_the_parser_offers_its_tool_and_fills_its_slots(
    app_settings: Settings, registry: Registry, staff: dict[str, Member]
) -> None:
    member = staff["front_desk"]
    principal = Principal(member.user_id, member.email, Role.front_desk)
    engine = ScriptedEngine(
        script=[ScriptedReply(tool_calls=[("contacts_count", {"name": "Sam"})])]
    )
    await engine.start()
    db = create_engine(app_settings.database_url)
    try:
        parser = CommandParser(None, engine, registry, session_factory(db), SystemClock())
        assert "contacts.count" in {p.name for p in parser.allowed(principal)}
        result = await parser.parse("how many clients called Sam do we have", principal)
    finally:
        await db.dispose()
    offered = {t.name: t for t in engine.requests[-1].tools or []}
    assert offered["contacts_count"] == mention_tool(registry.get("contacts.count"))  # type: ignore[arg-type]
    assert set(offered["contacts_count"].parameters["properties"]) == {"name"}
    assert (result.intent, result.path) == ("contacts.count", "llm")
    assert (result.args, result.resolved) == ({"first_name": "Sam"}, {"first_name": "Sam"})


def test_it_is_an_nlu_intent_with_its_examples(registry: Registry) -> None:
    assert "contacts.count" in registry.intents()
    assert registry.intent_labels()["contacts.count"] == {"CONTACT"}
    proc = registry.get("contacts.count")
    assert proc is not None
    assert proc.examples == ("how many clients called Sam do we have",)
