"""Events as iCalendar (RFC 5545): a one-off `.ics` export and a per-user subscription feed.

Every event becomes an all-day VEVENT: DTSTART is its first day and DTEND the day after its
last (the exclusive end RFC 5545 prescribes for DATE values), with a UID that depends only on
the event id (so calendar apps update the entry when it moves instead of duplicating it),
DTSTAMP/LAST-MODIFIED from its last save and SEQUENCE from its version.

The feed token is a secret in a URL (calendar apps cannot send headers). Only its SHA-256
digest (the first 128 bits, in the `User.ics_token` UUID column) is stored, so a leaked
database does not give away working feed URLs; the consequence is that the full URL can be
shown only when it is issued (the UI says so and offers a new one). Issuing a new token
replaces the old one; revoking clears it; a deactivated user's feed stops answering.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from icalendar import Calendar
from icalendar import Event as VEvent
from sqlmodel import Session, col, select

from avrentals.domain import availability as av
from avrentals.domain.errors import NotFound, ValidationFailed
from avrentals.domain.models import Event, User
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services import calendar as cal
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.auth import actor_of

PRODID = "-//AV Rentals//Events//EN"
UID_DOMAIN = "avrentals"
# Without explicit dates an export covers the recent past and the coming two years.
DEFAULT_PAST_DAYS = 90
DEFAULT_FUTURE_DAYS = 730
MAX_EXPORT_DAYS = 1100
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100
FEED_PATH = "/api/calendar/feed/{token}.ics"


def token_digest(token: str) -> uuid.UUID:
    """What is stored for a feed token: the first 128 bits of its SHA-256, as a UUID."""
    return uuid.UUID(bytes=hashlib.sha256(token.encode()).digest()[:16])


def feed_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + FEED_PATH.format(token=token)


def export_window(start: date | None, end: date | None, *, today: date | None = None) -> av.Window:
    """The export range: given dates, or DEFAULT_PAST_DAYS before today to
    DEFAULT_FUTURE_DAYS after. Raises ValidationFailed when end < start or the range exceeds
    MAX_EXPORT_DAYS."""
    today = today or date.today()
    first = start or (today - timedelta(days=DEFAULT_PAST_DAYS))
    last = end or max(first, today) + timedelta(days=DEFAULT_FUTURE_DAYS)
    if last < first:
        raise ValidationFailed({"end_date": ["End date must be on or after the start date."]})
    if (last - first).days + 1 > MAX_EXPORT_DAYS:
        raise ValidationFailed(
            {"end_date": [f"An export may span at most {MAX_EXPORT_DAYS} days."]}
        )
    return av.Window(first, last)


# --- building ------------------------------------------------------------------------------


def event_uid(event_id: Any) -> str:
    return f"event-{event_id}@{UID_DOMAIN}"


def _description(row: dict[str, Any]) -> str:
    lines = [f"Client: {row['client_name']}", f"Location: {row['location']}"]
    if row["lines"]:
        lines.append(f"Equipment: {row['units']} units on {row['lines']} lines")
    if row["prep_days"]:
        lines.append(f"Prep from {row['blocked_from']} ({row['prep_days']} days before)")
    if row["return_days"]:
        lines.append(f"Return until {row['blocked_to']} ({row['return_days']} days after)")
    if row.get("notes"):
        lines.append("")
        lines.append(row["notes"])
    return "\n".join(lines)


def _vevent(row: dict[str, Any], stamp: datetime, base_url: str | None) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", event_uid(row["id"]))
    vevent.add("dtstamp", stamp)
    vevent.add("last-modified", stamp)
    vevent.add("sequence", max(int(row["version"]) - 1, 0))
    vevent.add("dtstart", date.fromisoformat(row["start_date"]))
    vevent.add("dtend", date.fromisoformat(row["end_date"]) + timedelta(days=1))
    vevent.add("summary", row["name"])
    vevent.add("location", row["location"])
    vevent.add("description", _description(row))
    vevent.add("transp", "TRANSPARENT")  # all-day jobs should not block people's free/busy
    if base_url:
        vevent.add("url", f"{base_url.rstrip('/')}/events/{row['id']}")
    return vevent


def _updated_at(session: Session, ids: list[str]) -> dict[str, datetime]:
    if not ids:
        return {}
    rows = session.exec(
        select(Event.id, Event.updated_at).where(col(Event.id).in_([uuid.UUID(i) for i in ids]))
    ).all()
    return {str(i): (at if at.tzinfo else at.replace(tzinfo=UTC)) for i, at in rows}


def events_ics(
    session: Session,
    actor: Actor,
    *,
    start: date | None = None,
    end: date | None = None,
    client_id: uuid.UUID | None = None,
    item_id: uuid.UUID | None = None,
    category_id: uuid.UUID | None = None,
    base_url: str | None = None,
    name: str = "AV Rentals events",
    today: date | None = None,
) -> bytes:
    """A VCALENDAR of the events overlapping the export range (see `export_window`) with the
    calendar filters (client, item booked, category booked). `base_url` (the app's origin)
    adds each event's page as URL. Needs `events:read`; raises ValidationFailed. No locks."""
    require(actor, "events:read")
    window = export_window(start, end, today=today)
    filters = cal.CalendarFilters(client_id=client_id, item_id=item_id, category_id=category_id)
    rows = cal.events_between(session, window, filters, today=today or date.today())
    stamps = _updated_at(session, [r["id"] for r in rows])
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    now = datetime.now(UTC).replace(microsecond=0)
    for row in rows:
        stamp = stamps.get(row["id"], now).replace(microsecond=0)
        calendar.add_component(_vevent(row, stamp, base_url))
    return calendar.to_ical()


# --- feed tokens ---------------------------------------------------------------------------


def _own_user(session: Session, actor: Actor) -> User:
    user = session.exec(select(User).where(col(User.id) == actor.user_id).with_for_update()).first()
    if user is None or not user.is_active:
        raise NotFound("User not found.")
    return user


def has_feed(session: Session, actor: Actor) -> bool:
    """Whether the actor has a live feed token. Needs `events:read`."""
    require(actor, "events:read")
    user = session.get(User, actor.user_id)
    return bool(user and user.ics_token)


def issue_feed_token(session: Session, actor: Actor) -> str:
    """A new random feed token for the actor (any previous one stops working). Locks the
    user row (FOR UPDATE); stores only `token_digest`; audited as `feed_token_issue`
    (without the token). Needs `events:read`. Returns the token, which cannot be read back
    later. Raises NotFound for an unknown or deactivated user."""
    require(actor, "events:read")
    user = _own_user(session, actor)
    replaced = user.ics_token is not None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    user.ics_token = token_digest(token)
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor,
        "feed_token_issue",
        "user",
        user.id,
        {"feed": "active"} if replaced else None,
        {"feed": "active"},
    )
    return token


