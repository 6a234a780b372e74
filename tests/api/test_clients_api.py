"""`/api/clients[/{id}]`: every status code of the contract, camelCase shapes, search/sort/
paging, detail with client value, versioned updates, IN_USE deletes, roles."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import QuoteStatus, Role
from tests.api.conftest import assert_envelope, assert_error
from tests.inventory_factories import make_client, make_event, make_quote

HeadersFor = Callable[[Role], dict[str, str]]
CLIENT_KEYS = {
    "id",
    "name",
    "contactPerson",
    "email",
    "phone",
    "address",
    "taxId",
    "notes",
    "version",
    "createdAt",
    "updatedAt",
}


def post_client(client: TestClient, headers: dict[str, str], **body: object) -> dict:
    response = client.post("/api/clients", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_create_list_search_sort_page(client: TestClient, headers_for: HeadersFor) -> None:
    employee = headers_for(Role.EMPLOYEE)
    created = post_client(
        client,
        employee,
        name="Zeta Corp",
        email="events@zeta.pt",
        taxId="PT500",
        contactPerson="Ana",
    )
    assert set(created) == CLIENT_KEYS
    assert (created["taxId"], created["contactPerson"], created["version"]) == ("PT500", "Ana", 1)
    post_client(client, employee, name="Alpha Ltd")
    post_client(client, employee, name="Mid Co", contactPerson="Rui Zeta")
    viewer = headers_for(Role.VIEWER)
    listed = client.get("/api/clients?pageSize=2", headers=viewer)
    body = listed.json()
    assert_envelope(body, success=True)
    assert [c["name"] for c in body["data"]] == ["Alpha Ltd", "Mid Co"]
    assert body["pagination"] == {"page": 1, "pageSize": 2, "total": 3, "totalPages": 2}
    assert set(body["data"][0]) == CLIENT_KEYS | {"eventCount", "quoteCount", "clientValue"}
    found = client.get("/api/clients?search=zeta&sort=-name", headers=viewer)
    assert [c["name"] for c in found.json()["data"]] == ["Zeta Corp", "Mid Co"]
    assert_error(client.get("/api/clients?sort=taxId", headers=viewer), 422, "VALIDATION_ERROR")
    assert_error(client.get("/api/clients?page=0", headers=viewer), 422, "VALIDATION_ERROR")
    assert_error(client.get("/api/clients"), 401, "UNAUTHORIZED")


def test_detail_with_events_quotes_and_value(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine, "Acme", email="ops@acme.pt")
    make_event(engine, acme, date(2030, 5, 1), date(2030, 5, 2), name="Spring Gala")
    make_quote(engine, acme, QuoteStatus.ACCEPTED, "100.50")
    make_quote(engine, acme, QuoteStatus.ACCEPTED, "0.25")
    make_quote(engine, acme, QuoteStatus.SENT, "999.00")
    data = client.get(f"/api/clients/{acme.id}", headers=headers_for(Role.VIEWER)).json()["data"]
    assert set(data) == CLIENT_KEYS | {"contacts", "events", "quotes", "clientValue"}
    assert data["clientValue"] == "100.75"
    assert [e["name"] for e in data["events"]] == ["Spring Gala"]
    assert data["events"][0]["startDate"] == "2030-05-01"
    assert sorted(q["status"] for q in data["quotes"]) == ["Accepted", "Accepted", "Sent"]
    assert {q["total"] for q in data["quotes"]} == {"100.50", "0.25", "999.00"}
    assert data["contacts"] == [{"kind": "email", "value": "ops@acme.pt"}]
    assert_error(
        client.get(f"/api/clients/{uuid.uuid4()}", headers=headers_for(Role.VIEWER)),
        404,
        "NOT_FOUND",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A"}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Acme", "email": "nope"}, "email"),
        ({"name": "Acme", "phone": "1" * 31}, "phone"),
        ({"name": "Acme", "address": "a" * 201}, "address"),
        ({"name": "Acme", "notes": "n" * 1001}, "notes"),
        ({"name": "Acme", "taxId": "1" * 21}, "taxId"),
        ({"name": "Acme", "contactPerson": "c" * 101}, "contactPerson"),
        ({"name": "Acme", "vip": True}, "vip"),
        ({}, "name"),
    ],
)
def test_validation_is_422_with_camel_case_fields(
    client: TestClient, headers_for: HeadersFor, body: dict, field: str
) -> None:
    response = client.post("/api/clients", json=body, headers=headers_for(Role.EMPLOYEE))
    details = assert_error(response, 422, "VALIDATION_ERROR")["details"]
    assert list(details) == [field] and details[field][0]


def test_versioned_update_with_current_in_conflict(
    client: TestClient, headers_for: HeadersFor
) -> None:
    employee = headers_for(Role.EMPLOYEE)
    acme = post_client(client, employee, name="Acme", phone="123")
    first = client.patch(
        f"/api/clients/{acme['id']}",
        json={"version": 1, "phone": None, "notes": "VIP"},
        headers=employee,
    )
    assert first.status_code == 200
    assert (first.json()["data"]["phone"], first.json()["data"]["version"]) == (None, 2)
    stale = client.put(
        f"/api/clients/{acme['id']}", json={"version": 1, "name": "Late"}, headers=employee
    )
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert set(current) == CLIENT_KEYS and (current["notes"], current["version"]) == ("VIP", 2)
    bad = client.put(
        f"/api/clients/{acme['id']}", json={"version": 2, "email": "bad"}, headers=employee
    )
    assert list(assert_error(bad, 422, "VALIDATION_ERROR")["details"]) == ["email"]
    ghost = client.patch(f"/api/clients/{uuid.uuid4()}", json={"version": 1}, headers=employee)
    assert_error(ghost, 404, "NOT_FOUND")
    malformed = client.patch(
        f"/api/clients/{acme['id']}",
        content=b'{"version": 2,',
        headers={**employee, "content-type": "application/json"},
    )
    assert_error(malformed, 400, "BAD_REQUEST")


def test_delete_in_use_409_then_204(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    busy = make_client(engine, "Busy")
    make_quote(engine, busy, QuoteStatus.DRAFT, "10.00")
    manager = headers_for(Role.MANAGER)
    refused = client.delete(f"/api/clients/{busy.id}", headers=manager)
    body = assert_error(refused, 409, "IN_USE")
    assert body["details"] == {"events": 0, "quotes": 1}
    free = make_client(engine, "Free")
    assert_error(
        client.delete(f"/api/clients/{free.id}", headers=headers_for(Role.EMPLOYEE)),
        403,
        "FORBIDDEN",
    )
    assert_error(
        client.delete(f"/api/clients/{free.id}?version=2", headers=manager), 409, "VERSION_CONFLICT"
    )
    done = client.delete(f"/api/clients/{free.id}", headers=manager)
    assert done.status_code == 204 and done.content == b""
    assert_error(client.delete(f"/api/clients/{free.id}", headers=manager), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("role", "write", "delete"),
    [
        (Role.ADMIN, 201, 204),
        (Role.MANAGER, 201, 204),
        (Role.TECHNICIAN, 403, 403),
        (Role.EMPLOYEE, 201, 403),
        (Role.VIEWER, 403, 403),
    ],
)
def test_role_matrix(
    client: TestClient, engine: Engine, headers_for: HeadersFor, role: Role, write: int, delete: int
) -> None:
    existing = make_client(engine, "Existing")
    headers = headers_for(role)
    assert client.get("/api/clients", headers=headers).status_code == 200
    assert client.get(f"/api/clients/{existing.id}", headers=headers).status_code == 200
    assert client.post("/api/clients", json={"name": "New"}, headers=headers).status_code == write
    patched = client.patch(
        f"/api/clients/{existing.id}", json={"version": 1, "notes": "x"}, headers=headers
    )
    assert patched.status_code == (200 if write == 201 else 403)
    assert client.delete(f"/api/clients/{existing.id}", headers=headers).status_code == delete
