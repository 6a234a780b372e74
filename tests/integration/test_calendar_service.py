"""The calendar service on both backends: visible ranges, events overlapping a range with the
client / item / category filters, conflict days, and moves (accepted, refused, stale)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain import availability as av
from avrentals.domain.enums import Role
from avrentals.domain.errors import (
    Forbidden,
    RentalConflict,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.models import AuditLog, EquipmentItem, Event
from avrentals.domain.services import calendar as cal
from tests.booking_factories import day, make_client, make_event, raw_rental, set_good
from tests.factories import make_actor, make_item


def saved(engine: Engine, event: Event) -> tuple[date, date, int]:
    with Session(engine) as s:
        row = s.get(Event, event.id)
        assert row is not None
        return row.start_date, row.end_date, row.version


def test_month_and_week_ranges():
    month = cal.visible_range("month", date(2030, 6, 15))
    assert month == av.Window(date(2030, 5, 27), date(2030, 6, 30))  # Monday..Sunday weeks
    assert month.start.weekday() == 0 and month.end.weekday() == 6
    week = cal.visible_range("week", date(2030, 6, 15))
    assert week == av.Window(date(2030, 6, 10), date(2030, 6, 16))
    assert cal.shift_anchor("month", date(2030, 1, 31), 1) == date(2030, 2, 28)
    assert cal.shift_anchor("month", date(2030, 1, 15), -1) == date(2029, 12, 15)
    assert cal.shift_anchor("week", date(2030, 6, 15), 2) == date(2030, 6, 29)
    with pytest.raises(ValidationFailed):
        cal.visible_range("year", date(2030, 6, 15))


def test_events_in_range_with_filters(engine: Engine):
    actor = make_actor(engine, Role.VIEWER)
    acme, other = make_client(engine, "Acme"), make_client(engine, "Other Co")
    mic = make_item(engine, "Mic", quantity=5)
    spk = make_item(engine, "Speaker", quantity=5)
    inside = make_event(engine, acme, day(2), day(4), name="Inside")
    edge = make_event(engine, other, day(-3), day(0), name="Edge start")
    make_event(engine, acme, day(20), day(22), name="Outside")
    buffered = make_event(engine, other, day(8), day(8), prep=3, name="Buffer only")
    raw_rental(engine, inside, mic, 2)
    raw_rental(engine, inside, spk, 1)
    raw_rental(engine, edge, spk, 3)
    window = av.Window(day(0), day(6))
    with Session(engine) as s:
        view = cal.calendar_view(s, actor, window, today=day(3))
        names = [e["name"] for e in view["events"]]
        assert names == ["Edge start", "Inside"]  # by start; buffers alone don't show
        first = view["events"][1]
        assert first["client_name"] == "Acme" and first["status"] == "ongoing"
        assert (first["lines"], first["units"]) == (2, 3)
        assert first["color"] == cal.event_color(inside.id)
        by_client = cal.calendar_view(s, actor, window, cal.CalendarFilters(client_id=acme.id))
        assert [e["name"] for e in by_client["events"]] == ["Inside"]
        by_item = cal.calendar_view(s, actor, window, cal.CalendarFilters(item_id=spk.id))
        assert [e["name"] for e in by_item["events"]] == ["Edge start", "Inside"]
        by_item = cal.calendar_view(s, actor, window, cal.CalendarFilters(item_id=mic.id))
        assert [e["name"] for e in by_item["events"]] == ["Inside"]
        mic_row = s.get(EquipmentItem, mic.id)
        assert mic_row is not None
        by_cat = cal.calendar_view(
            s, actor, window, cal.CalendarFilters(category_id=mic_row.category_id)
        )
        assert [e["name"] for e in by_cat["events"]] == ["Inside"]
        assert cal.events_on(view, day(0))[0]["name"] == "Edge start"
        assert [e["name"] for e in cal.events_on(view, day(5))] == []
        assert buffered.id  # present in the database, absent from the view
        with pytest.raises(ValidationFailed):
            cal.calendar_view(s, actor, av.Window(day(0), day(120)))


def test_conflict_days_and_their_filters(engine: Engine):
    actor = make_actor(engine, Role.VIEWER)
    acme, other = make_client(engine, "Acme"), make_client(engine, "Other Co")
    mic = make_item(engine, "Mic", quantity=4)
    spk = make_item(engine, "Speaker", quantity=4)
    a = make_event(engine, acme, day(1), day(3))
    b = make_event(engine, other, day(3), day(5))
    raw_rental(engine, a, mic, 3)
    raw_rental(engine, b, mic, 1)
    raw_rental(engine, b, spk, 2)
    window = av.Window(day(0), day(6))
    with Session(engine) as s:
        assert cal.calendar_view(s, actor, window)["conflicts"] == {}
    set_good(engine, mic, 3)  # one unit damaged: day 3 now needs 4 of 3
    with Session(engine) as s:
        conflicts = cal.calendar_view(s, actor, window)["conflicts"]
        assert list(conflicts) == [day(3).isoformat()]
        [entry] = conflicts[day(3).isoformat()]
        assert entry["item"]["name"] == "Mic" and (entry["booked"], entry["bookable"]) == (4, 3)
        only_spk = cal.calendar_view(s, actor, window, cal.CalendarFilters(item_id=spk.id))
        assert only_spk["conflicts"] == {}
        acme_view = cal.calendar_view(s, actor, window, cal.CalendarFilters(client_id=acme.id))
        assert list(acme_view["conflicts"]) == [day(3).isoformat()]
        third = make_client(engine, "Third")
        third_view = cal.calendar_view(s, actor, window, cal.CalendarFilters(client_id=third.id))
        assert third_view["conflicts"] == {}


def test_move_keeps_length_and_is_saved(engine: Engine):
    actor = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    mic = make_item(engine, "Mic", quantity=4)
    event = make_event(engine, client, day(1), day(3), prep=1)
    raw_rental(engine, event, mic, 4)
    with transaction(engine) as s:
        cal.move_event(s, actor, event.id, 1, day(10).isoformat())
    assert saved(engine, event) == (day(10), day(12), 2)
    with Session(engine) as s:
        assert any(
            a.action == "update" and a.entity_type == "event" for a in s.exec(select(AuditLog))
        )


def test_refused_move_writes_nothing(engine: Engine):
    actor = make_actor(engine, Role.MANAGER)
    client = make_client(engine)
    mic = make_item(engine, "Mic", quantity=4)
    mover = make_event(engine, client, day(1), day(2))
    blocker = make_event(engine, client, day(10), day(11), name="Blocker")
    raw_rental(engine, mover, mic, 3)
    raw_rental(engine, blocker, mic, 2)
    with pytest.raises(RentalConflict) as refused, transaction(engine) as s:
        cal.move_event(s, actor, mover.id, 1, day(11))
    line = refused.value.details["lines"][0]
    assert line["equipmentName"] == "Mic" and line["available"] == 2
    assert day(11).isoformat() in line["peakDays"]
    assert line["consumedBy"][0]["eventName"] == "Blocker"
    assert saved(engine, mover) == (day(1), day(2), 1)
    # Stale version: refused too, nothing written.
    with pytest.raises(VersionConflict), transaction(engine) as s:
        cal.move_event(s, actor, mover.id, 7, day(20))
    assert saved(engine, mover) == (day(1), day(2), 1)
    # A free day works (the event itself is excluded from its own check).
    with transaction(engine) as s:
        cal.move_event(s, actor, mover.id, 1, day(2))
    assert saved(engine, mover) == (day(2), day(3), 2)


def test_move_needs_events_write_and_a_date(engine: Engine):
    client = make_client(engine)
    event = make_event(engine, client, day(1), day(2))
    with pytest.raises(Forbidden), transaction(engine) as s:
        cal.move_event(s, make_actor(engine, Role.TECHNICIAN), event.id, 1, day(5))
    with pytest.raises(ValidationFailed) as bad, transaction(engine) as s:
        cal.move_event(s, make_actor(engine, Role.ADMIN), event.id, 1, "next tuesday")
    assert "start_date" in bad.value.fields
    assert saved(engine, event) == (day(1), day(2), 1)
