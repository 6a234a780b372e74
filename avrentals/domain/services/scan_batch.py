"""Offline prep scans replayed in one request (`POST /api/rentals/scan-batch`, DESIGN §10).

A tablet that lost its connection keeps each scan with a client-generated id and sends the
queue when it is back. The server applies each scan at most once and answers per scan:

- OK: counted; DUPLICATE: that id was applied before (or appears twice in the batch);
- QUANTITY_COMPLETE: the line had nothing left to count in that direction;
- NOT_ON_EVENT: the event exists but the item is not booked on it;
- VERSION_CONFLICT: the checklist changed under the device since it loaded it: the event or
  the item no longer exists, or the line was removed from the event (a rental delete is in
  the audit log since REMOVED_LOOKBACK before the oldest scan of the batch).

How it stays exact and fast (500 scans well under a second):
1. The scans are ordered by their timestamp (then by position in the batch), so a queue
   replayed out of order counts in the order things happened.
2. Every rental line the batch touches is locked at once, `SELECT ... FOR UPDATE ORDER BY
   id` (PostgreSQL; SQLite serialises writers): two tablets replaying at the same time queue
   on the rows in one global order and cannot deadlock or double-count.
3. Only then are the already-applied scan ids read: a concurrent replay of the same queue has
   either committed (its ids are seen, DUPLICATE) or is waiting for our locks.
4. Each scan is decided and counted in memory against the locked rows, so a scan that does
   not fit only gets its own status and never fails the others - there is no per-scan
   database statement that could fail, which is what a savepoint per scan would guard
   against. The ScanLog rows are written with one multi-row `INSERT ... ON CONFLICT (scan_id)
   DO NOTHING` (a scan without a line to lock, replayed concurrently, is logged once), the
   changed lines with one batched UPDATE, one audit row per changed line.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from avrentals.domain.enums import ScanResult, ScanType
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import AuditLog, EquipmentItem, Event, Rental, ScanLog
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.prep import (
    MESSAGES,
    complete_message,
    count_one,
    counted_message,
    decide,
    record_scan_changes,
)

MAX_BATCH = 1000
# How far before the oldest queued scan a removed line still explains a missing one.
REMOVED_LOOKBACK = timedelta(days=2)


@dataclass(frozen=True)
class QueuedScan:
    """One scan as the device queued it."""

    id: uuid.UUID
    event_id: uuid.UUID
    equipment_id: uuid.UUID
    scan_type: ScanType
    timestamp: datetime
    device: str | None = None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _lock_lines(
    session: Session, pairs: set[tuple[uuid.UUID, uuid.UUID]]
) -> dict[tuple[uuid.UUID, uuid.UUID], Rental]:
    if not pairs:
        return {}
    events = sorted({e for e, _ in pairs})
    items = sorted({i for _, i in pairs})
    stmt = (
        select(Rental)
        .where(col(Rental.event_id).in_(events), col(Rental.equipment_id).in_(items))
        .order_by(col(Rental.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {(r.event_id, r.equipment_id): r for r in session.exec(stmt).all()}
    return {pair: rental for pair, rental in found.items() if pair in pairs}


def _removed_lines(
    session: Session, pairs: set[tuple[uuid.UUID, uuid.UUID]], since: datetime
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """Which of the (event, item) `pairs` had their rental line removed since `since`
    (from the audit log's rental deletes)."""
    if not pairs:
        return set()
    stmt = select(AuditLog.old_values).where(
        col(AuditLog.entity_type) == "rental",
        col(AuditLog.action) == "delete",
        col(AuditLog.at) >= since,
    )
    removed = set()
    for old in session.exec(stmt).all():
        if not old:
            continue
        try:
            pair = (uuid.UUID(str(old["event_id"])), uuid.UUID(str(old["equipment_id"])))
        except (TypeError, KeyError, ValueError):
            continue
        if pair in pairs:
            removed.add(pair)
    return removed


def _insert_logs(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    table: Any = getattr(ScanLog, "__table__")  # noqa: B009 - not in SQLModel's stubs
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).on_conflict_do_nothing(index_elements=["scan_id"])
    session.execute(stmt, rows)


def scan_batch(session: Session, actor: Actor, scans: Sequence[QueuedScan]) -> dict[str, Any]:
    """Apply queued scans, each at most once, in timestamp order; answer `{processed,
    results: [{id, status, message}]}` in the order the scans were sent (`processed`: how
    many were answered). Needs `rentals:write` (Forbidden for the whole batch otherwise).

    Locks every touched line `FOR UPDATE` in id order before reading applied ids and
    counters (see the module notes). Raises ValidationFailed for more than MAX_BATCH scans;
    nothing else of its own - each scan's problem is its status."""
    require(actor, "rentals:write")
    if len(scans) > MAX_BATCH:
        raise ValidationFailed({"scans": [f"Send at most {MAX_BATCH} scans per batch."]})
    received = datetime.now(UTC)
    order = sorted(range(len(scans)), key=lambda i: (_utc(scans[i].timestamp), i))
    pairs = {(s.event_id, s.equipment_id) for s in scans}
    lines = _lock_lines(session, pairs)
    ids = list({s.id for s in scans})
    applied: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        applied |= set(
            session.exec(select(ScanLog.scan_id).where(col(ScanLog.scan_id).in_(chunk))).all()
        )
    events = set(
        session.exec(select(Event.id).where(col(Event.id).in_({e for e, _ in pairs}))).all()
    )
    names = dict(
        session.exec(
            select(EquipmentItem.id, EquipmentItem.name).where(
                col(EquipmentItem.id).in_({i for _, i in pairs})
            )
        ).all()
    )
    missing = {p for p in pairs if p not in lines and p[0] in events and p[1] in names}
    oldest = min((_utc(s.timestamp) for s in scans), default=received)
    removed = _removed_lines(session, missing, oldest - REMOVED_LOOKBACK)
    results: list[dict[str, Any] | None] = [None] * len(scans)
    logs: list[dict[str, Any]] = []
    before: dict[uuid.UUID, dict[str, int]] = {}
    for i in order:
        scan = scans[i]
        status, message, rental = _decide_one(scan, applied, events, names, lines, removed)
        results[i] = {"id": str(scan.id), "status": status.value, "message": message}
        if status is ScanResult.DUPLICATE or scan.event_id not in events:
            continue  # nothing to log: applied before, or its event is gone
        applied.add(scan.id)
        if status is ScanResult.OK and rental is not None:
            before.setdefault(
                rental.id, {"scanned_out": rental.scanned_out, "scanned_in": rental.scanned_in}
            )
            count_one(rental, scan.scan_type)
            results[i] = {
                "id": str(scan.id),
                "status": status.value,
                "message": counted_message(rental, scan.scan_type, names[scan.equipment_id]),
            }
        logs.append(
            {
                "id": uuid.uuid4(),
                "scan_id": scan.id,
                "rental_id": rental.id if rental is not None else None,
                "event_id": scan.event_id,
                "equipment_id": scan.equipment_id if scan.equipment_id in names else None,
                "user_id": actor.user_id,
                "scan_type": scan.scan_type,
                "result": status,
                "code": None,
                "device": scan.device,
                "scanned_at": _utc(scan.timestamp),
                "received_at": received,
            }
        )
    changed = [r for r in lines.values() if r.id in before]
    for rental in changed:
        rental.updated_at = received
        rental.updated_by = actor.user_id
        record_audit(
            session,
            actor,
            "scan-batch",
            "rental",
            rental.id,
            before[rental.id],
            {"scanned_out": rental.scanned_out, "scanned_in": rental.scanned_in},
        )
    session.flush()
    _insert_logs(session, logs)
    record_scan_changes(session, actor, changed, {log["event_id"] for log in logs})
    answered = [r for r in results if r is not None]
    return {"processed": len(answered), "results": answered}


def _decide_one(
    scan: QueuedScan,
    applied: set[uuid.UUID],
    events: set[uuid.UUID],
    names: dict[uuid.UUID, str],
    lines: dict[tuple[uuid.UUID, uuid.UUID], Rental],
    removed: set[tuple[uuid.UUID, uuid.UUID]],
) -> tuple[ScanResult, str, Rental | None]:
    if scan.id in applied:
        return ScanResult.DUPLICATE, MESSAGES[ScanResult.DUPLICATE], None
    if scan.event_id not in events:
        return ScanResult.VERSION_CONFLICT, "This event no longer exists.", None
    if scan.equipment_id not in names:
        return ScanResult.VERSION_CONFLICT, "This item no longer exists.", None
    rental = lines.get((scan.event_id, scan.equipment_id))
    name = names[scan.equipment_id]
    if rental is None and (scan.event_id, scan.equipment_id) in removed:
        return ScanResult.VERSION_CONFLICT, f"{name} was removed from this event.", None
    if rental is None:
        return ScanResult.NOT_ON_EVENT, f"{name} is not on this event.", None
    result = decide(rental, scan.scan_type)
    if result is ScanResult.OK:
        return result, MESSAGES[result], rental
    return result, complete_message(rental, scan.scan_type, name), rental


def parse_scans(raw: Sequence[dict[str, Any]]) -> list[QueuedScan]:
    """Queued scans from plain dicts (`id`, `eventId`/`event_id`, `equipmentId`/
    `equipment_id`, `scanType`/`scan_type`, `timestamp` as ISO-8601); ValidationFailed names
    each bad field as `scans[i].<field>`."""
    errors: dict[str, list[str]] = {}
    parsed: list[QueuedScan] = []
    for n, entry in enumerate(raw):
        data = entry if isinstance(entry, dict) else {}
        values: dict[str, Any] = {}
        for key, alias in (("id", "id"), ("event_id", "eventId"), ("equipment_id", "equipmentId")):
            try:
                values[key] = uuid.UUID(str(data.get(alias, data.get(key))))
            except (TypeError, ValueError):
                errors[f"scans[{n}].{alias}"] = ["Must be a UUID."]
        try:
            values["scan_type"] = ScanType(str(data.get("scanType", data.get("scan_type"))))
        except ValueError:
            errors[f"scans[{n}].scanType"] = ["Must be checkout or checkin."]
        stamp = data.get("timestamp")
        try:
            values["timestamp"] = (
                stamp if isinstance(stamp, datetime) else datetime.fromisoformat(str(stamp))
            )
        except ValueError:
            errors[f"scans[{n}].timestamp"] = ["Must be an ISO-8601 time."]
        if len(values) == 5:
            parsed.append(QueuedScan(**values))
    if errors:
        raise ValidationFailed(errors)
    return parsed
