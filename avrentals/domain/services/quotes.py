"""Quotes (DESIGN §4, §5, issue contract): build, price, list, edit, workflow, approve.

Values are snake_case mappings. Header fields: name (1-100), location (<= 200), client_id
(optional Client id; when given, client_name/email/phone/address are filled from the client
unless typed), client_name (1-100), client_email (valid or empty), client_phone (<= 30),
client_address (<= 200), start_date, end_date (YYYY-MM-DD, end >= start), discount_value
(>= 0, a percentage <= 100), discount_type (fixed|percentage), tax_rate (fraction 0..1,
default CompanySettings.default_tax_rate, else 0.23), notes (<= 1000), items.

Lines (`items`, in order): {item_type: equipment|service|fee, equipment_id|service_id|fee_id,
description, quantity (whole number >= 1), unit_price (>= 0; defaults to the equipment's
daily rate, the service's unit price or the fee's amount), fee_type (fees: fixed|percentage,
default the fee's type)}. Equipment and service lines are charged for the quote's days
(inclusive); fees for one. Line errors are reported as `items[i].field`.

Totals are always computed here with `avrentals.domain.pricing.price_quote`; totals sent by a
client (sub_total, discount_amount, fees_total, tax_amount, total, and a line's line_total /
days / id / position) are ignored. Any other unknown field is refused.

Every write runs in the caller's transaction (`avrentals.db.transaction`), writes one audit
row and records a change (entity "quote"; approval also "event", "rental", "availability")
published after commit. Versioned writes lock the quote row (`FOR UPDATE` on PostgreSQL;
SQLite serialises writers) before comparing `expected_version`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain import availability as av
from avrentals.domain.enums import DiscountType, QuoteItemType, QuoteStatus
from avrentals.domain.errors import InvalidState, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import (
    Client,
    CompanySettings,
    EquipmentItem,
    Event,
    Fee,
    Quote,
    QuoteItem,
    Service,
    utcnow,
)
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.pricing import PricedLine
from avrentals.domain.quote_workflow import check_transition, valid_until_from
from avrentals.domain.search import contains_any
from avrentals.domain.serialize import diff, json_value
from avrentals.domain.services import availability as avs
from avrentals.domain.services import fee_catalogue
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.events import create_event, record_change
from avrentals.domain.services.quote_numbers import next_quote_number, number_order
from avrentals.domain.services.quote_values import (
    DEFAULT_TAX_RATE,
    HEADER_COLUMNS,
    LINE_FIELDS,
    MAX_LINES,
    REF_FIELD,
    Catalogue,
    CatalogueEntry,
    QuoteDocument,
    read_quote,
    totals_values,
)
from avrentals.domain.services.rentals import add_rentals

CENT = Decimal("0.01")
EDITABLE_STATUSES = frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT})
MONEY_FIELDS = frozenset(
    {
        "discount_value",
        "sub_total",
        "discount_amount",
        "fees_total",
        "tax_amount",
        "total",
        "unit_price",
        "line_total",
    }
)
# What makes two lines the same (a save that changes none of them writes nothing).
LINE_COLUMNS = (*LINE_FIELDS, "days", "line_total")

# Allow-listed sort keys -> columns (or expressions sorted in turn). Never
# getattr(Model, user_string).
NUMBER_ORDER = number_order(Quote.number)
SORTS: dict[str, Any] = {
    "number": NUMBER_ORDER,
    "name": Quote.name,
    "clientName": Quote.client_name,
    "startDate": Quote.start_date,
    "endDate": Quote.end_date,
    "total": Quote.total,
    "status": Quote.status,
    "createdAt": Quote.created_at,
    "updatedAt": Quote.updated_at,
}


# --- Payloads ------------------------------------------------------------------------------


def _money(value: Any) -> str:
    return f"{Decimal(value).quantize(CENT)}"


def _rate(value: Any) -> str:
    """A tax rate fraction as text with at least two decimals ("0.23", "0.2325")."""
    rate = Decimal(value)
    return _money(rate) if rate == rate.quantize(CENT) else format(rate.normalize(), "f")


def _row(row: Quote | QuoteItem) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in type(row).model_fields:
        value = getattr(row, name)
        if name in MONEY_FIELDS and value is not None:
            out[name] = _money(value)
        elif name == "tax_rate":
            out[name] = _rate(value)
        else:
            out[name] = json_value(value)
    return out


def quote_lines(session: Session, quote_id: uuid.UUID) -> list[QuoteItem]:
    """The quote's lines by position."""
    stmt = (
        select(QuoteItem)
        .where(col(QuoteItem.quote_id) == quote_id)
        .order_by(col(QuoteItem.position), col(QuoteItem.id))
    )
    return list(session.exec(stmt).all())


