"""Concurrent bookings with real threads and real commits (DESIGN §5, §11): the check and the
write are one transaction that locks the items in id order, so nothing ever overbooks, on
PostgreSQL (row locks) and SQLite (BEGIN IMMEDIATE)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import transaction
from avrentals.domain import availability as av
from avrentals.domain.enums import Role
from avrentals.domain.models import EquipmentItem, Event, Rental
from avrentals.domain.services import events as ev
from avrentals.domain.services import rentals as rs
from tests.booking_factories import day, make_client, make_event, raw_rental, rentals_of
from tests.factories import make_actor, make_item


def race(n: int, work: Callable[[int], object]) -> list[str]:
    """Run `work(i)` in n threads released at the same instant; "ok" or the error's name."""
    barrier = threading.Barrier(n)
    results: list[str] = [""] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            work(i)
            results[i] = "ok"
        except Exception as exc:
            results[i] = type(exc).__name__

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a booking hung"
    return results


def peak_usage(engine: Engine, item_id: uuid.UUID, start: date, end: date) -> int:
    with Session(engine) as s:
        rows = s.exec(
            select(Rental, Event)
            .join(Event, col(Event.id) == col(Rental.event_id))
            .where(col(Rental.equipment_id) == item_id)
        ).all()
    bookings = [
        av.Booking(e.id, r.quantity, av.blocked_window(e.start_date, e.end_date, 0, 0))
        for r, e in rows
    ]
    return av.peak(bookings, av.Window(start, end)).usage


def good_units(engine: Engine, item_id: uuid.UUID) -> int:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        return item.qty_good


def test_ten_threads_one_unit_each_on_five_units(engine: Engine) -> None:
    actor = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    item = make_item(engine, quantity=5)
    # ten different events, all overlapping day 3
    events = [make_event(engine, client, day(i % 4), day(3 + i % 3)) for i in range(10)]

    def work(i: int) -> None:
        with transaction(engine) as s:
            rs.add_rental(s, actor, events[i].id, item.id, 1)

    results = race(10, work)
    assert sorted(results) == ["RentalConflict"] * 5 + ["ok"] * 5, results
    assert peak_usage(engine, item.id, day(0), day(9)) == 5


def test_twenty_threads_fight_for_the_last_three_units_twenty_times(pg_engine: Engine) -> None:
    engine = pg_engine
    actor = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    for round_no in range(20):
        item = make_item(engine, name=f"Round {round_no}", quantity=10)
        base = make_event(engine, client, day(0), day(4))
        raw_rental(engine, base, item, 7)  # 3 left
        # twenty events that all include day 4
        events = [make_event(engine, client, day(i % 5), day(4)) for i in range(20)]

        def work(i: int, events=events, item=item) -> None:
            with transaction(engine) as s:
                rs.add_rental(s, actor, events[i].id, item.id, 1)

        results = race(20, work)
        assert results.count("ok") == 3, (round_no, results)
        assert results.count("RentalConflict") == 17, (round_no, results)
        assert peak_usage(engine, item.id, day(0), day(4)) <= good_units(engine, item.id)


def test_crossed_multi_line_bookings_never_deadlock(pg_engine: Engine) -> None:
    engine = pg_engine
    actor = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    a, b = make_item(engine, name="A", quantity=6), make_item(engine, name="B", quantity=6)
    events = [make_event(engine, client, day(0), day(2)) for _ in range(12)]

    def work(i: int) -> None:
        lines = [(a.id, 1), (b.id, 1)] if i % 2 else [(b.id, 1), (a.id, 1)]
        with transaction(engine) as s:
            rs.add_rentals(s, actor, events[i].id, lines)

    results = race(12, work)
    assert sorted(results) == ["RentalConflict"] * 6 + ["ok"] * 6, results
    for item in (a, b):
        assert peak_usage(engine, item.id, day(0), day(2)) == 6


def test_concurrent_adds_to_the_same_line_add_up(engine: Engine) -> None:
    actor = make_actor(engine, Role.EMPLOYEE)
    item = make_item(engine, quantity=8)
    event = make_event(engine, make_client(engine), day(0))

    def work(i: int) -> None:
        with transaction(engine) as s:
            rs.add_rental(s, actor, event.id, item.id, 1)

    results = race(10, work)
    assert sorted(results) == ["RentalConflict"] * 2 + ["ok"] * 8, results
    assert rentals_of(engine, event.id) == {item.id: 8}


@pytest.mark.parametrize("rounds", [6])
def test_move_versus_book_never_overbooks(engine: Engine, rounds: int) -> None:
    manager = make_actor(engine, Role.MANAGER)
    booker = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    outcomes = set()
    for n in range(rounds):
        item = make_item(engine, name=f"Truss {n}", quantity=5)
        mover = make_event(engine, client, day(0), day(1))
        target = make_event(engine, client, day(5), day(6))
        raw_rental(engine, mover, item, 3)

        def work(i: int, mover=mover, target=target, item=item) -> None:
            with transaction(engine) as s:
                if i == 0:
                    ev.update_event(
                        s, manager, mover.id, 1, {"start_date": day(5), "end_date": day(6)}
                    )
                else:
                    rs.add_rental(s, booker, target.id, item.id, 3)

        results = race(2, work)
        assert sorted(results) == ["RentalConflict", "ok"], results
        outcomes.add(tuple(results))
        assert peak_usage(engine, item.id, day(0), day(9)) <= 5
    assert outcomes  # either side may win; neither overbooks


def test_book_onto_an_event_while_it_moves(engine: Engine) -> None:
    """A line added to event E while E is moved is checked at E's final dates."""
    manager = make_actor(engine, Role.MANAGER)
    client = make_client(engine)
    for n in range(6):
        item = make_item(engine, name=f"Light {n}", quantity=4)
        moving = make_event(engine, client, day(0))
        blocker = make_event(engine, client, day(5))
        raw_rental(engine, blocker, item, 3)

        def work(i: int, moving=moving, item=item) -> None:
            with transaction(engine) as s:
                if i == 0:
                    ev.update_event(
                        s, manager, moving.id, 1, {"start_date": day(5), "end_date": day(5)}
                    )
                else:
                    rs.add_rental(s, manager, moving.id, item.id, 2)

        results = race(2, work)
        assert "ok" in results and set(results) <= {"ok", "RentalConflict"}, results
        assert peak_usage(engine, item.id, day(0), day(9)) <= 4
