"""Claim: one page of the equipment list (service layer: permission check, count, join,
allow-listed sort, full-text search) costs little more than the same SQL run raw.

Usage: .venv/bin/python bench/equipment_list.py [DATABASE_URL] [--items N]
Default database: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench (recreated).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("JWT_SECRET", "bench-" + "x" * 40)

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from avrentals import migrations
from avrentals.db import make_engine
from avrentals.domain.enums import Role
from avrentals.domain.models import Category, EquipmentItem, User
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services.auth import actor_of
from avrentals.domain.services.equipment import list_equipment
from bench.timing import measure, report

WORDS = ["Shure", "Yamaha", "Robe", "Truss", "Mixer", "Speaker", "Cable", "Projector", "LED"]


def prepare(url: str, items: int) -> sa.Engine:
    target = make_url(url)
    if target.get_backend_name() == "postgresql":
        admin = make_engine(
            target.set(database="postgres").render_as_string(hide_password=False),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
        admin.dispose()
    elif target.database and Path(target.database).exists():
        Path(target.database).unlink()
    migrations.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        cats = [Category(name=f"Category {n}") for n in range(8)]
        s.add_all(cats)
        s.flush()
        for n in range(items):
            w1, w2 = WORDS[n % len(WORDS)], WORDS[(n * 7) % len(WORDS)]
            s.add(
                EquipmentItem(
                    name=f"{w1} {w2} {n}",
                    description=f"{w2} unit number {n} for touring and installs",
                    category_id=cats[n % 8].id,
                    quantity=10,
                    qty_good=10,
                    location=f"Aisle {n % 12}",
                    daily_rate=Decimal("25.00"),
                    asset_code=f"BEN-{n:06d}",
                )
            )
        s.add(
            User(
                id=uuid.uuid4(), username="bench", name="Bench", password_hash="x", role=Role.VIEWER
            )
        )
        s.commit()
    return engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "url",
        nargs="?",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench",
    )
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    engine = prepare(args.url, args.items)
    with Session(engine) as s:
        user = s.exec(sa.select(User).where(User.username == "bench")).scalar_one()  # type: ignore[call-overload]
    actor = actor_of(user)
    dialect = engine.dialect.name
    print(f"{args.items} items on {dialect}; 20 rows per page")

    def service(search: str | None = None, page: int = 1):
        def run() -> None:
            with Session(engine) as s:
                list_equipment(s, actor, PageRequest(page, 20), search=search, sort="name")

        return run

    where = "1=1"
    raw_sql = (
        "SELECT e.*, c.name, sc.name FROM equipment_item e JOIN category c ON c.id = "
        "e.category_id LEFT JOIN subcategory sc ON sc.id = e.subcategory_id WHERE {w} "
        "ORDER BY e.name, e.id LIMIT 20 OFFSET {o}"
    )

    def raw(w: str, offset: int = 0):
        def run() -> None:
            with engine.connect() as conn:
                conn.execute(sa.text(f"SELECT count(*) FROM equipment_item e WHERE {w}")).all()
                conn.execute(sa.text(raw_sql.format(w=w, o=offset))).all()

        return run

    report("service: page 1", measure(service()), measure(raw(where)))
    report("service: page 100", measure(service(page=100)), measure(raw(where, 1980)))
    if dialect == "postgresql":
        fts = (
            "to_tsvector('simple', e.name || ' ' || coalesce(e.description, '')) "
            "@@ to_tsquery('simple', 'yamaha:* & mix:*')"
        )
        report(
            "service: search 'yamaha mix' (full-text)",
            measure(service("yamaha mix")),
            measure(raw(fts)),
        )
    else:
        like = "lower(e.name) LIKE '%yamaha%'"
        report("service: search 'yamaha' (LIKE)", measure(service("yamaha")), measure(raw(like)))
    engine.dispose()


if __name__ == "__main__":
    main()
