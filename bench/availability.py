"""Claim: availability answers cost little more than the SQL they run, and concurrent
bookings never overbook (DESIGN §5; issue 4 "Performance").

Seeds PostgreSQL at the issue's scale (10,000 items, 50,000 events over a year, 500,000
rentals; set-based INSERT ... SELECT, seconds), then prints p50/p95 of `item_availability()`
(one item, 7-day window), `check()` for a 5-line and a 50-line event, `conflicts()` over one
month, each next to the floor (the same query run as raw SQL) and the ratio, and the booking
rate of 8 concurrent writers on 50 hot items with the number of overbooked item-days
afterwards (must be 0) -- once as 8 threads of one process (one app worker: the GIL caps it)
and once as 8 processes (as the app's several workers run).

Targets: available() p95 <= 5 ms, 50-line check p95 <= 25 ms, >= 200 bookings/s, 0 overbooked.

Usage: .venv/bin/python bench/availability.py [DATABASE_URL]
       [--items 10000] [--events 50000] [--rentals 500000] [--conflict-days 30]
Default database: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_avail
(recreated).
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import os
import random
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

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
from avrentals.domain.models import Category, Client, EquipmentItem, Event, User
from avrentals.domain.permissions import Actor
from avrentals.domain.services import availability as avs
from avrentals.domain.services import rentals as rs
from avrentals.domain.services.auth import actor_of
from bench.timing import measure, report

START = date(2031, 1, 1)
CASES = 50  # distinct random cases per read line, walked round robin
# The floors: the services' queries (services.availability.load_bookings and
# overbookable_items on PostgreSQL) as raw SQL.
BLOCKED = (
    "daterange(e.start_date - e.prep_days, e.end_date + e.return_days, '[]') "
    "&& daterange(:start, :end, '[]')"
)
RAW_BOOKINGS = sa.text(
    "SELECT r.id, r.equipment_id, r.quantity, e.id, e.name, e.start_date, e.end_date, "
    f"e.prep_days, e.return_days FROM rental r JOIN event e ON e.id = r.event_id WHERE {BLOCKED} "
    "AND r.equipment_id = ANY(:ids) AND (CAST(:exclude AS uuid) IS NULL OR e.id <> :exclude)"
)
RAW_OVERBOOKABLE = sa.text(
    "SELECT r.equipment_id FROM rental r JOIN event e ON e.id = r.event_id "
    f"JOIN equipment_item i ON i.id = r.equipment_id WHERE {BLOCKED} "
    "GROUP BY r.equipment_id, i.qty_good HAVING sum(r.quantity) > i.qty_good"
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


def seed(engine: sa.Engine, items: int, events: int, rentals: int) -> None:
    """Set-based seeding (INSERT ... SELECT over generate_series, no ORM round trips): items
    with 20 good units; events of 1-5 days over a year with 0-2 prep and return days; rentals
    of 1-3 units spread evenly over the events, each on distinct random items (a line slot k
    of an event picks an item from the k-th stripe of the items, so (event, item) is unique).
    Ids are md5-derived so the statements can refer to rows by number."""
    per_event = -(-rentals // events)  # line slots per event
    if per_event > items:
        raise SystemExit("more rentals per event than items")
    stripe = items // per_event
    now = "now()"
    audit = f"1, NULL, NULL, {now}, {now}"  # version, created_by, updated_by, created/updated_at
    with engine.begin() as conn:
        conn.execute(sa.text("SELECT setseed(0.42)"))
        conn.execute(
            sa.text(
                f"INSERT INTO category (version, created_by, updated_by, created_at, updated_at,"
                f" id, name, icon, position) VALUES ({audit}, md5('cat')::uuid, 'Bench', 'box',"
                f" 0)"
            )
        )
        conn.execute(
            sa.text(
                f"INSERT INTO client (version, created_by, updated_by, created_at, updated_at,"
                f" id, name) VALUES ({audit}, md5('client')::uuid, 'Bench Client')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO equipment_item (version, created_by, updated_by, created_at,"
                " updated_at, id, name, category_id, item_type, quantity, qty_good,"
                " qty_damaged, qty_maintenance, status, location, daily_rate, asset_code,"
                f" low_stock_threshold) SELECT {audit}, md5('i' || n)::uuid,"
                " 'Item ' || lpad(n::text, 5, '0'), md5('cat')::uuid, 'equipment', 20, 20, 0,"
                " 0, 'good', 'Aisle', 0, 'AVB-' || lpad(n::text, 6, '0'), 0"
                " FROM generate_series(0, :n - 1) AS n"
            ),
            {"n": items},
        )
        conn.execute(
            sa.text(
                "INSERT INTO event (version, created_by, updated_by, created_at, updated_at, id,"
                " name, client_id, location, start_date, end_date, prep_days, return_days)"
                f" SELECT {audit}, md5('e' || n)::uuid, 'Event ' || lpad(n::text, 5, '0'),"
                " md5('client')::uuid, 'Venue', d, d + floor(random() * 5)::int,"
                " floor(random() * 3)::int, floor(random() * 3)::int"
                " FROM (SELECT n, :start + floor(random() * 365)::int AS d"
                "       FROM generate_series(0, :n - 1) AS n) AS s"
            ),
            {"n": events, "start": START},
        )
        conn.execute(
            sa.text(
                "INSERT INTO rental (version, created_by, updated_by, created_at, updated_at,"
                " id, event_id, equipment_id, quantity, prep_status, scanned_out, scanned_in)"
                f" SELECT {audit}, gen_random_uuid(), md5('e' || (j % :events))::uuid,"
                " md5('i' || ((j / :events) * :stripe + floor(random() * :stripe)::int))::uuid,"
                " 1 + floor(random() * 3)::int, 'pending', 0, 0"
                " FROM generate_series(0, :n - 1) AS j"
            ),
            {"n": rentals, "events": events, "stripe": stripe},
        )
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
        conn.execute(sa.text("VACUUM ANALYZE"))  # outside a transaction; sets visibility map


def cycling(cases: list[Any], fn: Callable[[Any], object]) -> Callable[[], None]:
    """A no-argument callable that runs `fn` on the next case, round robin: the service and
    its floor walk the same cases in the same order."""
    it = itertools.cycle(cases)

    def run() -> None:
        fn(next(it))

    return run


def bench_reads(engine: sa.Engine, actor: Actor, rng: random.Random, conflict_days: int) -> None:
    """Each line walks 50 random cases (items, windows, events), the floor the same ones."""
    with Session(engine) as s:
        item_ids = list(s.scalars(sa.select(EquipmentItem.id)))
        events = list(s.scalars(sa.select(Event)))

    def raw_bookings(case: tuple[av.Window, list[uuid.UUID], uuid.UUID | None]) -> None:
        window, items, exclude = case
        with engine.connect() as conn:
            conn.execute(
                RAW_BOOKINGS,
                {"start": window.start, "end": window.end, "ids": items, "exclude": exclude},
            ).all()

    def random_week() -> av.Window:
        first = START + timedelta(days=rng.randrange(358))
        return av.Window(first, first + timedelta(days=6))

    weeks = [(random_week(), [rng.choice(item_ids)], None) for _ in range(CASES)]

    def available(case: tuple[av.Window, list[uuid.UUID], None]) -> None:
        with Session(engine) as s:
            avs.item_availability(s, actor, case[1][0], case[0])

    report(
        "available(): 1 item, 7 days",
        measure(cycling(weeks, available)),
        measure(cycling(weeks, raw_bookings)),
    )

    for size in (5, 50):
        picked = [(rng.choice(events), rng.sample(item_ids, size)) for _ in range(CASES)]

        def check(case: tuple[Event, list[uuid.UUID]]) -> None:
            with Session(engine) as s:
                avs.check(s, actor, case[0], dict.fromkeys(case[1], 1))

        floor = [(avs.event_window(e), items, e.id) for e, items in picked]
        report(
            f"check(): {size}-line event",
            measure(cycling(picked, check)),
            measure(cycling(floor, raw_bookings)),
        )

    months = []
    for _ in range(CASES):
        first = START + timedelta(days=rng.randrange(365 - conflict_days))
        months.append(av.Window(first, first + timedelta(days=conflict_days - 1)))

    def conflicts(window: av.Window) -> None:
        with Session(engine) as s:
            avs.conflicts(s, actor, window)

    def raw_conflicts(window: av.Window) -> None:
        params = {"start": window.start, "end": window.end}
        with engine.connect() as conn:
            ids = list(conn.execute(RAW_OVERBOOKABLE, params).scalars())
            conn.execute(RAW_BOOKINGS, params | {"ids": ids, "exclude": None}).all()

    report(
        f"conflicts(): {conflict_days} days, all items",
        measure(cycling(months, conflicts), runs=50, warmup=5),
        measure(cycling(months, raw_conflicts), runs=50, warmup=5),
    )


PER_WRITER = 60
WRITERS = 8


def book_hot(
    engine: sa.Engine, actor: Actor, hot: list[uuid.UUID], event_ids: list[uuid.UUID], seed: int
) -> tuple[int, int]:
    """One writer's bookings: 1-2 units of 1-3 hot items per fresh event. (booked, refused)."""
    local = random.Random(seed)
    booked = refused = 0
    for event_id in event_ids:
        lines = [(i, local.randint(1, 2)) for i in local.sample(hot, local.randint(1, 3))]
        try:
            with transaction(engine) as s:
                rs.add_rentals(s, actor, event_id, lines)
            booked += 1
        except RentalConflict:
            refused += 1
    return booked, refused


