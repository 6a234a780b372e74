"""The envelope and the one error -> status mapping (DESIGN §8)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from avrentals.api import create_api
from avrentals.api.app import MAX_JSON_BODY_BYTES
from avrentals.api.errors import STATUS_BY_CODE
from avrentals.domain import errors as domain_errors
from avrentals.domain.errors import (
    DomainError,
    Forbidden,
    InUse,
    InvalidState,
    NotFound,
    RateLimited,
    RentalConflict,
    Unauthorized,
    ValidationFailed,
    VersionConflict,
)
from tests.api.conftest import add_test_routes, assert_envelope, assert_error

SECURITY = {"x-content-type-options": "nosniff", "cache-control": "no-store"}


def raising_client(exc: BaseException) -> TestClient:
    """An API app with one extra route, `GET /api/test/raise`, that raises `exc`."""
    router = APIRouter()

    @router.get("/api/test/raise")
    def raise_it() -> None:
        raise exc

    return TestClient(add_test_routes(create_api(), router), raise_server_exceptions=False)


def assert_security_headers(response) -> None:
    for name, value in SECURITY.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))


def test_every_domain_error_code_has_a_status() -> None:
    codes = {
        cls.code
        for cls in vars(domain_errors).values()
        if isinstance(cls, type) and issubclass(cls, DomainError)
    }
    assert codes <= set(STATUS_BY_CODE), codes - set(STATUS_BY_CODE)


@pytest.mark.parametrize(
    ("exc", "status", "code", "details"),
    [
        (
            ValidationFailed({"daily_rate": ["Must be >= 0."]}),
            422,
            "VALIDATION_ERROR",
            {"dailyRate": ["Must be >= 0."]},
        ),
        (DomainError("Bad query."), 400, "BAD_REQUEST", None),
        (Forbidden("No."), 403, "FORBIDDEN", None),
        (NotFound("Gone."), 404, "NOT_FOUND", None),
        (
            VersionConflict("Stale.", {"version": 3}),
            409,
            "VERSION_CONFLICT",
            {"current": {"version": 3}},
        ),
        (InUse("Used.", {"count": 2}), 409, "IN_USE", {"count": 2}),
        (RentalConflict("Short.", {"lines": []}), 409, "RENTAL_CONFLICT", {"lines": []}),
        (InvalidState("Not now."), 409, "INVALID_STATE", None),
    ],
)
def test_domain_errors_become_error_envelopes(
    exc: DomainError, status: int, code: str, details: dict | None
) -> None:
    response = raising_client(exc).get("/api/test/raise")
    body = assert_error(response, status, code)
    assert body["error"] == exc.message
    assert body.get("details") == details
    assert_security_headers(response)


def test_unauthorized_carries_www_authenticate() -> None:
    response = raising_client(Unauthorized("Sign in.")).get("/api/test/raise")
    assert_error(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == "Bearer"


def test_rate_limited_carries_retry_after() -> None:
    response = raising_client(RateLimited("Slow down.", retry_after=42)).get("/api/test/raise")
    body = assert_error(response, 429, "RATE_LIMITED")
    assert response.headers["retry-after"] == "42"
    assert body["details"] == {"retryAfter": 42}


def test_unexpected_error_is_a_500_envelope_without_traceback() -> None:
    secret = "credentials at /srv/app/secret.py line 12"
    response = raising_client(RuntimeError(secret)).get("/api/test/raise")
    body = assert_error(response, 500, "INTERNAL_ERROR")
    assert secret not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text
    assert "details" not in body
    assert_security_headers(response)


def test_a_refused_statement_is_a_500_not_a_503() -> None:
    exc = sa.exc.IntegrityError("INSERT INTO x VALUES (1)", {}, Exception("duplicate key"))
    response = raising_client(exc).get("/api/test/raise")
    assert_error(response, 500, "INTERNAL_ERROR")
    assert "duplicate" not in response.text and "INSERT" not in response.text


def test_a_dropped_connection_is_a_503() -> None:
    exc = sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    response = raising_client(exc).get("/api/test/raise")
    body = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert body["error"] == "The database is unavailable; try again shortly."
    assert "closed" not in response.text


def test_unknown_api_paths_are_404_envelopes() -> None:
    client = TestClient(create_api())
    for path in ("/api", "/api/nothing-here", "/api/equipment/1/2/3"):
        response = client.get(path)
        assert_error(response, 404, "NOT_FOUND")
        assert_security_headers(response)


def test_wrong_method_is_405_with_allow() -> None:
    client = TestClient(create_api())
    response = client.delete("/api/health")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "GET"
    response = client.post("/api/equipment/00000000-0000-0000-0000-000000000000")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"] == "DELETE, GET, PATCH, PUT"


def test_malformed_json_is_400() -> None:
    client = TestClient(create_api())
    response = client.post(
        "/api/auth/login",
        content=b'{"username": "a",',
        headers={"content-type": "application/json"},
    )
    body = assert_error(response, 400, "BAD_REQUEST")
    assert body["error"] == "The request body is not valid JSON."


def test_request_validation_is_422_with_camel_case_fields() -> None:
    client = TestClient(create_api())
    response = client.post(
        "/api/auth/login", json={"username": "a", "password": "b", "remember_me": True}
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["details"] == {"rememberMe": ["This field cannot be set here."]}

    response = client.post("/api/auth/login", json={"username": "a"})
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["details"] == {"password": ["This field is required."]}

    response = client.post("/api/auth/login", json=["not", "an", "object"])
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert list(body["details"]) == ["body"]


def test_oversized_body_is_413_envelope() -> None:
    client = TestClient(create_api())
    response = client.post(
        "/api/auth/login",
        content=b" " * (MAX_JSON_BODY_BYTES + 1),
        headers={"content-type": "application/json"},
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_openapi_and_docs_are_served() -> None:
    client = TestClient(create_api())
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert {
        "/api/health",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/equipment",
        "/api/equipment/{id}",
    } <= set(spec["paths"])
    assert "patch" in spec["paths"]["/api/equipment/{id}"]
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/openapi.json" in docs.text


def test_success_envelope_and_security_headers() -> None:
    response = TestClient(create_api()).get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert_envelope(body, success=True)
    assert set(body) == {"success", "data", "timestamp"}
    assert body["timestamp"].endswith("Z")
    assert_security_headers(response)


def test_paths_outside_api_pass_through_untouched() -> None:
    """Reflex mounts its backend inside this app at "": its responses keep their own
    status, body and caching, gain only the browser security headers, and /api paths keep
    the envelope."""

    async def hello(_request: Request) -> PlainTextResponse:
        return PlainTextResponse("hi", headers={"Cache-Control": "public, max-age=60"})

    app = create_api()
    app.mount("", Starlette(routes=[Route("/hello", hello)]))
    client = TestClient(app)
    response = client.get("/hello")
    assert response.status_code == 200 and response.text == "hi"
    assert response.headers["cache-control"] == "public, max-age=60"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert client.get("/nowhere").status_code == 404
    assert_error(client.get("/api/nowhere"), 404, "NOT_FOUND")
