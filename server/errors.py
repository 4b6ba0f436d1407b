"""Every error leaves the API in one shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from assistant.errors import (
    AppError,
    Conflict,
    Draining,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
)

logger = logging.getLogger(__name__)

STATUS: dict[type[AppError], int] = {
    InvalidInput: 422,
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    ServiceUnavailable: 503,
}
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported",
    422: "invalid_input",
    429: "rate_limited",
}


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def app_error(_: Request[Any, Any, Any], exc: AppError) -> Response[dict[str, Any]]:
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    retry_after = exc.retry_after if isinstance(exc, RateLimited | Draining) else None
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if isinstance(exc, Unauthenticated):
        headers = {"WWW-Authenticate": "Bearer"}
    return Response(
        error_body(exc.code, exc.message, exc.fields), status_code=status, headers=headers
    )


def validation_error(
    _: Request[Any, Any, Any], exc: ValidationException
) -> Response[dict[str, Any]]:
    fields: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if isinstance(item, dict):
            key = str(item.get("key") or item.get("source") or "body")
            why = str(item.get("message", "invalid"))
            if key == "data":  # Litestar's name for the handler's body, missing altogether
                key, why = "body", "a JSON body is required"
            fields.setdefault(key, why)
    message = "invalid input"
    if fields:
        key, why = next(iter(fields.items()))
        message = f"invalid {key}: {why}"
    elif exc.detail:
        message = str(exc.detail)
    return Response(error_body("invalid_input", message, fields or None), status_code=422)


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[dict[str, Any]]:
    status = exc.status_code
    if status == 400:
        # Litestar says 400 for a body or parameter it cannot decode: that is invalid input.
        return Response(
            error_body(
                "invalid_input", f"invalid request: {exc.detail}", {"body": str(exc.detail)}
            ),
            status_code=422,
        )
    code = HTTP_CODES.get(status, "error")
    return Response(
        error_body(code, http_message(request, exc)), status_code=status, headers=exc.headers
    )


def http_message(request: Request[Any, Any, Any], exc: HTTPException) -> str:
    """Litestar's words, except where they leave out the limit a client ran into."""
    if exc.status_code == 413:
        limit = request.route_handler.resolve_request_max_body_size()
        return (
            f"the request body is larger than the limit of {limit} bytes "
            "(ASSISTANT_API_MAX_BODY_BYTES)"
        )
    return str(exc.detail)


def unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return Response(
        error_body("internal", "something went wrong on our side; it was logged"),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    AppError: app_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}