def writer_process(url: str, actor: Actor, hot: list, event_ids: list, seed: int, barrier, out):
    """A writer in its own process (as each app worker is): own engine, then `book_hot`."""
    engine = make_engine(url)
    with engine.connect() as conn:  # open the pooled connection before timing
        conn.execute(sa.text("SELECT 1"))
    barrier.wait()
    began = time.time()
    booked, refused = book_hot(engine, actor, hot, event_ids, seed)
    out.put((began, time.time(), booked, refused))
    engine.dispose()


def seed_hot(engine: sa.Engine, tag: str) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
    """50 hot items with 12 good units each, and fresh 3-day events over one week."""
    hot = []
    with engine.begin() as conn:
        client_id = conn.execute(sa.select(Client.id)).scalar_one()
        cat_id = conn.execute(sa.select(Category.id)).scalar_one()
        for n in range(50):
            hot.append(uuid.uuid4())
            conn.execute(
                sa.insert(EquipmentItem).values(
                    id=hot[-1],
                    name=f"Hot {tag} {n}",
                    category_id=cat_id,
                    quantity=12,
                    qty_good=12,
                    location="Hot",
                    asset_code=f"HOT{tag[0].upper()}-{n:04d}",
                )
            )
        event_ids = [uuid.uuid4() for _ in range(2 * WRITERS * PER_WRITER)]
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
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Flush the seed's dirty pages now, so no checkpoint competes with the timed commits.
        conn.execute(sa.text("CHECKPOINT"))
    return hot, event_ids


