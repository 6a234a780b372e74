"""Two tablets scanning the same event at once, on PostgreSQL with real threads and commits:
the counters are exact and never pass the quantity; a queue replayed twice at the same time
is applied once."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.enums import Role, ScanType
from avrentals.domain.models import Rental, ScanLog
from avrentals.domain.services import prep
from avrentals.domain.services.scan_batch import QueuedScan, scan_batch
from tests.booking_factories import day, make_client, make_event, raw_rental
from tests.factories import make_actor, make_item


def run_threads(*targets) -> None:
    errors: list[BaseException] = []

    def guard(fn):
        def run():
            try:
                fn()
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        return run

    threads = [threading.Thread(target=guard(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_two_tablets_never_double_count_or_overshoot(pg_engine) -> None:
    event = make_event(pg_engine, make_client(pg_engine), day(0))
    item = make_item(pg_engine, "Wireless mic", quantity=40)
    rental = raw_rental(pg_engine, event, item, 30)
    tablets = [make_actor(pg_engine, Role.TECHNICIAN) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[Counter] = [Counter(), Counter()]

    def tablet(n: int):
        def run():
            barrier.wait()
            for _ in range(25):
                with transaction(pg_engine) as s:
                    outcome = prep.scan(
                        s, tablets[n], event.id, item.asset_code, "checkout", device=f"t{n}"
                    )
                results[n][outcome.result.value] += 1

        return run

    run_threads(tablet(0), tablet(1))
    total = results[0] + results[1]
    assert total == Counter({"OK": 30, "QUANTITY_COMPLETE": 20})
    assert results[0]["OK"] > 0 and results[1]["OK"] > 0  # both really scanned
    with Session(pg_engine) as s:
        row = s.get(Rental, rental.id)
        assert row is not None
        assert (row.scanned_out, row.version) == (30, 31)
        logs = s.exec(select(ScanLog).where(ScanLog.event_id == event.id)).all()
        assert len(logs) == 50


def test_same_queue_replayed_twice_concurrently_is_applied_once(pg_engine) -> None:
    event = make_event(pg_engine, make_client(pg_engine), day(0))
    a = make_item(pg_engine, "Speaker", quantity=300)
    b = make_item(pg_engine, "Stand", quantity=300)
    line_a = raw_rental(pg_engine, event, a, 200)
    line_b = raw_rental(pg_engine, event, b, 200)
    actor = make_actor(pg_engine, Role.TECHNICIAN)
    t0 = datetime(2030, 6, 1, 9, tzinfo=UTC)
    queue = [
        QueuedScan(
            uuid.uuid4(),
            event.id,
            (a if i % 2 else b).id,
            ScanType.CHECKOUT,
            t0 + timedelta(seconds=i),
        )
        for i in range(300)
    ]
    barrier = threading.Barrier(3)
    answers: list[Counter] = []

    def replay(scans):
        def run():
            barrier.wait()
            with transaction(pg_engine) as s:
                data = scan_batch(s, actor, scans)
            answers.append(Counter(r["status"] for r in data["results"]))

        return run

    def single_scans():
        barrier.wait()
        for _ in range(20):
            with transaction(pg_engine) as s:
                prep.scan(s, actor, event.id, a.asset_code, "checkout")

    run_threads(replay(queue), replay(list(reversed(queue))), single_scans)
    assert sum(answers, Counter()) == Counter({"OK": 300, "DUPLICATE": 300})
    with Session(pg_engine) as s:
        out_a = s.get(Rental, line_a.id)
        out_b = s.get(Rental, line_b.id)
        assert out_a is not None and out_b is not None
        assert (out_a.scanned_out, out_b.scanned_out) == (170, 150)