def header_payload(quote: Quote) -> dict[str, Any]:
    """Every quote column as JSON-ready values (money "45.00", tax rate "0.23")."""
    return _row(quote)


def quote_payload(session: Session, quote: Quote) -> dict[str, Any]:
    """The quote as a JSON-ready snake_case dict: every header column (money as "45.00"
    strings, tax rate as "0.23", dates ISO) + totals + `items` ordered by position (each
    with id, item_type, equipment_id, service_id, fee_id, description, quantity, unit_price,
    days, fee_type, line_total, position) + event_id, sent_at, sent_to, valid_until,
    version."""
    payload = header_payload(quote)
    payload["items"] = [_row(line) for line in quote_lines(session, quote.id)]
    return payload


def preview_totals(
    values: Mapping[str, Any], *, default_tax_rate: Decimal = DEFAULT_TAX_RATE
) -> dict[str, Any]:
    """Validate and price a quote without saving it (live totals in the builder). Pure: no
    database, so every line needs its unit_price and a missing tax_rate means
    `default_tax_rate` (0.23). Only the rules that decide the amounts are checked (dates,
    discount, tax, line type, quantity, unit price, fee type): a half-typed header, a blank
    description or a missing catalogue id still prices.

    Returns {sub_total, discount_amount, fees_total, tax_amount, total (Decimal), days,
    items: [{item_type, description, quantity, unit_price, days, fee_type, line_total}]}.
    Raises ValidationFailed (field messages, lines as `items[i].field`). An empty line list
    is allowed here (the totals are simply zero)."""
    doc = read_quote(
        values,
        catalogue=None,
        default_tax_rate=default_tax_rate,
        allow_empty=True,
        pricing_only=True,
    )
    return {
        **totals_values(doc.totals),
        "days": doc.days,
        "items": [
            {
                "item_type": line.item_type.value,
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "days": line.days,
                "fee_type": line.fee_type.value if line.fee_type else None,
                "line_total": line.line_total,
            }
            for line in doc.lines
        ],
    }


# --- Reads ---------------------------------------------------------------------------------


def get_quote(session: Session, actor: Actor, quote_id: uuid.UUID) -> Quote:
    """The quote row. Needs `quotes:read`; raises NotFound."""
    require(actor, "quotes:read")
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound("Quote not found.")
    return quote


def quote_detail(session: Session, actor: Actor, quote_id: uuid.UUID) -> dict[str, Any]:
    """`quote_payload` plus, on each equipment line, `available` and `bookable` units for the
    quote's dates (availability engine, the quote's own event left out; None when the item
    no longer exists), the linked client's name (`linked_client_name`) and the event's name
    (`event_name`). Needs `quotes:read`; raises NotFound."""
    quote = get_quote(session, actor, quote_id)
    payload = quote_payload(session, quote)
    window = av.Window(quote.start_date, quote.end_date)
    for line in payload["items"]:
        line["available"] = line["bookable"] = None
        if line["item_type"] != QuoteItemType.EQUIPMENT.value or not line["equipment_id"]:
            continue
        try:
            figures = avs.item_availability(
                session,
                actor,
                uuid.UUID(line["equipment_id"]),
                window,
                exclude_event_id=quote.event_id,
            )
        except NotFound:
            continue
        line["available"], line["bookable"] = figures["available"], figures["bookable"]
    client = session.get(Client, quote.client_id) if quote.client_id else None
    event = session.get(Event, quote.event_id) if quote.event_id else None
    payload["linked_client_name"] = client.name if client else None
    payload["event_name"] = event.name if event else None
    return payload


def _search_condition(search: str) -> Any:
    return contains_any(search, (Quote.name, Quote.number, Quote.client_name))


