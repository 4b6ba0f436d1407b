"""JSON bodies are read as JSON, strictly: `true` is not the id 1, "5" is not a number, and no
text holds a NUL; and their schemas say which fields they refuse.

Litestar hands pydantic a body it has already decoded, and pydantic's lax Python mode then
turns `true` into 1, "12" into 12 and 1700000000 into a date: a client's mistake would reach
a record nobody named (`{"contact_id": true}` deleted contact #1). The API's own models are
validated in pydantic's strict JSON mode instead, which accepts exactly what the OpenAPI
schema says (dates and enums as strings, integers only as integers). Forms (the pages) and
calls from inside the process (tools, commands) keep the lax rules their text values need.
"""

from __future__ import annotations

from inspect import isclass
from typing import TYPE_CHECKING, Any

import msgspec
from litestar._signature.types import ExtendedMsgSpecValidationError
from litestar.plugins.pydantic import PydanticInitPlugin, PydanticSchemaPlugin
from pydantic import BaseModel, ValidationError

from assistant.procedures.types import Input

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.openapi.spec import Schema
    from litestar.typing import FieldDefinition


class JsonIn(BaseModel):
    """A route's own JSON body (procedure inputs are `Input`s): validated strictly."""


def is_json_body(kind: Any) -> bool:
    return isclass(kind) and issubclass(kind, (Input, JsonIn))


def nul_at(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """Where a string holds a NUL character, which no database text column takes."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if not isinstance(value, dict | list):
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        found = nul_at(item, (*path, key))
        if found is not None:
            return found
    return None


def strict_json(kind: type[BaseModel], value: Any) -> BaseModel:
    where = nul_at(value)
    if where is not None:  # PostgreSQL refuses it: it was a 500
        error = {"loc": where, "msg": "text may not contain NUL (\\u0000)", "type": "value_error"}
        raise ExtendedMsgSpecValidationError(errors=[error])
    try:
        return kind.model_validate_json(msgspec.json.encode(value), strict=True)
    except ValidationError as exc:
        # No password or note text echoed back in the error.
        errors = [dict(error) for error in exc.errors(include_input=False)]
        raise ExtendedMsgSpecValidationError(errors=errors) from exc


class StrictBodies(PydanticInitPlugin):
    """Litestar's pydantic plugin, with the API's JSON bodies validated by `strict_json`."""

    @classmethod
    def decoders(cls, validate_strict: bool = False) -> list[Any]:
        return [(is_json_body, strict_json), *super().decoders(validate_strict)]


class ClosedSchemas(PydanticSchemaPlugin):
    """Litestar's pydantic schemas, saying `additionalProperties: false` where a model refuses
    unknown fields (the procedure inputs do: a typo is a 422, and the schema says so)."""

    @classmethod
    def for_pydantic_model(
        cls, field_definition: FieldDefinition, schema_creator: SchemaCreator
    ) -> Schema:
        schema = super().for_pydantic_model(field_definition, schema_creator)
        if field_definition.annotation.model_config.get("extra") == "forbid":
            schema.additional_properties = False
        return schema
