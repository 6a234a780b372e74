"""`conflict_alert`: units reported damaged under existing bookings alert Admins and Managers
once, and only when a day from today on is really overbooked."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.enums import NotificationType, Priority, Role
from avrentals.domain.models import EquipmentItem, Notification
from avrentals.domain.services.equipment import update_equipment
from tests.booking_factories import make_client, make_event, raw_rental
from tests.factories import make_actor, make_item, make_user


def _alerts(engine: Engine) -> list[Notification]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(Notification).where(Notification.type == NotificationType.CONFLICT_ALERT)
            ).all()
        )


def _damage(engine: Engine, actor, item_id, damaged: int) -> None:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        version, quantity = item.version, item.quantity
    with transaction(engine) as s:
        update_equipment(
            s,
            actor,
            item_id,
            version,
            {
                "quantity_good": quantity - damaged,
                "quantity_damaged": damaged,
                "quantity_maintenance": 0,
            },
        )


def test_damage_under_bookings_alerts_admins_and_managers_once(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    admin = make_user(engine, Role.ADMIN)
    manager = make_user(engine, Role.MANAGER)
    make_user(engine, Role.MANAGER, is_active=False)
    make_user(engine, Role.EMPLOYEE)
    item = make_item(engine, name="Robe MegaPointe", quantity=5)
    start = date.today() + timedelta(days=10)
    event = make_event(engine, make_client(engine), start, start + timedelta(days=2))
    raw_rental(engine, event, item, 4)

    _damage(engine, tech, item.id, 1)  # 4 good, 4 booked: fits, no alert
    assert _alerts(engine) == []

    _damage(engine, tech, item.id, 2)  # 3 good, 4 booked: overbooked for 3 days
    alerts = _alerts(engine)
    assert sorted(a.user_id for a in alerts) == sorted([admin.id, manager.id])
    assert {a.priority for a in alerts} == {Priority.HIGH}
    assert all("Robe MegaPointe" in a.title and "3 days" in a.message for a in alerts)
    assert {a.link for a in alerts} == {f"/equipment/{item.id}"}

    _damage(engine, tech, item.id, 3)  # same first day: no repeat
    assert len(_alerts(engine)) == 2


def test_past_overbooking_does_not_alert(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    make_user(engine, Role.ADMIN)
    item = make_item(engine, quantity=2)
    past = date.today() - timedelta(days=20)
    event = make_event(engine, make_client(engine), past, past + timedelta(days=1))
    raw_rental(engine, event, item, 2)
    _damage(engine, tech, item.id, 1)
    assert _alerts(engine) == []
