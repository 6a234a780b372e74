"""The signed-in user's own notifications: list, unread count, mark read, mark all read,
delete, and the muted types (preferences).

Everything here works on the actor's own rows only: another user's notification is
`NotFound`, exactly like an unknown id (DESIGN §6: an object the actor may not see is 404).
Every signed-in, active user may read and manage their own notifications, whatever the
role. Writes run in the caller's transaction, write one audit row each and queue a
`notification` change for the user (`notifications.record_feed_change`), so the user's
other tabs update their bell after commit.

Deleting a notification that carries a `dedup_key` keeps its row as a hidden, read tombstone
(`link` = DISMISSED_LINK): the key still stops its generator from sending the same thing
again a few minutes later. Rows without a key are deleted.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from avrentals.domain.enums import NotificationType
from avrentals.domain.errors import NotFound, Unauthorized, ValidationFailed
from avrentals.domain.models import Notification, User
from avrentals.domain.models.base import utcnow
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.notifications import DISMISSED_LINK, record_feed_change

NOT_FOUND_MESSAGE = "Notification not found."
TYPE_LABELS: dict[str, str] = {
    NotificationType.EVENT_REMINDER.value: "Event reminders",
    NotificationType.CONFLICT_ALERT.value: "Booking conflicts",
    NotificationType.MAINTENANCE_DUE.value: "Maintenance due",
    NotificationType.OVERDUE_RETURN.value: "Overdue returns",
    NotificationType.LOW_STOCK.value: "Low stock",
    NotificationType.EQUIPMENT_STATUS_CHANGE.value: "Equipment status changes",
    NotificationType.NEW_EQUIPMENT.value: "New equipment",
    NotificationType.SYSTEM.value: "System messages",
}


def _signed_in(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthorized("Sign in to continue.")
    return actor


def _visible(actor: Actor) -> list[Any]:
    """The conditions of "the actor's notifications" (dismissed tombstones excluded)."""
    return [
        col(Notification.user_id) == actor.user_id,
        sa.or_(col(Notification.link).is_(None), col(Notification.link) != DISMISSED_LINK),
    ]


def notification_row(note: Notification) -> dict[str, Any]:
    """A notification as plain values (snake_case; `created_at` an aware datetime)."""
    return {
        "id": note.id,
        "type": note.type.value,
        "title": note.title,
        "message": note.message,
        "priority": note.priority.value,
        "is_read": note.is_read,
        "link": note.link,
        "created_at": note.created_at,
    }


def parse_types(value: Any, field: str = "types") -> list[NotificationType]:
    """Notification types from untrusted input (a list of type names, or None for none);
    duplicates dropped, order kept. Raises ValidationFailed naming the unknown ones."""
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationFailed({field: ["Give a list of notification types."]})
    out: list[NotificationType] = []
    bad: list[str] = []
    for raw in value:
        try:
            kind = NotificationType(raw)
        except ValueError:
            bad.append(str(raw)[:40])
            continue
        if kind not in out:
            out.append(kind)
    if bad:
        allowed = ", ".join(t.value for t in NotificationType)
        raise ValidationFailed({field: [f"Unknown type(s) {', '.join(bad)}; use {allowed}."]})
    return out


def list_notifications(
    session: Session,
    actor: Actor | None,
    paging: PageRequest,
    *,
    unread_only: bool = False,
    types: Iterable[NotificationType] | None = None,
) -> Page[dict[str, Any]]:
    """One page of the actor's notifications, newest first (`notification_row` dicts).
    `unread_only` keeps unread ones; `types` (non-empty) keeps those types. The page's
    `extra["unread"]` is the actor's unread count. Takes no locks; raises Unauthorized."""
    actor = _signed_in(actor)
    where = _visible(actor)
    if unread_only:
        where.append(col(Notification.is_read).is_(False))
    kinds = list(types or [])
    if kinds:
        where.append(col(Notification.type).in_(kinds))
    total = session.exec(select(func.count()).select_from(Notification).where(*where)).one()
    rows = session.exec(
        select(Notification)
        .where(*where)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .offset(paging.offset)
        .limit(paging.page_size)
    ).all()
    return Page(
        items=[notification_row(n) for n in rows],
        page=paging.page,
        page_size=paging.page_size,
        total=int(total),
        extra={"unread": unread_count(session, actor)},
    )


def unread_count(session: Session, actor: Actor | None) -> int:
    """How many of the actor's notifications are unread (served by the (user_id, is_read)
    index; dismissed rows are always read). Raises Unauthorized."""
    actor = _signed_in(actor)
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(
                col(Notification.user_id) == actor.user_id,
                col(Notification.is_read).is_(False),
            )
        ).one()
    )


