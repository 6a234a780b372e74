"""`/api/availability/timeline` and `/api/availability/conflicts/grouped`: the grid page with
pagination, the grouped conflicts, and every status code."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from tests.api.conftest import assert_envelope, assert_error
from tests.booking_factories import day, make_client, make_event, raw_rental, set_good
from tests.factories import make_item

HeadersFor = Callable[[Role], dict[str, str]]


def test_timeline_page(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    acme = make_client(engine)
    heads = make_item(engine, name="Moving Head", quantity=3)
    make_item(engine, name="Hazer", quantity=1)
    event = make_event(engine, acme, day(1), day(2), name="Gala", prep=1)
    raw_rental(engine, event, heads, 3)
    set_good(engine, heads, 2)
    headers = headers_for(Role.VIEWER)
    url = f"/api/availability/timeline?start={day(0)}&end={day(3)}&search=moving"
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_envelope(body, success=True)
    assert body["pagination"] == {"page": 1, "pageSize": 100, "total": 1, "totalPages": 1}
    (row,) = body["data"]["items"]
    assert (row["name"], row["bookable"], row["booked"]) == ("Moving Head", 2, [3, 3, 3, 0])
    assert row["conflictDays"] == [day(0).isoformat(), day(1).isoformat(), day(2).isoformat()]
    assert row["segments"][0]["events"][0]["eventName"] == "Gala"

    paged = client.get(
        f"/api/availability/timeline?start={day(0)}&end={day(3)}&pageSize=1&page=2",
        headers=headers,
    ).json()
    assert paged["pagination"]["total"] == 2 and len(paged["data"]["items"]) == 1

    grouped = client.get(
        f"/api/availability/conflicts/grouped?from={day(0)}&to={day(9)}", headers=headers
    )
    assert grouped.status_code == 200, grouped.text
    (group,) = grouped.json()["data"]
    assert group["item"]["name"] == "Moving Head"
    assert [(s["startDate"], s["endDate"], s["booked"]) for s in group["spans"]] == [
        (day(0).isoformat(), day(2).isoformat(), 3)
    ]
    default = client.get("/api/availability/conflicts/grouped", headers=headers)
    assert default.status_code == 200 and default.json()["data"] == []  # 2030 is not in 90 days


def test_timeline_errors(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    headers = headers_for(Role.VIEWER)
    base = "/api/availability/timeline"
    assert_error(client.get(f"{base}?start={day(0)}&end={day(1)}"), 401, "UNAUTHORIZED")
    body = assert_error(client.get(base, headers=headers), 422, "VALIDATION_ERROR")
    assert set(body["details"]) == {"start", "end"}
    body = assert_error(
        client.get(f"{base}?start={day(0)}&end={day(92)}", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert set(body["details"]) == {"end"}
    body = assert_error(
        client.get(f"{base}?start={day(0)}&end={day(1)}&pageSize=500", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert "pageSize" in body["details"]
    assert_error(
        client.get(f"{base}?start=yesterday&end={day(1)}", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(
        client.get(f"{base}?start={day(0)}&end={day(1)}&categoryId=nope", headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    body = assert_error(
        client.get(
            f"/api/availability/conflicts/grouped?from={day(3)}&to={day(1)}", headers=headers
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(body["details"]) == {"to"}
    assert_error(client.get("/api/availability/conflicts/grouped"), 401, "UNAUTHORIZED")
