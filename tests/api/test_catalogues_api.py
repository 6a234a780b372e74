"""`/api/services` and `/api/fees`: camelCase shapes, money strings in and out, list filters /
sort / paging, 422 field details, versioned updates with 409 and the saved row, deactivate /
activate, no DELETE, and the role matrix (Admin/Manager/Employee write, Technician/Viewer
read only)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from avrentals.domain.enums import Role
from tests.api.conftest import assert_envelope, assert_error

HeadersFor = Callable[[Role], dict[str, str]]
SERVICE_KEYS = {
    "id",
    "name",
    "description",
    "unitPrice",
    "unit",
    "category",
    "isActive",
    "version",
    "createdAt",
    "updatedAt",
}
FEE_KEYS = {
    "id",
    "name",
    "description",
    "amount",
    "feeType",
    "category",
    "isActive",
    "isRequired",
    "version",
    "createdAt",
    "updatedAt",
}


def post(client: TestClient, path: str, headers: dict[str, str], **body: object) -> dict:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    assert_envelope(response.json(), success=True)
    return response.json()["data"]


def test_service_create_read_list_with_filters(client: TestClient, headers_for: HeadersFor) -> None:
    employee = headers_for(Role.EMPLOYEE)
    crew = post(
        client,
        "/api/services",
        employee,
        name="Sound Engineer",
        unitPrice=380,
        category="Crew",
        description="FOH, up to 10 h",
    )
    assert set(crew) == SERVICE_KEYS
    assert (crew["unitPrice"], crew["unit"], crew["isActive"], crew["version"]) == (
        "380.00",
        "day",
        True,
        1,
    )
    post(client, "/api/services", employee, name="Truck", unitPrice="1.35", unit="km")
    post(client, "/api/services", employee, name="Old Van", unitPrice="99.9", isActive=False)
    viewer = headers_for(Role.VIEWER)
    got = client.get(f"/api/services/{crew['id']}", headers=viewer)
    assert got.status_code == 200 and got.json()["data"] == crew
    listed = client.get("/api/services?pageSize=2", headers=viewer).json()
    assert_envelope(listed, success=True)
    assert [s["name"] for s in listed["data"]] == ["Old Van", "Sound Engineer"]
    assert listed["pagination"] == {"page": 1, "pageSize": 2, "total": 3, "totalPages": 2}
    active = client.get("/api/services?status=active&sort=-unitPrice", headers=viewer).json()
    assert [(s["name"], s["unitPrice"]) for s in active["data"]] == [
        ("Sound Engineer", "380.00"),
        ("Truck", "1.35"),
    ]
    inactive = client.get("/api/services?status=inactive", headers=viewer).json()["data"]
    assert [s["name"] for s in inactive] == ["Old Van"]
    found = client.get("/api/services?search=foh", headers=viewer).json()["data"]
    assert [s["name"] for s in found] == ["Sound Engineer"]
    crew_only = client.get("/api/services?category=crew", headers=viewer).json()["data"]
    assert [s["name"] for s in crew_only] == ["Sound Engineer"]
    for query in ("sort=unit_price", "status=deleted", "page=0", "pageSize=101"):
        assert_error(client.get(f"/api/services?{query}", headers=viewer), 422, "VALIDATION_ERROR")
    assert_error(client.get("/api/services"), 401, "UNAUTHORIZED")
    assert_error(client.get(f"/api/services/{uuid.uuid4()}", headers=viewer), 404, "NOT_FOUND")


def test_fee_create_and_required_filter(client: TestClient, headers_for: HeadersFor) -> None:
    manager = headers_for(Role.MANAGER)
    insurance = post(
        client,
        "/api/fees",
        manager,
        name="Insurance 3 %",
        amount="3",
        feeType="percentage",
        isRequired=True,
        category="Insurance",
    )
    assert set(insurance) == FEE_KEYS
    assert (insurance["amount"], insurance["feeType"], insurance["isRequired"]) == (
        "3.00",
        "percentage",
        True,
    )
    delivery = post(client, "/api/fees", manager, name="Delivery", amount=120.5, isRequired=None)
    assert (delivery["feeType"], delivery["isRequired"], delivery["amount"]) == (
        "fixed",
        False,
        "120.50",
    )
    viewer = headers_for(Role.VIEWER)
    required = client.get("/api/fees?required=true", headers=viewer).json()["data"]
    assert [f["name"] for f in required] == ["Insurance 3 %"]
    by_amount = client.get("/api/fees?sort=-amount", headers=viewer).json()["data"]
    assert [f["name"] for f in by_amount] == ["Delivery", "Insurance 3 %"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/services", {"unitPrice": "10"}, "name"),
        ("/api/services", {"name": "", "unitPrice": "10"}, "name"),
        ("/api/services", {"name": "x" * 101, "unitPrice": "10"}, "name"),
        ("/api/services", {"name": "Crew"}, "unitPrice"),
        ("/api/services", {"name": "Crew", "unitPrice": "-5"}, "unitPrice"),
        ("/api/services", {"name": "Crew", "unitPrice": "12.345"}, "unitPrice"),
        ("/api/services", {"name": "Crew", "unitPrice": "ten"}, "unitPrice"),
        ("/api/services", {"name": "Crew", "unitPrice": 1, "unit": "fortnight"}, "unit"),
        (
            "/api/services",
            {"name": "Crew", "unitPrice": 1, "description": "d" * 501},
            "description",
        ),
        ("/api/services", {"name": "Crew", "unitPrice": 1, "category": "c" * 51}, "category"),
        ("/api/services", {"name": "Crew", "unitPrice": 1, "isActive": "yes"}, "isActive"),
        ("/api/services", {"name": "Crew", "unitPrice": 1, "vip": True}, "vip"),
        ("/api/fees", {"name": "Fee", "amount": "150", "feeType": "percentage"}, "amount"),
        ("/api/fees", {"name": "Fee", "amount": "1", "feeType": "ratio"}, "feeType"),
        ("/api/fees", {"name": "Fee", "amount": "1", "isRequired": "true"}, "isRequired"),
        ("/api/fees", {"name": "Fee"}, "amount"),
    ],
)
def test_validation_is_422_with_camel_case_fields(
    client: TestClient, headers_for: HeadersFor, path: str, body: dict, field: str
) -> None:
    response = client.post(path, json=body, headers=headers_for(Role.EMPLOYEE))
    details = assert_error(response, 422, "VALIDATION_ERROR")["details"]
    assert list(details) == [field] and details[field][0]


def test_duplicate_name_is_a_field_error(client: TestClient, headers_for: HeadersFor) -> None:
    admin = headers_for(Role.ADMIN)
    post(client, "/api/fees", admin, name="Rush Order", amount="150")
    response = client.post("/api/fees", json={"name": "rush order", "amount": 1}, headers=admin)
    details = assert_error(response, 422, "VALIDATION_ERROR")["details"]
    assert details == {"name": ["A fee named 'rush order' already exists."]}


def test_versioned_update_conflict_carries_the_saved_row(
    client: TestClient, headers_for: HeadersFor
) -> None:
    employee = headers_for(Role.EMPLOYEE)
    crew = post(client, "/api/services", employee, name="Stage Manager", unitPrice="350")
    path = f"/api/services/{crew['id']}"
    first = client.patch(
        path, json={"version": 1, "unitPrice": "360.5", "category": "Crew"}, headers=employee
    )
    assert first.status_code == 200, first.text
    assert (first.json()["data"]["unitPrice"], first.json()["data"]["version"]) == ("360.50", 2)
    stale = client.put(path, json={"version": 1, "name": "Late"}, headers=employee)
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert set(current) == SERVICE_KEYS
    assert (current["unitPrice"], current["category"], current["version"]) == ("360.50", "Crew", 2)
    refused = client.patch(path, json={"version": 2, "isActive": False}, headers=employee)
    assert list(assert_error(refused, 422, "VALIDATION_ERROR")["details"]) == ["isActive"]
    bad = client.put(path, json={"version": 2, "unit": "week"}, headers=employee)
    assert list(assert_error(bad, 422, "VALIDATION_ERROR")["details"]) == ["unit"]
    no_version = client.patch(path, json={"name": "X"}, headers=employee)
    assert list(assert_error(no_version, 422, "VALIDATION_ERROR")["details"]) == ["version"]
    ghost = client.patch(f"/api/services/{uuid.uuid4()}", json={"version": 1}, headers=employee)
    assert_error(ghost, 404, "NOT_FOUND")
    fee = post(client, "/api/fees", employee, name="Delivery", amount="150")
    to_pct = client.patch(
        f"/api/fees/{fee['id']}", json={"version": 1, "feeType": "percentage"}, headers=employee
    )
    assert assert_error(to_pct, 422, "VALIDATION_ERROR")["details"] == {
        "amount": ["A percentage fee can be at most 100."]
    }


def test_deactivate_and_activate_are_versioned_and_there_is_no_delete(
    client: TestClient, headers_for: HeadersFor
) -> None:
    manager = headers_for(Role.MANAGER)
    fee = post(client, "/api/fees", manager, name="Insurance", amount="3", isRequired=True)
    path = f"/api/fees/{fee['id']}"
    off = client.post(f"{path}/deactivate", json={"version": 1}, headers=manager)
    assert off.status_code == 200, off.text
    assert (off.json()["data"]["isActive"], off.json()["data"]["version"]) == (False, 2)
    stale = client.post(f"{path}/activate", json={"version": 1}, headers=manager)
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert set(current) == FEE_KEYS and current["isActive"] is False
    on = client.post(f"{path}/activate", json={"version": 2}, headers=manager)
    assert (on.json()["data"]["isActive"], on.json()["data"]["version"]) == (True, 3)
    assert_error(client.post(f"{path}/activate", json={}, headers=manager), 422, "VALIDATION_ERROR")
    assert_error(
        client.post(
            f"/api/services/{uuid.uuid4()}/deactivate", json={"version": 1}, headers=manager
        ),
        404,
        "NOT_FOUND",
    )
    gone = client.delete(path, headers=manager)
    assert_error(gone, 405, "METHOD_NOT_ALLOWED")
    assert client.get(path, headers=manager).json()["data"]["isActive"] is True


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_matrix(client: TestClient, headers_for: HeadersFor, role: Role) -> None:
    admin = headers_for(Role.ADMIN)
    crew = post(client, "/api/services", admin, name="Crew", unitPrice="100")
    fee = post(client, "/api/fees", admin, name="Cleaning", amount="45")
    who = headers_for(role)
    writes = role in (Role.ADMIN, Role.MANAGER, Role.EMPLOYEE)
    for path, row in (("/api/services", crew), ("/api/fees", fee)):
        assert client.get(path, headers=who).status_code == 200
        assert client.get(f"{path}/{row['id']}", headers=who).status_code == 200
        body = {"name": f"New {role.value}", "unitPrice": "1", "amount": "1"}
        body.pop("amount" if path == "/api/services" else "unitPrice")
        responses = [
            client.post(path, json=body, headers=who),
            client.patch(f"{path}/{row['id']}", json={"version": 1, "name": "R"}, headers=who),
            client.post(f"{path}/{row['id']}/deactivate", json={"version": 2}, headers=who),
            client.post(f"{path}/{row['id']}/activate", json={"version": 3}, headers=who),
        ]
        if writes:
            assert [r.status_code for r in responses] == [201, 200, 200, 200]
        else:
            for response in responses:
                assert_error(response, 403, "FORBIDDEN")
            current = client.get(f"{path}/{row['id']}", headers=who).json()["data"]
            assert (current["name"], current["version"]) == (row["name"], 1)


def test_openapi_documents_the_catalogue_routes(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for base in ("/api/services", "/api/fees"):
        assert set(paths[base]) == {"get", "post"}
        assert set(paths[f"{base}/{{id}}"]) == {"get", "put", "patch"}
        assert set(paths[f"{base}/{{id}}/deactivate"]) == {"post"}
        assert set(paths[f"{base}/{{id}}/activate"]) == {"post"}
