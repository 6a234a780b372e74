"""Maintenance (`/api/maintenance[/{id}]`, `/api/maintenance/items`): logs, items needing
attention, raising requests and logging repairs, versioned edits and closing (DESIGN §8).

Rules live in `avrentals.domain.services.maintenance` (writes) and `maintenance_queries`
(reads); this module maps HTTP to them: 201 on create, 409 VERSION_CONFLICT with the saved
log in `details.current`, 409 INVALID_STATE when closing a closed log, 422 with field
messages (camelCase), 403 for roles without `maintenance:write`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse
from pydantic import Field, StrictBool, StrictInt, StrictStr
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.schemas import EquipmentOut, Money, MoneyIn, RequestBody, WireModel
from avrentals.db import read_session, transaction
from avrentals.domain.enums import MaintenanceStatus, UnitStatus
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import maintenance as ms
from avrentals.domain.services import maintenance_queries as mq

router = APIRouter(tags=["maintenance"])

LogId = Annotated[uuid.UUID, Path(alias="id", description="Maintenance log id")]
READ_ERRORS = {401: "Not signed in", 404: "Unknown maintenance log"}
WRITE_ERRORS = {401: "Not signed in", 403: "Role may not write maintenance", 422: "Field errors"}
Page = Annotated[int, Query(description="1-based page number")]
PageSize = Annotated[
    int, Query(alias="pageSize", description=f"Rows per page, 1 to {MAX_PAGE_SIZE}")
]


# --- wire shapes ----------------------------------------------------------------------------


class MaintenanceLogOut(WireModel):
    """One maintenance log: the units it covered and the status move it made
    (`fromStatus` -> `toStatus`, `toStatus` null when nothing moved)."""

    id: uuid.UUID
    equipment_id: uuid.UUID
    equipment_name: str | None = None
    asset_code: str | None = None
    log_date: date
    description: str
    cost: Money
    units: int
    from_status: UnitStatus | None
    to_status: UnitStatus | None
    technician_id: uuid.UUID | None
    technician_name: str | None = None
    event_id: uuid.UUID | None
    status: MaintenanceStatus
    closed_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    photo_url: str | None = None  # a photo taken with a damage report at check-in
    photo_thumb_url: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> MaintenanceLogOut:
        return cls(**{k: row.get(k) for k in cls.model_fields})


class AttentionItemOut(EquipmentOut):
    """An item with damaged / in-maintenance units or an open log, with its open logs."""

    open_logs: list[MaintenanceLogOut]

    @classmethod
    def from_attention(cls, row: Mapping[str, Any]) -> AttentionItemOut:
        base = EquipmentOut.from_row(row)
        logs = [MaintenanceLogOut.from_row(r) for r in row["open_logs"]]
        return cls(**base.model_dump(), open_logs=logs)


class MaintenanceCreate(RequestBody):
    """`POST /api/maintenance`. Raise a request: `toStatus: "maintenance"` (from good
    units); report damage: `toStatus: "damaged"`; log a repair: `fromStatus` damaged or
    maintenance (default: whichever holds units, damaged first) and `toStatus: "good"` to
    move the units back, or no `toStatus` to record work without moving anything. `close`
    creates the log closed. `logDate` defaults to today and cannot be in the future."""

    equipment_id: StrictStr | None = Field(default=None, max_length=100)
    log_date: StrictStr | None = Field(default=None, max_length=40)
    description: StrictStr | None = Field(default=None, max_length=5000)
    cost: MoneyIn | None = None
    units: StrictInt | None = None
    from_status: StrictStr | None = Field(default=None, max_length=40)
    to_status: StrictStr | None = Field(default=None, max_length=40)
    close: StrictBool | None = None
    event_id: StrictStr | None = Field(default=None, max_length=100)


class MaintenancePatch(RequestBody):
    """`PATCH /api/maintenance/{id}`: correct the date, description or cost (the units it
    moved are history), with the `version` the client last saw."""

    version: StrictInt = Field(ge=1)
    log_date: StrictStr | None = Field(default=None, max_length=40)
    description: StrictStr | None = Field(default=None, max_length=5000)
    cost: MoneyIn | None = None


class CloseRequest(RequestBody):
    """`POST /api/maintenance/{id}/close`: the `version` the client last saw."""

    version: StrictInt = Field(ge=1)


def _one(session: Session, actor: Actor, log_id: uuid.UUID) -> dict[str, Any]:
    return MaintenanceLogOut.from_row(mq.get_log_row(session, actor, log_id)).dump()


# --- routes (the literal `/items` before `/{id}`) ----------------------------------------------


@router.get(
    "/api/maintenance/items",
    response_model=ListEnvelope[AttentionItemOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging or filter"}),
)
def attention_items_route(
    actor: ActorDep,
    engine: EngineDep,
    page: Page = 1,
    page_size: PageSize = 20,
    search: Annotated[
        str | None, Query(description="Matches name, description or asset code", max_length=100)
    ] = None,
    category_id: Annotated[uuid.UUID | None, Query(alias="categoryId")] = None,
) -> JSONResponse:
    """Items needing attention (damaged or in-maintenance units, or an open log), by name,
    each with `openLogs`."""
    paging = PageRequest.parse(page, page_size)
    with read_session(engine) as session:
        result = mq.attention_items(session, actor, paging, search=search, category_id=category_id)
    data = [AttentionItemOut.from_attention(r).dump() for r in result.items]
    return ok(data, pagination=result.meta())


@router.get(
    "/api/maintenance",
    response_model=ListEnvelope[MaintenanceLogOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging or filter"}),
)
def list_logs_route(
    actor: ActorDep,
    engine: EngineDep,
    page: Page = 1,
    page_size: PageSize = 20,
    status: Annotated[str | None, Query(description="open or closed")] = None,
    equipment_id: Annotated[
        uuid.UUID | None, Query(alias="equipmentId", description="One item's history")
    ] = None,
) -> JSONResponse:
    """Maintenance logs, newest first (log date, then creation); filters `status`,
    `equipmentId` (an item's full history)."""
    paging = PageRequest.parse(page, page_size)
    with read_session(engine) as session:
        result = mq.list_logs(session, actor, paging, status=status, equipment_id=equipment_id)
    data = [MaintenanceLogOut.from_row(r).dump() for r in result.items]
    return ok(data, pagination=result.meta())


@router.post(
    "/api/maintenance",
    status_code=201,
    response_model=Envelope[MaintenanceLogOut],
    responses=error_responses({**WRITE_ERRORS, 404: "Unknown item"}),
)
def create_log_route(body: MaintenanceCreate, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Raise a request, report damage or log a repair (see the body); moves the item's units
    and answers 201 with the log."""
    data = body.model_dump(exclude_unset=True, by_alias=False)
    with transaction(engine) as session:
        log = ms.record_log(session, actor, data)
        created = _one(session, actor, log.id)
    return ok(created, status_code=201)


@router.get(
    "/api/maintenance/{id}",
    response_model=Envelope[MaintenanceLogOut],
    responses=error_responses(READ_ERRORS),
)
def get_log_route(log_id: LogId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """One maintenance log."""
    with read_session(engine) as session:
        return ok(_one(session, actor, log_id))


@router.patch(
    "/api/maintenance/{id}",
    response_model=Envelope[MaintenanceLogOut],
    responses=error_responses({**READ_ERRORS, **WRITE_ERRORS, 409: "Stale version"}),
)
def patch_log_route(
    log_id: LogId, body: MaintenancePatch, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Correct `logDate`, `description` or `cost` (versioned)."""
    data = body.model_dump(exclude_unset=True, by_alias=False)
    data.pop("version", None)
    with transaction(engine) as session:
        try:
            ms.update_log(session, actor, log_id, body.version, data)
        except VersionConflict as exc:
            raise VersionConflict(exc.message, _one(session, actor, log_id)) from exc
        saved = _one(session, actor, log_id)
    return ok(saved)


@router.post(
    "/api/maintenance/{id}/close",
    response_model=Envelope[MaintenanceLogOut],
    responses=error_responses(
        {**READ_ERRORS, **WRITE_ERRORS, 409: "Stale version or already closed (INVALID_STATE)"}
    ),
)
def close_log_route(
    log_id: LogId, body: CloseRequest, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Close an open log (units are not moved)."""
    with transaction(engine) as session:
        try:
            ms.close_log(session, actor, log_id, body.version)
        except VersionConflict as exc:
            raise VersionConflict(exc.message, _one(session, actor, log_id)) from exc
        saved = _one(session, actor, log_id)
    return ok(saved)
