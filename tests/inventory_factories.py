"""Builders for the inventory and client tests: categories, clients, events, rentals,
quotes and maintenance rows (real inserts), plus a bus that checks publication happens
after commit."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from avrentals.domain import changes
from avrentals.domain.enums import QuoteStatus
from avrentals.domain.models import (
    Category,
    Client,
    EquipmentItem,
    Event,
    MaintenanceLog,
    Quote,
    Rental,
    Subcategory,
)


def insert(engine: Engine, row: SQLModel) -> Any:
    with Session(engine, expire_on_commit=False) as s:
        s.add(row)
        s.commit()
        return row


def make_category(
    engine: Engine, name: str = "Audio", *subs: str
) -> tuple[Category, list[Subcategory]]:
    category = insert(engine, Category(name=name))
    return category, [insert(engine, Subcategory(category_id=category.id, name=n)) for n in subs]


def make_client(engine: Engine, name: str = "Acme Events", **fields: Any) -> Client:
    return insert(engine, Client(name=name, **fields))


def make_event(engine: Engine, client: Client, start: date, end: date, **fields: Any) -> Event:
    fields.setdefault("name", f"Event {uuid.uuid4().hex[:6]}")
    fields.setdefault("location", "Lisbon Arena")
    return insert(engine, Event(client_id=client.id, start_date=start, end_date=end, **fields))


def make_rental(engine: Engine, event: Event, item: EquipmentItem, quantity: int = 1) -> Rental:
    return insert(engine, Rental(event_id=event.id, equipment_id=item.id, quantity=quantity))


def make_quote(
    engine: Engine,
    client: Client | None,
    status: QuoteStatus,
    total: str,
    number: str | None = None,
) -> Quote:
    return insert(
        engine,
        Quote(
            number=number or f"Q2030-{uuid.uuid4().int % 1000:03d}{uuid.uuid4().hex[:3]}",
            name="Gala quote",
            client_id=client.id if client else None,
            client_name=client.name if client else "Walk-in",
            start_date=date(2030, 1, 1),
            end_date=date(2030, 1, 2),
            status=status,
            total=Decimal(total),
        ),
    )


def make_maintenance(engine: Engine, item: EquipmentItem, when: date, text: str) -> MaintenanceLog:
    return insert(
        engine,
        MaintenanceLog(equipment_id=item.id, log_date=when, description=text, cost=Decimal("15.5")),
    )


class CommitCheckingBus:
    """A change bus that records each published change together with whether its row was
    already visible (committed) to another connection at the moment of publication."""

    MODELS: dict[str, type[SQLModel]] = {
        "equipment": EquipmentItem,
        "category": Category,
        "subcategory": Subcategory,
        "client": Client,
    }

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.published: list[tuple[changes.Change, bool]] = []

    def publish(self, change: changes.Change) -> None:
        with Session(self.engine) as s:
            row = s.get(self.MODELS[change.entity], uuid.UUID(change.id))
        if change.action == "delete":
            committed = row is None
        else:
            committed = row is not None and getattr(row, "version", None) == change.version
        self.published.append((change, committed))

    async def subscribe(self):  # pragma: no cover - never subscribed in these tests
        raise NotImplementedError
        yield
