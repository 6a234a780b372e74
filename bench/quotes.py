"""Claim: quotes stay interactive on PostgreSQL -- live pricing, saving a draft, the list
page over 10,000 quotes, the PDF and approving into an event each answer within a click's
budget, the services add little over the work they must do, and quote numbers stay unique
and gap-free under concurrent creation (DESIGN §4, §5; issue 5).

Seeds PostgreSQL with bench/availability.py's set-based seeder (2,000 items, 1,000 events,
5,000 rentals and the Manager "bench"), the demo services and fees (through the catalogue
services) and 10,000 quotes with 3 lines each (set-based). Then prints p50/p95 of:

1. `quotes.preview_totals()` on a 30-line document (21 equipment, 5 services, 2 fixed and
   2 percentage fees, a 10 % discount): the builder's live totals. Floor: the pure
   `pricing.price_quote()` on the same 30 lines (no validation, no database).
2. `quotes.update_quote()` of that 30-line quote, one quantity changed per run, one
   committed transaction each. Floor: what the save needs at minimum, raw through the
   driver in one transaction: UPDATE the quote row (totals, version), DELETE its 30 lines,
   INSERT 30 lines (executemany), COMMIT.
3. `quotes.list_quotes()` page 1 of 25 by newest, without and with a search term. Floor:
   the very statements the service ran (captured once), re-run raw with their parameters.
4. `quote_pdf.render_quote_pdf()` of a 30-line and a 200-line quote. No floor: the layout
   (fpdf2) is the work.
5. `quotes.approve_quote()` of a Sent quote with 10 equipment lines (event + rentals with
   the availability check, one transaction). No floor.
6. Numbering under contention: 1 thread, then N threads (default 8) of this process create
   30-line quotes for a few seconds each; prints quotes/s and checks afterwards that the
   year's numbers are unique and gap-free (1..last, matching `quote_sequence`).

Usage: .venv/bin/python bench/quotes.py [DATABASE_URL] [--runs 100] [--quotes 10000]
       [--threads 8] [--seconds 3]
Default database: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_quotes
(recreated).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("JWT_SECRET", "bench-" + "x" * 40)

import sqlalchemy as sa
from sqlmodel import Session, select

from avrentals.db import captured_statements, make_engine, transaction
from avrentals.domain import demo_catalogue as demo
from avrentals.domain.enums import DiscountType, QuoteItemType, QuoteStatus
from avrentals.domain.models import Client, EquipmentItem, Fee, Service, User
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.pricing import PricedLine, price_quote
from avrentals.domain.services import fee_catalogue, quote_pdf, quotes, service_catalogue
from avrentals.domain.services.auth import actor_of
from bench.availability import START, recreate, seed
from bench.timing import measure, report

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_quotes"
ITEMS, EVENTS, RENTALS = 2_000, 1_000, 5_000
LINES, BIG_LINES, APPROVE_LINES = 30, 200, 10
PAGE = PageRequest(1, 25)
SEARCH = "gala"  # one quote name in 8 carries it
DISCOUNT = Decimal("10")
TAX = Decimal("0.23")
YEAR = date.today().year  # create_quote numbers in the current year


def seed_catalogue(engine: sa.Engine, actor: Actor) -> None:
    """Daily rates on the seeded items (the seeder leaves them at 0), and the demo services
    and fees through the catalogue services, so they are the rows the app would hold."""
    with engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE equipment_item SET daily_rate = 5 + abs(hashtext(id::text)) % 400")
        )
    with transaction(engine) as s:
        for spec in demo.SERVICES:
            service_catalogue.create_service(
                s,
                actor,
                {
                    "name": spec.name,
                    "description": spec.description,
                    "unit_price": spec.unit_price,
                    "unit": spec.unit,
                    "category": spec.category,
                },
            )
        for fee in demo.FEES:
            fee_catalogue.create_fee(
                s,
                actor,
                {
                    "name": fee.name,
                    "description": fee.description,
                    "amount": fee.amount,
                    "fee_type": fee.fee_type.value,
                    "category": fee.category,
                    "is_required": fee.is_required,
                },
            )


def seed_quotes(engine: sa.Engine, n: int) -> None:
    """`n` quotes of this year (numbers 1..n, all statuses, one a minute back in time) with
    3 lines each, set-based; the year's sequence continues after them."""
    audit = "1, NULL, NULL, now() - make_interval(mins => :n - g), now()"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO quote (version, created_by, updated_by, created_at, updated_at, id,"
                " number, name, location, client_id, client_name, client_email, start_date,"
                " end_date, discount_value, discount_type, tax_rate, sub_total, discount_amount,"
                " fees_total, tax_amount, total, status)"
                f" SELECT {audit}, md5('q' || g)::uuid,"
                " 'Q' || :year || '-' || CASE WHEN g < 1000 THEN lpad(g::text, 3, '0')"
                "   ELSE g::text END,"
                " (ARRAY['Conference', 'Festival', 'Gala', 'Launch', 'Wedding', 'Concert',"
                "   'Summit', 'Expo'])[1 + g % 8] || ' ' || g, 'Venue ' || g % 50, NULL,"
                " 'Client ' || lpad((g % 300)::text, 3, '0'), 'client' || g % 300 || '@x.test',"
                " :start + g % 365, :start + g % 365 + g % 4, 0, 'fixed', 0.23, 300, 0, 0,"
                " 69, 369,"
                " (ARRAY['Draft', 'Sent', 'Accepted', 'Declined', 'Archived'])[1 + g % 5]"
                " FROM generate_series(1, :n) AS g"
            ),
            {"n": n, "year": str(YEAR), "start": START},
        )
        conn.execute(
            sa.text(
                "INSERT INTO quote_item (id, created_at, updated_at, quote_id, item_type,"
                " description, quantity, unit_price, days, line_total, position)"
                " SELECT gen_random_uuid(), now(), now(), md5('q' || g)::uuid, 'service',"
                " 'Line ' || k, 1, 100, 1, 100, k"
                " FROM generate_series(1, :n) AS g, generate_series(0, 2) AS k"
            ),
            {"n": n},
        )
        conn.execute(
            sa.text("INSERT INTO quote_sequence (year, last_number) VALUES (:year, :n)"),
            {"year": YEAR, "n": n},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


class Catalogue:
    """Ids of what the quote lines point at."""

    def __init__(self, engine: sa.Engine) -> None:
        with Session(engine) as s:
            self.items = list(
                s.exec(select(EquipmentItem.id, EquipmentItem.daily_rate).order_by("id")).all()
            )
            self.services = list(s.exec(select(Service).order_by("name")).all())
            fees = {f.name: f for f in s.exec(select(Fee)).all()}
            self.client_id = s.exec(select(Client.id)).one()
        # Two fixed and two percentage fees; the required insurance among them, so a
        # created quote keeps exactly the lines it was given.
        self.fees = [fees[spec.name] for spec in demo.FEES if spec.name != "Rush Order (< 48 h)"]


def document(cat: Catalogue, n_lines: int, first_item: int = 0, *, approve: bool = False) -> dict:
    """A quote document as the builder sends it: `n_lines` lines (fees: 4, services: a fifth
    of the rest, equipment the remainder from `first_item` on), a percentage discount."""
    start = START + timedelta(days=100)
    values: dict[str, Any] = {
        "name": f"Bench Gala {n_lines}",
        "location": "Lisbon Congress Centre",
        "client_id": str(cat.client_id),
        "client_name": "Bench Client",
        "client_email": "bench@x.test",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=2)).isoformat(),
        "discount_value": str(DISCOUNT),
        "discount_type": DiscountType.PERCENTAGE.value,
        "tax_rate": str(TAX),
        "notes": "Load-in from 08:00 through the north dock.",
    }
    fees = [] if approve else cat.fees
    n_services = 0 if approve else (n_lines - len(fees)) // 5
    n_equipment = n_lines - len(fees) - n_services
    lines: list[dict[str, Any]] = []
    for k in range(n_equipment):
        item_id, rate = cat.items[(first_item + k) % len(cat.items)]
        lines.append(
            {
                "item_type": "equipment",
                "equipment_id": str(item_id),
                "description": f"Item {first_item + k}",
                "quantity": 1 + k % 2 if approve else 1 + k % 6,
                "unit_price": str(rate),
            }
        )
    for k in range(n_services):
        service = cat.services[k % len(cat.services)]
        lines.append(
            {
                "item_type": "service",
                "service_id": str(service.id),
                "description": service.name,
                "quantity": 1 + k % 3,
                "unit_price": str(service.unit_price),
            }
        )
    for fee in fees:
        lines.append(
            {
                "item_type": "fee",
                "fee_id": str(fee.id),
                "description": fee.name,
                "quantity": 1,
                "unit_price": str(fee.amount),
                "fee_type": DiscountType(fee.fee_type).value,
            }
        )
    values["items"] = lines
    return values


