"""`/api/quotes`: envelope and camelCase, server-side totals, field errors, versioned saves,
workflow, duplicate, delete, approval (success and all-or-nothing conflict), role matrix
(both backends)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from avrentals.db import read_session
from avrentals.domain.enums import Role
from avrentals.domain.models import AuditLog, Event, Fee, Quote, QuoteItem, Rental
from tests.api.conftest import assert_envelope, assert_error, make_api_item
from tests.booking_factories import count, day, make_client, make_event, raw_rental
from tests.inventory_factories import insert

HeadersFor = Callable[..., dict[str, str]]


def line(item: Any, quantity: int = 1, **over: Any) -> dict[str, Any]:
    return {"itemType": "equipment", "equipmentId": str(item.id), "quantity": quantity} | over


def body(*lines: dict[str, Any], **over: Any) -> dict[str, Any]:
    return {
        "name": "Summer Festival",
        "location": "Lisbon Arena",
        "clientName": "Acme Events",
        "clientEmail": "bookings@acme.example",
        "startDate": day(0).isoformat(),
        "endDate": day(1).isoformat(),
        "items": list(lines),
    } | over


def create(client: TestClient, headers: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/quotes", json=data, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_create_read_and_list_in_camel_case(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.ADMIN)
    item = make_api_item(engine, "Moving head", daily_rate=Decimal("45.00"))
    insert(engine, Fee(name="Transport", amount=Decimal("25.00"), is_required=True))
    response = client.post(
        "/api/quotes",
        json=body(line(item, 2), discountValue=10, discountType="percentage", taxRate=0.23),
        headers=headers,
    )
    assert response.status_code == 201, response.text
    payload = response.json()
    assert_envelope(payload, success=True)
    data = payload["data"]
    # 2 x 45.00 x 2 days = 180.00; -10 % = 162.00; + 25.00 fee; tax 23 % of 187.00 = 43.01
    assert {k: data[k] for k in ("subTotal", "discountAmount", "feesTotal", "taxAmount")} == {
        "subTotal": "180.00",
        "discountAmount": "18.00",
        "feesTotal": "25.00",
        "taxAmount": "43.01",
    }
    assert (data["total"], data["taxRate"], data["status"], data["version"]) == (
        "230.01",
        0.23,
        "Draft",
        1,
    )
    assert data["number"].startswith("Q") and data["eventId"] is None
    first = data["items"][0]
    assert {k: first[k] for k in ("itemType", "unitPrice", "days", "lineTotal", "available")} == {
        "itemType": "equipment",
        "unitPrice": "45.00",
        "days": 2,
        "lineTotal": "180.00",
        "available": 10,
    }
    assert [i["description"] for i in data["items"]] == ["Moving head", "Transport"]
    got = client.get(f"/api/quotes/{data['id']}", headers=headers)
    assert got.status_code == 200 and got.json()["data"]["total"] == "230.01"
    listed = client.get("/api/quotes", params={"search": "summer"}, headers=headers).json()
    assert [(q["number"], q["itemCount"]) for q in listed["data"]] == [(data["number"], 2)]
    assert listed["pagination"] == {"page": 1, "pageSize": 20, "total": 1, "totalPages": 1}
    assert "items" not in listed["data"][0]


def test_server_ignores_totals_sent_by_the_client(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.EMPLOYEE)
    item = make_api_item(engine, daily_rate=Decimal("10.00"))
    forged = body(
        line(item, 1, lineTotal="0.01", days=40, unitPrice="10.00"),
        subTotal="0.01",
        discountAmount=0,
        feesTotal=0,
        taxAmount="0.00",
        total="0.01",
    )
    data = create(client, headers, forged)
    assert (data["subTotal"], data["taxAmount"], data["total"]) == ("20.00", "4.60", "24.60")
    assert data["items"][0]["lineTotal"] == "20.00" and data["items"][0]["days"] == 2
    with read_session(engine) as s:
        saved = s.exec(select(Quote)).one()
    assert str(saved.total) == "24.60"


FIELD_ERRORS = [
    ({"items": []}, "items"),
    ({"name": ""}, "name"),
    ({"clientName": ""}, "clientName"),
    ({"clientName": "x" * 101}, "clientName"),
    ({"clientEmail": "nope"}, "clientEmail"),
    ({"discountValue": -1}, "discountValue"),
    ({"discountValue": "100.5", "discountType": "percentage"}, "discountValue"),
    ({"taxRate": 1.5}, "taxRate"),
    ({"taxRate": -0.1}, "taxRate"),
    ({"startDate": day(5).isoformat(), "endDate": day(4).isoformat()}, "endDate"),
    ({"notes": "x" * 1001}, "notes"),
    ({"clientId": str(uuid.uuid4())}, "clientId"),
    ({"status": "Accepted"}, "status"),
]


@pytest.mark.parametrize(("change", "field"), FIELD_ERRORS)
def test_header_field_errors_are_422_with_camel_case_keys(
    client: TestClient,
    engine: Engine,
    headers_for: HeadersFor,
    change: dict[str, Any],
    field: str,
) -> None:
    item = make_api_item(engine)
    response = client.post("/api/quotes", json=body(line(item)) | change, headers=headers_for())
    details = assert_error(response, 422, "VALIDATION_ERROR")["details"]
    assert field in details, details
    assert count(engine, Quote) == 0


LINE_ERRORS = [
    ({"quantity": 0}, "items[0].quantity"),
    ({"quantity": 2.5}, "items[0].quantity"),
    ({"unitPrice": -1}, "items[0].unitPrice"),
    ({"unitPrice": "abc"}, "items[0].unitPrice"),
    ({"itemType": "drone"}, "items[0].itemType"),
    ({"equipmentId": None}, "items[0].equipmentId"),
    ({"feeType": "fixed"}, "items[0].feeType"),
    ({"colour": "red"}, "items[0].colour"),
]


@pytest.mark.parametrize(("change", "field"), LINE_ERRORS)
def test_line_field_errors_name_the_line(
    client: TestClient,
    engine: Engine,
    headers_for: HeadersFor,
    change: dict[str, Any],
    field: str,
) -> None:
    item = make_api_item(engine)
    response = client.post("/api/quotes", json=body(line(item) | change), headers=headers_for())
    details = assert_error(response, 422, "VALIDATION_ERROR")["details"]
    assert field in details, details


def test_put_patch_and_version_conflict(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.MANAGER)
    item = make_api_item(engine, daily_rate=Decimal("10.00"))
    quote = create(client, headers, body(line(item)))
    url = f"/api/quotes/{quote['id']}"
    put = client.put(url, json=body(line(item, 3), name="Renamed", version=1), headers=headers)
    assert put.status_code == 200, put.text
    assert (put.json()["data"]["version"], put.json()["data"]["subTotal"]) == (2, "60.00")
    patched = client.patch(url, json={"version": 2, "notes": "Load at 8"}, headers=headers)
    assert patched.status_code == 200, patched.text
    data = patched.json()["data"]
    assert (data["notes"], data["name"], data["items"][0]["quantity"], data["version"]) == (
        "Load at 8",
        "Renamed",
        3,
        3,
    )
    stale = client.patch(url, json={"version": 2, "notes": "late"}, headers=headers)
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert (current["version"], current["notes"], current["items"][0]["quantity"]) == (
        3,
        "Load at 8",
        3,
    )
    missing = client.put(url, json=body(line(item)), headers=headers)
    assert "version" in assert_error(missing, 422, "VALIDATION_ERROR")["details"]
    unknown = client.get(f"/api/quotes/{uuid.uuid4()}", headers=headers)
    assert_error(unknown, 404, "NOT_FOUND")


def test_workflow_over_the_api(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    headers = headers_for(Role.EMPLOYEE)
    item = make_api_item(engine)
    quote = create(client, headers, body(line(item)))
    url = f"/api/quotes/{quote['id']}/status"
    wrong = client.post(url, json={"status": "Accepted", "version": 1}, headers=headers)
    details = assert_error(wrong, 409, "INVALID_STATE")["details"]
    assert details == {"from": "Draft", "to": "Accepted"}
    sent = client.post(url, json={"status": "Sent", "version": 1}, headers=headers)
    assert sent.status_code == 200 and sent.json()["data"]["status"] == "Sent"
    stale = client.post(url, json={"status": "Declined", "version": 1}, headers=headers)
    assert_error(stale, 409, "VERSION_CONFLICT")
    bogus = client.post(url, json={"status": "Won", "version": 2}, headers=headers)
    assert "status" in assert_error(bogus, 422, "VALIDATION_ERROR")["details"]
    archived = client.post(url, json={"status": "Archived", "version": 2}, headers=headers)
    assert archived.json()["data"]["status"] == "Archived"
    edit = client.put(
        f"/api/quotes/{quote['id']}", json=body(line(item), version=3), headers=headers
    )
    assert_error(edit, 409, "INVALID_STATE")


def test_duplicate_delete_and_preview(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.ADMIN)
    item = make_api_item(engine)
    quote = create(client, headers, body(line(item, 2)))
    dup = client.post(f"/api/quotes/{quote['id']}/duplicate", headers=headers)
    assert dup.status_code == 201, dup.text
    copy = dup.json()["data"]
    assert copy["number"] != quote["number"] and copy["name"] == "Summer Festival (copy)"
    assert copy["total"] == quote["total"]
    stale = client.delete(f"/api/quotes/{copy['id']}", params={"version": 9}, headers=headers)
    assert assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]["version"] == 1
    gone = client.delete(f"/api/quotes/{copy['id']}", params={"version": 1}, headers=headers)
    assert gone.status_code == 204 and gone.content == b""
    assert count(engine, Quote) == 1
    preview = client.post(
        "/api/quotes/preview",
        json={
            "startDate": day(0).isoformat(),
            "endDate": day(0).isoformat(),
            "discountValue": "0.005",
            "items": [{"itemType": "service", "unitPrice": "0.35", "quantity": 3}],
            "total": "999",
        },
        headers=headers,
    )
    details = assert_error(preview, 422, "VALIDATION_ERROR")["details"]
    assert "discountValue" in details  # money has at most two decimals
    preview = client.post(
        "/api/quotes/preview",
        json={
            "startDate": day(0).isoformat(),
            "endDate": day(0).isoformat(),
            "taxRate": "0.23",
            "items": [{"itemType": "service", "unitPrice": "0.35", "quantity": 3}],
        },
        headers=headers,
    )
    assert preview.status_code == 200, preview.text
    totals = preview.json()["data"]
    # 1.05 + 23 % (0.2415 -> 0.24)
    assert (totals["subTotal"], totals["taxAmount"], totals["total"]) == ("1.05", "0.24", "1.29")
    assert count(engine, Quote) == 1


def _sent(client: TestClient, headers: dict[str, str], data: dict[str, Any]) -> dict[str, Any]:
    quote = create(client, headers, data)
    response = client.post(
        f"/api/quotes/{quote['id']}/status", json={"status": "Sent", "version": 1}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_approve_creates_the_event_with_rentals(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.EMPLOYEE)
    mic, desk = make_api_item(engine, "Mic"), make_api_item(engine, "Desk")
    acme = make_client(engine)
    quote = _sent(
        client,
        headers,
        body(
            line(mic, 2),
            line(desk, 1),
            {"itemType": "service", "description": "Crew", "unitPrice": 100},
            clientId=str(acme.id),
        ),
    )
    response = client.post(
        f"/api/quotes/{quote['id']}/approve", json={"version": 2}, headers=headers
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    event = data["event"]
    assert (data["quote"]["status"], data["quote"]["eventId"]) == ("Accepted", event["id"])
    assert data["quote"]["eventName"] == "Summer Festival"
    assert (event["name"], event["clientId"], event["startDate"], event["endDate"]) == (
        "Summer Festival",
        str(acme.id),
        day(0).isoformat(),
        day(1).isoformat(),
    )
    assert sorted((r["equipmentName"], r["quantityRented"]) for r in event["rentals"]) == [
        ("Desk", 1),
        ("Mic", 2),
    ]
    expected_link = {
        "id": quote["id"],
        "number": quote["number"],
        "name": "Summer Festival",
        "status": "Accepted",
    }
    assert event["quote"] == expected_link
    # The event links back to its quote, for every role that reads events.
    got = client.get(f"/api/events/{event['id']}", headers=headers_for(Role.VIEWER))
    assert got.status_code == 200 and got.json()["data"]["quote"] == expected_link
    again = client.post(f"/api/quotes/{quote['id']}/approve", json={"version": 3}, headers=headers)
    assert_error(again, 409, "INVALID_STATE")


def test_approve_without_linked_client_is_refused(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.ADMIN)
    item = make_api_item(engine)
    quote = _sent(client, headers, body(line(item)))
    response = client.post(
        f"/api/quotes/{quote['id']}/approve", json={"version": 2}, headers=headers
    )
    assert "clientId" in assert_error(response, 422, "VALIDATION_ERROR")["details"]
    assert count(engine, Event) == 0


def _state(engine: Engine) -> dict[str, Any]:
    with read_session(engine) as s:
        return {
            "quotes": [(q.status, q.version, q.event_id) for q in s.exec(select(Quote)).all()],
            "lines": len(s.exec(select(QuoteItem)).all()),
            "events": len(s.exec(select(Event)).all()),
            "rentals": sorted((str(r.event_id), r.quantity) for r in s.exec(select(Rental)).all()),
            "audit": len(s.exec(select(AuditLog)).all()),
        }


def test_approve_conflict_is_409_and_writes_nothing(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.ADMIN)
    short = make_api_item(engine, "Short", quantity=4)
    acme = make_client(engine)
    raw_rental(engine, make_event(engine, acme, day(1)), short, 3)
    quote = _sent(client, headers, body(line(short, 2), clientId=str(acme.id)))
    before = _state(engine)
    response = client.post(
        f"/api/quotes/{quote['id']}/approve", json={"version": 2}, headers=headers
    )
    lines = assert_error(response, 409, "RENTAL_CONFLICT")["details"]["lines"]
    assert [(ln["equipmentId"], ln["requested"], ln["available"]) for ln in lines] == [
        (str(short.id), 2, 1)
    ]
    assert _state(engine) == before


@pytest.mark.parametrize(
    ("role", "write", "delete"),
    [
        (Role.ADMIN, True, True),
        (Role.MANAGER, True, True),
        (Role.EMPLOYEE, True, False),
        (Role.TECHNICIAN, False, False),
        (Role.VIEWER, False, False),
    ],
)
def test_role_matrix(
    client: TestClient,
    engine: Engine,
    headers_for: HeadersFor,
    role: Role,
    write: bool,
    delete: bool,
) -> None:
    item = make_api_item(engine)
    acme = make_client(engine)
    owner = headers_for(Role.ADMIN)
    existing = create(client, owner, body(line(item), clientId=str(acme.id)))
    to_approve = _sent(client, owner, body(line(item), clientId=str(acme.id)))
    headers = headers_for(role)
    qid = existing["id"]
    assert client.get("/api/quotes", headers=headers).status_code == 200
    assert client.get(f"/api/quotes/{qid}", headers=headers).status_code == 200
    write_ok = {
        "create": client.post("/api/quotes", json=body(line(item)), headers=headers),
        "put": client.put(
            f"/api/quotes/{qid}", json=body(line(item, 2), version=1), headers=headers
        ),
        "duplicate": client.post(f"/api/quotes/{qid}/duplicate", headers=headers),
        "approve": client.post(
            f"/api/quotes/{to_approve['id']}/approve", json={"version": 2}, headers=headers
        ),
    }
    for action, response in write_ok.items():
        if write:
            assert response.status_code in (200, 201), (action, response.text)
        else:
            assert_error(response, 403, "FORBIDDEN")
    status = client.post(
        f"/api/quotes/{qid}/status",
        json={"status": "Sent", "version": 2 if write else 1},
        headers=headers,
    )
    assert status.status_code == (200 if write else 403)
    removed = client.delete(f"/api/quotes/{qid}", headers=headers)
    assert removed.status_code == (204 if delete else 403)
    unauthenticated = client.get("/api/quotes")
    assert_error(unauthenticated, 401, "UNAUTHORIZED")
