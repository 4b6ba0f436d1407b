"""server/paging.py: every list endpoint takes the same bounded limit/offset; out of bounds
(huge numbers included) is a 422 naming the parameter, never a database error."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.plugins.app import Member

Client = AsyncTestClient[Litestar]
LISTS = ["/api/approvals", "/api/jobs", "/api/conversations"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999", "offset"),
        ("limit=99999999999999999999", "limit"),
        ("limit=ten", "limit"),
    ],
)
async def test_out_of_bounds_paging_is_a_422_naming_the_parameter(
    client: Client, staff: dict[str, Member], path: str, query: str, field: str
) -> None:
    response = await client.get(f"{path}?{query}", headers=staff["owner"].headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and field in error["fields"]


@pytest.mark.parametrize("path", LISTS)
async def test_paging_within_bounds_pages(
    client: Client, staff: dict[str, Member], path: str
) -> None:
    response = await client.get(f"{path}?limit=200&offset=1000000", headers=staff["owner"].headers)
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []
