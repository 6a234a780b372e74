"""Quotes under concurrency, with real threads and real commits on PostgreSQL: numbers stay
unique and gap-free when many quotes are created at once, approvals competing for the same
stock never overbook, and two saves of the same version cannot both win."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import transaction
from avrentals.domain.enums import QuoteStatus, Role
from avrentals.domain.models import Event, Quote, Rental
from avrentals.domain.services import quotes as qs
from tests.booking_factories import day, make_client
from tests.factories import make_actor, make_item

N = 20


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
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return results


def document(item: Any, quantity: int = 1, **over: Any) -> dict[str, Any]:
    return {
        "name": "Concurrent quote",
        "location": "Lisbon Arena",
        "client_name": "Acme Events",
        "start_date": day(0),
        "end_date": day(1),
        "items": [{"item_type": "equipment", "equipment_id": item.id, "quantity": quantity}],
    } | over


def test_twenty_concurrent_creations_get_distinct_consecutive_numbers(pg_engine: Engine) -> None:
    actor = make_actor(pg_engine, Role.EMPLOYEE)
    item = make_item(pg_engine)

    def create(i: int) -> None:
        with transaction(pg_engine) as s:
            qs.create_quote(s, actor, document(item, name=f"Quote {i}"))

    assert race(N, create) == ["ok"] * N
    with Session(pg_engine) as s:
        numbers = sorted(s.exec(select(Quote.number)).all())
    year = date.today().year
    assert numbers == [f"Q{year}-{n:03d}" for n in range(1, N + 1)]


def test_competing_approvals_never_overbook(pg_engine: Engine) -> None:
    actor = make_actor(pg_engine)
    item = make_item(pg_engine, quantity=10)
    client = make_client(pg_engine)
    ids = []
    for _ in range(4):  # each wants 4 of 10: only two can be approved
        with transaction(pg_engine) as s:
            quote = qs.create_quote(s, actor, document(item, 4, client_id=client.id))
            qs.change_status(s, actor, quote.id, QuoteStatus.SENT, 1)
            ids.append(quote.id)

    def approve(i: int) -> None:
        with transaction(pg_engine) as s:
            qs.approve_quote(s, actor, ids[i], 2)

    results = race(len(ids), approve)
    assert sorted(results) == ["RentalConflict", "RentalConflict", "ok", "ok"]
    with Session(pg_engine) as s:
        booked = s.exec(select(Rental.quantity).where(col(Rental.equipment_id) == item.id)).all()
        events = s.exec(select(Event)).all()
        statuses = sorted(s.exec(select(Quote.status)).all())
    assert sum(booked) == 8 and len(events) == 2
    assert statuses == ["Accepted", "Accepted", "Sent", "Sent"]


def test_two_saves_of_the_same_version_one_wins(pg_engine: Engine) -> None:
    actor = make_actor(pg_engine)
    item = make_item(pg_engine)
    with transaction(pg_engine) as s:
        quote_id = qs.create_quote(s, actor, document(item)).id

    def save(i: int) -> None:
        with transaction(pg_engine) as s:
            qs.update_quote(s, actor, quote_id, document(item, i + 2), 1)

    assert sorted(race(2, save)) == ["VersionConflict", "ok"]
    with Session(pg_engine) as s:
        saved = s.get(Quote, quote_id)
        assert saved is not None and saved.version == 2
