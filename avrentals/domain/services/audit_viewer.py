"""The audit-log viewer (Admin, `audit:read`): filtered pages of entries with their old -> new
diff, the filter choices, and a formula-safe CSV export.

Filters (all optional, combined with AND): the acting user's id, the entity type, the action,
and an inclusive date range on the entry's time (UTC calendar days). Entries are newest first.
The diff of an entry lists every field whose value differs between `old_values` and
`new_values` (a created row: every new field from nothing; a deleted row: every old field to
nothing), fields in name order. The CSV holds the same rows (at most MAX_EXPORT_ROWS, newest
first); every text cell goes through `equipment_csv.neutralise`, so nothing a user typed can
run as a spreadsheet formula.

Reads only: no locks, no writes. Every function needs `audit:read` (raises Forbidden) and
raises ValidationFailed for a bad filter (unknown user id, end before start, over-long text).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import AuditLog
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services.equipment_csv import neutralise

MAX_FILTER_LENGTH = 40
MAX_EXPORT_ROWS = 50_000
MAX_VALUE_LENGTH = 500  # a diff value is cut here for display (the CSV keeps it whole)
CSV_COLUMNS = ("time", "user", "action", "entityType", "entityId", "ip", "changes")


@dataclass(frozen=True)
class AuditFilters:
    """Validated filters; None means "any"."""

    user_id: uuid.UUID | None = None
    entity_type: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def parse(
        cls,
        user_id: Any = None,
        entity_type: Any = None,
        action: Any = None,
        date_from: Any = None,
        date_to: Any = None,
    ) -> AuditFilters:
        """Filters from untrusted input (strings, dates or None; "" means any); raises
        ValidationFailed with the field names `userId`, `entityType`, `action`, `from`,
        `to`."""
        errors: dict[str, list[str]] = {}

        def text(name: str, value: Any) -> str | None:
            if value is None or value == "":
                return None
            if not isinstance(value, str) or len(value) > MAX_FILTER_LENGTH:
                errors[name] = [f"{name} must be text of at most {MAX_FILTER_LENGTH} characters"]
                return None
            return value

        def day(name: str, value: Any) -> date | None:
            if value is None or value == "":
                return None
            if isinstance(value, date) and not isinstance(value, datetime):
                return value
            if isinstance(value, str) and len(value) == 10:
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            errors[name] = [f"{name} must be a date (YYYY-MM-DD)"]
            return None

        uid: uuid.UUID | None = None
        if isinstance(user_id, uuid.UUID):
            uid = user_id
        elif user_id not in (None, ""):
            try:
                uid = uuid.UUID(str(user_id)[:64])
            except ValueError:
                errors["userId"] = ["userId must be a user id"]
        first, last = day("from", date_from), day("to", date_to)
        if first and last and last < first:
            errors["to"] = ["to must be on or after from"]
        filters = cls(uid, text("entityType", entity_type), text("action", action), first, last)
        if errors:
            raise ValidationFailed(errors)
        return filters

    def conditions(self) -> list[Any]:
        out: list[Any] = []
        if self.user_id is not None:
            out.append(col(AuditLog.actor_id) == self.user_id)
        if self.entity_type is not None:
            out.append(col(AuditLog.entity_type) == self.entity_type)
        if self.action is not None:
            out.append(col(AuditLog.action) == self.action)
        if self.date_from is not None:
            out.append(col(AuditLog.at) >= datetime.combine(self.date_from, time(), UTC))
        if self.date_to is not None and self.date_to < date.max:  # date.max: no bound
            end = datetime.combine(self.date_to + timedelta(days=1), time(), UTC)
            out.append(col(AuditLog.at) < end)
        return out


def _show(value: Any) -> str:
    """A stored value as text: strings as they are, everything else as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def diff(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> list[dict[str, str]]:
    """`[{field, old, new}]` for every field whose value changed (pure; see the module rule).
    Values are text ("" for none)."""
    old, new = old or {}, new or {}
    fields = sorted(set(old) | set(new))
    return [
        {"field": f, "old": _show(old.get(f)), "new": _show(new.get(f))}
        for f in fields
        if old.get(f) != new.get(f)
    ]


def entry_payload(row: AuditLog) -> dict[str, Any]:
    """One entry for the wire / the page (display values cut at MAX_VALUE_LENGTH)."""
    changes = [
        {k: (v[:MAX_VALUE_LENGTH] if k != "field" else v) for k, v in change.items()}
        for change in diff(row.old_values, row.new_values)
    ]
    return {
        "id": str(row.id),
        "at": row.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "userId": str(row.actor_id) if row.actor_id else None,
        "username": row.actor_username,
        "action": row.action,
        "entityType": row.entity_type,
        "entityId": row.entity_id,
        "ip": row.ip,
        "userAgent": row.user_agent,
        "changes": changes,
    }


def list_entries(
    session: Session, actor: Actor, filters: AuditFilters, paging: PageRequest
) -> Page[dict[str, Any]]:
    """One page of entries matching `filters`, newest first, each as `entry_payload`. Two
    queries (count, page). Needs `audit:read`."""
    require(actor, "audit:read")
    conditions = filters.conditions()
    total = session.execute(
        sa.select(sa.func.count()).select_from(AuditLog).where(*conditions)
    ).scalar_one()
    rows = session.scalars(
        sa.select(AuditLog)
        .where(*conditions)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id))
        .offset(paging.offset)
        .limit(paging.page_size)
    ).all()
    return Page([entry_payload(r) for r in rows], paging.page, paging.page_size, int(total))


