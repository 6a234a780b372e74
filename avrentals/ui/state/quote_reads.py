"""Blocking reads and writes of the quote builder (each runs in a worker thread with
`asyncio.to_thread`): the saved quote with its availability, the catalogues a line can come
from, the searches of the pickers, and the autosave itself. Every call goes through the
services, which check the actor's permissions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlmodel import Session, select

from avrentals.db import read_session, transaction
from avrentals.domain import availability as av
from avrentals.domain.errors import DomainError
from avrentals.domain.models import CompanySettings
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import availability as avs
from avrentals.domain.services import clients as clients_service
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services import fee_catalogue, service_catalogue
from avrentals.domain.services import quotes as quotes_service
from avrentals.domain.services import users as users_service
from avrentals.domain.services.quote_values import DEFAULT_TAX_RATE
from avrentals.ui.state.formatting import text
from avrentals.ui.state.listing import verified_actor

SEARCH_RESULTS = 8
CLIENT_RESULTS = 8
CATALOGUE_SIZE = 100


def window_of(start: str, end: str) -> av.Window | None:
    """The quote's dates as an availability window, or None while they are not valid."""
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except (TypeError, ValueError):
        return None
    if last < first or (last - first).days > avs.MAX_WINDOW_DAYS:
        return None
    return av.Window(first, last)


def default_tax_rate(session: Session) -> Any:
    row = session.exec(select(CompanySettings)).first()
    return row.default_tax_rate if row is not None else DEFAULT_TAX_RATE


def catalogues(session: Session, actor: Actor) -> dict[str, list[dict[str, str]]]:
    """Active services and fees a line can come from (`services:read`, `fees:read`), and
    which fees are required (they start on every new quote)."""
    paging = PageRequest(page=1, page_size=CATALOGUE_SIZE)
    services = service_catalogue.list_services(session, actor, paging, status="active")
    fees = fee_catalogue.list_fees(session, actor, paging, status="active")
    return {
        "services": [
            {
                "id": text(s.get("id")),
                "name": text(s.get("name")),
                "price": text(s.get("unit_price")),
                "unit": text(s.get("unit")),
            }
            for s in services.items
        ],
        "fees": [
            {
                "id": text(f.get("id")),
                "name": text(f.get("name")),
                "price": text(f.get("amount")),
                "fee_type": text(f.get("fee_type")) or "fixed",
                "required": "1" if f.get("is_required") else "",
            }
            for f in fees.items
        ],
    }


def load_new(actor: Actor) -> dict[str, Any]:
    with read_session() as session:
        return {"tax_rate": default_tax_rate(session), **catalogues(session, actor)}


def load_saved(actor: Actor, quote_id: uuid.UUID) -> dict[str, Any]:
    """`quote_detail` (availability per equipment line) plus the catalogues."""
    with read_session() as session:
        detail = quotes_service.quote_detail(session, actor, quote_id)
        return {"detail": detail, **catalogues(session, actor)}


def read_detail(actor: Actor, quote_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return quotes_service.quote_detail(session, actor, quote_id)


def save(
    actor: Actor, quote_id: uuid.UUID | None, version: int, values: dict[str, Any]
) -> dict[str, Any]:
    """Create the draft (no id yet) or save the whole document over `version`, then read it
    back as the builder shows it (numbers, totals and availability from the server)."""
    with transaction() as session:
        if quote_id is None:
            quote = quotes_service.create_quote(session, actor, values, allow_empty=True)
        else:
            quote = quotes_service.update_quote(
                session, actor, quote_id, values, version, allow_empty=True
            )
        saved_id = quote.id
    return read_detail(actor, saved_id)


def editor_name(payload: dict[str, Any]) -> str | None:
    with read_session() as session:
        return users_service.display_name(session, payload.get("updated_by"))


def availability_for(
    session: Session, actor: Actor, item_ids: list[str], window: av.Window | None
) -> dict[str, tuple[int, int]]:
    """(available, bookable) per item id over the quote's dates (items gone are skipped)."""
    if window is None:
        return {}
    out: dict[str, tuple[int, int]] = {}
    for raw in dict.fromkeys(item_ids):
        try:
            info = avs.item_availability(session, actor, uuid.UUID(raw), window)
        except (DomainError, ValueError):
            continue
        out[raw] = (int(info["available"]), int(info["bookable"]))
    return out


def line_availability(
    actor: Actor, item_ids: list[str], start: str, end: str
) -> dict[str, tuple[int, int]]:
    with read_session() as session:
        return availability_for(session, actor, item_ids, window_of(start, end))


def search_equipment(actor: Actor, term: str, start: str, end: str) -> list[dict[str, str]]:
    """Up to 8 items by name / asset code, each with its daily rate and the figures of
    "available X of Y" for the quote's dates (`free` blank when the dates are not valid yet:
    the page then shows the good units in stock)."""
    with read_session() as session:
        page = equipment_service.list_equipment(
            session,
            actor,
            PageRequest(page=1, page_size=SEARCH_RESULTS),
            search=term or None,
            sort="name",
        )
        ids = [text(r["id"]) for r in page.items]
        figures = availability_for(session, actor, ids, window_of(start, end))
    out = []
    for r in page.items:
        item_id = text(r["id"])
        free, good = figures.get(item_id, (None, r.get("qty_good")))
        out.append(
            {
                "id": item_id,
                "name": text(r.get("name")),
                "code": text(r.get("asset_code")),
                "category": text(r.get("category_name")),
                "rate": text(r.get("daily_rate")),
                "free": "" if free is None else str(free),
                "bookable": text(good),
            }
        )
    return out


def search_clients(actor: Actor, term: str) -> list[dict[str, str]]:
    with read_session() as session:
        page = clients_service.list_clients(
            session,
            actor,
            PageRequest(page=1, page_size=CLIENT_RESULTS),
            search=term or None,
            sort="name",
        )
    return [
        {
            "id": text(c.get("id")),
            "name": text(c.get("name")),
            "email": text(c.get("email")),
            "phone": text(c.get("phone")),
            "address": text(c.get("address")),
            "contact": text(c.get("contact_person")),
        }
        for c in page.items
    ]


def verify(token: str, ip: str | None, user_agent: str | None) -> Actor:
    """Re-verify a tab's token inside a live refresh (raises Unauthorized)."""
    with read_session() as session:
        return verified_actor(session, token, ip, user_agent)
