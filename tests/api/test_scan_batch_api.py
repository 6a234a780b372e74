"""Prep over REST (DESIGN §10): `POST /api/rentals/scan-batch` (idempotency, timestamp order,
per-scan statuses, 500 scans in one batch, roles), `GET /api/events/{id}/prep` and
`POST /api/events/{id}/scan`."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.domain.enums import Role
from avrentals.domain.models import Rental, ScanLog
from tests.api.conftest import assert_envelope, assert_error
from tests.booking_factories import day, make_client, make_event, raw_rental
from tests.factories import make_item

T0 = datetime(2030, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def booked(engine: Engine):
    event = make_event(engine, make_client(engine), day(0), day(1))
    mic = make_item(engine, "Shure SM58", quantity=600, location="Aisle A")
    rental = raw_rental(engine, event, mic, 500)
    return event, mic, rental


def entry(event, item, kind="checkout", at=0.0, sid=None):
    return {
        "id": str(sid or uuid.uuid4()),
        "eventId": str(event.id),
        "equipmentId": str(item.id),
        "scanType": kind,
        "timestamp": (T0 + timedelta(seconds=at)).isoformat().replace("+00:00", "Z"),
    }


def counters(engine, rental_id) -> tuple[int, int]:
    with Session(engine) as s:
        row = s.get(Rental, rental_id)
        assert row is not None
        return row.scanned_out, row.scanned_in


def test_batch_answers_per_scan_and_replays_are_duplicates(client, headers_for, engine, booked):
    event, mic, rental = booked
    stray = make_item(engine, "Stray")
    headers = headers_for(Role.TECHNICIAN)
    scans = [
        entry(event, mic, "checkin", at=3),  # sent first, scanned after the check-outs
        entry(event, mic, at=1),
        entry(event, mic, at=2),
        entry(event, stray, at=4),
        {**entry(event, mic, at=5), "eventId": str(uuid.uuid4())},
    ]
    response = client.post("/api/rentals/scan-batch", json={"scans": scans}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert_envelope(body, success=True)
    assert body["data"]["processed"] == 5
    assert [(r["id"], r["status"]) for r in body["data"]["results"]] == [
        (scans[0]["id"], "OK"),
        (scans[1]["id"], "OK"),
        (scans[2]["id"], "OK"),
        (scans[3]["id"], "NOT_ON_EVENT"),
        (scans[4]["id"], "VERSION_CONFLICT"),
    ]
    assert all(r["message"] for r in body["data"]["results"])
    assert counters(engine, rental.id) == (2, 1)
    again = client.post("/api/rentals/scan-batch", json={"scans": scans}, headers=headers)
    # Applied (or logged) scans are duplicates; the one whose event is gone was never
    # applied and still cannot be.
    replayed = [r["status"] for r in again.json()["data"]["results"]]
    assert replayed == ["DUPLICATE"] * 4 + ["VERSION_CONFLICT"]
    assert counters(engine, rental.id) == (2, 1)


def test_quantity_complete_when_the_line_is_full(client, headers_for, engine):
    event = make_event(engine, make_client(engine), day(0))
    item = make_item(engine, "Truss", quantity=2)
    rental = raw_rental(engine, event, item, 1)
    scans = [entry(event, item, at=i) for i in range(3)]
    response = client.post(
        "/api/rentals/scan-batch", json={"scans": scans}, headers=headers_for(Role.EMPLOYEE)
    )
    statuses = [r["status"] for r in response.json()["data"]["results"]]
    assert statuses == ["OK", "QUANTITY_COMPLETE", "QUANTITY_COMPLETE"]
    assert counters(engine, rental.id) == (1, 0)


def test_500_scans_in_one_batch(client, headers_for, engine, booked):
    event, mic, rental = booked
    scans = [entry(event, mic, at=i / 10) for i in range(500)]
    started = time.perf_counter()
    response = client.post(
        "/api/rentals/scan-batch", json={"scans": scans}, headers=headers_for(Role.ADMIN)
    )
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["processed"] == 500
    assert {r["status"] for r in data["results"]} == {"OK"}
    assert counters(engine, rental.id) == (500, 0)
    with Session(engine) as s:
        assert len(s.exec(select(ScanLog.id)).all()) == 500
    assert elapsed < 5  # generous here; bench/prep.py measures the real figure


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ADMIN, 200),
        (Role.MANAGER, 200),
        (Role.TECHNICIAN, 200),
        (Role.EMPLOYEE, 200),
        (Role.VIEWER, 403),
    ],
)
def test_role_matrix(client, headers_for, engine, booked, role, status):
    event, mic, rental = booked
    response = client.post(
        "/api/rentals/scan-batch", json={"scans": [entry(event, mic)]}, headers=headers_for(role)
    )
    if status == 403:
        assert_error(response, 403, "FORBIDDEN")
        assert counters(engine, rental.id) == (0, 0)
    else:
        assert response.status_code == 200
        assert counters(engine, rental.id) == (1, 0)


def test_batch_needs_a_token_and_a_well_formed_body(client, headers_for, engine, booked):
    event, mic, _ = booked
    assert_error(
        client.post("/api/rentals/scan-batch", json={"scans": [entry(event, mic)]}),
        401,
        "UNAUTHORIZED",
    )
    headers = headers_for(Role.ADMIN)
    bad = {**entry(event, mic), "scanType": "sideways"}
    assert_error(
        client.post("/api/rentals/scan-batch", json={"scans": [bad]}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    extra = {**entry(event, mic), "quantity": 3}
    assert_error(
        client.post("/api/rentals/scan-batch", json={"scans": [extra]}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )
    too_many = [entry(event, mic) for _ in range(1001)]
    assert_error(
        client.post("/api/rentals/scan-batch", json={"scans": too_many}, headers=headers),
        422,
        "VALIDATION_ERROR",
    )


def test_checklist_and_single_scan_routes(client, headers_for, engine, booked):
    event, mic, rental = booked
    viewer = headers_for(Role.VIEWER)
    response = client.get(f"/api/events/{event.id}/prep", headers=viewer)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["totals"]["quantity"] == 500
    line = data["groups"][0]["lines"][0]
    assert (line["assetCode"], line["scannedOut"], line["outState"]) == (mic.asset_code, 0, "none")
    assert_error(
        client.post(
            f"/api/events/{event.id}/scan",
            json={"code": mic.asset_code, "scanType": "checkout"},
            headers=viewer,
        ),
        403,
        "FORBIDDEN",
    )
    tech = headers_for(Role.TECHNICIAN)
    sid = str(uuid.uuid4())
    body = {"code": mic.asset_code, "scanType": "checkout", "scanId": sid, "device": "tablet-1"}
    first = client.post(f"/api/events/{event.id}/scan", json=body, headers=tech).json()["data"]
    assert (first["result"], first["line"]["scannedOut"]) == ("OK", 1)
    again = client.post(f"/api/events/{event.id}/scan", json=body, headers=tech).json()["data"]
    assert again["result"] == "DUPLICATE"
    unknown = client.post(
        f"/api/events/{event.id}/scan",
        json={"code": "ZZZ-404", "scanType": "checkout"},
        headers=tech,
    ).json()["data"]
    assert unknown["result"] == "UNKNOWN_CODE"
    assert counters(engine, rental.id) == (1, 0)
    assert_error(client.get(f"/api/events/{uuid.uuid4()}/prep", headers=viewer), 404, "NOT_FOUND")
