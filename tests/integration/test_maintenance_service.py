"""Maintenance service on SQLite and PostgreSQL: unit moves keep the counts summing to the
quantity, field-level validation, conflicts alerted when good units drop under bookings,
`maintenance_due` notifications de-duplicated, logs closed and edited with versions."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.enums import MaintenanceStatus, NotificationType, Role, UnitStatus
from avrentals.domain.errors import Forbidden, InvalidState, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, EquipmentItem, MaintenanceLog, Notification
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import maintenance as ms
from avrentals.domain.services import maintenance_queries as mq
from tests.booking_factories import make_client, make_event, raw_rental
from tests.factories import make_actor, make_item, make_user

TODAY = date.today()


def item_row(engine: Engine, item_id: uuid.UUID) -> EquipmentItem:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        assert item.qty_good + item.qty_damaged + item.qty_maintenance == item.quantity
        assert min(item.qty_good, item.qty_damaged, item.qty_maintenance) >= 0
        return item


def counts(engine: Engine, item_id: uuid.UUID) -> tuple[int, int, int, str]:
    item = item_row(engine, item_id)
    return item.qty_good, item.qty_damaged, item.qty_maintenance, item.status.value


def notes(engine: Engine, kind: NotificationType) -> list[Notification]:
    with Session(engine) as s:
        return list(s.exec(select(Notification).where(Notification.type == kind)).all())


def raise_request(engine: Engine, actor: Actor, item_id: Any, **data: Any) -> MaintenanceLog:
    data.setdefault("description", "Annual service")
    data.setdefault("units", 1)
    with transaction(engine) as s:
        return ms.raise_request(s, actor, item_id, data)


def repair(engine: Engine, actor: Actor, item_id: Any, *, good: bool, **data: Any):
    data.setdefault("description", "Replaced the driver")
    with transaction(engine) as s:
        return ms.log_repair(s, actor, item_id, data, move_to_good=good)


def test_raise_request_and_repair_move_units_and_keep_the_sum(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine, quantity=6)
    version = item_row(engine, item.id).version

    log = raise_request(engine, tech, item.id, units=2, cost="12.5")
    assert counts(engine, item.id) == (4, 0, 2, "maintenance")
    assert item_row(engine, item.id).version == version + 1
    assert (log.from_status, log.to_status, log.status) == (
        UnitStatus.GOOD,
        UnitStatus.MAINTENANCE,
        MaintenanceStatus.OPEN,
    )
    assert log.technician_id == tech.user_id and log.cost == Decimal("12.50")

    done = repair(engine, tech, item.id, good=True, units=1, close=True)
    assert counts(engine, item.id) == (5, 0, 1, "maintenance")
    assert done.status == MaintenanceStatus.CLOSED and done.closed_at is not None
    # One unit still in maintenance: the request stays open.
    with Session(engine) as s:
        assert s.get(MaintenanceLog, log.id).status == MaintenanceStatus.OPEN  # type: ignore[union-attr]

    repair(engine, tech, item.id, good=True, units=1)
    assert counts(engine, item.id) == (6, 0, 0, "good")
    # Nothing left in maintenance: the request that put units there is closed automatically.
    with Session(engine) as s:
        assert s.get(MaintenanceLog, log.id).status == MaintenanceStatus.CLOSED  # type: ignore[union-attr]
        audited = s.exec(
            select(AuditLog.action).where(
                AuditLog.entity_type == "equipment", AuditLog.entity_id == str(item.id)
            )
        ).all()
    assert len(audited) == 3  # one audited count change per move


def test_repair_without_moving_and_damaged_first(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine, quantity=5)
    with transaction(engine) as s:
        ms.report_damage(s, tech, item.id, {"description": "Cracked grille", "units": 2})
    raise_request(engine, tech, item.id, units=1)
    assert counts(engine, item.id) == (2, 2, 1, "damaged")
    # No from_status: damaged units come first; no move keeps the counts.
    log = repair(engine, tech, item.id, good=False, units=2)
    assert log.from_status == UnitStatus.DAMAGED and log.to_status is None
    assert counts(engine, item.id) == (2, 2, 1, "damaged")
    repair(engine, tech, item.id, good=True, units=2, from_status="damaged")
    assert counts(engine, item.id) == (4, 0, 1, "maintenance")
    # damaged -> maintenance (sent out for repair) is a move too.
    with transaction(engine) as s:
        ms.report_damage(s, tech, item.id, {"description": "Dropped again", "units": 1})
    with transaction(engine) as s:
        ms.record_log(
            s,
            tech,
            {
                "equipment_id": str(item.id),
                "description": "Sent to the service centre",
                "units": 1,
                "from_status": "damaged",
                "to_status": "maintenance",
            },
        )
    assert counts(engine, item.id) == (3, 0, 2, "maintenance")


def test_field_errors_are_snake_case_and_complete(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine, quantity=3)
    bad = {
        "log_date": (TODAY + timedelta(days=1)).isoformat(),
        "description": "abc",
        "cost": "-1",
        "units": 0,
        "colour": "red",
    }
    with pytest.raises(ValidationFailed) as caught, transaction(engine) as s:
        ms.raise_request(s, tech, item.id, bad)
    assert set(caught.value.fields) == {"log_date", "description", "cost", "units", "colour"}
    assert "future" in caught.value.fields["log_date"][0]

    with pytest.raises(ValidationFailed) as caught, transaction(engine) as s:
        ms.raise_request(s, tech, item.id, {"description": "Too many", "units": 4, "cost": 1.005})
    assert set(caught.value.fields) == {"cost"}  # checked before the counts
    with pytest.raises(ValidationFailed) as caught, transaction(engine) as s:
        ms.raise_request(s, tech, item.id, {"description": "Too many", "units": 4})
    assert caught.value.fields["units"] == ["Only 3 unit(s) of Shure SM58 are good."]
    with pytest.raises(ValidationFailed) as caught:
        repair(engine, tech, item.id, good=True, units=1)
    assert "from_status" in caught.value.fields  # nothing damaged or in maintenance
    with pytest.raises(ValidationFailed) as caught:
        repair(engine, tech, item.id, good=True, units=1, from_status="good")
    assert "from_status" in caught.value.fields
    assert counts(engine, item.id) == (3, 0, 0, "good")
    with Session(engine) as s:
        assert s.exec(select(MaintenanceLog)).all() == []


def test_roles_without_write_are_refused(engine: Engine) -> None:
    item = make_item(engine, quantity=3)
    for role in (Role.EMPLOYEE, Role.VIEWER):
        actor = make_actor(engine, role)
        with pytest.raises(Forbidden):
            raise_request(engine, actor, item.id)
        with pytest.raises(Forbidden):
            repair(engine, actor, item.id, good=True, units=1)
    for role in (Role.ADMIN, Role.MANAGER, Role.TECHNICIAN):
        raise_request(engine, make_actor(engine, role), item.id)
    assert counts(engine, item.id) == (0, 0, 3, "maintenance")


def test_good_units_under_bookings_alert_conflicts(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    admin = make_user(engine, Role.ADMIN)
    manager = make_user(engine, Role.MANAGER)
    item = make_item(engine, name="Robe MegaPointe", quantity=5)
    start = TODAY + timedelta(days=5)
    event = make_event(engine, make_client(engine), start, start + timedelta(days=1))
    raw_rental(engine, event, item, 4)

    raise_request(engine, tech, item.id, units=1)  # 4 good for 4 booked: fits
    assert notes(engine, NotificationType.CONFLICT_ALERT) == []
    with transaction(engine) as s:
        ms.report_damage(s, tech, item.id, {"description": "Lens cracked", "units": 1})
    alerts = notes(engine, NotificationType.CONFLICT_ALERT)
    assert sorted(a.user_id for a in alerts) == sorted([admin.id, manager.id])
    assert all("Robe MegaPointe" in a.title for a in alerts)
    # Repairs bring units back: no new alert.
    repair(engine, tech, item.id, good=True, units=1)
    assert len(notes(engine, NotificationType.CONFLICT_ALERT)) == 2


def test_maintenance_due_goes_to_active_technicians_once(engine: Engine) -> None:
    actor = make_actor(engine, Role.MANAGER)
    techs = [make_user(engine, Role.TECHNICIAN) for _ in range(2)]
    make_user(engine, Role.TECHNICIAN, is_active=False)
    make_user(engine, Role.EMPLOYEE)
    item = make_item(engine, name="d&b V8", quantity=4)

    log = raise_request(engine, actor, item.id, units=2, description="Driver replacement")
    due = notes(engine, NotificationType.MAINTENANCE_DUE)
    assert sorted(n.user_id for n in due) == sorted(t.id for t in techs)
    assert {n.dedup_key for n in due} == {ms.dedup_key(log.id)}
    assert all("2 units of d&b V8" in n.message and n.link == "/maintenance" for n in due)
    # Calling it again for the same log (e.g. from another flow) adds nothing.
    with transaction(engine) as s:
        saved = s.get(MaintenanceLog, log.id)
        assert saved is not None
        assert ms.notify_maintenance_due(s, saved) == []
    assert len(notes(engine, NotificationType.MAINTENANCE_DUE)) == 2
    # A repair back to good notifies nobody; new damage does.
    repair(engine, actor, item.id, good=True, units=1)
    assert len(notes(engine, NotificationType.MAINTENANCE_DUE)) == 2
    with transaction(engine) as s:
        ms.report_damage(s, actor, item.id, {"description": "Rigging point bent", "units": 1})
    assert len(notes(engine, NotificationType.MAINTENANCE_DUE)) == 4


def test_close_and_edit_are_versioned(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine, quantity=2)
    log = raise_request(engine, tech, item.id)
    with transaction(engine) as s:
        edited = ms.update_log(s, tech, log.id, 1, {"cost": "40", "description": "Full service"})
    assert (edited.version, edited.cost, edited.description) == (
        2,
        Decimal("40.00"),
        "Full service",
    )
    with pytest.raises(VersionConflict) as conflict, transaction(engine) as s:
        ms.close_log(s, tech, log.id, 1)
    assert conflict.value.current["version"] == 2
    with pytest.raises(ValidationFailed) as caught, transaction(engine) as s:
        ms.update_log(s, tech, log.id, 2, {"units": 2})
    assert set(caught.value.fields) == {"units"}  # the move is history
    with transaction(engine) as s:
        closed = ms.close_log(s, tech, log.id, 2)
    assert closed.status == MaintenanceStatus.CLOSED and closed.version == 3
    with pytest.raises(InvalidState), transaction(engine) as s:
        ms.close_log(s, tech, log.id, 3)
    assert counts(engine, item.id) == (1, 0, 1, "maintenance")  # closing moves nothing


def test_changes_published_after_commit(engine: Engine, fresh_bus) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine, quantity=2)
    seen: list[tuple[str, str]] = []
    fresh_bus.publish = lambda change: seen.append((change.entity, change.action))  # type: ignore[method-assign]
    with transaction(engine) as s:
        ms.raise_request(s, tech, item.id, {"description": "Check the fan", "units": 1})
        assert seen == []  # nothing before the commit
    assert ("maintenance", "create") in seen and ("equipment", "update") in seen
    assert ("availability", "update") in seen
    seen.clear()
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        ms.raise_request(s, tech, item.id, {"description": "Too many", "units": 5})
    assert seen == []


def test_reads_attention_list_logs_and_history(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    viewer = make_actor(engine, Role.VIEWER)
    mixer = make_item(engine, name="Yamaha CL5", quantity=2)
    make_item(engine, name="Shure SM58", quantity=10)  # all good: not listed
    speaker = make_item(engine, name="d&b V8", quantity=4)
    raise_request(engine, tech, mixer.id, description="Fader bank cleaning")
    old = raise_request(engine, tech, speaker.id, log_date=TODAY - timedelta(days=3))
    repair(engine, tech, speaker.id, good=True, units=1, close=True)

    with Session(engine) as s:
        page = mq.attention_items(s, viewer, PageRequest(1, 20))
        assert [r["name"] for r in page.items] == ["Yamaha CL5"] and page.total == 1
        assert page.items[0]["open_logs"][0]["description"] == "Fader bank cleaning"
        assert page.items[0]["open_logs"][0]["technician_name"] == "Test Technician"
        found = mq.attention_items(s, viewer, PageRequest(1, 20), search="cl5")
        assert found.total == 1
        assert mq.attention_items(s, viewer, PageRequest(1, 20), search="sm58").total == 0

        logs = mq.list_logs(s, viewer, PageRequest(1, 20))
        assert logs.total == 3
        assert logs.items[-1]["id"] == str(old.id)  # oldest date last
        closed = mq.list_logs(s, viewer, PageRequest(1, 20), status="closed")
        assert {r["equipment_name"] for r in closed.items} == {"d&b V8"}
        assert mq.list_logs(s, viewer, PageRequest(1, 20), equipment_id=mixer.id).total == 1
        with pytest.raises(ValidationFailed):
            mq.list_logs(s, viewer, PageRequest(1, 20), status="pending")

        history = mq.item_history(s, viewer, speaker.id)
        assert history["item"]["qty_good"] == 4
        assert [log["status"] for log in history["logs"]] == ["closed", "closed"]
        assert history["logs"][0]["to_status"] == "good"
