"""Claim: the availability timeline costs a bounded number of queries whatever the grid size,
and 300 items x 28 days answers well within an interactive budget on PostgreSQL.

Seeds PostgreSQL like bench/availability.py (default: 10,000 items, 50,000 events over a
year, 500,000 rentals), then prints p50/p95 of `timeline.timeline()` for 300 items x 28 days
(one call), a 100-item page x 28 and x 92 days (what the page asks for), and the floor: the
same bookings query as raw SQL for those 300 items, with the ratio. Also prints the number of
SQL statements per call.

Usage: .venv/bin/python bench/timeline.py [DATABASE_URL] [--items 10000] [--events 50000]
       [--rentals 500000] [--runs 100]
Default database: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_timeline
(recreated).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("JWT_SECRET", "bench-" + "x" * 40)

import sqlalchemy as sa
from sqlmodel import Session, select

from avrentals.db import make_engine
from avrentals.domain import availability as av
from avrentals.domain.models import User
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services import timeline as tl
from avrentals.domain.services.auth import actor_of
from bench.availability import RAW_BOOKINGS, START, recreate, seed
from bench.timing import measure, report

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_timeline"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rentals", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    recreate(args.url)
    engine = make_engine(args.url)
    seed(engine, args.items, args.events, args.rentals)
    with Session(engine) as s:
        actor = actor_of(s.exec(select(User)).one())
    window = av.Window(START + timedelta(days=150), START + timedelta(days=177))  # 28 days
    long = av.Window(window.start, window.start + timedelta(days=91))  # 92 days

    def grid(paging: PageRequest, w: av.Window):
        def run() -> dict:
            with Session(engine) as s:
                return tl.timeline(s, actor, w, paging=paging)

        return run

    full = grid(PageRequest(1, 300), window)
    sample = full()
    ids = [item["id"] for item in sample["items"]]
    booked_cells = sum(1 for item in sample["items"] for n in item["booked"] if n)

    def floor() -> None:
        with engine.connect() as conn:
            conn.execute(
                RAW_BOOKINGS,
                {"start": window.start, "end": window.end, "ids": ids, "exclude": None},
            ).all()

    statements: list[str] = []

    def count(conn, cursor, statement, *rest) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    full()
    sa.event.remove(engine, "before_cursor_execute", count)
    per_call = len(statements)

    print(
        f"dataset: {args.items} items, {args.events} events, {args.rentals} rentals; "
        f"grid {len(sample['items'])} items x {len(sample['days'])} days, "
        f"{booked_cells} booked cells, {per_call} SQL statements per call"
    )
    report("timeline 300 x 28 days", measure(full, runs=args.runs, warmup=5), measure(floor))
    report("timeline 100 x 28 (a page)", measure(grid(PageRequest(1, 100), window), args.runs))
    report("timeline 100 x 92 days", measure(grid(PageRequest(1, 100), long), args.runs))


if __name__ == "__main__":
    main()