def chunk(event_ids: list[uuid.UUID], n: int) -> list[uuid.UUID]:
    """Writer n's own events."""
    return event_ids[n * PER_WRITER : (n + 1) * PER_WRITER]


def run_threads(engine: sa.Engine, actor: Actor, hot: list, event_ids: list) -> tuple:
    """8 writer threads in this process (one app worker). (elapsed s, booked, refused)."""
    results: list[tuple[int, int]] = []
    barrier = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        with engine.connect() as conn:  # open this writer's pooled connection before timing
            conn.execute(sa.text("SELECT 1"))
        barrier.wait()
        results.append(book_hot(engine, actor, hot, chunk(event_ids, n), n))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    return elapsed, sum(b for b, _ in results), sum(r for _, r in results)


def run_processes(url: str, actor: Actor, hot: list, event_ids: list) -> tuple:
    """8 writer processes (as 8 app workers). (elapsed s, booked, refused)."""
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(WRITERS), ctx.Queue()
    procs = [
        ctx.Process(
            target=writer_process,
            args=(
                url,
                actor,
                hot,
                event_ids[n * PER_WRITER : (n + 1) * PER_WRITER],
                n,
                barrier,
                out,
            ),
        )
        for n in range(WRITERS)
    ]
    for p in procs:
        p.start()
    rows = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = max(r[1] for r in rows) - min(r[0] for r in rows)
    return elapsed, sum(r[2] for r in rows), sum(r[3] for r in rows)


def overbooked_days(engine: sa.Engine, hot: list[uuid.UUID]) -> int:
    window = av.Window(START - timedelta(days=5), START + timedelta(days=15))
    with Session(engine) as s:
        bookings = avs.load_bookings(s, window, hot)
        good = dict(
            s.execute(
                sa.select(EquipmentItem.id, EquipmentItem.qty_good).where(EquipmentItem.id.in_(hot))
            ).all()
        )  # type: ignore[attr-defined]
    return sum(
        len(av.conflict_days(good[item_id], item_bookings, window))
        for item_id, item_bookings in bookings.items()
    )


def bench_writers(engine: sa.Engine, url: str, actor: Actor) -> None:
    """8 concurrent writers book 1-2 units of 1-3 of 50 hot items onto fresh overlapping
    events: first as 8 threads of one process, then (fresh items) as 8 processes."""
    for mode in ("threads", "processes"):
        hot, event_ids = seed_hot(engine, mode)
        if mode == "threads":
            elapsed, booked, refused = run_threads(engine, actor, hot, event_ids)
        else:
            elapsed, booked, refused = run_processes(url, actor, hot, event_ids)
        total = booked + refused
        label = f"bookings: 8 writer {mode}, 50 hot"
        print(
            f"{label:<36} {total / elapsed:7.0f} bookings/s "
            f"(attempts, {booked / elapsed:.0f}/s booked)  | {booked} booked, "
            f"{refused} refused in {elapsed:.2f} s  | overbooked item-days: "
            f"{overbooked_days(engine, hot)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "url",
        nargs="?",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_avail",
    )
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rentals", type=int, default=500_000)
    parser.add_argument("--conflict-days", type=int, default=30)
    args = parser.parse_args()
    rng = random.Random(42)
    recreate(args.url)
    engine = make_engine(args.url)
    began = time.perf_counter()
    seed(engine, args.items, args.events, args.rentals)
    print(
        f"{args.items} items, {args.events} events, {args.rentals} rentals on "
        f"{engine.dialect.name} (seeded in {time.perf_counter() - began:.1f} s)"
    )
    with Session(engine) as s:
        user = s.scalars(sa.select(User).where(User.username == "bench")).one()
    actor = actor_of(user)
    bench_reads(engine, actor, rng, args.conflict_days)
    bench_writers(engine, args.url, actor)
    engine.dispose()


if __name__ == "__main__":
    main()
