"""Warehouse prep services on both backends: the checklist, scans by code with every outcome,
prep_status following the counters, manual +/- (versioned), the offline scan batch
(idempotency, ordering, per-scan statuses), damage/missing at check-in (maintenance log,
units to damaged, conflict alert), consumables settled at check-in and overdue returns."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import read_session, transaction
from avrentals.domain import availability as av
from avrentals.domain import media_store, rate_limits
from avrentals.domain.enums import (
    EquipmentType,
    NotificationType,
    PrepStatus,
    Role,
    ScanResult,
    ScanType,
    UnitStatus,
)
from avrentals.domain.errors import (
    Forbidden,
    NotFound,
    RateLimited,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.models import (
    AuditLog,
    EquipmentItem,
    Event,
    MaintenanceLog,
    Notification,
    Rental,
    ScanLog,
)
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services import availability as avs
from avrentals.domain.services import prep
from avrentals.domain.services.maintenance_queries import item_history, list_logs
from avrentals.domain.services.notification_generators import run_scheduled_notifications
from avrentals.domain.services.prep_checkin import (
    finish_checkin,
    report_damage,
    store_report_photo,
)
from avrentals.domain.services.prep_overdue import (
    notify_overdue_returns,
    overdue_return,
    overdue_units,
)
from avrentals.domain.services.scan_batch import QueuedScan, scan_batch
from tests.booking_factories import day, make_client, make_event, raw_rental
from tests.factories import make_actor, make_item, make_user


@pytest.fixture
def setup(engine: Engine):
    client = make_client(engine)
    event = make_event(engine, client, day(0), day(2))
    mic = make_item(engine, "Shure SM58", quantity=10, location="Aisle A")
    cable = make_item(engine, "XLR 10m", quantity=20, location="Aisle B")
    raw_rental(engine, event, mic, 3)
    raw_rental(engine, event, cable, 2)
    return event, mic, cable


def scan(engine, actor, event, code, kind="checkout", **kw):
    with transaction(engine) as s:
        return prep.scan(s, actor, event.id, code, kind, **kw)


def line_of(engine, event, item) -> Rental:
    with Session(engine) as s:
        row = s.exec(
            select(Rental).where(Rental.event_id == event.id, Rental.equipment_id == item.id)
        ).one()
        s.expunge(row)
        return row


def test_checklist_groups_lines_with_location_states_and_totals(engine, setup) -> None:
    event, _, _ = setup
    actor = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        data = prep.prep_checklist(s, actor, event.id, today=day(0))
    assert data["event"]["name"] == event.name and data["event"]["overdue"] is False
    assert [len(g["lines"]) for g in data["groups"]] == [1, 1]  # two categories
    first = data["lines"][0]
    assert {first["location"], data["lines"][1]["location"]} == {"Aisle A", "Aisle B"}
    assert first["out_state"] == "none" and first["prep_status"] == "pending"
    assert data["totals"] == {
        "quantity": 5,
        "scanned_out": 0,
        "scanned_in": 0,
        "missing": 0,
        "lines": 2,
    }


def test_scan_counts_up_to_the_quantity_then_says_complete(engine, setup) -> None:
    event, mic, _ = setup
    actor = make_actor(engine, Role.TECHNICIAN)
    results = [scan(engine, actor, event, mic.asset_code).result for _ in range(4)]
    assert results == [ScanResult.OK] * 3 + [ScanResult.QUANTITY_COMPLETE]
    line = line_of(engine, event, mic)
    assert (line.scanned_out, line.prep_status, line.version) == (3, PrepStatus.CHECKED_OUT, 4)
    with Session(engine) as s:
        logs = s.exec(select(ScanLog).where(ScanLog.event_id == event.id)).all()
        assert sorted(log.result.value for log in logs) == ["OK"] * 3 + ["QUANTITY_COMPLETE"]
        assert all(log.user_id == actor.user_id for log in logs)
        audits = s.exec(select(AuditLog).where(AuditLog.entity_type == "rental")).all()
        assert len(audits) == 3


def test_checkin_follows_checkout_and_status_reaches_checked_in(engine, setup) -> None:
    event, mic, _ = setup
    actor = make_actor(engine, Role.EMPLOYEE)
    assert scan(engine, actor, event, mic.asset_code, "checkin").result is (
        ScanResult.QUANTITY_COMPLETE
    )  # nothing went out yet
    for _ in range(3):
        scan(engine, actor, event, mic.asset_code)
    for _ in range(2):
        scan(engine, actor, event, mic.asset_code.lower(), "checkin")  # case-insensitive
    line = line_of(engine, event, mic)
    assert (line.scanned_in, line.prep_status) == (2, PrepStatus.CHECKED_OUT)
    outcome = scan(engine, actor, event, mic.asset_code, "checkin")
    assert outcome.line is not None and outcome.line["in_state"] == "done"
    assert line_of(engine, event, mic).prep_status is PrepStatus.CHECKED_IN


def test_unknown_code_and_item_not_on_event(engine, setup) -> None:
    event, _, _ = setup
    other = make_item(engine, "Spare DI box", quantity=4)
    tech = make_actor(engine, Role.TECHNICIAN)
    unknown = scan(engine, tech, event, "NOPE-123")
    assert unknown.result is ScanResult.UNKNOWN_CODE and unknown.line is None
    absent = scan(engine, tech, event, other.asset_code)
    assert absent.result is ScanResult.NOT_ON_EVENT
    assert (absent.available, absent.can_add) == (4, True)
    assert absent.item is not None and absent.item["name"] == "Spare DI box"
    with Session(engine) as s:
        assert len(s.exec(select(ScanLog)).all()) == 2


def test_not_on_event_cannot_be_added_when_nothing_is_free(engine, setup) -> None:
    event, _, _ = setup
    busy = make_item(engine, "Sold out", quantity=1)
    raw_rental(engine, make_event(engine, make_client(engine, "Other"), day(1)), busy, 1)
    outcome = scan(engine, make_actor(engine), event, busy.asset_code)
    assert (outcome.result, outcome.available, outcome.can_add) == (
        ScanResult.NOT_ON_EVENT,
        0,
        False,
    )


def test_scan_id_is_applied_once(engine, setup) -> None:
    event, mic, _ = setup
    actor = make_actor(engine)
    sid = uuid.uuid4()
    assert scan(engine, actor, event, mic.asset_code, scan_id=sid).result is ScanResult.OK
    assert scan(engine, actor, event, mic.asset_code, scan_id=sid).result is ScanResult.DUPLICATE
    assert line_of(engine, event, mic).scanned_out == 1


def test_scan_refuses_viewers_bad_input_and_unknown_events(engine, setup) -> None:
    event, mic, _ = setup
    with pytest.raises(Forbidden):
        scan(engine, make_actor(engine, Role.VIEWER), event, mic.asset_code)
    admin = make_actor(engine)
    with pytest.raises(ValidationFailed) as bad:
        scan(engine, admin, event, "   ")
    assert "code" in bad.value.fields
    with pytest.raises(ValidationFailed):
        scan(engine, admin, event, mic.asset_code, "sideways")
    with pytest.raises(NotFound), transaction(engine) as s:
        prep.scan(s, admin, uuid.uuid4(), mic.asset_code, "checkout")
    assert line_of(engine, event, mic).scanned_out == 0


def test_manual_adjust_is_versioned_and_range_checked(engine, setup) -> None:
    event, mic, _ = setup
    actor = make_actor(engine, Role.TECHNICIAN)
    line = line_of(engine, event, mic)
    with transaction(engine) as s:
        row = prep.adjust(s, actor, line.id, "checkout", 2, line.version)
    assert (row["scanned_out"], row["out_state"], row["version"]) == (2, "partial", 2)
    with pytest.raises(VersionConflict), transaction(engine) as s:
        prep.adjust(s, actor, line.id, "checkout", 1, line.version)  # stale
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        prep.adjust(s, actor, line.id, "checkout", 2, 2)  # 4 > quantity 3
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        prep.adjust(s, actor, line.id, "checkin", 3, 2)  # only 2 went out
    with transaction(engine) as s:
        row = prep.adjust(s, actor, line.id, "checkout", -1, 2)
    assert row["scanned_out"] == 1
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        prep.adjust(s, actor, line.id, "checkout", True, 3)


def test_scan_publishes_rental_and_scan_changes_after_commit(engine, setup, fresh_bus) -> None:
    event, mic, _ = setup
    seen: list = []
    fresh_bus.publish = seen.append  # type: ignore[method-assign]
    scan(engine, make_actor(engine), event, mic.asset_code)
    assert {(c.entity, c.id) for c in seen} >= {
        ("rental", str(line_of(engine, event, mic).id)),
        ("scan", str(event.id)),
    }


# --- Offline batch ---------------------------------------------------------------------------


def queued(event, item, kind="checkout", at=0, sid=None):
    return QueuedScan(
        id=sid or uuid.uuid4(),
        event_id=event.id,
        equipment_id=item.id,
        scan_type=ScanType(kind),
        timestamp=datetime(2030, 6, 1, 9, 0, tzinfo=UTC) + timedelta(seconds=at),
    )


def run_batch(engine, actor, scans):
    with transaction(engine) as s:
        return scan_batch(s, actor, scans)


def test_batch_statuses_order_and_idempotency(engine, setup) -> None:
    event, mic, cable = setup
    stray = make_item(engine, "Not booked", quantity=2)
    actor = make_actor(engine, Role.TECHNICIAN)
    # The check-in was queued with an earlier timestamp than it arrives in the list: it is
    # applied after the check-out it follows in time, so it counts.
    scans = [
        queued(event, mic, "checkin", at=5),
        queued(event, mic, "checkout", at=1),
        queued(event, mic, "checkout", at=2),
        queued(event, mic, "checkout", at=3),
        queued(event, mic, "checkout", at=4),  # 4th of a quantity of 3
        queued(event, stray, at=6),
    ]
    result = run_batch(engine, actor, scans)
    statuses = [r["status"] for r in result["results"]]
    assert result["processed"] == 6
    assert statuses == ["OK", "OK", "OK", "OK", "QUANTITY_COMPLETE", "NOT_ON_EVENT"]
    assert [r["id"] for r in result["results"]] == [str(s.id) for s in scans]
    line = line_of(engine, event, mic)
    assert (line.scanned_out, line.scanned_in) == (3, 1)
    replay = run_batch(engine, actor, [*scans, queued(event, cable, at=7)])
    assert [r["status"] for r in replay["results"]] == ["DUPLICATE"] * 6 + ["OK"]
    assert (line_of(engine, event, mic).scanned_out, line_of(engine, event, cable).scanned_out) == (
        3,
        1,
    )


def test_batch_same_id_twice_and_vanished_event_or_item(engine, setup) -> None:
    event, mic, _ = setup
    actor = make_actor(engine)
    sid = uuid.uuid4()
    gone_event = Event(
        id=uuid.uuid4(),
        name="gone",
        client_id=event.client_id,
        location="x",
        start_date=day(0),
        end_date=day(0),
    )
    gone_item = make_item(engine, "ghost")
    gone_item.id = uuid.uuid4()
    result = run_batch(
        engine,
        actor,
        [
            queued(event, mic, sid=sid),
            queued(event, mic, sid=sid, at=1),
            queued(gone_event, mic, at=2),
            queued(event, gone_item, at=3),
        ],
    )
    assert [r["status"] for r in result["results"]] == [
        "OK",
        "DUPLICATE",
        "VERSION_CONFLICT",
        "VERSION_CONFLICT",
    ]
    assert line_of(engine, event, mic).scanned_out == 1


def test_batch_line_removed_since_loading_is_a_version_conflict(engine, setup) -> None:
    from avrentals.domain.services import rentals as rs

    event, _, cable = setup
    admin = make_actor(engine)
    with transaction(engine) as s:
        rs.remove_rental(s, admin, line_of(engine, event, cable).id)
    stray = make_item(engine, "Never booked")
    now = datetime.now(UTC)
    scans = [
        QueuedScan(uuid.uuid4(), event.id, cable.id, ScanType.CHECKOUT, now),
        QueuedScan(uuid.uuid4(), event.id, stray.id, ScanType.CHECKOUT, now),
    ]
    result = run_batch(engine, admin, scans)
    assert [r["status"] for r in result["results"]] == ["VERSION_CONFLICT", "NOT_ON_EVENT"]


def test_batch_needs_rentals_write(engine, setup) -> None:
    event, mic, _ = setup
    with pytest.raises(Forbidden):
        run_batch(engine, make_actor(engine, Role.VIEWER), [queued(event, mic)])


# --- Check-in damage, consumables ------------------------------------------------------------


def checked_out(engine, event, item, n):
    actor = make_actor(engine)
    for _ in range(n):
        scan(engine, actor, event, item.asset_code)
    return actor


def test_damage_at_checkin_opens_maintenance_and_raises_the_conflict(engine) -> None:
    client = make_client(engine)
    event = make_event(engine, client, day(0), day(1))
    later = make_event(engine, client, day(10), day(12))
    item = make_item(engine, "Moving head", quantity=4)
    raw_rental(engine, event, item, 4)
    raw_rental(engine, later, item, 4)  # every unit booked again later
    make_user(engine, Role.MANAGER)
    technician = make_user(engine, Role.TECHNICIAN)
    tech = checked_out(engine, event, item, 4)
    line = line_of(engine, event, item)
    with transaction(engine) as s:
        out = report_damage(s, tech, line.id, 1, "damaged", "Cracked lens", today=day(2))
    assert out["conflict_alerts"] >= 1
    with Session(engine) as s:
        saved = s.get(EquipmentItem, item.id)
        assert saved is not None
        assert (saved.qty_good, saved.qty_damaged, saved.status) == (3, 1, UnitStatus.DAMAGED)
        log = s.exec(select(MaintenanceLog)).one()
        assert (log.units, log.event_id, log.to_status) == (1, event.id, UnitStatus.DAMAGED)
        assert "Cracked lens" in log.description and log.status.value == "open"
        alerts = s.exec(
            select(Notification).where(Notification.type == NotificationType.CONFLICT_ALERT)
        ).all()
        assert alerts and all("Moving head" in a.title for a in alerts)
        # Technicians are told about the damaged unit like any other damage report.
        due = s.exec(
            select(Notification).where(Notification.type == NotificationType.MAINTENANCE_DUE)
        ).all()
        assert [n.user_id for n in due] == [technician.id]
        # ... and the conflicts panel lists the overbooked days of the later event.
        days = avs.find_conflicts(s, av.Window(day(10), day(12)), [item.id])
        assert [(d["booked"], d["bookable"]) for d in days] == [(4, 3)] * 3
    # Damaged units came back: the line still waits for them to be scanned in.
    assert line_of(engine, event, item).scanned_in == 0


def test_missing_units_count_as_accounted_and_are_range_checked(engine, setup) -> None:
    event, mic, _ = setup
    tech = checked_out(engine, event, mic, 3)
    line = line_of(engine, event, mic)
    with pytest.raises(ValidationFailed) as bad, transaction(engine) as s:
        report_damage(s, tech, line.id, 4, "missing", "Lost on site")
    assert "units" in bad.value.fields
    with pytest.raises(ValidationFailed) as bad, transaction(engine) as s:
        report_damage(s, tech, line.id, 1, "stolen", "")
    assert {"condition", "note"} <= set(bad.value.fields)
    with transaction(engine) as s:
        out = report_damage(s, tech, line.id, 2, "missing", "Lost on site")
    assert (out["line"]["scanned_in"], out["line"]["missing"]) == (2, 1)
    with Session(engine) as s:
        saved = s.get(EquipmentItem, mic.id)
        assert saved is not None and (saved.qty_good, saved.qty_damaged) == (8, 2)
    with pytest.raises(Forbidden), transaction(engine) as s:
        report_damage(s, make_actor(engine, Role.VIEWER), line.id, 1, "missing", "gone")


def test_finish_checkin_deducts_unreturned_consumables(engine) -> None:
    client = make_client(engine)
    event = make_event(engine, client, day(0))
    tape = make_item(engine, "Gaffer tape", quantity=50)
    tape_id = tape.id
    with Session(engine) as s:
        row = s.get(EquipmentItem, tape_id)
        assert row is not None
        row.daily_rate, row.item_type = Decimal("0.00"), EquipmentType.CONSUMABLE
        s.add(row)
        s.commit()
    mic = make_item(engine, "Mic", quantity=2)
    raw_rental(engine, event, tape, 10)
    raw_rental(engine, event, mic, 2)
    actor = make_actor(engine)
    with transaction(engine) as s:
        lines = {r.equipment_id: r for r in s.exec(select(Rental)).all()}
        prep.adjust(s, actor, lines[tape_id].id, "checkout", 10, 1)
        prep.adjust(s, actor, lines[tape_id].id, "checkin", 3, 2)
        prep.adjust(s, actor, lines[mic.id].id, "checkout", 2, 1)
    with transaction(engine) as s:
        out = finish_checkin(s, actor, event.id)
    assert out == {
        "consumed": [{"name": "Gaffer tape", "units": 7}],
        "still_out": [{"name": "Mic", "units": 2}],
    }
    with Session(engine) as s:
        saved = s.get(EquipmentItem, tape_id)
        assert saved is not None and (saved.quantity, saved.qty_good) == (43, 43)
    assert line_of(engine, event, tape).prep_status is PrepStatus.CHECKED_IN


# --- Overdue returns --------------------------------------------------------------------------


def test_overdue_flag_and_notification_dedup(engine, setup) -> None:
    event, mic, _ = setup
    assignee = make_user(engine, Role.EMPLOYEE)
    with Session(engine) as s:
        row = s.get(Event, event.id)
        assert row is not None
        row.assigned_user_id = assignee.id
        s.add(row)
        s.commit()
    checked_out(engine, event, mic, 2)
    with read_session(engine) as s:
        assert overdue_return(s, event.id, day(2)) == 0  # still on its last day
        assert overdue_return(s, event.id, day(3)) == 2
    with transaction(engine) as s:
        first = notify_overdue_returns(s, day(3))
    with transaction(engine) as s:
        again = notify_overdue_returns(s, day(4))
    assert [n.user_id for n in first] == [assignee.id] and again == []
    with Session(engine) as s:
        note = s.exec(
            select(Notification).where(col(Notification.type) == NotificationType.OVERDUE_RETURN)
        ).one()
        assert note.dedup_key == f"overdue:{event.id}" and "2 units" in note.message
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        listed = prep.prep_events(s, viewer, today=day(3))
        assert listed[0]["id"] == str(event.id) and listed[0]["overdue"] is True
        assert prep.prep_checklist(s, viewer, event.id, today=day(3))["event"]["overdue"]


def test_prep_list_shows_current_and_upcoming_but_not_finished_events(engine) -> None:
    client = make_client(engine)
    today = date(2030, 6, 10)
    soon = make_event(engine, client, today + timedelta(days=3), name="Soon show")
    far = make_event(engine, client, today + timedelta(days=60), name="Far show")
    done = make_event(engine, client, today - timedelta(days=5), name="Done show")
    now = make_event(engine, client, today, today + timedelta(days=1), name="Now show")
    with read_session(engine) as s:
        names = [
            r["name"] for r in prep.prep_events(s, make_actor(engine, Role.VIEWER), today=today)
        ]
    assert names == [now.name, soon.name]
    assert far.name not in names and done.name not in names


# --- Presence -----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["local", "redis"])
def test_presence_lists_others_and_expires(backend, request) -> None:
    from avrentals.domain import presence

    if backend == "redis":
        registry: presence.Registry = presence.RedisRegistry(request.getfixturevalue("redis_url"))
    else:
        registry = presence.LocalRegistry()
    topic = f"event-{uuid.uuid4()}"
    registry.touch(topic, "tab-a", "Ana", 1000.0)
    registry.touch(topic, "tab-b", "Bruno", 1010.0)
    assert registry.present(topic, 1020.0) == {"tab-a": "Ana", "tab-b": "Bruno"}
    # Ana's tab stopped touching: gone after the TTL, Bruno's is still fresh.
    assert registry.present(topic, 1000.0 + presence.TTL_SECONDS + 1) == {"tab-b": "Bruno"}
    registry.leave(topic, "tab-b")
    assert registry.present(topic, 1020.0) == {}
    presence.set_registry(registry)
    try:
        presence.touch(topic, "tab-a", "Ana")
        presence.touch(topic, "tab-c", "Carla")
        assert presence.others(topic, "tab-a") == ["Carla"]
    finally:
        presence.set_registry(None)


# --- Overdue returns on the events list and the event page ------------------------------------


def test_overdue_units_flags_only_overdue_events_in_one_query(engine) -> None:
    client = make_client(engine)
    late = make_event(engine, client, day(0), day(1))
    back = make_event(engine, client, day(0), day(1))
    buffered = make_event(engine, client, day(0), day(1), ret=5)  # return window still open
    current = make_event(engine, client, day(3), day(6))
    mic = make_item(engine, "Shure SM58", quantity=20)
    for event in (late, back, buffered, current):
        raw_rental(engine, event, mic, 3)
        checked_out(engine, event, mic, 3)
    actor = make_actor(engine)
    for _ in range(3):
        scan(engine, actor, back, mic.asset_code, "checkin")
    scan(engine, actor, late, mic.asset_code, "checkin")
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    ids = [late.id, back.id, buffered.id, current.id, uuid.uuid4()]
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        with read_session(engine) as s:
            statements.clear()
            found = overdue_units(s, ids, day(4))
            queries = [q for q in statements if "rental" in q.lower()]
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)
    assert found == {late.id: 2}
    assert len(queries) == 1
    with read_session(engine) as s:
        assert overdue_units(s, [], day(4)) == {}
        assert overdue_return(s, back.id, day(4)) == 0
        assert overdue_return(s, uuid.uuid4(), day(4)) == 0
        assert overdue_units(s, ids, day(7)) == {late.id: 2, buffered.id: 3, current.id: 3}


def test_events_list_and_event_page_show_the_overdue_flag(engine) -> None:
    from avrentals.ui.state import event_detail as detail_state
    from avrentals.ui.state import events as list_state

    today = date.today()
    client = make_client(engine)
    late = make_event(engine, client, today - timedelta(days=3), today - timedelta(days=1))
    fine = make_event(engine, client, today - timedelta(days=3), today - timedelta(days=1))
    mic = make_item(engine, "Shure SM58", quantity=20)
    raw_rental(engine, late, mic, 3)
    raw_rental(engine, fine, mic, 1)
    checked_out(engine, late, mic, 3)
    actor = checked_out(engine, fine, mic, 1)
    scan(engine, actor, fine, mic.asset_code, "checkin")
    scan(engine, actor, late, mic.asset_code, "checkin")
    viewer = make_actor(engine, Role.VIEWER)
    query = list_state.ListQuery(1, 20, "", None, None, "name", False)
    with read_session(engine) as s:
        rows = list_state.fetch_page(s, viewer, query).items
        shown = {str(r["id"]): list_state.display_row(r)["overdue"] for r in rows}
        late_page = detail_state._read(s, viewer, str(late.id))
        fine_page = detail_state._read(s, viewer, str(fine.id))
    assert shown == {str(late.id): "Overdue return: 2 units not back", str(fine.id): ""}
    assert late_page["event"]["overdue"] == "Overdue return: 2 units not back"
    assert fine_page["event"]["overdue"] == ""
    assert list_state.overdue_text(1) == "Overdue return: 1 unit not back"


def test_the_scheduled_run_sends_overdue_return_notifications(engine, setup) -> None:
    event, mic, _ = setup
    crew = make_user(engine, Role.EMPLOYEE)
    with Session(engine) as s:
        row = s.get(Event, event.id)
        assert row is not None
        row.assigned_user_id = crew.id
        s.add(row)
        s.commit()
    checked_out(engine, event, mic, 2)
    with transaction(engine) as s:
        assert run_scheduled_notifications(s, day(2))["overdue_return"] == 0  # last day
    with transaction(engine) as s:
        counts = run_scheduled_notifications(s, day(3))
    assert counts["overdue_return"] == 1
    with Session(engine) as s:
        note = s.exec(
            select(Notification).where(col(Notification.type) == NotificationType.OVERDUE_RETURN)
        ).one()
        assert note.user_id == crew.id and note.dedup_key == f"overdue:{event.id}"
    with transaction(engine) as s:
        assert run_scheduled_notifications(s, day(4))["overdue_return"] == 0


# --- A photo with a damage / missing report ---------------------------------------------------


def photo_bytes(color: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "PNG")
    return out.getvalue()


def test_report_photo_is_stored_attached_to_the_log_and_shown_in_history(engine) -> None:
    client = make_client(engine)
    event = make_event(engine, client, day(0), day(1))
    item = make_item(engine, "Moving head", quantity=4)
    raw_rental(engine, event, item, 2)
    tech = checked_out(engine, event, item, 2)
    line = line_of(engine, event, item)
    data = photo_bytes((10, 120, uuid.uuid4().int % 256))
    name = store_report_photo(tech, data)
    assert media_store.STORED_NAME_RE.match(name)
    assert media_store.open_media(name) is not None
    assert media_store.open_media(media_store.thumb_name_of(name)) is not None
    with transaction(engine) as s:
        out = report_damage(s, tech, line.id, 1, "damaged", "Cracked lens", photo=name)
    assert out["photo"] == name
    log_id = uuid.UUID(out["maintenance_id"])
    with Session(engine) as s:
        audit = s.exec(
            select(AuditLog).where(
                col(AuditLog.entity_type) == "maintenance",
                col(AuditLog.entity_id) == str(log_id),
                col(AuditLog.action) == "photo",
            )
        ).one()
        assert audit.new_values == {"photo": name} and audit.actor_id == tech.user_id
    # A second report without a photo: its log shows none.
    with transaction(engine) as s:
        plain = report_damage(s, tech, line.id, 1, "missing", "Lost on site")
    viewer = make_actor(engine, Role.TECHNICIAN)
    with read_session(engine) as s:
        history = item_history(s, viewer, item.id)["logs"]
        listed = list_logs(s, viewer, PageRequest(1, 20)).items
    photos = {row["id"]: (row["photo_url"], row["photo_thumb_url"]) for row in history}
    assert photos == {
        str(log_id): (
            media_store.URL_PREFIX + name,
            media_store.URL_PREFIX + media_store.thumb_name_of(name),
        ),
        plain["maintenance_id"]: (None, None),
    }
    assert {row["id"]: row["photo_url"] for row in listed} == {k: v[0] for k, v in photos.items()}


def test_report_photo_is_checked_authorised_and_rate_limited(engine, setup) -> None:
    event, mic, _ = setup
    tech = checked_out(engine, event, mic, 3)
    line = line_of(engine, event, mic)
    viewer = make_actor(engine, Role.VIEWER)
    with pytest.raises(Forbidden):
        store_report_photo(viewer, photo_bytes((1, 2, 3)))
    with pytest.raises(ValidationFailed) as bad:
        store_report_photo(tech, b"not a picture at all")
    assert bad.value.fields["image"] == [media_store.NOT_AN_IMAGE]
    # Only a stored photo may be attached: a well-formed name with no file, or anything
    # else, is refused with the other field errors and nothing is written.
    for photo in ("0" * 64 + ".png", "../../etc/passwd", 42):
        with pytest.raises(ValidationFailed) as bad, transaction(engine) as s:
            report_damage(s, tech, line.id, 1, "damaged", "", photo=photo)
        assert {"photo", "note"} <= set(bad.value.fields)
    with Session(engine) as s:
        assert s.exec(select(MaintenanceLog)).all() == []
    # The upload limit of equipment photos applies (per user and minute; one used above).
    for n in range(rate_limits.limits().uploads_per_minute - 1):
        store_report_photo(tech, photo_bytes((n, 200, 7)))
    with pytest.raises(RateLimited):
        store_report_photo(tech, photo_bytes((9, 9, 9)))
