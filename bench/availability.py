"""Claim: availability answers cost little more than the SQL they run, and concurrent
bookings never overbook (DESIGN §5).

Seeds PostgreSQL with items, events over a year and rentals, then prints p50/p95 of
`item_availability()` (7-day window), `check()` for a 5-line and a 50-line event, `conflicts()`
over 90 days, each next to the floor of its raw SQL, and the booking rate of 8 concurrent
writers on 50 hot items with the number of overbooked item-days afterwards (must be 0).

Usage: .venv/bin/python bench/availability_check.py [DATABASE_URL]
       [--items 2000] [--events 1500] [--rentals 20000] [--conflict-days 90]
Default database: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_avail
(recreated).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("JWT_SECRET", "bench-" + "x" * 40)

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from avrentals import migrations
from avrentals.db import make_engine, transaction
from avrentals.domain import availability as av
from avrentals.domain.enums import Role
from avrentals.domain.errors import RentalConflict
from avrentals.domain.models import Category, Client, EquipmentItem, Event, Rental, User
from avrentals.domain.permissions import Actor
from avrentals.domain.services import availability as avs
from avrentals.domain.services import rentals as rs
from avrentals.domain.services.auth import actor_of
from bench.timing import measure, report

START = date(2031, 1, 1)
RAW_BOOKINGS = (
    "SELECT r.id, r.equipment_id, r.quantity, e.id, e.name, e.start_date, e.end_date, "
    "e.prep_days, e.return_days FROM rental r JOIN event e ON e.id = r.event_id "
    "WHERE e.start_date - e.prep_days <= :end AND e.end_date + e.return_days >= :start {items}"
)


def recreate(url: str) -> None:
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    migrations.upgrade(url)


def seed(engine: sa.Engine, items: int, events: int, rentals: int, rng: random.Random) -> None:
    """Items with 20 good units; events of 1-5 days over a year with 0-2 buffer days; rentals
    of 1-3 units on random (event, item) pairs (bulk inserts, no checks)."""
    cat_id = uuid.uuid4()
    client_id = uuid.uuid4()
    item_ids = [uuid.uuid4() for _ in range(items)]
    event_ids = [uuid.uuid4() for _ in range(events)]
    with engine.begin() as conn:
        conn.execute(sa.insert(Category), [{"id": cat_id, "name": "Bench", "icon": "box"}])
        conn.execute(sa.insert(Client), [{"id": client_id, "name": "Bench Client"}])
        conn.execute(
            sa.insert(EquipmentItem),
            [
                {
                    "id": i,
                    "name": f"Item {n:05d}",
                    "category_id": cat_id,
                    "quantity": 20,
                    "qty_good": 20,
                    "location": "Aisle",
                    "asset_code": f"AVB-{n:06d}",
                }
                for n, i in enumerate(item_ids)
            ],
        )
        rows = []
        for n, e in enumerate(event_ids):
            start = START + timedelta(days=rng.randrange(365))
            rows.append(
                {
                    "id": e,
                    "name": f"Event {n:05d}",
                    "client_id": client_id,
                    "location": "Venue",
                    "start_date": start,
                    "end_date": start + timedelta(days=rng.randrange(5)),
                    "prep_days": rng.randrange(3),
                    "return_days": rng.randrange(3),
                }
            )
        conn.execute(sa.insert(Event), rows)
        pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
        while len(pairs) < rentals:
            pairs.add((rng.choice(event_ids), rng.choice(item_ids)))
        batch = [
            {"id": uuid.uuid4(), "event_id": e, "equipment_id": i, "quantity": rng.randint(1, 3)}
            for e, i in pairs
        ]
        for k in range(0, len(batch), 5000):
            conn.execute(sa.insert(Rental), batch[k : k + 5000])
        conn.execute(
            sa.insert(User),
            [
                {
                    "id": uuid.uuid4(),
                    "username": "bench",
                    "name": "Bench",
                    "password_hash": "x",
                    "role": Role.MANAGER,
                }
            ],
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))  # outside a transaction, or the statistics roll back


def bench_reads(engine: sa.Engine, actor: Actor, rng: random.Random, conflict_days: int) -> None:
    with Session(engine) as s:
        item_ids = list(s.scalars(sa.select(EquipmentItem.id)))
        events = list(s.scalars(sa.select(Event)))
    s.close()

    def raw(window: av.Window, items: list[uuid.UUID] | None):
        where = "AND r.equipment_id = ANY(:ids)" if items is not None else ""
        sql = sa.text(RAW_BOOKINGS.format(items=where))
        params: dict[str, object] = {"start": window.start, "end": window.end}
        if items is not None:
            params["ids"] = items

        def run() -> None:
            with engine.connect() as conn:
                conn.execute(sql, params).all()

        return run

    def random_week() -> av.Window:
        first = START + timedelta(days=rng.randrange(358))
        return av.Window(first, first + timedelta(days=6))

    item, week = rng.choice(item_ids), random_week()

    def available() -> None:
        with Session(engine) as s:
            avs.item_availability(s, actor, item, week)

    report("available(): 1 item, 7 days", measure(available), measure(raw(week, [item])))

    for size in (5, 50):
        event = rng.choice(events)
        lines = {i: 1 for i in rng.sample(item_ids, size)}
        window = avs.event_window(event)

        def check(event: Event = event, lines: dict[uuid.UUID, int] = lines) -> None:
            with Session(engine) as s:
                avs.check(s, actor, event, lines)

        report(
            f"check(): {size}-line event",
            measure(check),
            measure(raw(window, list(lines))),
        )

    quarter = av.Window(START + timedelta(days=100), START + timedelta(days=99 + conflict_days))

    def conflicts() -> None:
        with Session(engine) as s:
            avs.conflicts(s, actor, quarter)

    aggregate = sa.text(
        "SELECT r.equipment_id FROM rental r JOIN event e ON e.id = r.event_id "
        "JOIN equipment_item i ON i.id = r.equipment_id "
        "WHERE e.start_date - e.prep_days <= :end AND e.end_date + e.return_days >= :start "
        "GROUP BY r.equipment_id, i.qty_good HAVING sum(r.quantity) > i.qty_good"
    )
    load = sa.text(RAW_BOOKINGS.format(items="AND r.equipment_id = ANY(:ids)"))

    def raw_conflicts() -> None:
        params = {"start": quarter.start, "end": quarter.end}
        with engine.connect() as conn:
            ids = list(conn.execute(aggregate, params).scalars())
            conn.execute(load, params | {"ids": ids}).all()

    report(
        f"conflicts(): {conflict_days} days, all items",
        measure(conflicts, runs=50, warmup=5),
        measure(raw_conflicts, runs=50, warmup=5),
    )


def bench_writers(engine: sa.Engine, actor: Actor, rng: random.Random) -> None:
    """8 threads book 1-2 units of 1-3 of 50 hot items onto fresh overlapping events."""
    hot = []
    with engine.begin() as conn:
        client_id = conn.execute(sa.select(Client.id)).scalar_one()
        cat_id = conn.execute(sa.select(Category.id)).scalar_one()
        for n in range(50):
            hot.append(uuid.uuid4())
            conn.execute(
                sa.insert(EquipmentItem).values(
                    id=hot[-1],
                    name=f"Hot {n}",
                    category_id=cat_id,
                    quantity=12,
                    qty_good=12,
                    location="Hot",
                    asset_code=f"HOT-{n:04d}",
                )
            )
        event_ids = [uuid.uuid4() for _ in range(2000)]
        conn.execute(
            sa.insert(Event),
            [
                {
                    "id": e,
                    "name": f"Hot Event {k}",
                    "client_id": client_id,
                    "location": "Venue",
                    "start_date": START + timedelta(days=k % 7),
                    "end_date": START + timedelta(days=k % 7 + 2),
                }
                for k, e in enumerate(event_ids)
            ],
        )
    counts = {"ok": 0, "conflict": 0}
    lock = threading.Lock()
    per_thread = 60
    barrier = threading.Barrier(8)

    def writer(seed: int) -> None:
        local = random.Random(seed)
        barrier.wait()
        for k in range(per_thread):
            event_id = event_ids[seed * per_thread + k]
            lines = [(i, local.randint(1, 2)) for i in local.sample(hot, local.randint(1, 3))]
            try:
                with transaction(engine) as s:
                    rs.add_rentals(s, actor, event_id, lines)
                outcome = "ok"
            except RentalConflict:
                outcome = "conflict"
            with lock:
                counts[outcome] += 1

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    total = counts["ok"] + counts["conflict"]
    window = av.Window(START - timedelta(days=5), START + timedelta(days=15))
    overbooked = 0
    with Session(engine) as s:
        bookings = avs.load_bookings(s, window, hot)
        good = dict(
            s.execute(
                sa.select(EquipmentItem.id, EquipmentItem.qty_good).where(EquipmentItem.id.in_(hot))
            ).all()
        )  # type: ignore[attr-defined]
    for item_id, item_bookings in bookings.items():
        overbooked += len(av.conflict_days(good[item_id], item_bookings, window))
    print(
        f"{'bookings: 8 writers, 50 hot items':<44} {total / elapsed:7.0f} attempts/s   "
        f"({counts['ok']} booked, {counts['conflict']} refused, overbooked item-days: "
        f"{overbooked})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "url",
        nargs="?",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_avail",
    )
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--rentals", type=int, default=20000)
    parser.add_argument("--conflict-days", type=int, default=90)
    args = parser.parse_args()
    rng = random.Random(42)
    recreate(args.url)
    engine = make_engine(args.url)
    began = time.perf_counter()
    seed(engine, args.items, args.events, args.rentals, rng)
    print(
        f"{args.items} items, {args.events} events, {args.rentals} rentals on "
        f"{engine.dialect.name} (seeded in {time.perf_counter() - began:.1f} s)"
    )
    with Session(engine) as s:
        user = s.scalars(sa.select(User).where(User.username == "bench")).one()
    actor = actor_of(user)
    bench_reads(engine, actor, rng, args.conflict_days)
    bench_writers(engine, actor, rng)
    engine.dispose()


if __name__ == "__main__":
    main()
