"""Notifications raised by the system: the one insert helper every generator goes through
(`notify`) and the conflict alert of DESIGN §5. The other generators are in
`notification_generators`; the signed-in user's feed and preferences in `notification_feed`.

Rules of `notify`, so no generator has to repeat them:
- inactive users and users who muted the type (`User.muted_notification_types`) get nothing;
- one `INSERT ... ON CONFLICT (user_id, dedup_key) DO NOTHING` (PostgreSQL and SQLite): a
  notification whose (user, dedup_key) exists already is skipped by the database itself, so
  two generators (or two app instances running the scheduler) racing on the same facts never
  notify twice and never fail on the unique constraint. Rows are inserted in user-id order,
  so two racing inserts queue on the same first row instead of deadlocking;
- after commit, one change (entity `notification`) per recipient is published, its `id`
  being the recipient's user id: a browser tab refreshes its bell only for changes to its
  own user's notifications, without a database query per tab.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from avrentals.domain import availability as av
from avrentals.domain import changes
from avrentals.domain.enums import NotificationType, Priority, Role
from avrentals.domain.models import Notification, User
from avrentals.domain.models.base import utcnow
from avrentals.domain.services.availability import find_conflicts

# How far ahead a stock change is checked against existing bookings.
CONFLICT_HORIZON_DAYS = 365
CONFLICT_RECIPIENTS = (Role.ADMIN, Role.MANAGER)
NOTIFICATION_ENTITY = "notification"
SYSTEM_ACTOR = "system"
SYSTEM_ACTOR_NAME = "AV Rentals"
TITLE_MAX = 200
MESSAGE_MAX = 1000
LINK_MAX = 255
# The link of a notification its user removed while its `dedup_key` must keep blocking the
# generator that made it (see `notification_feed.delete_notification`): such rows are hidden
# from every list and count, and leave when the key is released.
DISMISSED_LINK = "#dismissed"


def record_feed_change(session: Session, user_id: uuid.UUID, action: str) -> None:
    """Queue the change that tells `user_id`'s open tabs their notifications changed
    (published by `db.transaction` after commit)."""
    changes.record(
        session,
        changes.Change(
            entity=NOTIFICATION_ENTITY,
            action=action,
            id=str(user_id),
            actor=SYSTEM_ACTOR,
            actorName=SYSTEM_ACTOR_NAME,
        ),
    )


def users_with_roles(
    session: Session, roles: Iterable[Role], *, exclude: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """Ids of the active users holding one of `roles` (minus `exclude`), in id order."""
    ids = session.exec(
        select(User.id).where(col(User.is_active), col(User.role).in_(list(roles)))
    ).all()
    return sorted(uid for uid in ids if uid != exclude)


def notify(
    session: Session,
    user_ids: Iterable[uuid.UUID | None],
    type: NotificationType,
    title: str,
    message: str,
    priority: Priority = Priority.MEDIUM,
    link: str | None = None,
    dedup_key: str | None = None,
) -> list[Notification]:
    """Give each of `user_ids` one notification; return the rows inserted.

    Skips None, duplicates, unknown and inactive users and those who muted `type`. With a
    `dedup_key`, a user who already has a notification with that key (read, unread or
    dismissed) is skipped by the database (`ON CONFLICT DO NOTHING` on the unique
    (user_id, dedup_key)); without one, nothing is de-duplicated. Title, message and link
    are cut to their column sizes. Runs in the caller's transaction (row locks only on the
    inserted keys, taken in user-id order); queues one `notification` change per recipient
    for after the commit. Raises nothing of its own."""
    wanted = {uid for uid in user_ids if uid is not None}
    if not wanted:
        return []
    rows = session.exec(
        select(User.id, User.muted_notification_types).where(
            col(User.id).in_(wanted), col(User.is_active)
        )
    ).all()
    recipients = sorted(uid for uid, muted in rows if type.value not in (muted or []))
    if not recipients:
        return []
    now = utcnow()
    values = [
        {
            "id": uuid.uuid4(),
            "user_id": uid,
            "type": type,
            "title": title[:TITLE_MAX],
            "message": message[:MESSAGE_MAX],
            "priority": priority,
            "is_read": False,
            "link": link[:LINK_MAX] if link else None,
            "dedup_key": dedup_key,
            "created_at": now,
            "updated_at": now,
        }
        for uid in recipients
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = Notification.__table__  # type: ignore[attr-defined]
    stmt = (
        insert(Notification)
        .values(values)
        .on_conflict_do_nothing(index_elements=[table.c.user_id, table.c.dedup_key])
        .returning(Notification)
    )
    inserted = list(session.scalars(stmt).all())
    for user_id in sorted({note.user_id for note in inserted}):
        record_feed_change(session, user_id, "create")
    return inserted


def alert_new_conflicts(
    session: Session, item_ids: Iterable[uuid.UUID], *, today: date | None = None
) -> list[Notification]:
    """After a stock change (units damaged, quantity reduced), give every active Admin and
    Manager one high-priority `conflict_alert` per item that is now overbooked on some day
    from today on (DESIGN §5: reality may change under bookings; it must be seen).

    De-duplicated per user, item and first overbooked day (`dedup_key`
    "conflict:<item id>:<day>"), so re-saving the item does not repeat the alert while the
    conflict stays the same. Runs in the caller's transaction through `notify`; returns the
    new notifications. Takes no locks beyond the caller's; raises nothing of its
    own."""
    start = today or date.today()
    window = av.Window(start, start + timedelta(days=CONFLICT_HORIZON_DAYS))
    days = find_conflicts(session, window, list(item_ids))
    if not days:
        return []
    first_by_item: dict[str, dict[str, object]] = {}
    count_by_item: dict[str, int] = {}
    for day in days:  # sorted by date: the first seen is the earliest day
        item = day["item"]
        first_by_item.setdefault(item["id"], day)
        count_by_item[item["id"]] = count_by_item.get(item["id"], 0) + 1
    recipients = users_with_roles(session, CONFLICT_RECIPIENTS)
    created: list[Notification] = []
    for item_id, first in sorted(first_by_item.items()):
        name = first["item"]["name"]  # type: ignore[index]
        n_days = count_by_item[item_id]
        message = (
            f"{name} is overbooked on {n_days} day{'s' if n_days != 1 else ''} from "
            f"{first['date']}: {first['booked']} booked, {first['bookable']} bookable. "
            "Move a booking or bring units back to good."
        )
        created += notify(
            session,
            recipients,
            NotificationType.CONFLICT_ALERT,
            f"Booking conflict: {name}",
            message,
            Priority.HIGH,
            f"/equipment/{item_id}",
            f"conflict:{item_id}:{first['date']}",
        )
    return created
