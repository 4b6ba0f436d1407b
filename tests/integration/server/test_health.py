"""/readyz tells the world only whether the service is ready; engine and model details are
for a signed-in owner."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from assistant.settings import Settings
from server.app import create_app
from tests.plugins.app import Member

Client = AsyncTestClient  # type: ignore[type-arg]


@pytest.fixture(scope="module")
async def revealing(app_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Client:
    """An app whose engine names a model path (it need not exist to be named)."""
    model = tmp_path_factory.mktemp("models") / "secret-clinic-model.gguf"
    settings = app_settings.model_copy(update={"engine": "llamacpp", "model": str(model)})
    return AsyncTestClient(app=create_app(settings))


@pytest.mark.parametrize("who", [None, "practitioner", "front_desk", "viewer", "forged"])
async def test_readyz_names_no_engine_or_model_to_anyone_but_an_owner(
    revealing: Client, staff: dict[str, Member], who: str | None
) -> None:
    headers = {}
    if who == "forged":
        headers = {"Authorization": "Bearer cca_forged"}
    elif who is not None:
        headers = staff[who].headers
    async with revealing as client:
        response = await client.get("/readyz", headers=headers)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}
    assert "secret-clinic-model" not in response.text


async def test_an_owner_sees_the_engine_and_parser(
    revealing: Client, staff: dict[str, Member]
) -> None:
    async with revealing as client:
        response = await client.get("/readyz", headers=staff["owner"].headers)
    body = response.json()
    assert body["status"] == "ok"
    assert {"engine", "parser", "checks"} <= set(body)
    assert "secret-clinic-model" in body["engine"]  # what the public answer must not say
