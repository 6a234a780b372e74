"""Events (jobs): list, read, create, edit (versioned), delete, duplicate (DESIGN §4, §5).

Every write runs inside the caller's transaction (`avrentals.db.transaction`). Edits that
block new days (moving or extending the event, growing a buffer) and duplicates are checked
against availability in that same transaction, with the event row locked first and then the
equipment rows in id order; a line that does not fit raises RentalConflict and nothing is
written.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain import availability as av
from avrentals.domain import changes
from avrentals.domain.enums import QuoteStatus
from avrentals.domain.errors import NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import Category, Client, EquipmentItem, Event, Quote, Rental, User
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import availability as avs
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.versioning import compare_and_swap

STATUSES = ("upcoming", "ongoing", "completed")
MAX_BUFFER_DAYS = 365
EDITABLE = (
    "name",
    "client_id",
    "location",
    "start_date",
    "end_date",
    "prep_days",
    "return_days",
    "assigned_user_id",
    "notes",
)

# Allow-listed sort keys -> columns. Never getattr(Model, user_string).
SORTS: dict[str, Any] = {
    "startDate": Event.start_date,
    "endDate": Event.end_date,
    "name": Event.name,
    "client": Client.name,
    "location": Event.location,
    "createdAt": Event.created_at,
    "updatedAt": Event.updated_at,
}


# --- Status --------------------------------------------------------------------------------


def event_status(start_date: date, end_date: date, today: date) -> str:
    """upcoming (starts after today), ongoing (today within its dates), completed (ended)."""
    if start_date > today:
        return "upcoming"
    return "ongoing" if end_date >= today else "completed"


def status_condition(status: str, today: date) -> Any:
    if status == "upcoming":
        return col(Event.start_date) > today
    if status == "ongoing":
        return sa.and_(col(Event.start_date) <= today, col(Event.end_date) >= today)
    return col(Event.end_date) < today


# --- Validation ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _uuid(value: Any) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        return None


def validate_event(
    session: Session, values: Mapping[str, Any], *, kept_user: uuid.UUID | None = None
) -> dict[str, Any]:
    """Clean a full set of event fields (snake_case keys) or raise ValidationFailed with a
    message per field: name 3-100, client required and existing, location 2-200, valid dates
    with end >= start, buffers integers 0-365, assigned user (optional) existing and active,
    notes <= 2000. `kept_user`: the user already assigned, accepted even if deactivated since
    (editing another field of the event must not fail on it)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    name = _text(values.get("name"))
    if not 3 <= len(name) <= 100:
        errors["name"] = ["Name must be 3 to 100 characters."]
    clean["name"] = name
    location = _text(values.get("location"))
    if not 2 <= len(location) <= 200:
        errors["location"] = ["Location must be 2 to 200 characters."]
    clean["location"] = location
    client_id = _uuid(values.get("client_id")) if values.get("client_id") else None
    if values.get("client_id") in (None, ""):
        errors["client_id"] = ["Client is required."]
    elif client_id is None or session.get(Client, client_id) is None:
        errors["client_id"] = ["Client not found."]
    clean["client_id"] = client_id
    start, end = _date(values.get("start_date")), _date(values.get("end_date"))
    if start is None:
        errors["start_date"] = ["Start date is required (YYYY-MM-DD)."]
    if end is None:
        errors["end_date"] = ["End date is required (YYYY-MM-DD)."]
    elif start is not None and end < start:
        errors["end_date"] = ["End date must be on or after the start date."]
    clean["start_date"], clean["end_date"] = start, end
    for key, label in (("prep_days", "Prep days"), ("return_days", "Return days")):
        raw = values.get(key)
        days = 0 if raw is None or raw == "" else _int(raw)
        if days is None or not 0 <= days <= MAX_BUFFER_DAYS:
            errors[key] = [f"{label} must be a whole number from 0 to {MAX_BUFFER_DAYS}."]
        clean[key] = days
    raw_user = values.get("assigned_user_id")
    user_id = _uuid(raw_user) if raw_user not in (None, "") else None
    if raw_user not in (None, ""):
        user = session.get(User, user_id) if user_id else None
        if user is None:
            errors["assigned_user_id"] = ["Assigned user not found."]
        elif not user.is_active and user.id != kept_user:
            errors["assigned_user_id"] = ["Assigned user is deactivated."]
    clean["assigned_user_id"] = user_id
    notes = values.get("notes")
    notes = notes.strip() if isinstance(notes, str) and notes.strip() else None
    if notes is not None and len(notes) > 2000:
        errors["notes"] = ["Notes may be at most 2000 characters."]
    clean["notes"] = notes
    if errors:
        raise ValidationFailed(errors)
    return clean


