"""Concurrent unit moves on one item with real threads and commits on PostgreSQL: the item
row lock serialises them, so the counts always sum to the quantity, never go negative, and
every move that reported success is in the counts (no lost update, no spurious conflict)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import transaction
from avrentals.domain.enums import Role
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import EquipmentItem, MaintenanceLog
from avrentals.domain.services import maintenance as ms
from tests.factories import make_actor, make_item


def race(n: int, work: Callable[[int], object]) -> list[str]:
    """Run `work(i)` in n threads released together; "ok" or the error's class name."""
    barrier = threading.Barrier(n)
    results = [""] * n

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
    assert not any(t.is_alive() for t in threads), "a move hung"
    return results


def counts(engine: Engine, item_id) -> tuple[int, int, int]:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        assert item.qty_good + item.qty_damaged + item.qty_maintenance == item.quantity
        return item.qty_good, item.qty_damaged, item.qty_maintenance


def test_ten_requests_for_the_last_five_good_units(pg_engine: Engine) -> None:
    tech = make_actor(pg_engine, Role.TECHNICIAN)
    item = make_item(pg_engine, quantity=5)

    def work(i: int) -> None:
        with transaction(pg_engine) as s:
            ms.raise_request(s, tech, item.id, {"description": f"Request {i}", "units": 1})

    results = race(10, work)
    assert sorted(results) == ["ValidationFailed"] * 5 + ["ok"] * 5
    assert counts(pg_engine, item.id) == (0, 0, 5)
    with Session(pg_engine) as s:
        logs = s.exec(select(MaintenanceLog).where(col(MaintenanceLog.equipment_id) == item.id))
        assert len(logs.all()) == 5
        assert s.get(EquipmentItem, item.id).version == 6  # type: ignore[union-attr]


def test_two_threads_moving_units_both_ways(pg_engine: Engine) -> None:
    """One thread sends units to maintenance while another repairs them back, many times:
    every successful move is accounted for and no count ever goes negative."""
    tech = make_actor(pg_engine, Role.TECHNICIAN)
    item = make_item(pg_engine, quantity=3)
    rounds = 25
    done = {"out": 0, "back": 0}
    refused = {"out": 0, "back": 0}
    lock = threading.Lock()

    def send_out(_i: int) -> None:
        for n in range(rounds):
            try:
                with transaction(pg_engine) as s:
                    ms.raise_request(s, tech, item.id, {"description": f"Out {n}", "units": 1})
                key = done
            except ValidationFailed:
                key = refused
            with lock:
                key["out"] += 1

    def bring_back(_i: int) -> None:
        for n in range(rounds):
            try:
                with transaction(pg_engine) as s:
                    ms.log_repair(
                        s,
                        tech,
                        item.id,
                        {"description": f"Back {n}", "units": 1},
                        move_to_good=True,
                    )
                key = done
            except ValidationFailed:
                key = refused
            with lock:
                key["back"] += 1

    results = race(2, lambda i: (send_out if i == 0 else bring_back)(i))
    assert results == ["ok", "ok"]
    assert done["out"] + refused["out"] == rounds and done["back"] + refused["back"] == rounds
    assert done["out"] > 0 and done["back"] > 0
    good, damaged, maintenance = counts(pg_engine, item.id)
    assert damaged == 0
    assert maintenance == done["out"] - done["back"]
    assert good == 3 - maintenance
    assert 0 <= maintenance <= 3
    with Session(pg_engine) as s:
        item_row = s.get(EquipmentItem, item.id)
        assert item_row is not None
        assert item_row.version == 1 + done["out"] + done["back"]  # one bump per move
