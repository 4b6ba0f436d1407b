"""A small JSON-schema validator for tool arguments.

Tool schemas use a modest subset (types, properties, required, enum, bounds, items, anyOf);
validating it here keeps the base install free of a jsonschema dependency. Unknown keywords
are ignored, as JSON Schema itself prescribes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _is_type(value: Any, name: str) -> bool:
    if name in {"integer", "number"} and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(name, (object,)))


def errors(value: Any, schema: Mapping[str, Any] | bool, path: str = "$") -> list[str]:
    """Every violation of `schema` by `value`, as "path: reason" strings (empty: valid)."""
    if schema is True or schema == {}:
        return []
    if schema is False:
        return [f"{path}: not allowed"]
    assert isinstance(schema, Mapping)
    out: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        if not any(_is_type(value, k) for k in kinds):
            return [f"{path}: expected {'/'.join(kinds)}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: must be one of {schema['enum']!r}")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            matches = sum(not errors(value, sub, path) for sub in schema[key])
            if matches == 0 or (key == "oneOf" and matches > 1):
                out.append(f"{path}: matches {matches} of the {key} alternatives")
    for sub in schema.get("allOf", ()):
        out.extend(errors(value, sub, path))
    if isinstance(value, str):
        out.extend(_string(value, schema, path))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        out.extend(_number(value, schema, path))
    elif isinstance(value, list):
        out.extend(_array(value, schema, path))
    elif isinstance(value, dict):
        out.extend(_object(value, schema, path))
    return out


def _string(value: str, schema: Mapping[str, Any], path: str) -> list[str]:
    out = []
    if len(value) < schema.get("minLength", 0):
        out.append(f"{path}: shorter than {schema['minLength']}")
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        out.append(f"{path}: longer than {schema['maxLength']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        out.append(f"{path}: does not match {schema['pattern']!r}")
    return out


def _number(value: float, schema: Mapping[str, Any], path: str) -> list[str]:
    checks: tuple[tuple[str, Callable[[float], bool]], ...] = (
        ("minimum", lambda bound: value >= bound),
        ("maximum", lambda bound: value <= bound),
        ("exclusiveMinimum", lambda bound: value > bound),
        ("exclusiveMaximum", lambda bound: value < bound),
    )
    return [
        f"{path}: violates {key} {schema[key]}"
        for key, ok in checks
        if key in schema and not ok(schema[key])
    ]


def _array(value: list[Any], schema: Mapping[str, Any], path: str) -> list[str]:
    out = []
    if len(value) < schema.get("minItems", 0):
        out.append(f"{path}: fewer than {schema['minItems']} items")
    if "maxItems" in schema and len(value) > schema["maxItems"]:
        out.append(f"{path}: more than {schema['maxItems']} items")
    if "items" in schema:
        for i, item in enumerate(value):
            out.extend(errors(item, schema["items"], f"{path}[{i}]"))
    return out


def _object(value: dict[str, Any], schema: Mapping[str, Any], path: str) -> list[str]:
    out = [f"{path}: missing {key!r}" for key in schema.get("required", ()) if key not in value]
    props: Mapping[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in props:
            out.extend(errors(item, props[key], f"{path}.{key}"))
        elif extra is False:
            out.append(f"{path}: unexpected property {key!r}")
        elif isinstance(extra, Mapping):
            out.extend(errors(item, extra, f"{path}.{key}"))
    return out


COUNT_KEYWORDS = (
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "minProperties",
    "maxProperties",
)
"""Keywords whose value a decoding grammar repeats a rule for: bounded before building one."""
NUMBER_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_NAMED = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})
_DATA = frozenset({"enum", "const", "default", "examples"})
"""Values, not schemas: their size counts against the request's, their keys mean nothing."""
MAX_NUMBER = 2**53
"""Numeric bounds beyond what a JSON double holds exactly are not a real constraint."""


def bound_problem(schema: Any, *, max_depth: int, max_count: int) -> tuple[str, str] | None:
    """The first place where `schema` is too deep or declares a count or number out of bounds,
    as (dotted path, reason); None when it is within bounds.

    Iterative, so a schema nested thousands deep costs a loop, not a RecursionError."""
    stack: list[tuple[Any, str, int, bool]] = [(schema, "", 1, False)]
    while stack:
        node, path, depth, named = stack.pop()
        if depth > max_depth:
            return path or "$", f"nested deeper than {max_depth} levels"
        if isinstance(node, list):
            stack.extend((item, f"{path}[{i}]", depth + 1, False) for i, item in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        if named:  # {name: schema}: its keys are names, not keywords
            stack.extend(
                (child, _join(path, str(key)), depth + 1, False) for key, child in node.items()
            )
            continue
        for key in COUNT_KEYWORDS:
            if key in node:
                value = node[key]
                if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                    return _join(path, key), "must be a non-negative integer"
                if value > max_count:
                    return _join(path, key), f"{value} is over the limit of {max_count}"
        for key in NUMBER_KEYWORDS:
            value = node.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if not abs(value) <= MAX_NUMBER:  # also refuses inf and nan
                return _join(path, key), f"must be within ±{MAX_NUMBER}"
        stack.extend(
            (child, _join(path, str(key)), depth + 1, key in _NAMED)
            for key, child in node.items()
            if isinstance(child, dict | list) and key not in _DATA
        )
    return None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