def priced_lines(values: dict) -> list[PricedLine]:
    """The document's lines as the pricing engine takes them (what the floor prices)."""
    days = (date.fromisoformat(values["end_date"]) - date.fromisoformat(values["start_date"])).days
    return [
        PricedLine(
            item_type=QuoteItemType(line["item_type"]),
            description=line["description"],
            unit_price=Decimal(line["unit_price"]),
            quantity=line["quantity"],
            days=1 if line["item_type"] == "fee" else days + 1,
            fee_type=DiscountType(line["fee_type"]) if line.get("fee_type") else None,
        )
        for line in values["items"]
    ]


def create(engine: sa.Engine, actor: Actor, values: dict, *, sent: bool = False) -> tuple:
    """A quote created through the service (Sent when asked). (id, version)."""
    with transaction(engine) as s:
        quote = quotes.create_quote(s, actor, values)
        if sent:
            s.flush()
            quote = quotes.change_status(s, actor, quote.id, QuoteStatus.SENT.value, quote.version)
        return quote.id, quote.version


def bench_preview(values: dict, runs: int) -> None:
    lines = priced_lines(values)

    def service() -> None:
        quotes.preview_totals(values)

    def floor() -> Decimal:
        return price_quote(lines, DISCOUNT, DiscountType.PERCENTAGE, TAX).total

    # The floor is only fair if it prices the same document to the same cent.
    if quotes.preview_totals(values)["total"] != floor():
        raise SystemExit("preview_totals and price_quote disagree")
    report(f"preview_totals(): {LINES} lines", measure(service, runs), measure(floor, runs))


