"""Claim: utilisation (per category and per item, booked ÷ bookable unit-days with the
blocking windows of DESIGN §5) over 90 days for 2,000 items and 5,000 rentals answers within
an interactive budget on PostgreSQL, and the service adds little over its own SQL.

Seeds PostgreSQL with bench/availability.py's set-based seeder (2,000 items of 20 units,
1,000 events, 5 lines each = 5,000 rentals), then spreads the items over 10 categories, puts
a few units out of service and packs the events into 120 days around the measured 90 so most
rentals count. Prints p50/p95 of `utilisation.utilisation()` (the items page of 20 and the
categories with the totals: two statements) and the floor: the very same two statements,
compiled once and run raw through the driver, with the ratio. Also times the dashboard's
report panels (revenue, top lists, utilisation) for reference.

Usage: .venv/bin/python bench/reports.py [DATABASE_URL] [--items 2000] [--events 1000]
       [--rentals 5000] [--runs 100]
Default database: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_reports
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
from avrentals.domain.services import dashboard, utilisation
from avrentals.domain.services.auth import actor_of
from bench.availability import START, recreate, seed
from bench.timing import measure, report

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_reports"
CATEGORIES = 10
SPREAD_DAYS = 120
PERIOD = av.Window(START + timedelta(days=15), START + timedelta(days=104))  # 90 days


def reshape(engine: sa.Engine) -> None:
    """10 categories, some units damaged / in repair, events packed into SPREAD_DAYS."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO category (version, created_at, updated_at, id, name, icon, position)"
                " SELECT 1, now(), now(), md5('cat' || n)::uuid, 'Bench ' || n, 'box', n"
                " FROM generate_series(1, :n - 1) AS n"
            ),
            {"n": CATEGORIES},
        )
        conn.execute(
            sa.text(
                "UPDATE equipment_item SET category_id = CASE WHEN k = 0 THEN md5('cat')::uuid"
                " ELSE md5('cat' || k)::uuid END"
                " FROM (SELECT id AS item, abs(hashtext(id::text)) % :n AS k"
                "       FROM equipment_item) AS s WHERE equipment_item.id = s.item"
            ),
            {"n": CATEGORIES},
        )
        conn.execute(
            sa.text(
                "UPDATE equipment_item SET qty_good = 17, qty_damaged = 2, qty_maintenance = 1,"
                " status = 'damaged' WHERE abs(hashtext(id::text)) % 7 = 0"
            )
        )
        conn.execute(
            sa.text(
                "UPDATE event SET start_date = :start + (abs(hashtext(id::text)) % :spread),"
                " end_date = :start + (abs(hashtext(id::text)) % :spread) + (end_date - start_date)"
            ),
            {"start": START, "spread": SPREAD_DAYS},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--items", type=int, default=2_000)
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--rentals", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=100)
    args = parser.parse_args()

    recreate(args.url)
    engine = make_engine(args.url)
    seed(engine, args.items, args.events, args.rentals)
    reshape(engine)
    with Session(engine) as s:
        actor = actor_of(s.exec(select(User)).one())

    paging = PageRequest(1, 20)

    def service() -> dict:
        with Session(engine) as s:
            return utilisation.utilisation(s, actor, PERIOD, paging=paging)

    sample = service()
    dialect = engine.dialect
    raw = [
        str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        for stmt in (
            utilisation.items_statement("postgresql", PERIOD, None, paging),
            utilisation.categories_statement("postgresql", PERIOD, None),
        )
    ]

    def floor() -> None:
        with engine.connect() as conn:
            for sql in raw:
                conn.exec_driver_sql(sql).all()

    def panels() -> None:
        with Session(engine) as s:
            dashboard.report_panels(s, actor, today=PERIOD.end, period=PERIOD)

    overall = sample["overall"]
    print(
        f"{args.items:,} items in {len(sample['categories'])} categories, {args.rentals:,} "
        f"rentals on {args.events:,} events; period {PERIOD.start} .. {PERIOD.end} "
        f"({PERIOD.days} days)"
    )
    print(
        f"overall utilisation {overall['utilisation']} = {overall['bookedUnitDays']:,} booked"
        f" / {overall['bookableUnitDays']:,} bookable unit-days"
    )
    report("utilisation (page 20 + cats)", measure(service, args.runs), measure(floor, args.runs))
    report("dashboard report panels", measure(panels, max(10, args.runs // 2)))


if __name__ == "__main__":
    main()