def newest_unread(
    session: Session, actor: Actor | None, *, since: Any = None, limit: int = 5
) -> list[dict[str, Any]]:
    """The actor's newest unread notifications (created after `since`, an aware datetime,
    when given), newest first, at most `limit`. For the live bell and its toasts."""
    actor = _signed_in(actor)
    where = [*_visible(actor), col(Notification.is_read).is_(False)]
    if since is not None:
        where.append(col(Notification.created_at) > since)
    rows = session.exec(
        select(Notification)
        .where(*where)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(limit)
    ).all()
    return [notification_row(n) for n in rows]


def _own(session: Session, actor: Actor, notification_id: uuid.UUID) -> Notification:
    """The actor's visible notification `notification_id`, locked for the write (FOR UPDATE
    on PostgreSQL); NotFound for unknown, dismissed and other users' ids alike."""
    note = session.exec(
        select(Notification)
        .where(col(Notification.id) == notification_id, *_visible(actor))
        .with_for_update()
    ).first()
    if note is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return note


def mark_read(session: Session, actor: Actor | None, notification_id: uuid.UUID) -> dict[str, Any]:
    """Mark one of the actor's notifications read (already read: nothing is written) and
    return it. Locks the row. Raises NotFound (unknown or someone else's), Unauthorized."""
    actor = _signed_in(actor)
    note = _own(session, actor, notification_id)
    if not note.is_read:
        note.is_read = True
        note.updated_at = utcnow()
        session.add(note)
        session.flush()
        record_audit(
            session, actor, "read", "notification", note.id, {"is_read": False}, {"is_read": True}
        )
        record_feed_change(session, actor.user_id, "update")
    return notification_row(note)


def mark_all_read(session: Session, actor: Actor | None) -> int:
    """Mark every unread notification of the actor read in one UPDATE; return how many
    changed (0: nothing written). Row locks on those rows only. Raises Unauthorized."""
    actor = _signed_in(actor)
    table = Notification.__table__  # type: ignore[attr-defined]
    result = session.execute(
        sa.update(table)
        .where(table.c.user_id == actor.user_id, table.c.is_read.is_(False))
        .values(is_read=True, updated_at=utcnow())
    )
    changed = int(getattr(result, "rowcount", 0) or 0)
    if changed:
        record_audit(
            session, actor, "read-all", "notification", None, None, {"marked_read": changed}
        )
        record_feed_change(session, actor.user_id, "update")
    return changed


def delete_notification(session: Session, actor: Actor | None, notification_id: uuid.UUID) -> None:
    """Remove one of the actor's notifications (a keyed one stays as a hidden tombstone, see
    the module docstring). Locks the row. Raises NotFound (unknown or someone else's),
    Unauthorized."""
    actor = _signed_in(actor)
    note = _own(session, actor, notification_id)
    old = {k: str(v) for k, v in notification_row(note).items()}
    if note.dedup_key:
        note.is_read = True
        note.link = DISMISSED_LINK
        note.updated_at = utcnow()
        session.add(note)
    else:
        session.delete(note)
    session.flush()
    record_audit(session, actor, "delete", "notification", notification_id, old, None)
    record_feed_change(session, actor.user_id, "delete")


def muted_types(session: Session, actor: Actor | None) -> list[str]:
    """The types the actor chose not to receive, in the enum's order. Raises Unauthorized,
    NotFound (the user row is gone)."""
    actor = _signed_in(actor)
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("User not found.")
    muted = set(user.muted_notification_types or [])
    return [t.value for t in NotificationType if t.value in muted]


def set_muted_types(session: Session, actor: Actor | None, types: Any) -> list[str]:
    """Replace the actor's own muted types with `types` (a list of type names; [] receives
    everything) and return them in the enum's order. Generators skip muted types from the
    next notification on; what was received stays. Locks the user's row; audits the change
    when it differs. Raises ValidationFailed {"muted_types": [...]}, Unauthorized, NotFound."""
    actor = _signed_in(actor)
    wanted = parse_types(types, "muted_types")
    user = session.exec(select(User).where(col(User.id) == actor.user_id).with_for_update()).first()
    if user is None:
        raise NotFound("User not found.")
    new = [t.value for t in NotificationType if t in wanted]
    old = [t.value for t in NotificationType if t.value in set(user.muted_notification_types or [])]
    if new != old:
        user.muted_notification_types = new or None
        session.add(user)
        session.flush()
        record_audit(
            session, actor, "update", "user", user.id,
            {"muted_notification_types": old}, {"muted_notification_types": new},
        )  # fmt: skip
    return new
