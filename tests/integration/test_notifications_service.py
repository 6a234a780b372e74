"""Notifications on SQLite and PostgreSQL: the one insert helper (dedup, mute, inactive
users, change published after commit), every generator with a fixed `today`, the periodic
runner, the equipment hooks, and the privacy of the signed-in user's feed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import read_session, transaction
from avrentals.domain import changes
from avrentals.domain.enums import NotificationType, Priority, Role
from avrentals.domain.errors import NotFound, Unauthorized, ValidationFailed
from avrentals.domain.models import EquipmentItem, Notification, User
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment, maintenance
from avrentals.domain.services import notification_feed as feed
from avrentals.domain.services import notification_generators as gen
from avrentals.domain.services.auth import actor_of
from avrentals.domain.services.notifications import DISMISSED_LINK, notify
from tests.factories import make_user
from tests.inventory_factories import make_category, make_client, make_event

TODAY = date(2026, 11, 25)
LOW = NotificationType.LOW_STOCK


def notes(engine: Engine, kind: NotificationType | None = None) -> list[Notification]:
    with Session(engine) as s:
        query = select(Notification).order_by(col(Notification.created_at))
        if kind is not None:
            query = query.where(col(Notification.type) == kind)
        return list(s.exec(query).all())


def ping(engine: Engine, users: list[User], key: str | None = "k1", **kw: object) -> list:
    with transaction(engine) as s:
        return notify(
            s,
            [u.id for u in users],
            kw.pop("type", NotificationType.SYSTEM),  # type: ignore[arg-type]
            "Hello",
            "A message",
            kw.pop("priority", Priority.MEDIUM),  # type: ignore[arg-type]
            "/equipment",
            key,
        )


def catalogue_item(engine: Engine, actor: Actor, name: str, quantity: int, **data: object):
    category, _ = make_category(engine, f"Cables {uuid.uuid4().hex[:5]}")
    with transaction(engine) as s:
        return equipment.create_equipment(
            s,
            actor,
            {
                "name": name,
                "category_id": str(category.id),
                "location": "Aisle C",
                "quantity": quantity,
                **data,
            },
        )


def edit(engine: Engine, actor: Actor, item_id: uuid.UUID, **data: object) -> EquipmentItem:
    with Session(engine) as s:
        version = s.get(EquipmentItem, item_id).version  # type: ignore[union-attr]
    with transaction(engine) as s:
        return equipment.update_equipment(s, actor, item_id, version, data)


# --- notify -------------------------------------------------------------------------------


def test_notify_deduplicates_per_user_and_key(engine: Engine, fresh_bus) -> None:
    a, b = make_user(engine, Role.MANAGER), make_user(engine, Role.VIEWER)
    first = ping(engine, [a, b, a])
    assert sorted(n.user_id for n in first) == sorted([a.id, b.id])
    assert ping(engine, [a, b]) == []  # same key: the database refuses both
    assert len(ping(engine, [a], key="k2")) == 1
    assert len(ping(engine, [a], key=None)) == 1 and len(ping(engine, [a], key=None)) == 1
    assert len(notes(engine)) == 5


def test_notify_skips_muted_and_inactive_users(engine: Engine) -> None:
    muted = make_user(engine, Role.MANAGER, muted_notification_types=["low_stock"])
    other_muted = make_user(engine, Role.MANAGER, muted_notification_types=["new_equipment"])
    gone = make_user(engine, Role.MANAGER, is_active=False)
    sent = ping(engine, [muted, other_muted, gone], type=LOW)
    assert [n.user_id for n in sent] == [other_muted.id]
    # Unmuting later lets the same fact through (nothing was stored for the muted user).
    with transaction(engine) as s:
        feed.set_muted_types(s, actor_of(muted), [])
    assert [n.user_id for n in ping(engine, [muted, other_muted], type=LOW)] == [muted.id]


def test_notify_publishes_after_commit_only(engine: Engine) -> None:
    user = make_user(engine, Role.MANAGER)
    seen: list[changes.Change] = []

    class Recorder(changes.InProcessBus):
        def publish(self, change: changes.Change) -> None:
            seen.append(change)

    changes.set_bus(Recorder())
    with pytest.raises(RuntimeError), transaction(engine) as s:
        notify(s, [user.id], NotificationType.SYSTEM, "t", "m")
        raise RuntimeError("rolled back")
    assert seen == [] and notes(engine) == []
    ping(engine, [user])
    assert [(c.entity, c.action, c.id) for c in seen] == [("notification", "create", str(user.id))]


# --- generators ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "mark", "priority"),
    [(7, 7, Priority.LOW), (5, 7, Priority.LOW), (3, 3, Priority.MEDIUM), (1, 1, Priority.HIGH)],
)
def test_event_reminder_marks(engine: Engine, days: int, mark: int, priority: Priority) -> None:
    crew = make_user(engine, Role.EMPLOYEE)
    client = make_client(engine)
    start = TODAY + timedelta(days=days)
    event = make_event(engine, client, start, start, name="Gala", assigned_user_id=crew.id)
    with transaction(engine) as s:
        sent = gen.event_reminders(s, TODAY)
    assert [(n.user_id, n.dedup_key, n.priority) for n in sent] == [
        (crew.id, f"reminder:{event.id}:{mark}", priority)
    ]
    assert sent[0].link == f"/events/{event.id}" and "Gala starts" in sent[0].title
    with transaction(engine) as s:
        assert gen.event_reminders(s, TODAY) == []  # once per user, event and mark


def test_event_reminders_over_the_week_before(engine: Engine) -> None:
    crew = make_user(engine, Role.EMPLOYEE)
    client = make_client(engine)
    start = TODAY + timedelta(days=10)
    event = make_event(engine, client, start, start, assigned_user_id=crew.id)
    make_event(engine, client, start, start)  # nobody assigned: nobody reminded
    sent_on = {}
    for offset in range(11):  # a run every day from 10 days before to the start day
        with transaction(engine) as s:
            for n in gen.event_reminders(s, TODAY + timedelta(days=offset)):
                sent_on[n.dedup_key] = 10 - offset
    assert sent_on == {f"reminder:{event.id}:{m}": m for m in (7, 3, 1)}
    assert len(notes(engine, NotificationType.EVENT_REMINDER)) == 3


def test_low_stock_once_per_spell_and_again_after_recovery(engine: Engine) -> None:
    admin = make_user(engine, Role.ADMIN)
    tech = make_user(engine, Role.TECHNICIAN)
    make_user(engine, Role.EMPLOYEE)  # not a recipient
    cable = catalogue_item(engine, actor_of(admin), "XLR 10m", 10, low_stock_threshold=3)
    with transaction(engine) as s:
        assert gen.low_stock(s) == []  # 10 good > 3
    edit(engine, actor_of(admin), cable.id, quantity_good=3, quantity_damaged=7)
    low = notes(engine, LOW)
    # The editor hears about low stock too: only status changes skip their author.
    assert sorted(n.user_id for n in low) == sorted([admin.id, tech.id])
    assert all(n.dedup_key == f"low_stock:{cable.id}" and "3 good units" in n.message for n in low)
    with transaction(engine) as s:
        assert gen.low_stock(s) == []  # still low: nothing new
    edit(engine, actor_of(admin), cable.id, quantity_good=9, quantity_damaged=1)
    assert all(n.dedup_key is None for n in notes(engine, LOW))  # released
    edit(engine, actor_of(admin), cable.id, quantity_good=2, quantity_damaged=8)
    assert len(notes(engine, LOW)) == 4  # the second spell is announced


def test_low_stock_threshold_zero_never_alerts(engine: Engine) -> None:
    make_user(engine, Role.MANAGER)
    admin = make_actor_of(engine, Role.ADMIN)
    catalogue_item(engine, admin, "Gaffer tape", 0)
    with transaction(engine) as s:
        assert gen.low_stock(s) == []


def make_actor_of(engine: Engine, role: Role) -> Actor:
    return actor_of(make_user(engine, role))


def test_status_change_notifies_technicians_and_managers(engine: Engine) -> None:
    tech = make_user(engine, Role.TECHNICIAN)
    manager = make_user(engine, Role.MANAGER)
    make_user(engine, Role.EMPLOYEE)
    make_user(engine, Role.ADMIN)
    editor = make_actor_of(engine, Role.MANAGER)
    item = catalogue_item(engine, editor, "Robe Spot", 4)
    edit(engine, editor, item.id, location="Aisle Q")  # no unit moved: nothing
    assert notes(engine, NotificationType.EQUIPMENT_STATUS_CHANGE) == []
    edit(engine, editor, item.id, quantity_good=3, quantity_damaged=1)
    sent = notes(engine, NotificationType.EQUIPMENT_STATUS_CHANGE)
    assert sorted(n.user_id for n in sent) == sorted([tech.id, manager.id])  # not the editor
    assert all(n.priority == Priority.HIGH and "1 unit reported damaged" in n.message for n in sent)
    edit(engine, editor, item.id, quantity_good=2, quantity_damaged=1, quantity_maintenance=1)
    later = notes(engine, NotificationType.EQUIPMENT_STATUS_CHANGE)[len(sent) :]
    assert len(later) == 2 and all(n.priority == Priority.MEDIUM for n in later)
    # Back to good: no status-change notification.
    edit(engine, editor, item.id, quantity_good=4, quantity_damaged=0, quantity_maintenance=0)
    assert len(notes(engine, NotificationType.EQUIPMENT_STATUS_CHANGE)) == 4


def test_new_equipment_notifies_managers_and_admins(engine: Engine) -> None:
    manager = make_user(engine, Role.MANAGER)
    admin = make_user(engine, Role.ADMIN)
    make_user(engine, Role.TECHNICIAN)
    creator = make_actor_of(engine, Role.MANAGER)
    item = catalogue_item(engine, creator, "Yamaha CL5", 1)
    sent = notes(engine, NotificationType.NEW_EQUIPMENT)
    assert sorted(n.user_id for n in sent) == sorted([manager.id, admin.id])
    assert all(n.link == f"/equipment/{item.id}" and n.priority == Priority.LOW for n in sent)


def test_scheduler_runs_every_generator_idempotently(engine: Engine) -> None:
    crew = make_user(engine, Role.EMPLOYEE)
    tech = make_user(engine, Role.TECHNICIAN)
    admin = make_actor_of(engine, Role.ADMIN)
    client = make_client(engine)
    start = TODAY + timedelta(days=3)
    make_event(engine, client, start, start, assigned_user_id=crew.id)
    item = catalogue_item(engine, admin, "DI box", 5, low_stock_threshold=5)
    with transaction(engine) as s:
        log = maintenance.raise_request(
            s, admin, item.id, {"units": 1, "description": "Broken jack"}, today=TODAY
        )
    late_tech = make_user(engine, Role.TECHNICIAN)  # joined after the log was opened
    with transaction(engine) as s:
        counts = gen.run_scheduled_notifications(s, TODAY)
    assert counts["event_reminder"] == 1 and counts["maintenance_due"] == 1
    due = notes(engine, NotificationType.MAINTENANCE_DUE)
    assert sorted(n.user_id for n in due) == sorted([tech.id, late_tech.id])
    assert {n.dedup_key for n in due} == {maintenance.dedup_key(log.id)}
    with transaction(engine) as s:
        again = gen.run_scheduled_notifications(s, TODAY)
    assert set(again.values()) == {0}


# --- the feed -----------------------------------------------------------------------------


def test_feed_is_private_and_marks_read(engine: Engine) -> None:
    alice, bob = make_user(engine, Role.VIEWER), make_user(engine, Role.TECHNICIAN)
    ping(engine, [alice, bob], key="a")
    ping(engine, [alice], key="b", priority=Priority.HIGH)
    me, other = actor_of(alice), actor_of(bob)
    with read_session(engine) as s:
        page = feed.list_notifications(s, me, PageRequest(1, 20))
        assert page.total == 2 and page.extra["unread"] == 2
        assert page.items[0]["priority"] == "high"  # newest first
        bobs = feed.list_notifications(s, other, PageRequest(1, 20)).items[0]["id"]
    for call in (feed.mark_read, feed.delete_notification):
        with pytest.raises(NotFound), transaction(engine) as s:
            call(s, me, bobs)
        with pytest.raises(NotFound), transaction(engine) as s:
            call(s, me, uuid.uuid4())
    with pytest.raises(Unauthorized), read_session(engine) as s:
        feed.unread_count(s, None)
    with transaction(engine) as s:
        row = feed.mark_read(s, me, page.items[1]["id"])
        assert row["is_read"] is True
    with read_session(engine) as s:
        assert feed.unread_count(s, me) == 1 and feed.unread_count(s, other) == 1
        unread = feed.list_notifications(s, me, PageRequest(1, 20), unread_only=True)
        assert [r["id"] for r in unread.items] == [page.items[0]["id"]]
    with transaction(engine) as s:
        assert feed.mark_all_read(s, me) == 1
    with transaction(engine) as s:
        assert feed.mark_all_read(s, me) == 0
    with read_session(engine) as s:
        assert feed.unread_count(s, me) == 0 and feed.unread_count(s, other) == 1


def test_deleted_keyed_notification_is_not_sent_again(engine: Engine) -> None:
    user = make_user(engine, Role.MANAGER)
    me = actor_of(user)
    keyed = ping(engine, [user], key="once")[0]
    plain = ping(engine, [user], key=None)[0]
    with transaction(engine) as s:
        feed.delete_notification(s, me, keyed.id)
        feed.delete_notification(s, me, plain.id)
    with read_session(engine) as s:
        assert feed.list_notifications(s, me, PageRequest(1, 20)).total == 0
        assert feed.unread_count(s, me) == 0
    assert ping(engine, [user], key="once") == []  # the tombstone still blocks it
    assert [n.link for n in notes(engine)] == [DISMISSED_LINK]
    with pytest.raises(NotFound), transaction(engine) as s:
        feed.delete_notification(s, me, keyed.id)


def test_muted_types_preferences(engine: Engine) -> None:
    me = make_actor_of(engine, Role.EMPLOYEE)
    with transaction(engine) as s:
        saved = feed.set_muted_types(s, me, ["new_equipment", "low_stock", "low_stock"])
    assert saved == ["low_stock", "new_equipment"]  # enum order, no duplicates
    with read_session(engine) as s:
        assert feed.muted_types(s, me) == saved
    for bad in (["nope"], "low_stock", 5):
        with pytest.raises(ValidationFailed) as exc, transaction(engine) as s:
            feed.set_muted_types(s, me, bad)
        assert "muted_types" in exc.value.details
    with read_session(engine) as s:
        assert feed.muted_types(s, me) == saved


# --- the bell's live refresh (state tree in memory, real database) -------------------------


def test_bell_refreshes_live_for_its_own_user_only(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    import avrentals.db
    from avrentals.ui.state import notifications as ui
    from tests.integration.test_ui_handler_roles import Tab

    monkeypatch.setattr(avrentals.db, "get_engine", lambda: pg_engine)
    toasts: list[list[dict[str, str]]] = []

    async def record_toasts(token: str, rows: list[dict[str, str]]) -> None:
        toasts.append(rows)

    monkeypatch.setattr(ui, "push_toasts", record_toasts)
    me, other = make_user(pg_engine, Role.MANAGER), make_user(pg_engine, Role.MANAGER)
    tab = Tab()
    tab.sign_in(me)
    bell = tab.state(ui.NotificationBellState)

    async def run() -> None:
        await tab.call(ui.NotificationBellState, "load")
        assert bell.unread == 0 and bell.badge == "0" and bell.loaded
        ping(pg_engine, [other], key="theirs", priority=Priority.HIGH)
        await bell._apply_changes([changes.Change("notification", "create", str(other.id))])
        assert bell.unread == 0 and toasts == []  # someone else's: not even a query
        ping(pg_engine, [me], key="low", priority=Priority.LOW)
        ping(pg_engine, [me], key="high", priority=Priority.HIGH)
        await bell._apply_changes([changes.Change("notification", "create", str(me.id))])
        assert bell.unread == 2 and [i["priority"] for i in bell.items] == ["high", "low"]
        assert [[t["priority"] for t in batch] for batch in toasts] == [["high"]]
        await bell._apply_changes([changes.Change("notification", "update", str(me.id))])
        assert len(toasts) == 1  # nothing new: no second toast
        await tab.call(ui.NotificationBellState, "mark_all_read")
        assert bell.unread == 0 and all(i["read"] == "1" for i in bell.items)

    asyncio.run(run())
