"""Builders for clients, events and rentals in tests (real inserts through the services where
the rule under test is not the point, raw rows where a test needs a state the services would
refuse, e.g. an overbooking after units were damaged)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.domain.models import Client, EquipmentItem, Event, Rental

D0 = date(2030, 6, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def make_client(engine: Engine, name: str = "Acme Events") -> Client:
    with Session(engine, expire_on_commit=False) as s:
        client = Client(name=name)
        s.add(client)
        s.commit()
        return client


def make_event(
    engine: Engine,
    client: Client,
    start: date,
    end: date | None = None,
    *,
    name: str | None = None,
    prep: int = 0,
    ret: int = 0,
    **fields: Any,
) -> Event:
    with Session(engine, expire_on_commit=False) as s:
        event = Event(
            name=name or f"Event {uuid.uuid4().hex[:6]}",
            client_id=client.id,
            location="Lisbon Arena",
            start_date=start,
            end_date=end or start,
            prep_days=prep,
            return_days=ret,
            **fields,
        )
        s.add(event)
        s.commit()
        return event


def raw_rental(engine: Engine, event: Event, item: EquipmentItem, quantity: int) -> Rental:
    """A rental row written directly (no availability check)."""
    with Session(engine, expire_on_commit=False) as s:
        rental = Rental(event_id=event.id, equipment_id=item.id, quantity=quantity)
        s.add(rental)
        s.commit()
        return rental


def rentals_of(engine: Engine, event_id: uuid.UUID) -> dict[uuid.UUID, int]:
    with Session(engine) as s:
        rows = s.exec(select(Rental).where(col(Rental.event_id) == event_id)).all()
        return {r.equipment_id: r.quantity for r in rows}


def count(engine: Engine, model: type) -> int:
    with Session(engine) as s:
        return len(s.exec(select(model)).all())


def set_good(engine: Engine, item: EquipmentItem, good: int) -> None:
    """Report units damaged: `good` stay bookable, the rest become damaged."""
    with Session(engine) as s:
        row = s.get(EquipmentItem, item.id)
        assert row is not None
        row.qty_damaged = row.quantity - good
        row.qty_good = good
        s.add(row)
        s.commit()