def list_quotes(
    session: Session,
    actor: Actor,
    *,
    paging: PageRequest | None = None,
    search: str | None = None,
    status: str | None = None,
    sort: str = "createdAt",
    descending: bool = True,
) -> Page[dict[str, Any]]:
    """One page of quote header rows (`header_payload`, no lines; with `item_count`). Search
    matches name, number or client name (case-insensitive substring); `status` filters on
    one QuoteStatus value; `sort` is one of SORTS. Needs `quotes:read`. Raises
    ValidationFailed for a sort or status outside the allow-lists."""
    require(actor, "quotes:read")
    paging = paging or PageRequest()
    errors: dict[str, list[str]] = {}
    if sort not in SORTS:
        errors["sort"] = [f"Sort by one of: {', '.join(SORTS)}."]
    statuses = [s.value for s in QuoteStatus]
    if status and status not in statuses:
        errors["status"] = [f"Status is one of: {', '.join(statuses)}."]
    if errors:
        raise ValidationFailed(errors)
    conditions: list[Any] = []
    if search and search.strip():
        conditions.append(_search_condition(search))
    if status:
        conditions.append(col(Quote.status) == QuoteStatus(status))
    total = session.exec(select(sa.func.count()).select_from(Quote).where(*conditions)).one()
    items = (
        select(sa.func.count())
        .select_from(QuoteItem)
        .where(QuoteItem.quote_id == Quote.id)
        .correlate(Quote)
        .scalar_subquery()
    )
    key = SORTS[sort] if isinstance(SORTS[sort], tuple) else (SORTS[sort],)
    order = [e.desc() if descending else e.asc() for e in key]
    stmt = (
        select(Quote, items)
        .where(*conditions)
        .order_by(*order, *(e.desc() for e in NUMBER_ORDER))
        .offset(paging.offset)
        .limit(paging.page_size)
    )
    rows = [
        header_payload(quote) | {"item_count": int(count)}
        for quote, count in session.exec(stmt).all()
    ]
    return Page(rows, paging.page, paging.page_size, int(total))


# --- Reading a document against the database ----------------------------------------------


def default_tax_rate(session: Session) -> Decimal:
    """CompanySettings.default_tax_rate (row 1), or 0.23 when there is no settings row."""
    settings = session.get(CompanySettings, 1)
    if settings is None or settings.default_tax_rate is None:
        return DEFAULT_TAX_RATE
    return Decimal(settings.default_tax_rate)


# Line type -> the catalogue model its reference field (REF_FIELD) points at
_CATALOGUE_MODELS: dict[QuoteItemType, Any] = {
    QuoteItemType.EQUIPMENT: EquipmentItem,
    QuoteItemType.SERVICE: Service,
    QuoteItemType.FEE: Fee,
}


def _referenced_rows(session: Session, raw_items: Any) -> dict[uuid.UUID, Any]:
    """Every catalogue row the lines name, by id, read with one query per kind (a 30-line
    save reads its catalogue in 3 queries, not 30). Junk ids are skipped here; validation
    reports them."""
    if not isinstance(raw_items, list | tuple) or len(raw_items) > MAX_LINES:
        return {}
    rows: dict[uuid.UUID, Any] = {}
    for kind, model in _CATALOGUE_MODELS.items():
        ids = set()
        for raw in raw_items:
            ref = raw.get(REF_FIELD[kind]) if isinstance(raw, Mapping) else None
            try:
                ids.add(ref if isinstance(ref, uuid.UUID) else uuid.UUID(str(ref)))
            except (TypeError, ValueError, AttributeError):
                continue
        if ids:
            rows |= {
                row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids)))
            }
    return rows


def _catalogue(session: Session, raw_items: Any) -> Catalogue:
    known = _referenced_rows(session, raw_items)

    def row(model: Any, ref_id: uuid.UUID) -> Any:
        found = known.get(ref_id)
        return found if isinstance(found, model) else session.get(model, ref_id)

    def lookup(kind: QuoteItemType, ref_id: uuid.UUID) -> CatalogueEntry | None:
        if kind == QuoteItemType.EQUIPMENT:
            item = row(EquipmentItem, ref_id)
            return CatalogueEntry(item.name, item.daily_rate) if item else None
        if kind == QuoteItemType.SERVICE:
            service = row(Service, ref_id)
            return CatalogueEntry(service.name, service.unit_price) if service else None
        fee = row(Fee, ref_id)
        return CatalogueEntry(fee.name, fee.amount, DiscountType(fee.fee_type)) if fee else None

    return lookup


