"""`/api/equipment[/{id}]`: list (paging, sort, search, filter), read, versioned PATCH."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.domain.enums import Role
from avrentals.domain.models import AuditLog, EquipmentItem
from tests.api.conftest import assert_envelope, assert_error, make_api_item

HeadersFor = Callable[[Role], dict[str, str]]
EQUIPMENT_KEYS = {
    "id",
    "name",
    "description",
    "categoryId",
    "categoryName",
    "subcategoryId",
    "subcategoryName",
    "type",
    "quantity",
    "quantityGood",
    "quantityDamaged",
    "quantityMaintenance",
    "status",
    "location",
    "dailyRate",
    "assetCode",
    "image",
    "imageUrl",
    "thumbnailUrl",
    "lowStockThreshold",
    "version",
    "createdAt",
    "updatedAt",
}
DETAIL_KEYS = {"counts", "upcomingBookings", "maintenance", "history"}


def saved(engine: Engine, item_id: uuid.UUID) -> EquipmentItem:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        return item


def names(response) -> list[str]:
    return [row["name"] for row in response.json()["data"]]


@pytest.fixture
def five_items(engine: Engine) -> list[EquipmentItem]:
    rates = ["30.00", "10.00", "50.00", "20.00", "40.00"]
    return [
        make_api_item(engine, name=f"Item {i}", daily_rate=Decimal(rate))
        for i, rate in enumerate(rates, start=1)
    ]


def test_item_shape_is_camel_case_with_money_as_string(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(
        engine, name="Shure SM58", quantity=10, description="Vocal mic", daily_rate=Decimal("45")
    )
    response = client.get("/api/equipment", headers=headers_for(Role.VIEWER))
    assert response.status_code == 200
    body = response.json()
    assert_envelope(body, success=True)
    [row] = body["data"]
    assert set(row) == EQUIPMENT_KEYS
    assert row["id"] == str(item.id)
    assert row["dailyRate"] == "45.00"
    assert row["categoryId"] == str(item.category_id)
    assert row["categoryName"].startswith("Audio ")
    assert row["subcategoryId"] is None and row["subcategoryName"] is None
    assert (row["type"], row["status"], row["description"]) == ("equipment", "good", "Vocal mic")
    assert (
        row["quantity"],
        row["quantityGood"],
        row["quantityDamaged"],
        row["quantityMaintenance"],
    ) == (10, 10, 0, 0)
    assert row["version"] == 1 and row["assetCode"] == item.asset_code
    assert row["createdAt"].endswith("Z") or row["createdAt"].endswith("+00:00")
    detail = client.get(f"/api/equipment/{item.id}", headers=headers_for(Role.VIEWER))
    assert detail.status_code == 200
    data = detail.json()["data"]
    assert {k: data[k] for k in EQUIPMENT_KEYS} == row
    assert set(data) == EQUIPMENT_KEYS | DETAIL_KEYS


def test_list_pages(
    client: TestClient, five_items: list[EquipmentItem], headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.EMPLOYEE)
    response = client.get("/api/equipment?page=2&pageSize=2", headers=headers)
    assert response.status_code == 200
    assert names(response) == ["Item 3", "Item 4"]
    assert response.json()["pagination"] == {"page": 2, "pageSize": 2, "total": 5, "totalPages": 3}
    last = client.get("/api/equipment?page=3&pageSize=2", headers=headers)
    assert names(last) == ["Item 5"]
    beyond = client.get("/api/equipment?page=9&pageSize=2", headers=headers)
    assert beyond.json()["data"] == [] and beyond.json()["pagination"]["total"] == 5


def test_list_sorts_by_allow_listed_keys(
    client: TestClient, five_items: list[EquipmentItem], headers_for: HeadersFor
) -> None:
    headers = headers_for(Role.VIEWER)
    assert names(client.get("/api/equipment?sort=-name", headers=headers)) == [
        "Item 5",
        "Item 4",
        "Item 3",
        "Item 2",
        "Item 1",
    ]
    by_rate = client.get("/api/equipment?sort=dailyRate", headers=headers)
    assert [r["dailyRate"] for r in by_rate.json()["data"]] == [
        "10.00",
        "20.00",
        "30.00",
        "40.00",
        "50.00",
    ]
    by_rate_desc = client.get("/api/equipment?sort=-dailyRate", headers=headers)
    assert names(by_rate_desc) == ["Item 3", "Item 5", "Item 1", "Item 4", "Item 2"]


@pytest.mark.parametrize("sort", ["password_hash", "-id", "name;drop table x", "-", ""])
def test_list_refuses_sort_outside_the_allow_list(
    client: TestClient, headers_for: HeadersFor, sort: str
) -> None:
    response = client.get("/api/equipment", params={"sort": sort}, headers=headers_for(Role.VIEWER))
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert list(body["details"]) == ["sort"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("pageSize=101", "pageSize"),
        ("pageSize=0", "pageSize"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("categoryId=not-a-uuid", "categoryId"),
    ],
)
def test_list_refuses_bad_paging_and_filters(
    client: TestClient, headers_for: HeadersFor, query: str, field: str
) -> None:
    response = client.get(f"/api/equipment?{query}", headers=headers_for(Role.VIEWER))
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert list(body["details"]) == [field]


def test_page_size_100_is_allowed(client: TestClient, headers_for: HeadersFor) -> None:
    response = client.get("/api/equipment?pageSize=100", headers=headers_for(Role.VIEWER))
    assert response.status_code == 200
    assert response.json()["pagination"]["pageSize"] == 100


def test_list_search_and_category_filter(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    mic = make_api_item(engine, name="Shure SM58", description="Dynamic vocal microphone")
    make_api_item(engine, name="Yamaha CL5", description="Digital mixing console")
    spot = make_api_item(engine, name="Robe Spot", asset_code="LX-ROBE-001")
    headers = headers_for(Role.VIEWER)
    assert names(client.get("/api/equipment?search=sm58", headers=headers)) == ["Shure SM58"]
    assert names(client.get("/api/equipment?search=VOCAL", headers=headers)) == ["Shure SM58"]
    assert names(client.get("/api/equipment?search=lx-robe", headers=headers)) == ["Robe Spot"]
    assert client.get("/api/equipment?search=zzz", headers=headers).json()["data"] == []
    only_mics = client.get(f"/api/equipment?categoryId={mic.category_id}", headers=headers)
    assert names(only_mics) == ["Shure SM58"]
    assert only_mics.json()["pagination"]["total"] == 1
    assert spot.category_id != mic.category_id


def test_unknown_item_is_404_and_bad_id_is_422(client: TestClient, headers_for: HeadersFor) -> None:
    headers = headers_for(Role.VIEWER)
    assert_error(client.get(f"/api/equipment/{uuid.uuid4()}", headers=headers), 404, "NOT_FOUND")
    body = assert_error(client.get("/api/equipment/42", headers=headers), 422, "VALIDATION_ERROR")
    assert list(body["details"]) == ["id"]


def test_patch_location_bumps_version_and_audits(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine, location="Aisle A")
    response = client.patch(
        f"/api/equipment/{item.id}",
        json={"version": 1, "location": "Truck 2"},
        headers=headers_for(Role.TECHNICIAN),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert set(data) == EQUIPMENT_KEYS
    assert (data["location"], data["version"]) == ("Truck 2", 2)
    assert data["categoryName"].startswith("Audio ")
    row = saved(engine, item.id)
    assert (row.location, row.version) == ("Truck 2", 2)
    with Session(engine) as s:
        [audit] = s.exec(select(AuditLog).where(AuditLog.action == "update")).all()
    assert audit.entity_type == "equipment" and audit.entity_id == str(item.id)
    assert audit.new_values == {"location": "Truck 2"}


def test_patch_with_stale_version_is_409_with_current(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine, location="Aisle A", daily_rate=Decimal("12.50"))
    first, second = headers_for(Role.MANAGER), headers_for(Role.TECHNICIAN)
    ok = client.patch(
        f"/api/equipment/{item.id}", json={"version": 1, "location": "Stage"}, headers=first
    )
    assert ok.status_code == 200
    stale = client.patch(
        f"/api/equipment/{item.id}", json={"version": 1, "location": "Dock"}, headers=second
    )
    body = assert_error(stale, 409, "VERSION_CONFLICT")
    current = body["details"]["current"]
    assert set(current) == EQUIPMENT_KEYS
    assert (current["location"], current["version"], current["dailyRate"]) == ("Stage", 2, "12.50")
    assert current == ok.json()["data"]
    row = saved(engine, item.id)
    assert (row.location, row.version) == ("Stage", 2)


def test_viewer_and_employee_may_read_but_not_patch(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine, location="Aisle A")
    for role in (Role.VIEWER, Role.EMPLOYEE):
        headers = headers_for(role)
        assert client.get(f"/api/equipment/{item.id}", headers=headers).status_code == 200
        response = client.patch(
            f"/api/equipment/{item.id}",
            json={"version": 1, "location": "Elsewhere"},
            headers=headers,
        )
        assert_error(response, 403, "FORBIDDEN")
    row = saved(engine, item.id)
    assert (row.location, row.version) == ("Aisle A", 1)


def test_patch_refuses_unknown_and_read_only_fields(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine, location="Aisle A")
    response = client.patch(
        f"/api/equipment/{item.id}",
        json={"version": 1, "location": "Truck", "status": "damaged", "colour": "red"},
        headers=headers_for(Role.ADMIN),
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert set(body["details"]) == {"status", "colour"}
    assert body["details"]["status"] == ["This field cannot be set here."]
    row = saved(engine, item.id)
    assert (row.name, row.location, row.version) == (item.name, "Aisle A", 1)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"version": 1, "location": "   "}, "location"),
        ({"version": 1, "location": "x" * 101}, "location"),
        ({"location": "Truck"}, "version"),
        ({"version": "1", "location": "Truck"}, "version"),
        ({"version": 1, "location": 7}, "location"),
    ],
)
def test_patch_validates_input(
    client: TestClient, engine: Engine, headers_for: HeadersFor, payload: dict, field: str
) -> None:
    item = make_api_item(engine, location="Aisle A")
    response = client.patch(
        f"/api/equipment/{item.id}", json=payload, headers=headers_for(Role.ADMIN)
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert list(body["details"]) == [field]
    assert saved(engine, item.id).version == 1


def test_patch_unknown_item_is_404(client: TestClient, headers_for: HeadersFor) -> None:
    response = client.patch(
        f"/api/equipment/{uuid.uuid4()}",
        json={"version": 1, "location": "Truck"},
        headers=headers_for(Role.ADMIN),
    )
    assert_error(response, 404, "NOT_FOUND")


def test_patch_malformed_json_is_400(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine)
    response = client.patch(
        f"/api/equipment/{item.id}",
        content=b'{"version": 1, "location": ',
        headers={**headers_for(Role.ADMIN), "content-type": "application/json"},
    )
    assert_error(response, 400, "BAD_REQUEST")
    assert saved(engine, item.id).version == 1


# --- Create / replace / patch / delete / detail (issue 3) ---


def new_category(engine: Engine, name: str = "Audio", *subs: str):
    from tests.inventory_factories import make_category

    return make_category(engine, name, *subs)


def test_create_201_with_generated_code_and_money_string(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    category, (mics,) = new_category(engine, "Audio", "Microphones")
    response = client.post(
        "/api/equipment",
        json={
            "name": "Shure SM58",
            "categoryId": str(category.id),
            "subcategoryId": str(mics.id),
            "quantity": 10,
            "location": "Aisle A",
            "dailyRate": 45,
        },
        headers=headers_for(Role.TECHNICIAN),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert set(data) == EQUIPMENT_KEYS
    assert (data["assetCode"], data["dailyRate"], data["status"], data["version"]) == (
        "AUD-0001",
        "45.00",
        "good",
        1,
    )
    assert (data["quantityGood"], data["quantityDamaged"], data["quantityMaintenance"]) == (
        10,
        0,
        0,
    )
    assert data["subcategoryName"] == "Microphones"
    as_string = client.post(
        "/api/equipment",
        json={
            "name": "Tape",
            "categoryId": str(category.id),
            "quantity": 3,
            "location": "Aisle A",
            "dailyRate": "2.50",
            "type": "consumable",
        },
        headers=headers_for(Role.MANAGER),
    )
    assert as_string.status_code == 201
    assert (as_string.json()["data"]["dailyRate"], as_string.json()["data"]["assetCode"]) == (
        "0.00",
        "AUD-0002",
    )


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"name": ""}, "name"),
        ({"quantity": -1}, "quantity"),
        ({"quantityGood": 4}, "quantity"),
        ({"dailyRate": "1.999"}, "dailyRate"),
        ({"dailyRate": -3}, "dailyRate"),
        ({"lowStockThreshold": -1}, "lowStockThreshold"),
        ({"type": "rental"}, "type"),
        ({"location": "  "}, "location"),
        ({"description": "d" * 501}, "description"),
        ({"subcategoryId": str(uuid.uuid4())}, "subcategoryId"),
        ({"categoryId": str(uuid.uuid4())}, "categoryId"),
        ({"status": "good"}, "status"),
        ({"quantity": 2.5}, "quantity"),
    ],
)
def test_create_validation_is_422_with_camel_case_fields(
    client: TestClient, engine: Engine, headers_for: HeadersFor, patch: dict, field: str
) -> None:
    category, _ = new_category(engine)
    payload = {"name": "Mic", "categoryId": str(category.id), "quantity": 5, "location": "A"}
    response = client.post(
        "/api/equipment", json={**payload, **patch}, headers=headers_for(Role.ADMIN)
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert list(body["details"]) == [field]
    assert all(isinstance(m, str) and m for m in body["details"][field])
    with Session(engine) as s:
        assert s.exec(select(EquipmentItem)).all() == []


def test_asset_code_is_manager_only(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    category, _ = new_category(engine)
    payload = {
        "name": "Mic",
        "categoryId": str(category.id),
        "quantity": 1,
        "location": "A",
        "assetCode": "MIC-7",
    }
    assert_error(
        client.post("/api/equipment", json=payload, headers=headers_for(Role.TECHNICIAN)),
        403,
        "FORBIDDEN",
    )
    created = client.post("/api/equipment", json=payload, headers=headers_for(Role.MANAGER))
    assert created.status_code == 201 and created.json()["data"]["assetCode"] == "MIC-7"
    dup = client.post("/api/equipment", json=payload, headers=headers_for(Role.ADMIN))
    assert list(assert_error(dup, 422, "VALIDATION_ERROR")["details"]) == ["assetCode"]


def test_put_and_patch_are_versioned_with_current_in_conflict(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    category, _ = new_category(engine)
    headers = headers_for(Role.TECHNICIAN)
    item = client.post(
        "/api/equipment",
        json={"name": "Mic", "categoryId": str(category.id), "quantity": 4, "location": "A"},
        headers=headers,
    ).json()["data"]
    put = client.put(
        f"/api/equipment/{item['id']}",
        json={
            "version": 1,
            "name": "Mic 2",
            "categoryId": str(category.id),
            "quantity": 5,
            "quantityDamaged": 1,
            "location": "B",
            "dailyRate": "7.5",
        },
        headers=headers,
    )
    assert put.status_code == 200, put.text
    data = put.json()["data"]
    assert (data["name"], data["version"], data["status"], data["quantityGood"]) == (
        "Mic 2",
        2,
        "damaged",
        4,
    )
    assert (data["dailyRate"], data["assetCode"]) == ("7.50", item["assetCode"])
    patch = client.patch(
        f"/api/equipment/{item['id']}",
        json={"version": 2, "quantityDamaged": 0, "description": "Repaired"},
        headers=headers,
    )
    assert patch.status_code == 200
    assert (patch.json()["data"]["status"], patch.json()["data"]["version"]) == ("good", 3)
    stale = client.put(
        f"/api/equipment/{item['id']}",
        json={
            "version": 1,
            "name": "Late",
            "categoryId": str(category.id),
            "quantity": 1,
            "location": "C",
        },
        headers=headers,
    )
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert set(current) == EQUIPMENT_KEYS
    assert (current["name"], current["version"], current["description"]) == ("Mic 2", 3, "Repaired")
    missing = client.put(
        f"/api/equipment/{item['id']}", json={"version": 3, "name": "X"}, headers=headers
    )
    assert set(assert_error(missing, 422, "VALIDATION_ERROR")["details"]) == {
        "categoryId",
        "quantity",
        "location",
    }


def test_delete_204_and_in_use_409(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    from datetime import date, timedelta

    from tests.inventory_factories import make_client, make_event, make_rental

    booked = make_api_item(engine, name="Booked")
    free = make_api_item(engine, name="Free")
    event = make_event(
        engine, make_client(engine), date.today(), date.today() + timedelta(days=1), name="Expo"
    )
    make_rental(engine, event, booked, 1)
    manager = headers_for(Role.MANAGER)
    refused = client.delete(f"/api/equipment/{booked.id}", headers=manager)
    body = assert_error(refused, 409, "IN_USE")
    assert "has rentals on current or future events" in body["error"]
    assert_error(
        client.delete(f"/api/equipment/{free.id}", headers=headers_for(Role.TECHNICIAN)),
        403,
        "FORBIDDEN",
    )
    stale = client.delete(f"/api/equipment/{free.id}?version=5", headers=manager)
    assert assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]["version"] == 1
    done = client.delete(f"/api/equipment/{free.id}?version=1", headers=manager)
    assert done.status_code == 204 and done.content == b""
    assert_error(client.delete(f"/api/equipment/{free.id}", headers=manager), 404, "NOT_FOUND")
    assert_error(client.get(f"/api/equipment/{free.id}", headers=manager), 404, "NOT_FOUND")


def test_detail_lists_bookings_maintenance_and_history(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    from datetime import date, timedelta

    from tests.inventory_factories import make_client, make_event, make_maintenance, make_rental

    item = make_api_item(engine, name="Mixer", quantity=3)
    event = make_event(
        engine,
        make_client(engine),
        date.today() + timedelta(days=2),
        date.today() + timedelta(days=3),
        name="Festival",
    )
    make_rental(engine, event, item, 2)
    make_maintenance(engine, item, date.today(), "Fader replaced")
    client.patch(
        f"/api/equipment/{item.id}",
        json={"version": 1, "location": "Truck"},
        headers=headers_for(Role.TECHNICIAN),
    )
    data = client.get(f"/api/equipment/{item.id}", headers=headers_for(Role.VIEWER)).json()["data"]
    assert data["counts"] == {"good": 3, "damaged": 0, "maintenance": 0}
    [booking] = data["upcomingBookings"]
    assert (booking["eventName"], booking["quantity"], booking["prepStatus"]) == (
        "Festival",
        2,
        "pending",
    )
    assert booking["startDate"] == (date.today() + timedelta(days=2)).isoformat()
    [repair] = data["maintenance"]
    assert (repair["description"], repair["cost"]) == ("Fader replaced", "15.50")
    assert data["history"][0]["action"] == "update"
    assert data["history"][0]["new"] == {"location": "Truck"}


def test_list_filters_subcategory_status_type_location(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    category, (mics, speakers) = new_category(engine, "Audio", "Mics", "Speakers")
    admin = headers_for(Role.ADMIN)
    for name, extra in (
        ("Mic", {"subcategoryId": str(mics.id)}),
        ("Speaker", {"subcategoryId": str(speakers.id), "quantityDamaged": 1, "location": "Bay 9"}),
        ("Tape", {"type": "consumable"}),
    ):
        payload = {
            "name": name,
            "categoryId": str(category.id),
            "quantity": 2,
            "location": "Aisle",
            **extra,
        }
        assert client.post("/api/equipment", json=payload, headers=admin).status_code == 201
    viewer = headers_for(Role.VIEWER)
    assert names(client.get(f"/api/equipment?subcategoryId={mics.id}", headers=viewer)) == ["Mic"]
    assert names(client.get("/api/equipment?status=damaged", headers=viewer)) == ["Speaker"]
    assert names(client.get("/api/equipment?type=consumable", headers=viewer)) == ["Tape"]
    assert names(client.get("/api/equipment?location=bay", headers=viewer)) == ["Speaker"]
    assert names(client.get("/api/equipment?sort=-status", headers=viewer))[-1] == "Speaker"
    bad = client.get("/api/equipment?status=broken", headers=viewer)
    assert list(assert_error(bad, 422, "VALIDATION_ERROR")["details"]) == ["status"]


@pytest.mark.parametrize(
    ("role", "write", "delete"),
    [
        (Role.ADMIN, 201, 204),
        (Role.MANAGER, 201, 204),
        (Role.TECHNICIAN, 201, 403),
        (Role.EMPLOYEE, 403, 403),
        (Role.VIEWER, 403, 403),
    ],
)
def test_role_matrix(
    client: TestClient, engine: Engine, headers_for: HeadersFor, role: Role, write: int, delete: int
) -> None:
    category, _ = new_category(engine)
    headers = headers_for(role)
    item = make_api_item(engine, name="Existing")
    assert client.get("/api/equipment", headers=headers).status_code == 200
    assert client.get(f"/api/equipment/{item.id}", headers=headers).status_code == 200
    created = client.post(
        "/api/equipment",
        json={"name": "New", "categoryId": str(category.id), "quantity": 1, "location": "A"},
        headers=headers,
    )
    assert created.status_code == write, created.text
    patched = client.patch(
        f"/api/equipment/{item.id}", json={"version": 1, "name": "Renamed"}, headers=headers
    )
    assert patched.status_code == (200 if write == 201 else 403)
    assert client.delete(f"/api/equipment/{item.id}", headers=headers).status_code == delete
    assert client.get("/api/equipment").status_code == 401
    assert client.post("/api/equipment", json={}).status_code == 401
