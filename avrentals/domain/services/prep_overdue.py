"""Overdue returns: events that ended but whose gear is not all back (DESIGN §4, issue
"overdue returns").

An event is overdue once its last blocked day (end date plus return buffer) is before today
and some units it scanned out were not scanned back in (or reported missing). Events whose
gear never left the warehouse through prep are not flagged: nothing is known to be out.

The prep list, the events list and the event page flag overdue events (`overdue_events`,
`overdue_units` for a page of events in one query, `overdue_return` for one).

`notify_overdue_returns` is the notification generator: the periodic runner
(`notification_generators.run_scheduled_notifications`) calls it, and so does the prep list
when it loads (in its own short write transaction); it is idempotent (one notification per
event and user, `dedup_key = overdue:<event id>`), so both may run it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain.enums import NotificationType, Priority, Role
from avrentals.domain.models import Event, Notification, Rental, User
from avrentals.domain.services.notifications import notify

# Who hears about an overdue event that has nobody assigned.
FALLBACK_RECIPIENTS = (Role.ADMIN, Role.MANAGER)


def last_return_day(event: Event) -> date:
    return event.end_date + timedelta(days=event.return_days)


def is_overdue(event: Event, missing_units: int, today: date) -> bool:
    """True when the event's return window is over and `missing_units` (scanned out, not
    back) is above zero."""
    return missing_units > 0 and last_return_day(event) < today


def overdue_events(session: Session, today: date) -> list[tuple[Event, int]]:
    """Every overdue event with its missing units, oldest first. No permission check (the
    system's own generator and the prep services use it); takes no locks."""
    missing = sa.func.sum(col(Rental.scanned_out) - col(Rental.scanned_in))
    stmt = (
        select(Event, missing)
        .join(Rental, col(Rental.event_id) == col(Event.id))
        .where(col(Event.end_date) < today)
        .group_by(col(Event.id))
        .having(missing > 0)
        .order_by(col(Event.end_date), col(Event.name))
    )
    return [
        (event, int(units))
        for event, units in session.exec(stmt).all()
        if is_overdue(event, int(units), today)
    ]


def overdue_units(
    session: Session, event_ids: Iterable[uuid.UUID], today: date
) -> dict[uuid.UUID, int]:
    """Event id -> units still out after its return window, for those of `event_ids` that
    are overdue (the others are left out). One query however many events, so the events
    list can flag a whole page. No permission check (callers already read the events);
    takes no locks."""
    ids = sorted(set(event_ids))
    if not ids:
        return {}
    missing = sa.func.sum(col(Rental.scanned_out) - col(Rental.scanned_in))
    stmt = (
        select(Event, missing)
        .join(Rental, col(Rental.event_id) == col(Event.id))
        .where(col(Event.id).in_(ids), col(Event.end_date) < today)
        .group_by(col(Event.id))
        .having(missing > 0)
    )
    return {
        event.id: int(units)
        for event, units in session.exec(stmt).all()
        if is_overdue(event, int(units), today)
    }


def overdue_return(session: Session, event_id: uuid.UUID, today: date) -> int:
    """Units of `event_id` still out after its return window (0 when not overdue or
    unknown), for the event page's flag. Takes no locks."""
    return overdue_units(session, [event_id], today).get(event_id, 0)


def notify_overdue_returns(session: Session, today: date | None = None) -> list[Notification]:
    """Give the assigned user of every overdue event one high-priority `overdue_return`
    notification (Admins and Managers when nobody is assigned or the assignee is inactive).

    De-duplicated per event and user (`dedup_key = overdue:<event id>`): running it again,
    on every prep-list load, adds nothing while the event stays overdue. Runs in the caller's
    write transaction; rows go in through `notifications.notify` (muted types skipped,
    concurrent runs de-duplicated by the database). Takes no locks; raises nothing of its own."""
    today = today or date.today()
    overdue = overdue_events(session, today)
    if not overdue:
        return []
    active = {
        user_id: role
        for user_id, role in session.exec(
            select(User.id, User.role).where(col(User.is_active))
        ).all()
    }
    fallback = [uid for uid, role in active.items() if role in FALLBACK_RECIPIENTS]
    created: list[Notification] = []
    for event, units in overdue:
        assignee = event.assigned_user_id
        recipients = [assignee] if assignee in active else fallback
        created += notify(
            session,
            recipients,
            NotificationType.OVERDUE_RETURN,
            f"Overdue return: {event.name}",
            (
                f"{units} unit{'s' if units != 1 else ''} of {event.name} "
                f"{'are' if units != 1 else 'is'} not back; the event ended on "
                f"{event.end_date.isoformat()}. Check them in or report them missing."
            ),
            Priority.HIGH,
            f"/prep/{event.id}",
            f"overdue:{event.id}",
        )
    return created
