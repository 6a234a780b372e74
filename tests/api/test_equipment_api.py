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
    "lowStockThreshold",
    "version",
    "createdAt",
    "updatedAt",
}


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
    assert detail.json()["data"] == row


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


def test_patch_refuses_fields_not_yet_editable(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine, location="Aisle A")
    response = client.patch(
        f"/api/equipment/{item.id}",
        json={"version": 1, "location": "Truck", "name": "Renamed", "dailyRate": "1.00"},
        headers=headers_for(Role.ADMIN),
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert set(body["details"]) == {"name", "dailyRate"}
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
