"""Clients (DESIGN §4, §6): list, detail, create, versioned edit, delete.

Rules: name 2-100 characters; contact person <= 100; email a valid address or empty; phone
<= 30; address <= 200; tax id <= 20; notes <= 1000. Optional text left blank is stored as
NULL. Unknown fields are refused. A client cannot be deleted while it has events or quotes
(InUse; the foreign keys are RESTRICT too).

Client value = the sum of the totals of its Accepted quotes (Decimal, never float).

Permissions: `clients:read` / `clients:write` / `clients:delete`. Every write runs in the
caller's transaction, writes one audit row (old -> new) and records one change (entity
"client") published after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session, col, select

from avrentals.domain import validation as v
from avrentals.domain.enums import QuoteStatus
from avrentals.domain.errors import InUse, NotFound, ValidationFailed
from avrentals.domain.models import Client, Event, Quote
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import json_value, snapshot
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version, record_created, record_deleted

CLIENT_FIELDS = ("name", "contact_person", "email", "phone", "address", "tax_id", "notes")

# Allow-listed sort keys -> columns. Never getattr(Model, user_string).
SORTS: dict[str, Any] = {
    "name": Client.name,
    "contactPerson": Client.contact_person,
    "email": Client.email,
    "createdAt": Client.created_at,
    "updatedAt": Client.updated_at,
    "value": None,  # Σ Accepted quote totals, computed per row in list_clients
}


def client_row(client: Client) -> dict[str, Any]:
    """A client as plain JSON-ready values (every column)."""
    return snapshot(client)


def _search_condition(search: str) -> Any:
    """Case-insensitive substring over name, contact person and email (both backends)."""
    term = search.strip()[:100].lower()
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return sa.or_(
        *(
            sa.func.lower(sa.func.coalesce(column, "")).like(pattern, escape="\\")
            for column in (Client.name, Client.contact_person, Client.email)
        )
    )


def list_clients(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> Page[dict[str, Any]]:
    """One page of clients, each row with its `event_count`, `quote_count` and
    `client_value` (Σ totals of Accepted quotes, Decimal; also a sort key). Needs
    `clients:read`. Raises ValidationFailed for a sort key outside the allow-list."""
    require(actor, "clients:read")
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    conditions: list[Any] = []
    if search and search.strip():
        conditions.append(_search_condition(search))
    total = session.exec(select(sa.func.count()).select_from(Client).where(*conditions)).one()
    events = (
        select(sa.func.count())
        .select_from(Event)
        .where(Event.client_id == Client.id)
        .correlate(Client)
        .scalar_subquery()
    )
    quotes = (
        select(sa.func.count())
        .select_from(Quote)
        .where(Quote.client_id == Client.id)
        .correlate(Client)
        .scalar_subquery()
    )
    value = (
        select(sa.func.coalesce(sa.func.sum(Quote.total), 0))
        .where(Quote.client_id == Client.id, Quote.status == QuoteStatus.ACCEPTED)
        .correlate(Client)
        .scalar_subquery()
    )
    column = value if sort == "value" else SORTS[sort]
    order = column.desc() if descending else column.asc()
    stmt = (
        select(Client, events, quotes, value)
        .where(*conditions)
        .order_by(order, col(Client.id))
        .offset(paging.offset)
        .limit(paging.page_size)
    )
    rows = [
        {
            **client_row(c),
            "event_count": int(n_events),
            "quote_count": int(n_quotes),
            "client_value": Decimal(str(total_value)).quantize(Decimal("0.01")),
        }
        for c, n_events, n_quotes, total_value in session.exec(stmt).all()
    ]
    return Page(rows, paging.page, paging.page_size, int(total))


def get_client(session: Session, actor: Actor, client_id: uuid.UUID) -> Client:
    """The client row. Needs `clients:read`; raises NotFound."""
    require(actor, "clients:read")
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("Client not found.")
    return client


def client_value(session: Session, client_id: uuid.UUID) -> Decimal:
    """Σ total of the client's Accepted quotes, as Decimal with two places."""
    total = session.exec(
        select(sa.func.coalesce(sa.func.sum(Quote.total), 0)).where(
            Quote.client_id == client_id, Quote.status == QuoteStatus.ACCEPTED
        )
    ).one()
    return Decimal(str(total)).quantize(Decimal("0.01"))


def _event_status(start: date, end: date, today: date) -> str:
    if end < today:
        return "completed"
    if start > today:
        return "upcoming"
    return "ongoing"


