"""`/api/availability` and `/api/availability/conflicts`: X of Y with the ledger, the event
excluded from its own check, conflicts after damage, status codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from tests.api.conftest import assert_envelope, assert_error
from tests.booking_factories import day, make_client, make_event, raw_rental, set_good
from tests.factories import make_item

HeadersFor = Callable[[Role], dict[str, str]]


def test_available_x_of_y_with_ledger(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine)
    item = make_item(engine, name="Moving Head", quantity=10)
    first = make_event(engine, acme, day(0), day(1), name="First")
    second = make_event(engine, acme, day(2), day(3), name="Second")
    raw_rental(engine, first, item, 6)
    raw_rental(engine, second, item, 4)
    headers = headers_for(Role.VIEWER)
    url = f"/api/availability?equipmentId={item.id}&startDate={day(0)}&endDate={day(3)}"
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    assert_envelope(response.json(), success=True)
    data = response.json()["data"]
    assert (data["available"], data["bookable"], data["peakUsage"]) == (4, 10, 6)  # peak, not sum
    assert data["peakDays"] == [day(0).isoformat(), day(1).isoformat()]
    assert [d["booked"] for d in data["ledger"]] == [6, 6, 4, 4]
    assert data["ledger"][2]["rentals"][0]["eventName"] == "Second"
    excluded = client.get(url + f"&excludeEventId={first.id}&explain=false", headers=headers)
    assert excluded.json()["data"]["available"] == 6 and "ledger" not in excluded.json()["data"]
    short = client.get(
        f"/api/availability?equipmentId={item.id}&start={day(2)}&end={day(2)}", headers=headers
    )
    assert short.json()["data"]["available"] == 6


def test_availability_errors(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    item = make_item(engine)
    headers = headers_for(Role.VIEWER)
    assert_error(client.get(f"/api/availability?equipmentId={item.id}"), 401, "UNAUTHORIZED")
    body = assert_error(
        client.get(f"/api/availability?equipmentId={item.id}", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert set(body["details"]) == {"startDate", "endDate"}
    body = assert_error(
        client.get(
            f"/api/availability?equipmentId={item.id}&startDate={day(3)}&endDate={day(1)}",
            headers=headers,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert "endDate" in body["details"]
    assert_error(
        client.get(
            f"/api/availability?equipmentId={item.id}&startDate=2030-02-30&endDate={day(1)}",
            headers=headers,
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.get(
            f"/api/availability?equipmentId={uuid.uuid4()}&startDate={day(0)}&endDate={day(1)}",
            headers=headers,
        ),
        404,
        "NOT_FOUND",
    )
    assert_error(
        client.get(f"/api/availability?startDate={day(0)}&endDate={day(1)}", headers=headers),
        422,
        "VALIDATION_ERROR",
    )


def test_conflicts_after_units_are_damaged(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    acme = make_client(engine)
    item = make_item(engine, name="Projector", quantity=3)
    event = make_event(engine, acme, day(1), day(2), name="Expo")
    raw_rental(engine, event, item, 3)
    headers = headers_for(Role.EMPLOYEE)
    url = f"/api/availability/conflicts?from={day(0)}&to={day(5)}"
    assert client.get(url, headers=headers).json()["data"] == []
    set_good(engine, item, 2)
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    data = response.json()["data"]
    assert [(c["date"], c["booked"], c["bookable"]) for c in data] == [
        (day(1).isoformat(), 3, 2),
        (day(2).isoformat(), 3, 2),
    ]
    assert data[0]["item"] == {"id": str(item.id), "name": "Projector"}
    assert data[0]["events"][0]["eventId"] == str(event.id)
    body = assert_error(
        client.get("/api/availability/conflicts?from=2030-01-01", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert set(body["details"]) == {"to"}
    assert_error(
        client.get("/api/availability/conflicts?from=2030-01-01&to=2035-01-01", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(client.get(url), 401, "UNAUTHORIZED")