def _unknown_fields(values: Mapping[str, Any]) -> None:
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ValidationFailed({k: ["This field cannot be set here."] for k in unknown})


# --- Reads ---------------------------------------------------------------------------------


def event_row(event: Event, client_name: str | None, today: date) -> dict[str, Any]:
    row = snapshot(event)
    row["client_name"] = client_name
    row["status"] = event_status(event.start_date, event.end_date, today)
    return row


def search_condition(search: str) -> Any:
    """Case-insensitive substring match on event name, client name or location."""
    term = f"%{search.strip().lower()[:100]}%"
    return sa.or_(
        sa.func.lower(Event.name).like(term),
        sa.func.lower(Client.name).like(term),
        sa.func.lower(Event.location).like(term),
    )


def list_events(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    status: str | None = None,
    client_id: uuid.UUID | None = None,
    sort: str = "startDate",
    descending: bool = False,
    today: date | None = None,
) -> Page[dict[str, Any]]:
    """One page of events with their client name and computed status. Needs `events:read`.

    Search matches name, client name or location; filters: status (upcoming/ongoing/
    completed, relative to `today`), client. Raises ValidationFailed for a sort key or status
    outside the allow-lists."""
    require(actor, "events:read")
    today = today or date.today()
    errors: dict[str, list[str]] = {}
    if sort not in SORTS:
        errors["sort"] = [f"Sort by one of: {', '.join(SORTS)}."]
    if status and status not in STATUSES:
        errors["status"] = [f"Status is one of: {', '.join(STATUSES)}."]
    if errors:
        raise ValidationFailed(errors)
    conditions: list[Any] = []
    if search and search.strip():
        conditions.append(search_condition(search))
    if status:
        conditions.append(status_condition(status, today))
    if client_id:
        conditions.append(col(Event.client_id) == client_id)
    base = select(Event, Client.name).join(Client, col(Client.id) == col(Event.client_id))
    total = session.exec(
        select(sa.func.count())
        .select_from(Event)
        .join(Client, col(Client.id) == col(Event.client_id))
        .where(*conditions)
    ).one()
    order = SORTS[sort].desc() if descending else SORTS[sort].asc()
    stmt = (
        base.where(*conditions)
        .order_by(order, col(Event.id))
        .offset(paging.offset)
        .limit(paging.page_size)
    )
    rows = [event_row(e, name, today) for e, name in session.exec(stmt).all()]
    return Page(rows, paging.page, paging.page_size, int(total))


def get_event(session: Session, actor: Actor, event_id: uuid.UUID) -> Event:
    """The event row. Needs `events:read`; raises NotFound."""
    require(actor, "events:read")
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("Event not found.")
    return event


def event_rentals(session: Session, event_id: uuid.UUID) -> list[dict[str, Any]]:
    """The event's rental lines with item and category names, by item name."""
    stmt = (
        select(Rental, EquipmentItem.name, Category.name)
        .join(EquipmentItem, col(EquipmentItem.id) == col(Rental.equipment_id))
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .where(col(Rental.event_id) == event_id)
        .order_by(col(EquipmentItem.name), col(Rental.id))
    )
    rows = []
    for rental, item_name, category_name in session.exec(stmt).all():
        row = snapshot(rental)
        row["equipment_name"] = item_name
        row["category_name"] = category_name
        rows.append(row)
    return rows


