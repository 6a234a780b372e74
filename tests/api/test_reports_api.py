"""`/api/dashboard` and `/api/reports/...` over the real app on SQLite and PostgreSQL: the
envelope and camelCase shapes, money and fraction strings, the hand-computed figures of
`tests/integration/test_reports.py`, bad periods, and the role matrix (reports: Admin and
Manager only, 403 for everyone else; the dashboard for everyone, without reports)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from avrentals.domain.permissions import has_permission
from tests.api.conftest import assert_envelope, assert_error, bearer, token_for
from tests.integration.test_reports import build_quotes, build_stock

HeadersFor = Callable[[Role], dict[str, str]]
PERIOD = {"from": "2030-03-01", "to": "2030-03-10"}
REPORT_PATHS = [
    "/api/reports/revenue?months=6",
    "/api/reports/top-clients",
    "/api/reports/top-items",
    "/api/reports/utilisation?from=2030-03-01&to=2030-03-10",
]


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_matrix(client: TestClient, headers_for: HeadersFor, role: Role) -> None:
    headers = headers_for(role)
    allowed = role in (Role.ADMIN, Role.MANAGER)
    assert allowed == has_permission(role, "reports:read")
    for path in REPORT_PATHS:
        response = client.get(path, headers=headers)
        if allowed:
            assert response.status_code == 200, (path, response.text)
            assert_envelope(response.json(), success=True)
        else:
            assert_error(response, 403, "FORBIDDEN")
    dash = client.get("/api/dashboard", headers=headers)
    assert dash.status_code == 200
    body = dash.json()
    assert_envelope(body, success=True)
    assert (body["data"]["reports"] is not None) == allowed


def test_reports_need_a_token(client: TestClient) -> None:
    for path in [*REPORT_PATHS, "/api/dashboard"]:
        assert_error(client.get(path), 401, "UNAUTHORIZED")


def test_utilisation_figures(client: TestClient, engine: Engine) -> None:
    stock = build_stock(engine)
    headers = bearer(token_for(stock["me_user"]))
    response = client.get("/api/reports/utilisation", params=PERIOD, headers=headers)
    body = response.json()
    assert response.status_code == 200, body
    data = body["data"]
    assert data["overall"] == {
        "bookedUnitDays": 43,
        "bookableUnitDays": 90,
        "utilisation": "0.4778",
    }
    assert [(c["categoryName"], c["utilisation"]) for c in data["categories"]] == [
        ("Audio", "0.5286"),
        ("Light", "0.3000"),
    ]
    assert data["items"][0] == {
        "id": str(stock["items"]["B"].id),
        "name": "Mic",
        "categoryId": str(stock["audio"].id),
        "categoryName": "Audio",
        "quantity": 5,
        "good": 3,
        "bookedUnitDays": 18,
        "bookableUnitDays": 30,
        "utilisation": "0.6000",
    }
    assert body["pagination"] == {"page": 1, "pageSize": 20, "total": 4, "totalPages": 1}
    light = client.get(
        "/api/reports/utilisation",
        params={**PERIOD, "categoryId": str(stock["light"].id), "pageSize": 1},
        headers=headers,
    ).json()
    assert light["data"]["overall"]["utilisation"] == "0.3000"
    assert [i["name"] for i in light["data"]["items"]] == ["Spot"]
    assert light["pagination"]["totalPages"] == 2


def test_top_lists_and_revenue(client: TestClient, engine: Engine) -> None:
    stock = build_stock(engine)
    build_quotes(engine)
    headers = bearer(token_for(stock["me_user"]))
    items = client.get("/api/reports/top-items", params=PERIOD, headers=headers).json()
    assert [(i["name"], i["unitDays"], i["rentals"]) for i in items["data"]] == [
        ("Mic", 12, 2),
        ("Speaker", 10, 2),
        ("Spot", 4, 2),
        ("Fog", 2, 1),
    ]
    clients = client.get(
        "/api/reports/top-clients",
        params={"from": "2030-01-01", "to": "2030-06-30", "limit": 2},
        headers=headers,
    ).json()
    assert [(c["name"], c["revenue"], c["quotes"]) for c in clients["data"]] == [
        ("Beta", "1299.99", 2),
        ("Acme", "1250.50", 2),
    ]
    revenue = client.get("/api/reports/revenue?months=3", headers=headers).json()
    assert len(revenue["data"]) == 3
    assert set(revenue["data"][0]) == {"month", "label", "revenue", "quotes"}
    assert all(len(m["revenue"].split(".")[1]) == 2 for m in revenue["data"])


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/reports/utilisation?from=2030-03-10&to=2030-03-01", "to"),
        ("/api/reports/utilisation?from=2030-01-01&to=2031-06-01", "to"),
        ("/api/reports/utilisation?from=2030-01-01", "to"),
        ("/api/reports/top-items?from=2030-01-01", "to"),
        ("/api/reports/top-clients?to=2030-01-01", "from"),
        ("/api/reports/top-clients?from=2020-01-01&to=2030-01-01", "to"),
        ("/api/reports/top-items?limit=0", "limit"),
        ("/api/reports/revenue?months=0", "months"),
        ("/api/reports/revenue?months=37", "months"),
    ],
)
def test_bad_parameters(client: TestClient, headers_for: HeadersFor, path: str, field: str) -> None:
    body = assert_error(client.get(path, headers=headers_for(Role.ADMIN)), 422, "VALIDATION_ERROR")
    assert field in body["details"], body


def test_dashboard_shape(client: TestClient, engine: Engine) -> None:
    stock = build_stock(engine)
    data = client.get("/api/dashboard", headers=bearer(token_for(stock["me_user"]))).json()["data"]
    assert set(data["cards"]) == {
        "equipmentUnits",
        "equipmentItems",
        "clients",
        "upcomingEvents",
        "maintenanceUnits",
        "maintenanceItems",
    }
    assert data["cards"]["equipmentUnits"] == 12
    assert data["cards"]["maintenanceUnits"] == 3
    assert set(data["reports"]) == {"revenue", "topClients", "topItems", "utilisation"}
    assert len(data["reports"]["revenue"]) == 6
