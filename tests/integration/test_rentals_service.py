"""Rentals and availability services (DESIGN §5) on both backends: peak vs sum, buffers,
the event excluded from its own check, adding to an existing line, every failing line
reported, nothing written on conflict, damaged units and the conflicts list."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import read_session, transaction
from avrentals.domain import availability as av
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.errors import (
    Forbidden,
    NotFound,
    RentalConflict,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.models import AuditLog, Rental
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services import availability as avs
from avrentals.domain.services import rentals as rs
from tests.booking_factories import (
    count,
    day,
    make_client,
    make_event,
    raw_rental,
    rentals_of,
    set_good,
)
from tests.factories import make_actor, make_item


@pytest.fixture
def client(engine: Engine):
    return make_client(engine)


def book(engine: Engine, actor, event, *lines):
    with transaction(engine) as s:
        return rs.add_rentals(s, actor, event.id, list(lines))


def test_peak_not_sum_two_rentals_that_do_not_overlap_each_other(engine, client) -> None:
    actor = make_actor(engine, Role.EMPLOYEE)
    item = make_item(engine, quantity=10)
    early = make_event(engine, client, day(0), day(2))
    late = make_event(engine, client, day(3), day(5))
    raw_rental(engine, early, item, 6)
    raw_rental(engine, late, item, 4)
    spanning = make_event(engine, client, day(0), day(5))
    with read_session(engine) as s:
        info = avs.item_availability(s, actor, item.id, av.Window(day(0), day(5)))
    assert (info["available"], info["bookable"], info["peakUsage"]) == (4, 10, 6)
    book(engine, actor, spanning, (item.id, 4))  # a sum (10) would refuse this
    with pytest.raises(RentalConflict):
        book(engine, actor, spanning, (item.id, 1))
    assert rentals_of(engine, spanning.id) == {item.id: 4}


def test_buffers_block_the_days_around_the_event(engine, client) -> None:
    actor = make_actor(engine)
    item = make_item(engine, quantity=3)
    show = make_event(engine, client, day(5), day(5), prep=2, ret=1)  # blocks days 3..6
    raw_rental(engine, show, item, 3)
    before = make_event(engine, client, day(2), day(2))
    touching = make_event(engine, client, day(3), day(3))
    after = make_event(engine, client, day(7), day(7))
    tail = make_event(engine, client, day(6), day(6))
    book(engine, actor, before, (item.id, 3))  # back-to-back with the prep day
    book(engine, actor, after, (item.id, 3))
    for event in (touching, tail):
        with pytest.raises(RentalConflict):
            book(engine, actor, event, (item.id, 1))
    # a buffered new event reaching into the show's days is refused too
    buffered = make_event(engine, client, day(8), day(8), prep=2)  # blocks 6..8
    with pytest.raises(RentalConflict):
        book(engine, actor, buffered, (item.id, 1))


def test_adding_an_item_already_on_the_event_adds_to_its_line(engine, client) -> None:
    actor = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine, quantity=5)
    event = make_event(engine, client, day(0))
    [first] = book(engine, actor, event, (item.id, 2))
    [second] = book(engine, actor, event, (item.id, 3))
    assert second.id == first.id and second.quantity == 5 and second.version == 2
    assert count(engine, Rental) == 1
    with pytest.raises(RentalConflict) as info:  # its own 5 are not counted against it
        book(engine, actor, event, (item.id, 1))
    assert info.value.details["lines"][0]["requested"] == 6
    assert info.value.details["lines"][0]["available"] == 5


def test_all_failing_lines_reported_and_nothing_written(engine, client) -> None:
    actor = make_actor(engine)
    a = make_item(engine, name="Alpha", quantity=2)
    b = make_item(engine, name="Bravo", quantity=5)
    c = make_item(engine, name="Charlie", quantity=1)
    other = make_event(engine, client, day(0), day(3), name="Other Gig")
    raw_rental(engine, other, a, 2)
    raw_rental(engine, other, c, 1)
    event = make_event(engine, client, day(2), day(4))
    with pytest.raises(RentalConflict) as info:
        book(engine, actor, event, (a.id, 1), (b.id, 2), (c.id, 1))
    lines = info.value.details["lines"]
    assert [line["equipmentName"] for line in lines] == sorted(
        ["Alpha", "Charlie"], key=lambda n: {"Alpha": str(a.id), "Charlie": str(c.id)}[n]
    )
    for line in lines:
        assert line["available"] == 0 and line["requested"] == 1
        assert line["peakDays"] == [day(2).isoformat(), day(3).isoformat()]
        assert [(x["eventName"], x["quantity"]) for x in line["consumedBy"]] == [
            ("Other Gig", line["bookable"])
        ]
    assert rentals_of(engine, event.id) == {}
    with Session(engine) as s:
        assert s.exec(select(AuditLog)).all() == []


def test_check_previews_all_failures_without_writing(engine, client) -> None:
    actor = make_actor(engine, Role.VIEWER)
    a, b = make_item(engine, quantity=2), make_item(engine, quantity=2)
    event = make_event(engine, client, day(0), day(1))
    raw_rental(engine, event, a, 2)  # its own line is excluded
    with read_session(engine) as s:
        assert avs.check(s, actor, event, {a.id: 2, b.id: 2}) == []
        failures = avs.check(s, actor, event, {a.id: 3, b.id: 5})
        assert [(f["equipmentId"], f["available"]) for f in failures] == sorted(
            [(str(a.id), 2), (str(b.id), 2)]
        )
        assert avs.check(s, actor, av.Window(day(0), day(0)), {a.id: 1})[0]["available"] == 0
        with pytest.raises(NotFound):
            avs.check(s, actor, event, {client.id: 1})


def test_validation_and_permissions(engine, client) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    actor = make_actor(engine, Role.EMPLOYEE)
    item = make_item(engine, quantity=5)
    event = make_event(engine, client, day(0))
    with pytest.raises(Forbidden):
        book(engine, viewer, event, (item.id, 1))
    with pytest.raises(ValidationFailed) as info:
        book(engine, actor, event, (item.id, 0))
    assert info.value.fields == {"quantity": [rs.QUANTITY_MESSAGE]}
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        rs.add_rentals(s, actor, event.id, [(item.id, 1), ("nope", True)], indexed=True)
    assert set(info.value.fields) == {"equipment[1].equipment_id"}
    with pytest.raises(NotFound):
        book(engine, actor, event, (client.id, 1))
    with pytest.raises(NotFound), transaction(engine) as s:
        rs.add_rental(s, actor, item.id, item.id, 1)
    [line] = book(engine, actor, event, (item.id, 1))
    with pytest.raises(Forbidden), transaction(engine) as s:  # employees cannot delete
        rs.remove_rental(s, actor, line.id)
    assert count(engine, Rental) == 1


def test_change_quantity_versioned_and_checked(engine, client) -> None:
    actor = make_actor(engine, Role.MANAGER)
    item = make_item(engine, quantity=5)
    event = make_event(engine, client, day(0))
    other = make_event(engine, client, day(0))
    raw_rental(engine, other, item, 2)
    [line] = book(engine, actor, event, (item.id, 1))
    with transaction(engine) as s:
        line = rs.change_quantity(s, actor, line.id, 1, 3)
    assert (line.quantity, line.version) == (3, 2)
    with pytest.raises(VersionConflict) as stale, transaction(engine) as s:
        rs.change_quantity(s, actor, line.id, 1, 2)
    assert stale.value.current["quantity"] == 3
    with pytest.raises(RentalConflict) as info, transaction(engine) as s:
        rs.change_quantity(s, actor, line.id, 2, 4)
    assert info.value.details["lines"][0]["available"] == 3
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        rs.change_quantity(s, actor, line.id, 2, -1)
    assert rentals_of(engine, event.id) == {item.id: 3}
    with transaction(engine) as s:  # shrinking never needs room
        rs.change_quantity(s, actor, line.id, 2, 1)
    with pytest.raises(VersionConflict), transaction(engine) as s:
        rs.remove_rental(s, actor, line.id, version=1)
    with transaction(engine) as s:
        rs.remove_rental(s, actor, line.id, version=3)
    assert rentals_of(engine, event.id) == {}
    with pytest.raises(NotFound), transaction(engine) as s:
        rs.remove_rental(s, actor, line.id)


def test_writes_are_audited_and_publish_rental_and_availability_changes(
    engine, client, fresh_bus: changes.InProcessBus
) -> None:
    actor = make_actor(engine)
    a, b = make_item(engine), make_item(engine)
    event = make_event(engine, client, day(0))
    with transaction(engine) as s:
        rs.add_rentals(s, actor, event.id, [(a.id, 1), (b.id, 2)])
        pending = [(c.entity, c.action, c.id) for c in s.info[changes._PENDING_KEY]]
    assert sorted(e for e, _, _ in pending) == ["availability"] * 2 + ["rental"] * 2
    assert {i for e, _, i in pending if e == "availability"} == {str(a.id), str(b.id)}
    with Session(engine) as s:
        assert len(s.exec(select(AuditLog).where(AuditLog.entity_type == "rental")).all()) == 2


def test_damaged_units_reduce_bookable_and_conflicts_show_the_days(engine, client) -> None:
    actor = make_actor(engine, Role.VIEWER)
    item = make_item(engine, name="Projector", quantity=4)
    first = make_event(engine, client, day(0), day(3), name="First")
    second = make_event(engine, client, day(2), day(5), name="Second")
    raw_rental(engine, first, item, 2)
    raw_rental(engine, second, item, 2)
    window = av.Window(day(0), day(9))
    with read_session(engine) as s:
        assert avs.conflicts(s, actor, window) == []
    set_good(engine, item, 3)  # one unit reported damaged
    with read_session(engine) as s:
        found = avs.conflicts(s, actor, window)
        info = avs.item_availability(s, actor, item.id, window, explain=True)
    assert [(c["date"], c["booked"], c["bookable"]) for c in found] == [
        (day(2).isoformat(), 4, 3),
        (day(3).isoformat(), 4, 3),
    ]
    assert found[0]["item"] == {"id": str(item.id), "name": "Projector"}
    assert sorted(e["eventName"] for e in found[0]["events"]) == ["First", "Second"]
    assert (info["available"], info["overbooked"], info["bookable"]) == (0, True, 3)
    assert len(info["ledger"]) == 10 and info["ledger"][2]["available"] == -1
    third = make_event(engine, client, day(8), day(8))
    book(engine, make_actor(engine), third, (item.id, 3))  # free days still book
    with pytest.raises(RentalConflict):
        book(engine, make_actor(engine), third, (item.id, 1))


def test_explain_and_exclusion(engine, client) -> None:
    actor = make_actor(engine, Role.VIEWER)
    item = make_item(engine, quantity=5)
    event = make_event(engine, client, day(1), day(1), name="Gig")
    raw_rental(engine, event, item, 2)
    window = av.Window(day(0), day(2))
    with read_session(engine) as s:
        ledger = avs.explain(s, actor, item.id, window)
        excluded = avs.item_availability(s, actor, item.id, window, exclude_event_id=event.id)
        with pytest.raises(NotFound):
            avs.explain(s, actor, client.id, window)
    assert [(d["booked"], d["available"]) for d in ledger] == [(0, 5), (2, 3), (0, 5)]
    assert ledger[1]["rentals"][0]["eventName"] == "Gig"
    assert excluded["available"] == 5


def test_list_rentals_filters(engine, client) -> None:
    actor = make_actor(engine, Role.VIEWER)
    a, b = make_item(engine, name="A"), make_item(engine, name="B")
    e1, e2 = make_event(engine, client, day(0)), make_event(engine, client, day(1))
    raw_rental(engine, e1, a, 1)
    raw_rental(engine, e1, b, 1)
    raw_rental(engine, e2, a, 1)
    with read_session(engine) as s:
        assert rs.list_rentals(s, actor, PageRequest()).total == 3
        by_event = rs.list_rentals(s, actor, PageRequest(), event_id=e1.id)
        assert [r["equipment_name"] for r in by_event.items] == ["A", "B"]
        by_item = rs.list_rentals(s, actor, PageRequest(), equipment_id=a.id)
        assert [r["event_id"] for r in by_item.items] == [str(e1.id), str(e2.id)]
        first = uuid.UUID(by_item.items[0]["id"])
        assert rs.get_rental_row(s, actor, first)["event_name"] == e1.name