def get_event_detail(
    session: Session, actor: Actor, event_id: uuid.UUID, *, today: date | None = None
) -> dict[str, Any]:
    """The event with client name, status, assigned user name, its rentals (item and
    category names) and `quote`: the quote it was approved from ({id, number, name, status},
    None when there is none or the actor may not read quotes). Needs `events:read`; raises
    NotFound."""
    event = get_event(session, actor, event_id)
    client = session.get(Client, event.client_id)
    row = event_row(event, client.name if client else None, today or date.today())
    user = session.get(User, event.assigned_user_id) if event.assigned_user_id else None
    row["assigned_user_name"] = user.name if user else None
    row["rentals"] = event_rentals(session, event.id)
    row["quote"] = approved_from(session, actor, event.id)
    return row


def approved_from(session: Session, actor: Actor, event_id: uuid.UUID) -> dict[str, Any] | None:
    """{id, number, name, status} of the quote the event was approved from (the quote's
    unique `event_id` link), or None; None too when the actor lacks `quotes:read`."""
    if not actor.can("quotes:read"):
        return None
    stmt = select(Quote.id, Quote.number, Quote.name, Quote.status).where(
        col(Quote.event_id) == event_id
    )
    found = session.exec(stmt).first()
    if found is None:
        return None
    quote_id, number, name, status = found
    return {"id": quote_id, "number": number, "name": name, "status": QuoteStatus(status).value}


# --- Writes --------------------------------------------------------------------------------


def lock_event(session: Session, event_id: uuid.UUID, *, shared: bool = False) -> Event:
    """Lock the event row (PostgreSQL `FOR UPDATE`, or `FOR SHARE` when `shared`) and return
    it freshly read. Every availability-checked write locks its event first and then the
    equipment rows in id order, one global order, so writers never deadlock. Raises NotFound.
    """
    stmt = (
        select(Event)
        .where(col(Event.id) == event_id)
        .with_for_update(read=shared)
        .execution_options(populate_existing=True)
    )
    event = session.exec(stmt).first()
    if event is None:
        raise NotFound("Event not found.")
    return event


