"""`/api/audit`, `/api/audit/filters` and `/api/audit/export.csv` over the real app on SQLite
and PostgreSQL: Admin only (403 for every other role), filters and paging, the diff per
entry, bad filters (422), and a formula-safe CSV attachment."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from avrentals.domain.models import AuditLog
from tests.api.conftest import assert_envelope, assert_error, bearer, token_for
from tests.factories import make_user
from tests.inventory_factories import insert

HeadersFor = Callable[[Role], dict[str, str]]
PATHS = ["/api/audit", "/api/audit/filters", "/api/audit/export.csv"]
EVIL = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_role_matrix(client: TestClient, headers_for: HeadersFor, role: Role) -> None:
    headers = headers_for(role)
    for path in PATHS:
        response = client.get(path, headers=headers)
        if role is Role.ADMIN:
            assert response.status_code == 200, (path, response.text)
        else:
            assert_error(response, 403, "FORBIDDEN")


def test_audit_needs_a_token(client: TestClient) -> None:
    for path in PATHS:
        assert_error(client.get(path), 401, "UNAUTHORIZED")


@pytest.fixture
def admin_headers(engine: Engine) -> dict[str, str]:
    admin = make_user(engine, Role.ADMIN, username="root-admin")
    rows = [
        ("update", "client", datetime(2030, 1, 2, 10, tzinfo=UTC), {"name": "A"}, {"name": EVIL}),
        ("create", "equipment", datetime(2030, 1, 3, 10, tzinfo=UTC), None, {"qty": 2}),
        ("delete", "client", datetime(2030, 1, 4, 10, tzinfo=UTC), {"name": "Gone"}, None),
    ]
    for action, entity, at, old, new in rows:
        # A free-text id a spreadsheet would run as a formula.
        entity_id = "=1+1" if action == "update" else "x-1"
        insert(
            engine,
            AuditLog(
                actor_id=admin.id,
                actor_username=admin.username,
                action=action,
                entity_type=entity,
                entity_id=entity_id,
                old_values=old,
                new_values=new,
                at=at,
            ),
        )
    return bearer(token_for(admin))


def test_list_filters_paging_and_diff(client: TestClient, admin_headers: dict) -> None:
    body = client.get("/api/audit?pageSize=2", headers=admin_headers).json()
    assert_envelope(body, success=True)
    assert body["pagination"] == {"page": 1, "pageSize": 2, "total": 3, "totalPages": 2}
    assert [e["action"] for e in body["data"]] == ["delete", "create"]
    first = body["data"][0]
    assert set(first) == {
        "id",
        "at",
        "userId",
        "username",
        "action",
        "entityType",
        "entityId",
        "ip",
        "userAgent",
        "changes",
    }
    assert first["at"] == "2030-01-04T10:00:00Z"
    assert first["changes"] == [{"field": "name", "old": "Gone", "new": ""}]
    clients = client.get(
        "/api/audit",
        params={
            "entityType": "client",
            "action": "update",
            "from": "2030-01-02",
            "to": "2030-01-02",
        },
        headers=admin_headers,
    ).json()
    assert [e["changes"] for e in clients["data"]] == [[{"field": "name", "old": "A", "new": EVIL}]]
    user_id = clients["data"][0]["userId"]
    mine = client.get("/api/audit", params={"userId": user_id}, headers=admin_headers).json()
    assert mine["pagination"]["total"] == 3
    options = client.get("/api/audit/filters", headers=admin_headers).json()["data"]
    assert options["entityTypes"] == ["client", "equipment"]
    assert options["users"] == [{"id": user_id, "username": "root-admin"}]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("userId=nope", "userId"),
        ("from=2030-01-05&to=2030-01-01", "to"),
        ("entityType=" + "x" * 41, "entityType"),
        ("pageSize=101", "pageSize"),
    ],
)
def test_bad_filters(client: TestClient, admin_headers: dict, query: str, field: str) -> None:
    body = assert_error(
        client.get(f"/api/audit?{query}", headers=admin_headers), 422, "VALIDATION_ERROR"
    )
    assert field in body["details"], body


def test_export_csv_is_formula_safe(client: TestClient, admin_headers: dict) -> None:
    response = client.get("/api/audit/export.csv?entityType=client", headers=admin_headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["time", "user", "action", "entityType", "entityId", "ip", "changes"]
    assert [r[2] for r in rows[1:]] == ["delete", "update"]
    assert rows[2][6] == f"name: A -> {EVIL}"  # the cell starts with "name", not "="
    assert rows[2][4] == "'=1+1"  # neutralised
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
