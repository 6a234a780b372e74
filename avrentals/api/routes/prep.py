"""Warehouse prep over REST (DESIGN §10): the replay of offline scans
(`POST /api/rentals/scan-batch`), an event's checklist (`GET /api/events/{id}/prep`) and one
scan by asset code (`POST /api/events/{id}/scan`). Thin: `services.prep` and
`services.scan_batch` hold the rules, locks and auditing.

This router is included before the rentals router: `/api/rentals/scan-batch` is not a
rental id.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import JSONResponse
from pydantic import Field, StrictStr

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, error_responses, ok
from avrentals.api.schemas import RequestBody, WireModel
from avrentals.db import read_session, transaction
from avrentals.domain.enums import ScanResult, ScanType
from avrentals.domain.services import prep
from avrentals.domain.services.scan_batch import MAX_BATCH, QueuedScan, scan_batch

router = APIRouter(tags=["prep"])

EventId = Annotated[uuid.UUID, Path(alias="id", description="Event id")]


# --- Shapes --------------------------------------------------------------------------------


class QueuedScanIn(RequestBody):
    """One scan as the device queued it while offline."""

    id: uuid.UUID = Field(description="Client-generated scan id (idempotency key)")
    event_id: uuid.UUID
    equipment_id: uuid.UUID
    scan_type: ScanType
    timestamp: datetime = Field(description="When it was scanned (ISO-8601; UTC if no offset)")
    device: StrictStr | None = Field(default=None, max_length=100)


class ScanBatchIn(RequestBody):
    """`{scans: [...]}`, at most MAX_BATCH scans."""

    scans: list[QueuedScanIn] = Field(max_length=MAX_BATCH)


class ScanBatchResult(WireModel):
    id: uuid.UUID
    status: ScanResult
    message: str


class ScanBatchOut(WireModel):
    processed: int
    results: list[ScanBatchResult]


class ScanIn(RequestBody):
    """One scan of an asset code (keyboard-wedge scanner, camera or typed)."""

    code: StrictStr = Field(max_length=prep.MAX_CODE_LENGTH)
    scan_type: ScanType
    scan_id: uuid.UUID | None = None
    device: StrictStr | None = Field(default=None, max_length=100)


class PrepItemOut(WireModel):
    id: uuid.UUID
    name: str
    asset_code: str
    location: str


class PrepLineOut(WireModel):
    """One checklist line: counters against the quantity, what is still out, states
    none/partial/done per direction, and the version manual adjustments must carry."""

    id: uuid.UUID
    event_id: uuid.UUID
    equipment_id: uuid.UUID
    name: str
    asset_code: str
    category: str
    location: str
    item_type: str
    quantity: int
    scanned_out: int
    scanned_in: int
    missing: int
    prep_status: str
    out_state: str
    in_state: str
    version: int


class ScanOut(WireModel):
    result: ScanResult
    message: str
    scan_id: uuid.UUID
    line: PrepLineOut | None = None
    item: PrepItemOut | None = None
    available: int = 0
    can_add: bool = False


class PrepTotals(WireModel):
    lines: int
    quantity: int
    scanned_out: int
    scanned_in: int
    missing: int


class PrepGroupOut(WireModel):
    category: str
    totals: PrepTotals
    lines: list[PrepLineOut]


class PrepEventOut(WireModel):
    id: uuid.UUID
    name: str
    client: str
    location: str
    start_date: str
    end_date: str
    status: str
    assigned: str
    overdue: bool


class ChecklistOut(WireModel):
    event: PrepEventOut
    groups: list[PrepGroupOut]
    totals: PrepTotals


# --- Routes --------------------------------------------------------------------------------


@router.post(
    "/api/rentals/scan-batch",
    response_model=Envelope[ScanBatchOut],
    responses=error_responses(
        {
            401: "Not signed in",
            403: "Role may not scan (rentals:write)",
            422: f"Malformed scans, or more than {MAX_BATCH}",
        }
    ),
)
def scan_batch_route(body: ScanBatchIn, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Apply scans queued offline, each at most once (by `id`), in timestamp order. Answers
    per scan `OK`, `DUPLICATE` (applied before), `QUANTITY_COMPLETE`, `NOT_ON_EVENT` or
    `VERSION_CONFLICT` (event or item gone); one bad scan never blocks the others."""
    scans = [
        QueuedScan(
            id=s.id,
            event_id=s.event_id,
            equipment_id=s.equipment_id,
            scan_type=s.scan_type,
            timestamp=s.timestamp,
            device=s.device,
        )
        for s in body.scans
    ]
    with transaction(engine) as session:
        result = scan_batch(session, actor, scans)
    return ok(ScanBatchOut.model_validate(result).dump())


@router.get(
    "/api/events/{id}/prep",
    response_model=Envelope[ChecklistOut],
    responses=error_responses({401: "Not signed in", 404: "Unknown event"}),
)
def checklist_route(event_id: EventId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """The event's prep checklist: lines grouped by category (with storage location),
    counters, states and progress totals; `event.overdue` flags gear not back in time."""
    with read_session(engine) as session:
        data: dict[str, Any] = prep.prep_checklist(session, actor, event_id)
    return ok(ChecklistOut.model_validate(data).dump())


@router.post(
    "/api/events/{id}/scan",
    response_model=Envelope[ScanOut],
    responses=error_responses(
        {
            401: "Not signed in",
            403: "Role may not scan (rentals:write)",
            404: "Unknown event",
            422: "Missing code or bad scan type / scan id",
        }
    ),
)
def scan_route(event_id: EventId, body: ScanIn, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Scan an asset code onto the event's check-out or check-in. `result`: OK,
    QUANTITY_COMPLETE, NOT_ON_EVENT (with `available` and `canAdd`), UNKNOWN_CODE or
    DUPLICATE (that `scanId` was applied before). The answer is 200 in every case."""
    with transaction(engine) as session:
        outcome = prep.scan(
            session,
            actor,
            event_id,
            body.code,
            body.scan_type,
            scan_id=body.scan_id,
            device=body.device,
        )
    return ok(ScanOut.model_validate(outcome.payload()).dump())
