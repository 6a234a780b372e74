"""`/api/events[/{id}]` and `/api/events/{id}/duplicate`: envelope, camelCase, status codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from avrentals.domain.models import Event, Rental
from tests.api.conftest import assert_envelope, assert_error
from tests.booking_factories import count, day, make_client, make_event, raw_rental
from tests.factories import make_item

HeadersFor = Callable[[Role], dict[str, str]]
EVENT_KEYS = {
    "id",
    "name",
    "clientId",
    "clientName",
    "location",
    "startDate",
    "endDate",
    "prepDays",
    "returnDays",
    "assignedUserId",
    "notes",
    "status",
    "version",
    "createdAt",
    "updatedAt",
}


def body_for(client_id, **over):
    return {
        "name": "Summer Festival",
        "clientId": str(client_id),
        "location": "Lisbon",
        "startDate": day(0).isoformat(),
        "endDate": day(2).isoformat(),
        "prepDays": 1,
        "returnDays": 1,
    } | over


def test_create_201_read_list_shape(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine, "Acme")
    response = client.post(
        "/api/events", json=body_for(acme.id), headers=headers_for(Role.EMPLOYEE)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert set(data) == EVENT_KEYS | {"assignedUserName", "rentals", "quote"}
    assert (data["startDate"], data["prepDays"], data["clientName"]) == (
        day(0).isoformat(),
        1,
        "Acme",
    )
    assert data["status"] == "upcoming" and data["version"] == 1 and data["rentals"] == []
    viewer = headers_for(Role.VIEWER)
    one = client.get(f"/api/events/{data['id']}", headers=viewer)
    assert one.status_code == 200 and one.json()["data"]["id"] == data["id"]
    assert one.json()["data"]["quote"] is None  # made by hand, not from a quote
    listing = client.get("/api/events?search=acme&status=upcoming&sort=-name", headers=viewer)
    assert listing.status_code == 200
    assert [set(r) for r in listing.json()["data"]] == [EVENT_KEYS]
    assert listing.json()["pagination"] == {"page": 1, "pageSize": 20, "total": 1, "totalPages": 1}
    assert client.get(f"/api/events?clientId={uuid.uuid4()}", headers=viewer).json()["data"] == []


def test_detail_lists_rentals_in_camel_case(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    event = make_event(engine, make_client(engine), day(0))
    raw_rental(engine, event, make_item(engine, name="Shure SM58"), 3)
    data = client.get(f"/api/events/{event.id}", headers=headers_for(Role.VIEWER)).json()["data"]
    [line] = data["rentals"]
    assert (line["equipmentName"], line["quantityRented"], line["prepStatus"]) == (
        "Shure SM58",
        3,
        "pending",
    )


def test_validation_errors_are_422_with_camel_case_fields(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.MANAGER)
    bad = body_for(uuid.uuid4(), name="ab", endDate=day(-1).isoformat(), prepDays=-2)
    body = assert_error(
        client.post("/api/events", json=bad, headers=headers), 422, "VALIDATION_ERROR"
    )
    assert set(body["details"]) == {"name", "clientId", "endDate", "prepDays"}
    body = assert_error(
        client.post("/api/events", json=body_for(uuid.uuid4(), extra=1), headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert "extra" in body["details"]
    assert_error(
        client.post(
            "/api/events", content=b"{nope", headers=headers | {"content-type": "application/json"}
        ),
        400,
        "BAD_REQUEST",
    )
    assert_error(client.get("/api/events?sort=password", headers=headers), 422, "VALIDATION_ERROR")
    assert_error(client.get("/api/events?pageSize=101", headers=headers), 422, "VALIDATION_ERROR")


def test_auth_and_permissions(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    acme = make_client(engine)
    assert_error(client.get("/api/events"), 401, "UNAUTHORIZED")
    assert_error(
        client.post("/api/events", json=body_for(acme.id), headers=headers_for(Role.TECHNICIAN)),
        403,
        "FORBIDDEN",
    )
    event = make_event(engine, acme, day(0))
    assert_error(
        client.delete(f"/api/events/{event.id}", headers=headers_for(Role.EMPLOYEE)),
        403,
        "FORBIDDEN",
    )
    assert_error(
        client.get(f"/api/events/{uuid.uuid4()}", headers=headers_for(Role.VIEWER)),
        404,
        "NOT_FOUND",
    )


def test_patch_put_versioned(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    acme = make_client(engine)
    event = make_event(engine, acme, day(0))
    headers = headers_for(Role.MANAGER)
    response = client.patch(
        f"/api/events/{event.id}", json={"version": 1, "name": "New Name"}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["data"]["name"], response.json()["data"]["version"]) == ("New Name", 2)
    stale = assert_error(
        client.patch(
            f"/api/events/{event.id}", json={"version": 1, "name": "Old"}, headers=headers
        ),
        409,
        "VERSION_CONFLICT",
    )
    assert stale["details"]["current"]["name"] == "New Name"
    assert stale["details"]["current"]["clientName"] == "Acme Events"
    put = client.put(
        f"/api/events/{event.id}", json=body_for(acme.id, version=2, prepDays=None), headers=headers
    )
    assert put.status_code == 200, put.text
    assert (
        put.json()["data"]["prepDays"] == 0 and put.json()["data"]["endDate"] == day(2).isoformat()
    )
    missing = assert_error(
        client.put(f"/api/events/{event.id}", json={"version": 3}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert {"name", "clientId", "location", "startDate", "endDate"} <= set(missing["details"])
    assert_error(
        client.patch(f"/api/events/{event.id}", json={"name": "No Version"}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )


def test_move_into_a_booked_period_is_409_rental_conflict(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine)
    item = make_item(engine, name="Line Array", quantity=4)
    mine, other = make_event(engine, acme, day(0)), make_event(engine, acme, day(5), name="Other")
    raw_rental(engine, mine, item, 3)
    raw_rental(engine, other, item, 2)
    body = assert_error(
        client.patch(
            f"/api/events/{mine.id}",
            json={"version": 1, "startDate": day(5).isoformat(), "endDate": day(5).isoformat()},
            headers=headers_for(Role.MANAGER),
        ),
        409,
        "RENTAL_CONFLICT",
    )
    [line] = body["details"]["lines"]
    assert line["equipmentId"] == str(item.id)
    assert (line["requested"], line["available"], line["peakDays"]) == (
        3,
        2,
        [day(5).isoformat()],
    )
    assert line["consumedBy"][0]["eventName"] == "Other"


def test_delete_204_removes_rentals(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    event = make_event(engine, make_client(engine), day(0))
    raw_rental(engine, event, make_item(engine), 2)
    headers = headers_for(Role.ADMIN)
    assert_error(
        client.delete(f"/api/events/{event.id}?version=5", headers=headers), 409, "VERSION_CONFLICT"
    )
    response = client.delete(f"/api/events/{event.id}", headers=headers)
    assert response.status_code == 204 and response.content == b""
    assert count(engine, Event) == 0 and count(engine, Rental) == 0
    assert_error(client.delete(f"/api/events/{event.id}", headers=headers), 404, "NOT_FOUND")


def test_duplicate_201_or_409(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    acme = make_client(engine)
    item = make_item(engine, name="Mixer", quantity=2)
    event = make_event(engine, acme, day(0), day(1), name="Tour")
    raw_rental(engine, event, item, 2)
    headers = headers_for(Role.EMPLOYEE)
    url = f"/api/events/{event.id}/duplicate"
    response = client.post(url, json={"startDate": day(7).isoformat()}, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert (data["name"], data["endDate"]) == ("Tour (copy)", day(8).isoformat())
    assert [r["quantityRented"] for r in data["rentals"]] == [2]
    body = assert_error(
        client.post(url, json={"startDate": day(1).isoformat()}, headers=headers),
        409,
        "RENTAL_CONFLICT",
    )
    assert body["details"]["lines"][0]["equipmentName"] == "Mixer"
    assert count(engine, Event) == 2
    assert_error(client.post(url, json={}, headers=headers), 422, "VALIDATION_ERROR")
    assert_error(
        client.post(url, json={"startDate": "tomorrow"}, headers=headers), 422, "VALIDATION_ERROR"
    )
    assert_error(
        client.post(url, json={"startDate": day(1).isoformat()}, headers=headers_for(Role.VIEWER)),
        403,
        "FORBIDDEN",
    )
