"""The matrix covers every id the app accepts: generated from the real route table and
procedure registry, checked against the hand-written table (tests/security/matrix.py).

A new endpoint or procedure argument that names a record fails here until its row is
written; a row whose endpoint is gone fails too, so the table never drifts from the app.
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar, get, post
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel

from assistant import compose
from assistant.db.models import Role
from assistant.procedures.context import CallContext
from assistant.procedures.registry import Registry
from assistant.procedures.types import Id, Input
from assistant.settings import Settings
from server.app import create_app
from tests.security.matrix import EXPECTED, RELATIONS, ROLES, SURFACE
from tests.security.surface import UnreadableBody, procedure_ids, route_ids, rpc_routes

pytestmark = pytest.mark.security
CELLS = {"ok", "403", "404", "409", "422"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    """The real app's routes (nothing started: the route table is built at construction)."""
    return create_app(Settings(environment="test", data_dir=tmp_path_factory.mktemp("var")))


@pytest.fixture(scope="module")
def registry() -> Registry:
    return compose.procedures()


def test_every_id_the_app_takes_has_its_row(app: Litestar, registry: Registry) -> None:
    surface = route_ids(app) | procedure_ids(registry)
    undeclared = sorted(surface - set(SURFACE))
    gone = sorted(set(SURFACE) - surface)
    assert not undeclared, "declare these in tests/security/matrix.py SURFACE: " + ", ".join(
        undeclared
    )
    assert not gone, "these rows name nothing the app takes any more: " + ", ".join(gone)


def test_every_procedure_with_a_route_is_covered_through_the_registry(
    app: Litestar, registry: Registry
) -> None:
    """RPC routes are listed as their procedures: one route each, none without one."""
    assert rpc_routes(app) == {p.name for p in registry if not p.internal}


def test_the_table_is_complete_and_every_class_is_used() -> None:
    assert set(SURFACE.values()) == set(EXPECTED)
    for access, row in EXPECTED.items():
        assert len(row) == len(ROLES), access
        for cells in row:
            assert len(cells.split()) == len(RELATIONS), access
            assert set(cells.split()) <= CELLS, access


def test_a_refused_role_is_refused_whatever_the_id() -> None:
    """403 is the role gate: it never depends on whose record it is or whether it exists."""
    for access, row in EXPECTED.items():
        for cells in row:
            if "403" in cells.split():
                assert cells == "403 403 403" or access == "approval.decide", (access, cells)


def test_another_users_hidden_record_reads_as_a_missing_one() -> None:
    """Where another user's record is hidden, it looks exactly like an id that names nothing."""
    for access, row in EXPECTED.items():
        for cells in row:
            _, other, missing = cells.split()
            if other in ("403", "404") and access != "approval.decide":
                assert other == missing, (access, cells)


class WidgetIn(Input):
    widget_id: Id


class WidgetOut(BaseModel):
    ok: bool


@get("/api/widgets/{widget_id:int}")
async def widget(widget_id: FromPath[int]) -> dict[str, Any]:
    return {"id": widget_id}


@post("/api/widgets")
async def widget_by_body(data: JSONBody[WidgetIn]) -> dict[str, Any]:
    return {"id": data.widget_id}


@post("/api/raw")
async def raw_body(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
    return data


def test_a_new_id_taking_route_or_procedure_is_found() -> None:
    """The generator sees ids in paths, bodies and procedure inputs; the table lacks them."""
    found = route_ids(Litestar(route_handlers=[widget, widget_by_body]))
    assert found == {
        "GET /api/widgets/{widget_id:int} path.widget_id",
        "POST /api/widgets body.widget_id",
    }
    registry = Registry()

    @registry.procedure(
        "widgets.get", summary="A widget", input=WidgetIn, output=WidgetOut, roles={Role.owner}
    )
    async def get_widget(ctx: CallContext, args: WidgetIn) -> WidgetOut:
        return WidgetOut(ok=True)

    assert procedure_ids(registry) == {"rpc widgets.get widget_id"}
    assert not (found | procedure_ids(registry)) & set(SURFACE)


def test_a_body_no_model_describes_must_be_explained() -> None:
    with pytest.raises(UnreadableBody, match="/api/raw"):
        route_ids(Litestar(route_handlers=[raw_body]))
