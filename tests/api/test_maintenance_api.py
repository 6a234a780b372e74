"""`/api/maintenance`: status codes, envelope, camelCase 422 details, 409s and the role matrix
(Admin, Manager, Technician write; Employee and Viewer read only)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.domain.enums import Role
from avrentals.domain.models import EquipmentItem
from tests.api.conftest import assert_envelope, assert_error
from tests.factories import make_item

Headers = Callable[[Role], dict[str, str]]


def counts(engine: Engine, item_id: Any) -> tuple[int, int, int]:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        return item.qty_good, item.qty_damaged, item.qty_maintenance


def create(client: TestClient, headers: dict[str, str], **body: Any):
    return client.post("/api/maintenance", json=body, headers=headers)


def test_raise_request_then_repair_back_to_good(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    tech = headers_for(Role.TECHNICIAN)
    item = make_item(engine, quantity=4)
    response = create(
        client,
        tech,
        equipmentId=str(item.id),
        description="Annual service",
        units=2,
        cost=12.5,
        toStatus="maintenance",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert_envelope(body, success=True)
    log = body["data"]
    assert log["fromStatus"] == "good" and log["toStatus"] == "maintenance"
    assert log["cost"] == "12.50" and log["status"] == "open" and log["version"] == 1
    assert log["technicianName"] == "Test Technician" and log["equipmentName"] == "Shure SM58"
    assert log["logDate"] == date.today().isoformat()
    assert counts(engine, item.id) == (2, 0, 2)

    items = client.get("/api/maintenance/items", headers=tech).json()
    assert [i["name"] for i in items["data"]] == ["Shure SM58"]
    assert items["data"][0]["quantityMaintenance"] == 2
    assert items["data"][0]["openLogs"][0]["id"] == log["id"]
    assert items["pagination"] == {"page": 1, "pageSize": 20, "total": 1, "totalPages": 1}

    repaired = create(
        client,
        tech,
        equipmentId=str(item.id),
        description="Drivers replaced",
        units=2,
        fromStatus="maintenance",
        toStatus="good",
        cost="80.00",
        close=True,
    )
    assert repaired.status_code == 201, repaired.text
    assert repaired.json()["data"]["status"] == "closed"
    assert counts(engine, item.id) == (4, 0, 0)
    assert client.get("/api/maintenance/items", headers=tech).json()["data"] == []

    history = client.get(f"/api/maintenance?equipmentId={item.id}", headers=tech).json()
    assert [h["description"] for h in history["data"]] == ["Drivers replaced", "Annual service"]
    assert {h["status"] for h in history["data"]} == {"closed"}  # the request closed itself
    opened = client.get("/api/maintenance?status=open", headers=tech).json()
    assert opened["data"] == [] and opened["pagination"]["total"] == 0


def test_validation_details_are_camel_case(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    tech = headers_for(Role.TECHNICIAN)
    item = make_item(engine, quantity=2)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    body = assert_error(
        create(
            client,
            tech,
            equipmentId=str(item.id),
            logDate=tomorrow,
            description="no",
            cost="-3",
            units=0,
            toStatus="broken",
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert set(body["details"]) == {"logDate", "description", "cost", "units", "toStatus"}
    body = assert_error(
        create(client, tech, equipmentId=str(item.id), description="Too many", units=3),
        422,
        "VALIDATION_ERROR",
    )
    assert body["details"] == {"units": ["Only 2 unit(s) of Shure SM58 are good."]}
    body = assert_error(
        create(client, tech, equipmentId=str(item.id), description="Colour", units=1, colour="red"),
        422,
        "VALIDATION_ERROR",
    )
    assert body["details"] == {"colour": ["This field cannot be set here."]}
    body = assert_error(
        create(client, tech, description="Missing item", units=1), 422, "VALIDATION_ERROR"
    )
    assert body["details"] == {"equipmentId": ["This field is required."]}
    assert_error(
        create(client, tech, equipmentId=str(item.id), description="Quoted", units="1"),
        422,
        "VALIDATION_ERROR",
    )
    unknown = "00000000-0000-0000-0000-000000000001"
    assert_error(
        create(client, tech, equipmentId=unknown, description="Ghost item", units=1),
        404,
        "NOT_FOUND",
    )
    assert counts(engine, item.id) == (2, 0, 0)
    bad_filter = client.get("/api/maintenance?status=pending", headers=tech)
    assert assert_error(bad_filter, 422, "VALIDATION_ERROR")["details"].keys() == {"status"}


def test_patch_and_close_versions(client: TestClient, engine: Engine, headers_for: Headers) -> None:
    tech = headers_for(Role.TECHNICIAN)
    item = make_item(engine, quantity=3)
    log = create(
        client, tech, equipmentId=str(item.id), description="Fan noise", units=1, toStatus="damaged"
    ).json()["data"]
    url = f"/api/maintenance/{log['id']}"
    assert client.get(url, headers=tech).json()["data"]["toStatus"] == "damaged"

    patched = client.patch(
        url, json={"version": 1, "cost": "25", "description": "Fan replaced"}, headers=tech
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["cost"] == "25.00" and patched.json()["data"]["version"] == 2

    stale = assert_error(
        client.patch(url, json={"version": 1, "cost": "30"}, headers=tech), 409, "VERSION_CONFLICT"
    )
    assert stale["details"]["current"]["version"] == 2
    assert stale["details"]["current"]["description"] == "Fan replaced"
    assert_error(
        client.patch(url, json={"version": 2, "units": 3}, headers=tech), 422, "VALIDATION_ERROR"
    )

    assert_error(
        client.post(f"{url}/close", json={"version": 1}, headers=tech), 409, "VERSION_CONFLICT"
    )
    closed = client.post(f"{url}/close", json={"version": 2}, headers=tech)
    assert closed.status_code == 200 and closed.json()["data"]["status"] == "closed"
    assert closed.json()["data"]["closedAt"]
    assert_error(
        client.post(f"{url}/close", json={"version": 3}, headers=tech), 409, "INVALID_STATE"
    )
    assert_error(client.post(f"{url}/close", json={}, headers=tech), 422, "VALIDATION_ERROR")
    assert counts(engine, item.id) == (2, 1, 0)  # closing moves no units
    missing = "/api/maintenance/00000000-0000-0000-0000-000000000002"
    assert_error(client.get(missing, headers=tech), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("role", "may_write"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.TECHNICIAN, True),
        (Role.EMPLOYEE, False),
        (Role.VIEWER, False),
    ],
)
def test_role_matrix(
    client: TestClient, engine: Engine, headers_for: Headers, role: Role, may_write: bool
) -> None:
    item = make_item(engine, quantity=3)
    seed = create(
        client,
        headers_for(Role.ADMIN),
        equipmentId=str(item.id),
        description="Seeded request",
        units=1,
        toStatus="maintenance",
    ).json()["data"]
    headers = headers_for(role)
    # Everyone signed in reads.
    assert client.get("/api/maintenance", headers=headers).status_code == 200
    assert client.get("/api/maintenance/items", headers=headers).status_code == 200
    assert client.get(f"/api/maintenance/{seed['id']}", headers=headers).status_code == 200

    made = create(
        client,
        headers,
        equipmentId=str(item.id),
        description="Role check",
        units=1,
        toStatus="damaged",
    )
    patched = client.patch(
        f"/api/maintenance/{seed['id']}", json={"version": 1, "cost": "5"}, headers=headers
    )
    closed = client.post(
        f"/api/maintenance/{seed['id']}/close", json={"version": 2}, headers=headers
    )
    if may_write:
        assert (made.status_code, patched.status_code, closed.status_code) == (201, 200, 200)
        assert counts(engine, item.id) == (1, 1, 1)
    else:
        for response in (made, patched, closed):
            assert_error(response, 403, "FORBIDDEN")
        assert counts(engine, item.id) == (2, 0, 1)


def test_signed_out_is_401(client: TestClient) -> None:
    assert_error(client.get("/api/maintenance"), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/maintenance", json={}), 401, "UNAUTHORIZED")


def test_openapi_documents_the_routes(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/api/maintenance"])
    assert "get" in paths["/api/maintenance/items"]
    assert {"get", "patch"} <= set(paths["/api/maintenance/{id}"])
    assert "post" in paths["/api/maintenance/{id}/close"]