def line_totals(session: Session, event_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Item id -> quantity of every rental line of the event."""
    stmt = select(Rental.equipment_id, Rental.quantity).where(col(Rental.event_id) == event_id)
    return {item_id: qty for item_id, qty in session.exec(stmt).all()}


def rental_line_count(session: Session, actor: Actor, event_id: uuid.UUID) -> int:
    """How many rental lines the event has (what deleting it would remove). Needs
    `events:read`."""
    require(actor, "events:read")
    stmt = select(sa.func.count()).select_from(Rental).where(col(Rental.event_id) == event_id)
    return int(session.exec(stmt).one())


def record_change(session: Session, actor: Actor, entity: str, action: str, row: Any) -> None:
    """Queue a change of `row` for the bus (published after commit)."""
    changes.record(
        session,
        changes.Change(
            entity=entity,
            action=action,
            id=str(row.id),
            version=getattr(row, "version", None) if action != "delete" else None,
            actor=actor.username,
            actorName=actor.name,
        ),
    )


def create_event(session: Session, actor: Actor, values: Mapping[str, Any]) -> Event:
    """Create an event from snake_case fields (see `validate_event`). Needs `events:write`.
    Audited; publishes an `event` create after commit. Raises ValidationFailed."""
    require(actor, "events:write")
    _unknown_fields(values)
    clean = validate_event(session, values)
    event = Event(**clean, created_by=actor.user_id, updated_by=actor.user_id)
    session.add(event)
    session.flush()
    record_audit(session, actor, "create", "event", event.id, None, snapshot(event))
    record_change(session, actor, "event", "create", event)
    return event


def update_event(
    session: Session,
    actor: Actor,
    event_id: uuid.UUID,
    version: int,
    values: Mapping[str, Any],
) -> Event:
    """Edit an event (any subset of EDITABLE fields) if `version` is still current.

    Locks the event row (FOR UPDATE), validates the merged fields, applies them with
    `compare_and_swap`, and, when the edit blocks days the event did not block before (moved,
    extended, buffer grown), locks the event's items in id order and checks every line over
    the newly blocked days with the event itself excluded. Needs `events:write`.

    Raises NotFound, ValidationFailed, VersionConflict (stale version, current row in
    details), RentalConflict (all failing lines; nothing written).
    """
    require(actor, "events:write")
    _unknown_fields(values)
    event = lock_event(session, event_id)
    merged = {key: getattr(event, key) for key in EDITABLE} | dict(values)
    clean = validate_event(session, merged, kept_user=event.assigned_user_id)
    old_window = avs.event_window(event)
    new_window = av.blocked_window(
        clean["start_date"], clean["end_date"], clean["prep_days"], clean["return_days"]
    )
    updated = compare_and_swap(session, Event, event_id, version, clean, actor, entity="event")
    added = av.added_windows(old_window, new_window)
    if added:
        lines = line_totals(session, event_id)
        avs.enforce(
            session,
            added,
            lines,
            exclude_event_id=event_id,
            message="The event cannot move to these dates.",
        )
        avs.record_availability_changes(session, actor, lines)
    elif old_window != new_window:
        avs.record_availability_changes(session, actor, line_totals(session, event_id))
    return updated


def delete_event(
    session: Session, actor: Actor, event_id: uuid.UUID, version: int | None = None
) -> None:
    """Delete an event and its rentals (the database cascades). Needs `events:delete`.

    With `version`, refuses a stale one (VersionConflict). Audited with the deleted event and
    its lines; publishes `event` and `rental` deletes and an `availability` change per item.
    Raises NotFound."""
    require(actor, "events:delete")
    event = lock_event(session, event_id)
    if version is not None and event.version != version:
        raise VersionConflict(
            f"This event was changed by someone else (now version {event.version}).",
            snapshot(event),
        )
    rentals = session.exec(select(Rental).where(col(Rental.event_id) == event_id)).all()
    old = snapshot(event) | {"rentals": [snapshot(r) for r in rentals]}
    for rental in rentals:
        record_change(session, actor, "rental", "delete", rental)
    item_ids = [r.equipment_id for r in rentals]
    session.execute(sa.delete(Rental).where(col(Rental.event_id) == event_id))
    session.execute(sa.delete(Event).where(col(Event.id) == event_id))
    session.expunge(event)
    record_audit(session, actor, "delete", "event", event_id, old, None)
    record_change(session, actor, "event", "delete", event)
    avs.record_availability_changes(session, actor, item_ids)


def duplicate_event(
    session: Session,
    actor: Actor,
    event_id: uuid.UUID,
    start_date: Any,
    end_date: Any = None,
    *,
    name: str | None = None,
) -> Event:
    """Copy an event and its rental lines to new dates (end defaults to the same length).

    Locks the source event (FOR SHARE), then the items in id order, and checks every line over
    the copy's blocked window; RentalConflict (all failing lines) writes nothing. The copy is
    named "<name> (copy)" unless `name` is given; prep status starts over. Needs `events:write`
    and `rentals:write`. Raises NotFound, ValidationFailed, RentalConflict."""
    require(actor, "events:write")
    require(actor, "rentals:write")
    source = lock_event(session, event_id, shared=True)
    start = _date(start_date)
    if start is None:
        raise ValidationFailed({"start_date": ["Start date is required (YYYY-MM-DD)."]})
    length = source.end_date - source.start_date
    end = _date(end_date) if end_date not in (None, "") else start + length
    values = {key: getattr(source, key) for key in EDITABLE}
    values |= {"start_date": start, "end_date": end if end is not None else end_date}
    values["name"] = name if name is not None else f"{source.name} (copy)"[:100]
    clean = validate_event(session, values)
    lines = line_totals(session, event_id)
    window = av.blocked_window(
        clean["start_date"], clean["end_date"], clean["prep_days"], clean["return_days"]
    )
    avs.enforce(session, [window], lines, message="The event cannot be duplicated to these dates.")
    copy = create_event(session, actor, clean)
    for item_id, qty in sorted(lines.items()):
        rental = Rental(
            event_id=copy.id,
            equipment_id=item_id,
            quantity=qty,
            created_by=actor.user_id,
            updated_by=actor.user_id,
        )
        session.add(rental)
        session.flush()
        record_audit(session, actor, "create", "rental", rental.id, None, snapshot(rental))
        record_change(session, actor, "rental", "create", rental)
    avs.record_availability_changes(session, actor, lines)
    return copy