def client_detail(
    session: Session, actor: Actor, client_id: uuid.UUID, *, today: date | None = None
) -> dict[str, Any]:
    """Everything the client page shows. Needs `clients:read`; raises NotFound.

    Keys: `client` (every column), `contacts` (the contact person, email and phone that are
    set, as `{kind, value}`), `events` (newest first: id, name, dates, location, computed
    status upcoming/ongoing/completed), `quotes` (newest first: id, number, name, dates,
    status, total) and `client_value` (Σ Accepted totals, Decimal)."""
    client = get_client(session, actor, client_id)
    today = today or date.today()
    contacts = [
        {"kind": kind, "value": value}
        for kind, value in (
            ("contact_person", client.contact_person),
            ("email", client.email),
            ("phone", client.phone),
        )
        if value
    ]
    events = [
        {
            "id": str(e.id),
            "name": e.name,
            "location": e.location,
            "start_date": e.start_date.isoformat(),
            "end_date": e.end_date.isoformat(),
            "status": _event_status(e.start_date, e.end_date, today),
        }
        for e in session.exec(
            select(Event)
            .where(Event.client_id == client_id)
            .order_by(col(Event.start_date).desc(), col(Event.name))
        ).all()
    ]
    quotes = [
        {
            "id": str(q.id),
            "number": q.number,
            "name": q.name,
            "start_date": q.start_date.isoformat(),
            "end_date": q.end_date.isoformat(),
            "status": json_value(q.status),
            "total": q.total,
        }
        for q in session.exec(
            select(Quote)
            .where(Quote.client_id == client_id)
            .order_by(col(Quote.created_at).desc(), col(Quote.number).desc())
        ).all()
    ]
    return {
        "client": client_row(client),
        "contacts": contacts,
        "events": events,
        "quotes": quotes,
        "client_value": client_value(session, client_id),
    }


def _clean_client(data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Validated column values for the fields given (all fields when creating)."""
    errors = v.Errors()
    v.reject_unknown(data, CLIENT_FIELDS, errors)
    out: dict[str, Any] = {}

    def given(field: str) -> bool:
        return creating or field in data

    if given("name"):
        out["name"] = v.text(errors, "name", data.get("name"), label="Name", min_len=2, max_len=100)
    limits = {
        "contact_person": ("Contact person", 100),
        "phone": ("Phone", 30),
        "address": ("Address", 200),
        "tax_id": ("Tax id", 20),
        "notes": ("Notes", 1000),
    }
    for field, (label, limit) in limits.items():
        if given(field):
            out[field] = v.text(errors, field, data.get(field), label=label, max_len=limit)
    if given("email"):
        out["email"] = v.email(errors, "email", data.get("email"))
    errors.raise_if_any()
    return out


def create_client(session: Session, actor: Actor, data: Mapping[str, Any]) -> Client:
    """Create a client (`name` required, every other field optional). Needs
    `clients:write`. Raises ValidationFailed (field messages), Forbidden."""
    require(actor, "clients:write")
    values = _clean_client(data, creating=True)
    client = Client(**values, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(client)
    session.flush()
    record_created(session, actor, "client", client)
    return client


def update_client(
    session: Session, actor: Actor, client_id: uuid.UUID, version: int, data: Mapping[str, Any]
) -> Client:
    """Change the given fields of a client (versioned; a blank optional field clears it).
    Needs `clients:write`. Nothing is written when no value changes; otherwise one
    `compare_and_swap` (conditional UPDATE on id + version, audited). Raises NotFound,
    VersionConflict (saved row) when `version` is stale, ValidationFailed, Forbidden."""
    require(actor, "clients:write")
    client = session.get(Client, client_id)
    if client is None:
        raise NotFound("Client not found.")
    check_version(client, version, "client")
    values = _clean_client(data, creating=False)
    changed = {k: val for k, val in values.items() if getattr(client, k) != val}
    if not changed:
        return client
    return compare_and_swap(session, Client, client_id, version, changed, actor, entity="client")


def delete_client(
    session: Session, actor: Actor, client_id: uuid.UUID, *, version: int | None = None
) -> None:
    """Delete a client without events or quotes. Needs `clients:delete`.

    Locks the client row (FOR UPDATE on PostgreSQL) for the check; the RESTRICT foreign keys
    catch anything created in between. Raises NotFound, VersionConflict when a given
    `version` is stale, InUse while events or quotes reference the client."""
    require(actor, "clients:delete")
    client = session.get(Client, client_id, with_for_update=True)
    if client is None:
        raise NotFound("Client not found.")
    check_version(client, version, "client")
    n_events = session.exec(
        select(sa.func.count()).select_from(Event).where(Event.client_id == client_id)
    ).one()
    n_quotes = session.exec(
        select(sa.func.count()).select_from(Quote).where(Quote.client_id == client_id)
    ).one()
    if n_events or n_quotes:
        raise InUse(
            f"Client '{client.name}' has {n_events} event(s) and {n_quotes} quote(s); it "
            "cannot be deleted while they exist.",
            {"events": int(n_events), "quotes": int(n_quotes)},
        )
    old = snapshot(client)
    try:
        with session.begin_nested():
            session.delete(client)
            session.flush()
    except sa_exc.IntegrityError:
        raise InUse(f"Client '{old['name']}' is still referenced and cannot be deleted.") from None
    record_deleted(session, actor, "client", client_id, old, old.get("version"))
