"""Every record id the app accepts, generated from its route table and procedure registry.

A route takes an id in its path (`{name:int}`), in a query parameter (an integer one, or one
whose name ends in `_id`/`_ids`), in a body field of such a name, or in a header; a procedure
in an integer input field of such a name. RPC routes are listed once, as their procedures.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from typing import Any

from litestar import Litestar
from litestar.handlers import HTTPRouteHandler
from pydantic import BaseModel

from assistant.procedures.registry import Registry
from server.openai.protocol import CompletionRequest

# Bodies a handler reads as a plain mapping and parses itself: the model it parses into
# (None: a form of the caller's own field names that names no record).
RAW_BODIES: dict[str, type[BaseModel] | None] = {
    "POST /v1/chat/completions": CompletionRequest,
    # An approver's edits: field names declared by the procedure; a `keep` field picks one
    # of the call's own records (assistant/procedures/edits.py), never another id.
    "POST /approvals/{approval_id:int}/approve-edited": None,
    "POST /admin/policies": None,  # procedure name -> policy level
}
# Ids a handler reads from a header, which no signature shows.
HEADERS: dict[str, tuple[str, ...]] = {"GET /api/events": ("Last-Event-ID",)}
# Integer parameters and id-like names that name no record of ours (every other integer
# query parameter is taken for a record id, whatever its name: `?asked=7` names an approval).
NOT_RECORDS = {
    "tool_call_id": "an OpenAI tool call's id, chosen by the client",
    "page": "a page number",
    "appointments_page": "a page number",
    "days": "a period",
    "since": "a position among the messages of the conversation the path names",
    "until": "a position among the messages of the conversation the path names",
}
SKIPPED_PARAMS = {"data", "request", "principal", "runtime", "executor", "chat", "limiter"}


def _is_id(name: str) -> bool:
    return name.endswith(("_id", "_ids")) and name not in NOT_RECORDS


def _is_int(annotation: Any) -> bool:
    """int, int | None, list[int] and Annotated forms of them."""
    if annotation is int:
        return True
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_int(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return any(_is_int(arg) for arg in typing.get_args(annotation))
    return False


def model_ids(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """`body.`-style names of a model's id fields, nested models included (forms send ids as
    text, so a page form's field counts by its name)."""
    for name, field in model.model_fields.items():
        annotation = field.annotation
        nested = [
            a
            for a in (annotation, *typing.get_args(annotation))
            if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        if nested:
            yield from model_ids(nested[0], f"{prefix}{name}.")
        elif _is_id(name):
            yield f"{prefix}{name}"


def _body_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model in a body annotation (`JSONBody[M | None]`, `Annotated[M, ...]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _body_model(arg)
        if found is not None:
            return found
    return None


def _handlers(app: Litestar) -> Iterator[tuple[str, str, HTTPRouteHandler]]:
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not isinstance(handler, HTTPRouteHandler):
                continue
            for method in sorted(handler.http_methods - {"OPTIONS", "HEAD"}):
                yield method, route.path, handler


class UnreadableBody(AssertionError):
    """A handler reads a body no model describes and RAW_BODIES does not explain."""


def route_ids(app: Litestar) -> set[str]:
    """`"<METHOD> <path> <where>.<name>"` for every id a non-RPC route takes."""
    found: set[str] = set()
    for method, path, handler in _handlers(app):
        key = f"{method} {path}"
        if path.startswith("/api/rpc/"):
            continue
        for name in handler.parsed_fn_signature.parameters:
            if name in SKIPPED_PARAMS:
                continue
            annotation = handler.parsed_fn_signature.parameters[name].annotation
            if f"{{{name}:int}}" in path:
                found.add(f"{key} path.{name}")
            elif _is_id(name) or (_is_int(annotation) and name not in NOT_RECORDS):
                found.add(f"{key} query.{name}")
        data = handler.parsed_fn_signature.parameters.get("data")
        if data is not None:
            model = _body_model(data.annotation)
            if model is None and key not in RAW_BODIES:
                raise UnreadableBody(f"{key}: a body of {data.annotation}; add it to RAW_BODIES")
            model = model or RAW_BODIES.get(key)
            if model is not None:
                found.update(f"{key} body.{name}" for name in model_ids(model))
        found.update(f"{key} header.{name}" for name in HEADERS.get(key, ()))
    return found


def procedure_ids(registry: Registry) -> set[str]:
    """`"rpc <procedure> <field>"` for every integer id field of a callable procedure
    (internal ones have no route and act for their requester's job only)."""
    return {
        f"rpc {proc.name} {name}"
        for proc in registry
        if not proc.internal
        for name, field in proc.input.model_fields.items()
        if _is_id(name) and _is_int(field.annotation)
    }


def rpc_routes(app: Litestar) -> set[str]:
    """The procedures that have an RPC route."""
    return {
        path.removeprefix("/api/rpc/")
        for _, path, _ in _handlers(app)
        if path.startswith("/api/rpc/") and "{" not in path
    }
