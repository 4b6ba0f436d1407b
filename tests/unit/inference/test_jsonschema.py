"""inference/jsonschema.py `bound_problem`: what a tool schema may declare before a grammar is
built from it."""

from __future__ import annotations

from typing import Any

import pytest

from inference.jsonschema import bound_problem


def _problem(schema: Any) -> tuple[str, str] | None:
    return bound_problem(schema, max_depth=8, max_count=100)


@pytest.mark.parametrize(
    ("schema", "where"),
    [
        ({"type": "array", "minItems": 101}, "minItems"),
        ({"properties": {"s": {"type": "string", "minLength": 10**9}}}, "properties.s.minLength"),
        ({"anyOf": [{"type": "string"}, {"maxLength": -1}]}, "anyOf[1].maxLength"),
        ({"maxProperties": 1.5}, "maxProperties"),
        ({"minItems": True}, "minItems"),
        ({"type": "integer", "maximum": 1e300}, "maximum"),
        ({"type": "number", "minimum": float("-inf")}, "minimum"),
        ({"type": "number", "multipleOf": float("nan")}, "multipleOf"),
    ],
)
def test_counts_and_numbers_out_of_bounds_are_named(schema: Any, where: str) -> None:
    problem = _problem(schema)
    assert problem is not None and problem[0] == where


def test_deep_nesting_is_refused_without_recursion() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(50_000):  # far past Python's recursion limit
        schema = {"type": "array", "items": schema}
    problem = _problem(schema)
    assert problem is not None and "nested deeper than 8" in problem[1]


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"minItems": {"type": "string"}}},  # a property's name
        {"type": "string", "enum": [{"minLength": -1}]},  # a value, not a schema
        {"type": "array", "minItems": 2, "maxItems": 100, "items": {"maxLength": 100}},
        {"type": "integer", "minimum": -(2**53), "maximum": 2**53},
        True,
    ],
)
def test_ordinary_schemas_pass(schema: Any) -> None:
    assert _problem(schema) is None