def bench_save(engine: sa.Engine, actor: Actor, values: dict, runs: int) -> None:
    quote_id, version = create(engine, actor, values)
    floor_id, _ = create(engine, actor, values)
    state = {"version": version, "k": 0}
    equipment = [line for line in values["items"] if line["item_type"] == "equipment"]

    def service() -> None:
        # A different quantity every run: an unchanged document is not written at all.
        line = equipment[state["k"] % len(equipment)]
        line["quantity"] = line["quantity"] % 9 + 1
        state["k"] += 1
        with transaction(engine) as s:
            state["version"] = quotes.update_quote(
                s, actor, quote_id, values, state["version"]
            ).version

    with engine.connect() as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                sa.text("SELECT * FROM quote_item WHERE quote_id = :id ORDER BY position"),
                {"id": floor_id},
            ).mappings()
        ]
    columns = list(rows[0])
    insert = (
        f"INSERT INTO quote_item ({', '.join(columns)}) "
        f"VALUES ({', '.join(f'%({c})s' for c in columns)})"
    )
    update = (
        "UPDATE quote SET sub_total = %(sub)s, total = %(total)s, version = version + 1,"
        " updated_at = now() WHERE id = %(id)s"
    )
    delete = "DELETE FROM quote_item WHERE quote_id = %(id)s"

    def floor() -> None:
        state["k"] += 1
        rows[state["k"] % len(rows)]["quantity"] = state["k"] % 9 + 1
        for row in rows:
            row["id"] = uuid.uuid4()
        with engine.begin() as conn:
            conn.exec_driver_sql(
                update, {"sub": Decimal("1000.00"), "total": Decimal("1230.00"), "id": floor_id}
            )
            conn.exec_driver_sql(delete, {"id": floor_id})
            conn.exec_driver_sql(insert, rows)

    report(
        f"update_quote(): {LINES} lines, commit",
        measure(service, runs),
        measure(floor, runs),
    )
    print(
        "  floor: UPDATE quote + DELETE its 30 lines + INSERT 30 lines (executemany) + COMMIT,"
        " raw in one transaction"
    )


def bench_list(engine: sa.Engine, actor: Actor, runs: int) -> None:
    for search in (None, SEARCH):

        def service(search: str | None = search) -> Any:
            with Session(engine) as s:
                return quotes.list_quotes(s, actor, paging=PAGE, search=search)

        with captured_statements(engine) as statements:
            page = service()
        if len(page.items) != PAGE.page_size:
            raise SystemExit(f"list_quotes returned {len(page.items)} rows")

        def floor(statements: list = statements) -> None:
            with engine.connect() as conn:
                for sql, params in statements:
                    conn.exec_driver_sql(sql, params).all()

        label = f"list_quotes(): 25, {f'{SEARCH!r}' if search else 'newest'}"
        report(label, measure(service, runs), measure(floor, runs))
        print(f"  {page.total:,} matching; floor: the service's {len(statements)} statements raw")


