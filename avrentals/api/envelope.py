"""The response envelope every API answer is wrapped in (DESIGN §8).

`{"success", "data", "error"?, "code"?, "details"?, "pagination"?, "timestamp"}`; optional
keys are left out rather than sent as null.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

T = TypeVar("T")

# Sent on every API response (the middleware adds them too; error responses built outside
# the middleware, such as the 500 handler, carry them themselves).
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


def utc_timestamp() -> str:
    """Now as ISO-8601 UTC with millisecond precision, e.g. `2025-05-01T09:30:00.123Z`."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ok(
    data: Any = None,
    *,
    pagination: dict[str, int] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A success envelope. `data` must already be JSON-ready (see `schemas`)."""
    body: dict[str, Any] = {"success": True, "data": data}
    if pagination is not None:
        body["pagination"] = pagination
    body["timestamp"] = utc_timestamp()
    return JSONResponse(body, status_code=status_code, headers=headers)


def failure(
    status_code: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """An error envelope: `success` false, `data` null, `error`, `code`, optional `details`."""
    body: dict[str, Any] = {"success": False, "data": None, "error": message, "code": code}
    if details:
        body["details"] = details
    body["timestamp"] = utc_timestamp()
    return JSONResponse(
        body, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})}
    )


# --- Shapes for the OpenAPI document (responses are built by `ok`/`failure` above) ---


class PaginationMeta(BaseModel):
    """Paging facts of a list response."""

    model_config = ConfigDict(populate_by_name=True)

    page: int
    pageSize: int
    total: int
    totalPages: int


class Envelope(BaseModel, Generic[T]):
    """A successful response."""

    success: bool = True
    data: T
    timestamp: str


class ListEnvelope(BaseModel, Generic[T]):
    """A successful list response with its paging facts."""

    success: bool = True
    data: list[T]
    pagination: PaginationMeta
    timestamp: str


class ErrorEnvelope(BaseModel):
    """A refused or failed request."""

    success: bool = False
    data: None = None
    error: str
    code: str
    details: dict[str, Any] | None = None
    timestamp: str


def error_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting the error envelopes a route may answer."""
    return {
        status: {"model": ErrorEnvelope, "description": text}
        for status, text in descriptions.items()
    }