def filter_options(session: Session, actor: Actor) -> dict[str, list[Any]]:
    """The choices of the filter pickers, from what the log holds: `{users: [{id, username}],
    entityTypes: [str], actions: [str]}`. Three DISTINCT queries. Needs `audit:read`."""
    require(actor, "audit:read")
    users = session.execute(
        sa.select(col(AuditLog.actor_id), sa.func.max(col(AuditLog.actor_username)))
        .where(col(AuditLog.actor_id).is_not(None))
        .group_by(col(AuditLog.actor_id))
        .order_by(sa.func.max(col(AuditLog.actor_username)))
    ).all()
    entity_types = session.scalars(
        sa.select(col(AuditLog.entity_type)).distinct().order_by(col(AuditLog.entity_type))
    ).all()
    actions = session.scalars(
        sa.select(col(AuditLog.action)).distinct().order_by(col(AuditLog.action))
    ).all()
    return {
        "users": [{"id": str(uid), "username": name or ""} for uid, name in users],
        "entityTypes": list(entity_types),
        "actions": list(actions),
    }


def _csv_row(row: AuditLog) -> list[str]:
    changes = "; ".join(
        f"{c['field']}: {c['old']} -> {c['new']}" for c in diff(row.old_values, row.new_values)
    )
    values = (
        row.at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        row.actor_username or "",
        row.action,
        row.entity_type,
        row.entity_id or "",
        row.ip or "",
        changes,
    )
    return [neutralise(v) for v in values]


def iter_csv_lines(session: Session, actor: Actor, filters: AuditFilters) -> Iterator[str]:
    """The export as CSV text lines (header first), newest first, at most MAX_EXPORT_ROWS
    entries, streamed from the database in batches. Needs `audit:read`."""
    require(actor, "audit:read")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_COLUMNS)
    yield take()
    rows = session.scalars(
        sa.select(AuditLog)
        .where(*filters.conditions())
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id))
        .limit(MAX_EXPORT_ROWS)
        .execution_options(yield_per=500)
    )
    for row in rows:
        writer.writerow(_csv_row(row))
        yield take()


def export_csv(session: Session, actor: Actor, filters: AuditFilters) -> bytes:
    """The whole export as UTF-8 with a BOM (spreadsheets then read the accents right)."""
    return ("\ufeff" + "".join(iter_csv_lines(session, actor, filters))).encode("utf-8")


def export_filename(day: date) -> str:
    return f"audit-log-{day.isoformat()}.csv"