def _required_fees(session: Session) -> Callable[[list[PricedLine]], list[PricedLine]]:
    """Lines for every active required Fee not already on the quote."""

    def extra(lines: list[PricedLine]) -> list[PricedLine]:
        present = {line.fee_id for line in lines if line.fee_id}
        fees = fee_catalogue.required_fees(session)
        return [
            PricedLine(
                item_type=QuoteItemType.FEE,
                description=fee.name,
                unit_price=Decimal(fee.amount),
                fee_type=DiscountType(fee.fee_type),
                fee_id=fee.id,
            )
            for fee in fees
            if fee.id not in present
        ]

    return extra


def _read(
    session: Session,
    values: Mapping[str, Any],
    *,
    allow_empty: bool,
    add_required_fees: bool,
    tax_default: Decimal | None = None,
) -> tuple[QuoteDocument, uuid.UUID | None]:
    """Validate `values` against the database: the linked client (its contact details fill
    any blank client field), catalogue ids and defaults, required fees when creating."""
    client_errors: dict[str, list[str]] = {}
    client: Client | None = None
    raw_client = values.get("client_id")
    if raw_client not in (None, ""):
        try:
            client_id = (
                raw_client if isinstance(raw_client, uuid.UUID) else uuid.UUID(str(raw_client))
            )
            client = session.get(Client, client_id)
        except (TypeError, ValueError):
            client = None
        if client is None:
            client_errors["client_id"] = ["Client not found."]
    defaults = (
        {
            "client_name": client.name,
            "client_email": client.email,
            "client_phone": client.phone,
            "client_address": client.address,
        }
        if client
        else None
    )
    try:
        doc = read_quote(
            {k: val for k, val in values.items() if k != "client_id"},
            catalogue=_catalogue(session, values.get("items")),
            default_tax_rate=tax_default if tax_default is not None else default_tax_rate(session),
            allow_empty=allow_empty,
            client_defaults=defaults,
            extra_lines=_required_fees(session) if add_required_fees else None,
        )
    except ValidationFailed as exc:
        raise ValidationFailed({**client_errors, **exc.fields}) from None
    if client_errors:
        raise ValidationFailed(client_errors)
    return doc, client.id if client else None


def _store_lines(session: Session, quote_id: uuid.UUID, lines: list[PricedLine]) -> None:
    for position, line in enumerate(lines):
        session.add(
            QuoteItem(
                quote_id=quote_id,
                item_type=line.item_type,
                equipment_id=line.equipment_id,
                service_id=line.service_id,
                fee_id=line.fee_id,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                days=line.days,
                fee_type=line.fee_type,
                line_total=line.line_total,
                position=position,
            )
        )


