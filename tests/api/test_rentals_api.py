"""`/api/rentals[/{id}]`: both booking shapes, all-or-nothing, 409 RENTAL_CONFLICT details,
versioned PATCH, DELETE 204, filters, status codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from avrentals.domain.models import Rental
from tests.api.conftest import assert_envelope, assert_error
from tests.booking_factories import count, day, make_client, make_event, raw_rental, rentals_of
from tests.factories import make_item

HeadersFor = Callable[[Role], dict[str, str]]
RENTAL_KEYS = {
    "id",
    "eventId",
    "eventName",
    "equipmentId",
    "equipmentName",
    "categoryName",
    "quantityRented",
    "prepStatus",
    "scannedOut",
    "scannedIn",
    "notes",
    "version",
    "createdAt",
    "updatedAt",
}


def test_single_line_with_quantity_or_quantity_rented(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_item(engine, quantity=10)
    event = make_event(engine, make_client(engine), day(0))
    headers = headers_for(Role.TECHNICIAN)
    response = client.post(
        "/api/rentals",
        json={"eventId": str(event.id), "equipmentId": str(item.id), "quantity": 2},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert_envelope(response.json(), success=True)
    data = response.json()["data"]
    assert set(data) == RENTAL_KEYS
    assert (data["quantityRented"], data["prepStatus"], data["version"]) == (2, "pending", 1)
    again = client.post(
        "/api/rentals",
        json={"eventId": str(event.id), "equipmentId": str(item.id), "quantityRented": 3},
        headers=headers,
    )
    assert again.status_code == 201
    assert (again.json()["data"]["id"], again.json()["data"]["quantityRented"]) == (data["id"], 5)


def test_several_lines_all_or_nothing(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine)
    a, b = make_item(engine, name="Alpha", quantity=3), make_item(engine, name="Bravo", quantity=1)
    c = make_item(engine, name="Charlie", quantity=1)
    other = make_event(engine, acme, day(0), name="Other")
    raw_rental(engine, other, b, 1)
    raw_rental(engine, other, c, 1)
    event = make_event(engine, acme, day(0))
    headers = headers_for(Role.EMPLOYEE)
    lines = [
        {"equipmentId": str(a.id), "quantity": 2},
        {"equipmentId": str(b.id), "quantity": 1},
        {"equipmentId": str(c.id), "quantityRented": 1},
    ]
    body = assert_error(
        client.post(
            "/api/rentals", json={"eventId": str(event.id), "equipment": lines}, headers=headers
        ),
        409,
        "RENTAL_CONFLICT",
    )
    failing = body["details"]["lines"]
    assert {line["equipmentName"] for line in failing} == {"Bravo", "Charlie"}
    assert all(
        line["available"] == 0 and line["consumedBy"][0]["eventName"] == "Other" for line in failing
    )
    assert body["details"]["windows"] == [
        {"startDate": day(0).isoformat(), "endDate": day(0).isoformat()}
    ]
    assert rentals_of(engine, event.id) == {}
    ok = client.post(
        "/api/rentals", json={"eventId": str(event.id), "equipment": lines[:1]}, headers=headers
    )
    assert ok.status_code == 201
    assert [r["quantityRented"] for r in ok.json()["data"]] == [2]


def test_bad_bodies_are_422(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    item = make_item(engine)
    event = make_event(engine, make_client(engine), day(0))
    headers = headers_for(Role.ADMIN)
    cases = [
        ({"eventId": str(event.id), "equipmentId": str(item.id)}, "quantity"),
        ({"eventId": str(event.id), "equipmentId": str(item.id), "quantity": 0}, "quantity"),
        ({"eventId": str(event.id), "quantity": 1}, "equipmentId"),
        ({"eventId": "x", "equipmentId": str(item.id), "quantity": 1}, "eventId"),
        (
            {
                "eventId": str(event.id),
                "equipment": [{"equipmentId": str(item.id), "quantity": -1}],
            },
            "equipment[0].quantity",
        ),
        ({"eventId": str(event.id), "equipment": []}, "equipment"),
        (
            {
                "eventId": str(event.id),
                "quantity": 0,
                "equipment": [{"equipmentId": str(item.id), "quantity": 1}],
            },
            "equipment",
        ),
        ({"eventId": str(event.id), "equipmentId": str(item.id), "quantity": "2"}, "quantity"),
    ]
    for payload, field in cases:
        body = assert_error(
            client.post("/api/rentals", json=payload, headers=headers), 422, "VALIDATION_ERROR"
        )
        assert field in body["details"], (payload, body["details"])
    assert count(engine, Rental) == 0


def test_unknown_event_or_item_404_forbidden_403_unauth_401(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_item(engine)
    event = make_event(engine, make_client(engine), day(0))
    headers = headers_for(Role.EMPLOYEE)
    for payload in (
        {"eventId": str(uuid.uuid4()), "equipmentId": str(item.id), "quantity": 1},
        {"eventId": str(event.id), "equipmentId": str(uuid.uuid4()), "quantity": 1},
    ):
        assert_error(client.post("/api/rentals", json=payload, headers=headers), 404, "NOT_FOUND")
    payload = {"eventId": str(event.id), "equipmentId": str(item.id), "quantity": 1}
    assert_error(
        client.post("/api/rentals", json=payload, headers=headers_for(Role.VIEWER)),
        403,
        "FORBIDDEN",
    )
    assert_error(client.post("/api/rentals", json=payload), 401, "UNAUTHORIZED")
    assert_error(client.get(f"/api/rentals/{uuid.uuid4()}", headers=headers), 404, "NOT_FOUND")


def test_patch_quantity_versioned_and_checked(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine)
    item = make_item(engine, quantity=4)
    event, other = make_event(engine, acme, day(0)), make_event(engine, acme, day(0))
    raw_rental(engine, other, item, 2)
    line = raw_rental(engine, event, item, 1)
    headers = headers_for(Role.EMPLOYEE)
    url = f"/api/rentals/{line.id}"
    response = client.patch(url, json={"version": 1, "quantityRented": 2}, headers=headers)
    assert response.status_code == 200, response.text
    assert (response.json()["data"]["quantityRented"], response.json()["data"]["version"]) == (2, 2)
    stale = assert_error(
        client.patch(url, json={"version": 1, "quantity": 1}, headers=headers),
        409,
        "VERSION_CONFLICT",
    )
    assert stale["details"]["current"]["quantityRented"] == 2
    conflict = assert_error(
        client.patch(url, json={"version": 2, "quantity": 3}, headers=headers),
        409,
        "RENTAL_CONFLICT",
    )
    assert conflict["details"]["lines"][0]["available"] == 2
    assert_error(client.patch(url, json={"version": 2}, headers=headers), 422, "VALIDATION_ERROR")
    assert_error(
        client.patch(
            f"/api/rentals/{uuid.uuid4()}", json={"version": 1, "quantity": 1}, headers=headers
        ),
        404,
        "NOT_FOUND",
    )


def test_list_filters_and_delete(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine)
    a, b = make_item(engine, name="A"), make_item(engine, name="B")
    e1, e2 = make_event(engine, acme, day(0)), make_event(engine, acme, day(1))
    line = raw_rental(engine, e1, a, 1)
    raw_rental(engine, e1, b, 1)
    raw_rental(engine, e2, a, 1)
    viewer = headers_for(Role.VIEWER)
    listing = client.get(f"/api/rentals?eventId={e1.id}", headers=viewer).json()
    assert [r["equipmentName"] for r in listing["data"]] == ["A", "B"]
    assert listing["pagination"]["total"] == 2
    by_item = client.get(f"/api/rentals?equipmentId={a.id}&pageSize=1", headers=viewer).json()
    assert by_item["pagination"] == {"page": 1, "pageSize": 1, "total": 2, "totalPages": 2}
    one = client.get(f"/api/rentals/{line.id}", headers=viewer)
    assert one.status_code == 200 and one.json()["data"]["eventName"] == e1.name
    assert_error(client.delete(f"/api/rentals/{line.id}", headers=viewer), 403, "FORBIDDEN")
    manager = headers_for(Role.MANAGER)
    assert_error(
        client.delete(f"/api/rentals/{line.id}?version=9", headers=manager), 409, "VERSION_CONFLICT"
    )
    response = client.delete(f"/api/rentals/{line.id}", headers=manager)
    assert response.status_code == 204
    assert rentals_of(engine, e1.id) == {b.id: 1}
    assert_error(client.delete(f"/api/rentals/{line.id}", headers=manager), 404, "NOT_FOUND")
