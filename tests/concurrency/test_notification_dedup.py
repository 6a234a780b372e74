"""Several app instances run the notification scheduler at the same moment on PostgreSQL:
every notification still exists once per user and key, and no run fails.

Real threads, real transactions and commits: each thread opens its transaction, reads, and
waits at a barrier so all of them insert at once (the later inserts block on the first
one's uncommitted keys and are then skipped by ON CONFLICT DO NOTHING). A check-then-insert
generator fails this test with a unique violation; a missing unique key fails it with
duplicates."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.enums import NotificationType, Role
from avrentals.domain.models import EquipmentItem, Notification
from avrentals.domain.services import notification_generators as gen
from tests.factories import make_item, make_user
from tests.inventory_factories import make_client, make_event

TODAY = date(2026, 11, 25)
INSTANCES = 4


def run_at_once(engine: Engine, today: date) -> list[dict[str, int]]:
    barrier = threading.Barrier(INSTANCES, timeout=30)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def instance() -> None:
        try:
            with transaction(engine) as s:
                s.execute(sa.text("SELECT 1"))  # the transaction is open...
                barrier.wait()  # ...in every instance before any of them inserts
                results.append(gen.run_scheduled_notifications(s, today))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=instance, daemon=True) for _ in range(INSTANCES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(results) == INSTANCES
    return results


def test_concurrent_schedulers_notify_once(pg_engine: Engine) -> None:
    crew = [make_user(pg_engine, Role.EMPLOYEE) for _ in range(3)]
    staff = [make_user(pg_engine, role) for role in (Role.ADMIN, Role.MANAGER, Role.TECHNICIAN)]
    client = make_client(pg_engine)
    start = TODAY + timedelta(days=7)
    events = [
        make_event(pg_engine, client, start, start, assigned_user_id=crew[i % 3].id)
        for i in range(6)
    ]
    items = [make_item(pg_engine, name=f"Cable {i}", quantity=2) for i in range(5)]
    with Session(pg_engine) as s:
        s.execute(sa.update(EquipmentItem).values(low_stock_threshold=2))
        s.commit()

    created = Counter[str]()
    for offset in (0, 4, 6):  # the 7-, 3- and 1-day marks
        for counts in run_at_once(pg_engine, TODAY + timedelta(days=offset)):
            created.update(counts)

    with Session(pg_engine) as s:
        rows = s.exec(select(Notification.user_id, Notification.dedup_key)).all()
    assert len(rows) == len(set(rows)), "a notification was sent twice"
    with Session(pg_engine) as s:
        per_type = Counter(t for (t,) in s.execute(sa.select(Notification.type)).all())
    assert per_type[NotificationType.EVENT_REMINDER] == len(events) * 3
    assert per_type[NotificationType.LOW_STOCK] == len(items) * len(staff)
    # What the runs reported creating is exactly what exists: nobody double-counted.
    assert created["event_reminder"] == len(events) * 3
    assert created["low_stock"] == len(items) * len(staff)