def _audit_view(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload for audit diffs: lines without their ids (a save re-creates them)."""
    view = dict(payload)
    view["items"] = [
        {k: val for k, val in line.items() if k not in ("id", "created_at", "updated_at")}
        for line in payload.get("items", [])
    ]
    return view


def _lock(session: Session, quote_id: uuid.UUID) -> Quote:
    """The quote row, locked FOR UPDATE (PostgreSQL) and freshly read; raises NotFound."""
    stmt = (
        select(Quote)
        .where(col(Quote.id) == quote_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    quote = session.exec(stmt).first()
    if quote is None:
        raise NotFound("Quote not found.")
    return quote


def _check_version(session: Session, quote: Quote, expected: int | None) -> None:
    if expected is not None and quote.version != expected:
        raise VersionConflict(
            f"This quote was changed by someone else (now version {quote.version}).",
            quote_payload(session, quote),
        )


def _bump(quote: Quote, actor: Actor) -> None:
    quote.version += 1
    quote.updated_by = actor.user_id
    quote.updated_at = utcnow()


def _record_update(
    session: Session, actor: Actor, quote: Quote, before: dict[str, Any], action: str = "update"
) -> None:
    session.flush()
    old, new = diff(_audit_view(before), _audit_view(quote_payload(session, quote)))
    record_audit(session, actor, action, "quote", quote.id, old, new)
    record_change(session, actor, "quote", "update", quote)


# --- Writes --------------------------------------------------------------------------------


def _create(
    session: Session, actor: Actor, values: Mapping[str, Any], *, allow_empty: bool
) -> Quote:
    doc, client_id = _read(session, values, allow_empty=allow_empty, add_required_fees=True)
    quote = Quote(
        **doc.header,
        **totals_values(doc.totals),
        client_id=client_id,
        number=next_quote_number(session, date.today().year),
        status=QuoteStatus.DRAFT,
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(quote)
    session.flush()
    _store_lines(session, quote.id, doc.lines)
    session.flush()
    record_audit(
        session,
        actor,
        "create",
        "quote",
        quote.id,
        None,
        _audit_view(quote_payload(session, quote)),
    )
    record_change(session, actor, "quote", "create", quote)
    return quote


def create_quote(
    session: Session, actor: Actor, values: Mapping[str, Any], *, allow_empty: bool = False
) -> Quote:
    """Create a Draft quote with the next number of the current year
    (`quote_numbers.next_quote_number`, row-locked per year), its lines plus every active
    required Fee not already among them, all priced. Needs `quotes:write`.

    `allow_empty=True` (builder autosave) accepts zero lines; otherwise at least one line is
    required. Raises ValidationFailed (every field message at once), Forbidden."""
    require(actor, "quotes:write")
    return _create(session, actor, values, allow_empty=allow_empty)


def _line_key(line: PricedLine | QuoteItem) -> tuple[Any, ...]:
    return tuple(getattr(line, name) for name in LINE_COLUMNS)


def update_quote(
    session: Session,
    actor: Actor,
    quote_id: uuid.UUID,
    values: Mapping[str, Any],
    expected_version: int,
    *,
    allow_empty: bool = False,
) -> Quote:
    """Save the whole document (header + the full list of lines, replacing the old lines),
    re-priced. Locks the quote row, then compares `expected_version`. Only Draft and Sent
    quotes are editable. Nothing is written (and the version stays) when nothing changed.
    Needs `quotes:write`.

    Raises NotFound, VersionConflict (details.current = current `quote_payload`),
    InvalidState (not Draft/Sent), ValidationFailed, Forbidden."""
    require(actor, "quotes:write")
    quote = _lock(session, quote_id)
    _check_version(session, quote, expected_version)
    if QuoteStatus(quote.status) not in EDITABLE_STATUSES:
        raise InvalidState(
            f"A {QuoteStatus(quote.status).value} quote can no longer be edited; only Draft "
            "and Sent quotes can.",
            {"status": QuoteStatus(quote.status).value},
        )
    doc, client_id = _read(
        session,
        values,
        allow_empty=allow_empty,
        add_required_fees=False,
        tax_default=Decimal(quote.tax_rate),
    )
    new_header = {**doc.header, **totals_values(doc.totals), "client_id": client_id}
    old_lines = quote_lines(session, quote.id)
    unchanged = all(getattr(quote, k) == val for k, val in new_header.items()) and [
        _line_key(line) for line in old_lines
    ] == [_line_key(line) for line in doc.lines]
    if unchanged:
        return quote
    before = quote_payload(session, quote)
    for key, value in new_header.items():
        setattr(quote, key, value)
    _bump(quote, actor)
    session.execute(sa.delete(QuoteItem).where(col(QuoteItem.quote_id) == quote.id))
    _store_lines(session, quote.id, doc.lines)
    _record_update(session, actor, quote, before)
    return quote


def _status(value: Any) -> QuoteStatus:
    try:
        return QuoteStatus(value)
    except ValueError:
        allowed = ", ".join(s.value for s in QuoteStatus)
        raise ValidationFailed({"status": [f"Status is one of: {allowed}."]}) from None


def change_status(
    session: Session, actor: Actor, quote_id: uuid.UUID, status: Any, expected_version: int
) -> Quote:
    """Move the quote along its workflow (`quote_workflow.check_transition`: Draft -> Sent ->
    Accepted | Declined, any -> Archived). Locks the quote row. Needs `quotes:write`. Moving
    to Sent (given to the client another way: nothing is e-mailed) records, as e-mailing
    does, `sent_at` (now), `sent_version` (the new version) and `valid_until`
    (VALIDITY_DAYS from today); `sent_to` stays empty.

    Raises NotFound, VersionConflict, ValidationFailed (unknown status), InvalidState (409)."""
    require(actor, "quotes:write")
    target = _status(status)
    quote = _lock(session, quote_id)
    _check_version(session, quote, expected_version)
    check_transition(QuoteStatus(quote.status), target)
    before = quote_payload(session, quote)
    quote.status = target
    _bump(quote, actor)
    if target == QuoteStatus.SENT:
        # Given to the client another way (nothing e-mailed, so no recipient): from today
        # it is what they have, valid as long as an e-mailed one.
        quote.sent_at = utcnow()
        quote.sent_version = quote.version
        quote.valid_until = valid_until_from(quote.sent_at.date())
    _record_update(session, actor, quote, before)
    return quote


def document_values(session: Session, quote: Quote) -> dict[str, Any]:
    """The saved quote as the values `create_quote` / `update_quote` take: every editable
    header field and the lines (item_type, catalogue id, description, quantity, unit_price,
    fee_type) in order. Used to load a quote into a form, to merge a partial edit and to
    duplicate."""
    values: dict[str, Any] = {k: getattr(quote, k) for k in HEADER_COLUMNS}
    values["items"] = [
        {
            "item_type": line.item_type,
            "equipment_id": line.equipment_id,
            "service_id": line.service_id,
            "fee_id": line.fee_id,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "fee_type": line.fee_type,
        }
        for line in quote_lines(session, quote.id)
    ]
    return values


def duplicate_quote(session: Session, actor: Actor, quote_id: uuid.UUID) -> Quote:
    """A new Draft copy ("<name> (copy)") with a new number, the same header and lines,
    re-priced (required fees missing from the source are added). Needs `quotes:write`.
    Raises NotFound, ValidationFailed (a line's equipment item no longer exists)."""
    require(actor, "quotes:write")
    source = get_quote(session, actor, quote_id)
    values = document_values(session, source)
    values["name"] = f"{source.name} (copy)"[:100]
    return _create(session, actor, values, allow_empty=True)


def delete_quote(
    session: Session, actor: Actor, quote_id: uuid.UUID, expected_version: int | None
) -> None:
    """Delete a quote and its lines. Needs `quotes:delete`. Locks the quote row; a given
    stale `expected_version` raises VersionConflict. An event created from the quote stays.
    Raises NotFound, Forbidden."""
    require(actor, "quotes:delete")
    quote = _lock(session, quote_id)
    _check_version(session, quote, expected_version)
    old = _audit_view(quote_payload(session, quote))
    session.execute(sa.delete(QuoteItem).where(col(QuoteItem.quote_id) == quote_id))
    session.execute(sa.delete(Quote).where(col(Quote.id) == quote_id))
    session.expunge(quote)
    record_audit(session, actor, "delete", "quote", quote_id, old, None)
    record_change(session, actor, "quote", "delete", quote)


def approve_quote(
    session: Session, actor: Actor, quote_id: uuid.UUID, expected_version: int
) -> Event:
    """Turn a Sent quote into an event, all in the caller's transaction.

    Needs `quotes:write` and `events:write` (and `rentals:write`). Locks the quote row,
    compares `expected_version`, requires a linked client (ValidationFailed `client_id`) and
    a status that may become Accepted (InvalidState otherwise). Creates the Event (name,
    client, location, dates, notes) via `services.events.create_event` (its rules apply:
    name 3-100, location 2-200) and one rental per equipment line via
    `services.rentals.add_rentals` (event then item rows locked in id order, availability
    checked); a line that does not fit raises RentalConflict (every failing line) and the
    caller's rollback leaves NOTHING written. On success the quote is Accepted with
    `event_id` set (`events.approved_from` finds the quote from the event).

    Raises NotFound, VersionConflict, ValidationFailed, InvalidState, RentalConflict,
    Forbidden."""
    require(actor, "quotes:write")
    require(actor, "events:write")
    require(actor, "rentals:write")
    quote = _lock(session, quote_id)
    _check_version(session, quote, expected_version)
    check_transition(QuoteStatus(quote.status), QuoteStatus.ACCEPTED)
    if quote.client_id is None:
        raise ValidationFailed(
            {"client_id": ["Link the quote to a client before approving it into an event."]}
        )
    lines = quote_lines(session, quote.id)
    equipment: list[tuple[Any, Any]] = []
    missing: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        if line.item_type != QuoteItemType.EQUIPMENT:
            continue
        if line.equipment_id is None:
            missing[f"items[{index}].equipment_id"] = [
                f"The equipment of line '{line.description}' no longer exists."
            ]
        equipment.append((line.equipment_id, line.quantity))
    if missing:
        raise ValidationFailed(missing)
    before = quote_payload(session, quote)
    event = create_event(
        session,
        actor,
        {
            "name": quote.name,
            "client_id": quote.client_id,
            "location": quote.location,
            "start_date": quote.start_date,
            "end_date": quote.end_date,
            "notes": quote.notes,
        },
    )
    if equipment:
        add_rentals(session, actor, event.id, equipment)
    quote.status = QuoteStatus.ACCEPTED
    quote.event_id = event.id
    _bump(quote, actor)
    _record_update(session, actor, quote, before, action="approve")
    return event