def bench_pdf(engine: sa.Engine, actor: Actor, cat: Catalogue, runs: int) -> None:
    for n_lines in (LINES, BIG_LINES):
        quote_id, _ = create(engine, actor, document(cat, n_lines, first_item=300))

        def service(quote_id: uuid.UUID = quote_id) -> bytes:
            with Session(engine) as s:
                return quote_pdf.render_quote_pdf(s, actor, quote_id)[1]

        size = len(service())
        pdf_runs = runs if n_lines == LINES else max(10, runs // 3)
        report(
            f"render_quote_pdf(): {n_lines} lines",
            measure(service, pdf_runs, warmup=3),
        )
        print(f"  {size / 1024:.0f} KiB; no floor (the fpdf2 layout is the work)")


def bench_approve(engine: sa.Engine, actor: Actor, cat: Catalogue, runs: int) -> None:
    warmup = 5
    # Each approval books its own 10 items, so none is refused for lack of units.
    pending = iter(
        [
            create(
                engine,
                actor,
                document(cat, APPROVE_LINES, first_item=n * APPROVE_LINES, approve=True),
                sent=True,
            )
            for n in range(warmup + runs)
        ]
    )

    def service() -> None:
        quote_id, version = next(pending)
        with transaction(engine) as s:
            quotes.approve_quote(s, actor, quote_id, version)

    report(
        f"approve_quote(): {APPROVE_LINES} equip. lines",
        measure(service, runs, warmup=warmup),
    )
    print("  no floor; one transaction: lock, event, 10 rentals + availability, audit")


def creators(engine: sa.Engine, actor: Actor, values: dict, threads: int, seconds: float):
    """`threads` threads creating quotes until `seconds` pass. (created, elapsed s)."""
    counts = [0] * threads
    barrier = threading.Barrier(threads + 1)
    deadline = [0.0]

    def run(n: int) -> None:
        with engine.connect() as conn:  # open this thread's pooled connection before timing
            conn.execute(sa.text("SELECT 1"))
        barrier.wait()
        while time.perf_counter() < deadline[0]:
            with transaction(engine) as s:
                quotes.create_quote(s, actor, values)
            counts[n] += 1

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    barrier.wait()
    for w in workers:
        w.join()
    return sum(counts), time.perf_counter() - began


def numbers_check(engine: sa.Engine) -> str:
    """Whether the year's quote numbers are unique and run 1..last without a gap."""
    with engine.connect() as conn:
        numbers = [
            int(n.split("-", 1)[1])
            for n in conn.execute(
                sa.text("SELECT number FROM quote WHERE number LIKE :p"), {"p": f"Q{YEAR}-%"}
            ).scalars()
        ]
        last = conn.execute(
            sa.text("SELECT last_number FROM quote_sequence WHERE year = :y"), {"y": YEAR}
        ).scalar_one()
    unique = len(set(numbers)) == len(numbers)
    gap_free = sorted(numbers) == list(range(1, last + 1))
    return (
        f"{len(numbers):,} numbers Q{YEAR}-001..Q{YEAR}-{max(numbers)}, sequence at {last}: "
        f"unique {'yes' if unique else 'NO'}, gap-free {'yes' if gap_free else 'NO'}"
    )


def bench_numbering(
    engine: sa.Engine, actor: Actor, values: dict, threads: int, seconds: float
) -> bool:
    ok = True
    for n in sorted({1, threads}):
        created, elapsed = creators(engine, actor, values, n, seconds)
        label = f"create_quote(): {n} thread{'s' if n > 1 else ''}"
        print(f"{label:<32} {created / elapsed:7.1f} quotes/s  | {created} in {elapsed:.2f} s")
        check = numbers_check(engine)
        ok = ok and "NO" not in check
        print(f"  {check}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--quotes", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()

    began = time.perf_counter()
    recreate(args.url)
    engine = make_engine(args.url)
    if engine.dialect.name != "postgresql":
        raise SystemExit("this bench measures PostgreSQL")
    seed(engine, ITEMS, EVENTS, RENTALS)
    with Session(engine) as s:
        actor = actor_of(s.exec(select(User).where(User.username == "bench")).one())
    seed_catalogue(engine, actor)
    seed_quotes(engine, args.quotes)
    cat = Catalogue(engine)
    print(
        f"{args.quotes:,} quotes ({3 * args.quotes:,} lines), {ITEMS:,} items, "
        f"{len(cat.services)} services, {len(demo.FEES)} fees on {engine.dialect.name} "
        f"(seeded in {time.perf_counter() - began:.1f} s; {os.cpu_count()} CPUs)"
    )
    values = document(cat, LINES)
    bench_preview(values, args.runs * 5)
    bench_save(engine, actor, values, args.runs)
    bench_list(engine, actor, args.runs)
    bench_pdf(engine, actor, cat, args.runs)
    bench_approve(engine, actor, cat, max(10, args.runs // 2))
    ok = bench_numbering(engine, actor, values, args.threads, args.seconds)
    engine.dispose()
    print(f"total {time.perf_counter() - began:.0f} s")
    if not ok:
        raise SystemExit("quote numbers are not unique and gap-free")


if __name__ == "__main__":
    main()
