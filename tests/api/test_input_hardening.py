"""Input PostgreSQL cannot store is refused at the edge with a clear 422, never a 500."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.domain.enums import Role
from avrentals.domain.models import Client
from tests.api.conftest import assert_error

Headers = Callable[[Role], dict[str, str]]


def test_nul_characters_in_queries_and_json_bodies_are_422(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    headers = headers_for(Role.EMPLOYEE)
    body = assert_error(
        client.get("/api/clients?search=ab%00cd", headers=headers), 422, "VALIDATION_ERROR"
    )
    assert "NUL" in body["error"]
    refused = client.post("/api/clients", headers=headers, json={"name": "Bad\u0000Name"})
    assert_error(refused, 422, "VALIDATION_ERROR")
    with Session(engine) as s:
        assert s.exec(select(Client)).all() == []
    # Ordinary requests pass through with their body intact.
    made = client.post("/api/clients", headers=headers, json={"name": "Good Name"})
    assert made.status_code == 201 and made.json()["data"]["name"] == "Good Name"
    found = client.get("/api/clients?search=good", headers=headers).json()
    assert found["pagination"]["total"] == 1
