"""The one place that turns errors into HTTP statuses and error envelopes (DESIGN §8).

Domain errors carry a `code`; `STATUS_BY_CODE` maps each code to its status. Framework errors
(request validation, unknown routes, malformed JSON), database outages and unexpected
exceptions are converted here too, so every response keeps the envelope shape and no
traceback ever reaches a client.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import sqlalchemy.exc as sa_exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from avrentals.api.envelope import failure
from avrentals.db import is_database_unavailable
from avrentals.domain.errors import DomainError, RateLimited, Unauthorized

logger = logging.getLogger("avrentals.api")

STATUS_BY_CODE: dict[str, int] = {
    "BAD_REQUEST": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "VERSION_CONFLICT": 409,
    "IN_USE": 409,
    "RENTAL_CONFLICT": 409,
    "INVALID_STATE": 409,
    "IDEMPOTENCY_CONFLICT": 409,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "VALIDATION_ERROR": 422,
    "RATE_LIMITED": 429,
    "INTERNAL_ERROR": 500,
    "EMAIL_FAILED": 502,
    "SERVICE_UNAVAILABLE": 503,
}
# Codes for errors raised by the framework itself (it only knows the status).
CODE_BY_STATUS: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
}

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side; the error has been logged."
DB_UNAVAILABLE_MESSAGE = "The database is unavailable; try again shortly."
DB_RETRY_AFTER_SECONDS = 5
MALFORMED_JSON_MESSAGE = "The request body is not valid JSON."
EXTRA_FIELD_MESSAGE = "This field cannot be set here."
MISSING_FIELD_MESSAGE = "This field is required."
# Where FastAPI says a request value came from; not part of the field name a client sees.
_LOCATION_SOURCES = frozenset({"body", "query", "path", "header", "cookie"})
_SNAKE_PART = re.compile(r"_([a-z0-9])")


def status_for(code: str) -> int:
    """The HTTP status of an error `code`; an unmapped code is a 400 (a refused request)."""
    return STATUS_BY_CODE.get(code, 400)


def to_camel(name: str) -> str:
    """`category_id` -> `categoryId`; names already in camelCase are unchanged."""
    return _SNAKE_PART.sub(lambda m: m.group(1).upper(), name)


def field_name(loc: Sequence[Any]) -> str:
    """A client-facing field path for a validation error location.

    `("body", "items", 0, "unit_price")` -> `items[0].unitPrice`; the source (`body`,
    `query`, ...) is dropped, and an error about the whole body is reported as `body`.
    """
    parts = list(loc)
    if parts and parts[0] in _LOCATION_SOURCES:
        source, parts = parts[0], parts[1:]
    else:
        source = "body"
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += ("." if name else "") + to_camel(str(part))
    return name or str(source)


def validation_details(errors: Sequence[Any]) -> dict[str, list[str]]:
    """FastAPI/pydantic error list -> `{"field": ["message", ...]}` (DESIGN §8)."""
    details: dict[str, list[str]] = {}
    for error in errors:
        kind = error.get("type")
        if kind == "extra_forbidden":
            message = EXTRA_FIELD_MESSAGE
        elif kind == "missing":
            message = MISSING_FIELD_MESSAGE
        else:
            message = str(error.get("msg", "Invalid value."))
        details.setdefault(field_name(error.get("loc", ())), []).append(message)
    return details


def domain_error_response(exc: DomainError) -> JSONResponse:
    """The envelope for a DomainError: status from its code, its message and details.

    Validation details get camelCase field names; Unauthorized adds `WWW-Authenticate:
    Bearer`; RateLimited adds `Retry-After`.
    """
    headers: dict[str, str] = {}
    details: dict[str, Any] = dict(exc.details)
    if exc.code == "VALIDATION_ERROR":
        details = {to_camel(k): v for k, v in details.items()}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(max(1, int(exc.retry_after)))
    return failure(status_for(exc.code), exc.code, exc.message, details, headers)


async def _domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return domain_error_response(exc)


async def _request_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """Malformed JSON is a 400 BAD_REQUEST; any other input problem a 422 with details."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return failure(400, "BAD_REQUEST", MALFORMED_JSON_MESSAGE)
    return failure(422, "VALIDATION_ERROR", "Validation failed", validation_details(errors))


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    """Starlette/FastAPI HTTP errors (unknown route, 405, unreadable body, too large)."""
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    code = CODE_BY_STATUS.get(status) or HTTPStatus(status).name
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(status).phrase
    headers = dict(exc.headers or {})
    if status == 401:
        headers.setdefault("WWW-Authenticate", "Bearer")
    return failure(status, code, message, None, headers)


def database_unavailable_response() -> JSONResponse:
    """503 SERVICE_UNAVAILABLE with `Retry-After`."""
    return failure(
        503,
        "SERVICE_UNAVAILABLE",
        DB_UNAVAILABLE_MESSAGE,
        headers={"Retry-After": str(DB_RETRY_AFTER_SECONDS)},
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, sa_exc.DBAPIError)
    if is_database_unavailable(exc):
        logger.warning(
            "database unavailable on %s %s: %s",
            request.method,
            request.url.path,
            type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__,
        )
        return database_unavailable_response()
    logger.error("database error on %s %s", request.method, request.url.path, exc_info=exc)
    return failure(500, "INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    """Anything unexpected: a 500 envelope; the traceback goes to the log only."""
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return failure(500, "INTERNAL_ERROR", INTERNAL_ERROR_MESSAGE)


def install_error_handlers(app: FastAPI) -> None:
    """Register every converter above on `app`."""
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(sa_exc.DBAPIError, _database_error)
    app.add_exception_handler(Exception, _internal_error)
