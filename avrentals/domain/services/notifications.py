"""Notifications raised by the system (the bell, preferences and the other generators come
with the notifications issue)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlmodel import Session, col, select

from avrentals.domain import availability as av
from avrentals.domain import changes
from avrentals.domain.enums import NotificationType, Priority, Role
from avrentals.domain.models import Notification, User
from avrentals.domain.services.availability import find_conflicts

# How far ahead a stock change is checked against existing bookings.
CONFLICT_HORIZON_DAYS = 365
CONFLICT_RECIPIENTS = (Role.ADMIN, Role.MANAGER)


def alert_new_conflicts(
    session: Session, item_ids: Iterable[uuid.UUID], *, today: date | None = None
) -> list[Notification]:
    """After a stock change (units damaged, quantity reduced), give every active Admin and
    Manager one high-priority `conflict_alert` per item that is now overbooked on some day
    from today on (DESIGN §5: reality may change under bookings; it must be seen).

    De-duplicated per user, item and first overbooked day (`dedup_key`), so re-saving the
    item does not repeat the alert while the conflict stays the same. Runs in the caller's
    transaction; the new rows are announced on the change bus after commit. Takes no locks
    beyond the caller's; raises nothing of its own."""
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
    recipients = session.exec(
        select(User.id).where(col(User.is_active), col(User.role).in_(CONFLICT_RECIPIENTS))
    ).all()
    created: list[Notification] = []
    for item_id, first in first_by_item.items():
        key = f"conflict:{item_id}:{first['date']}"
        already = set(
            session.exec(select(Notification.user_id).where(Notification.dedup_key == key)).all()
        )
        name = first["item"]["name"]  # type: ignore[index]
        n_days = count_by_item[item_id]
        message = (
            f"{name} is overbooked on {n_days} day{'s' if n_days != 1 else ''} from "
            f"{first['date']}: {first['booked']} booked, {first['bookable']} bookable. "
            "Move a booking or bring units back to good."
        )
        for user_id in recipients:
            if user_id in already:
                continue
            note = Notification(
                user_id=user_id,
                type=NotificationType.CONFLICT_ALERT,
                title=f"Booking conflict: {name}",
                message=message,
                priority=Priority.HIGH,
                link=f"/equipment/{item_id}",
                dedup_key=key,
            )
            session.add(note)
            created.append(note)
    session.flush()
    for note in created:
        changes.record(
            session,
            changes.Change(
                entity="notification",
                action="create",
                id=str(note.id),
                version=1,
                actor="system",
                actorName="AV Rentals",
            ),
        )
    return created