def revoke_feed_token(session: Session, actor: Actor) -> bool:
    """Clear the actor's feed token so its URL answers 404. Locks the user row; audited as
    `feed_token_revoke` when there was one. Needs `events:read`. Returns whether a token
    was revoked."""
    require(actor, "events:read")
    user = _own_user(session, actor)
    if user.ics_token is None:
        return False
    user.ics_token = None
    session.add(user)
    session.flush()
    record_audit(
        session, actor, "feed_token_revoke", "user", user.id, {"feed": "active"}, {"feed": None}
    )
    return True


def feed_for_token(
    session: Session, token: str, *, base_url: str | None = None, today: date | None = None
) -> bytes:
    """The feed of the user holding `token`: every event in the default export range, as
    that user may see them. Raises NotFound (the same for every cause) for a malformed,
    unknown or revoked token and for a deactivated user. No locks."""
    if not isinstance(token, str) or not 16 <= len(token) <= MAX_TOKEN_LENGTH:
        raise NotFound("Unknown calendar feed.")
    user = session.exec(select(User).where(col(User.ics_token) == token_digest(token))).first()
    if user is None or not user.is_active:
        raise NotFound("Unknown calendar feed.")
    return events_ics(
        session,
        actor_of(user),
        base_url=base_url,
        name=f"AV Rentals · {user.name}",
        today=today,
    )
