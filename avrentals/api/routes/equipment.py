"""Equipment (`/api/equipment[/{id}]`): list, detail, create, versioned edits, delete.

Every rule lives in `avrentals.domain.services.equipment`; this module only maps HTTP to
service calls (DESIGN §8): 201 on create, 204 on delete, 409 VERSION_CONFLICT with the saved
item (API shape) in `details.current`, 409 IN_USE for a refused delete."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.schemas import (
    EquipmentCreate,
    EquipmentDetailOut,
    EquipmentOut,
    EquipmentPatch,
    EquipmentReplace,
)
from avrentals.db import read_session, transaction
from avrentals.domain.enums import EquipmentType, UnitStatus
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services.equipment import (
    SORTS,
    create_equipment,
    delete_equipment,
    equipment_detail,
    get_equipment_row,
    list_equipment,
    update_equipment,
)

router = APIRouter(tags=["equipment"])

ItemId = Annotated[uuid.UUID, Path(alias="id", description="Equipment item id")]
VersionQuery = Annotated[
    int | None, Query(ge=1, description="Optional: refuse when the item changed since")
]
READ_ERRORS = {401: "Not signed in", 404: "Unknown item"}


def parse_sort(sort: str) -> tuple[str, bool]:
    """`"-name"` -> `("name", True)`. The key itself is checked by the service."""
    return (sort[1:], True) if sort.startswith("-") else (sort, False)


def equipment_filters(
    sort: Annotated[
        str,
        Query(description=f"One of {', '.join(SORTS)}; a leading `-` sorts descending"),
    ] = "name",
    search: Annotated[
        str | None, Query(description="Matches name, description or asset code")
    ] = None,
    category_id: Annotated[uuid.UUID | None, Query(alias="categoryId")] = None,
    subcategory_id: Annotated[uuid.UUID | None, Query(alias="subcategoryId")] = None,
    status: Annotated[UnitStatus | None, Query(description="Headline status")] = None,
    item_type: Annotated[EquipmentType | None, Query(alias="type")] = None,
    location: Annotated[
        str | None, Query(description="Location starts with (case-insensitive)", max_length=100)
    ] = None,
) -> dict[str, Any]:
    """The sort and filter query parameters of `GET /api/equipment` (shared by the CSV
    export) as the keyword arguments of `list_equipment` / `export_equipment_csv`."""
    key, descending = parse_sort(sort)
    return {
        "search": search,
        "category_id": category_id,
        "sort": key,
        "descending": descending,
        "subcategory_id": subcategory_id,
        "status": status,
        "item_type": item_type,
        "location": location,
    }


EquipmentFilters = Annotated[dict[str, Any], Depends(equipment_filters)]


@router.get(
    "/api/equipment",
    response_model=ListEnvelope[EquipmentOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging, sort or filter"}),
)
def list_equipment_route(
    actor: ActorDep,
    engine: EngineDep,
    filters: EquipmentFilters,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Items per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
) -> JSONResponse:
    """One page of equipment with category names, plus `pagination`.

    The service validates paging (422 for pageSize > 100 or page < 1), the sort key (422
    outside the allow-list) and the filters."""
    paging = PageRequest.parse(page, page_size)
    with read_session(engine) as session:
        result = list_equipment(session, actor, paging, **filters)
    return ok([EquipmentOut.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.get(
    "/api/equipment/{id}",
    response_model=Envelope[EquipmentDetailOut],
    responses=error_responses(READ_ERRORS),
)
def get_equipment_route(item_id: ItemId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """One item with per-status counts, upcoming bookings, maintenance and audit history;
    404 NOT_FOUND for an unknown id."""
    with read_session(engine) as session:
        detail = equipment_detail(session, actor, item_id)
    return ok(EquipmentDetailOut.from_detail(detail).dump())


def saved_item(session: Session, actor: Actor, item_id: uuid.UUID) -> dict[str, object]:
    """The saved item in the API shape (camelCase, category names)."""
    return EquipmentOut.from_row(get_equipment_row(session, actor, item_id)).dump()


def _conflict_in_api_shape(
    exc: VersionConflict, session: Session, actor: Actor, item_id: uuid.UUID
) -> VersionConflict:
    """The same conflict with the saved item in the API shape (camelCase, category names)."""
    session.rollback()
    return VersionConflict(exc.message, saved_item(session, actor, item_id))


WRITE_ERRORS = {
    401: "Not signed in",
    403: "Role may not edit equipment (or set asset codes)",
    422: "Field errors in details",
}


@router.post(
    "/api/equipment",
    status_code=201,
    response_model=Envelope[EquipmentOut],
    responses=error_responses(WRITE_ERRORS),
)
def create_equipment_route(
    body: EquipmentCreate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Create an item; answers 201 with it. The asset code is generated from the category
    unless a Manager/Admin sends `assetCode`."""
    with transaction(engine) as session:
        item = create_equipment(session, actor, body.service_input())
        data = saved_item(session, actor, item.id)
    return ok(data, status_code=201)


def _update(
    item_id: uuid.UUID,
    version: int,
    data: dict[str, object],
    actor: Actor,
    engine: EngineDep,
    *,
    replace: bool,
) -> JSONResponse:
    with transaction(engine) as session:
        try:
            update_equipment(session, actor, item_id, version, data, replace=replace)
        except VersionConflict as exc:
            raise _conflict_in_api_shape(exc, session, actor, item_id) from exc
        saved = saved_item(session, actor, item_id)
    return ok(saved)


UPDATE_ERRORS = error_responses(
    {
        **READ_ERRORS,
        **WRITE_ERRORS,
        409: "Stale version; the saved item is in details.current",
    }
)


@router.put("/api/equipment/{id}", response_model=Envelope[EquipmentOut], responses=UPDATE_ERRORS)
def put_equipment_route(
    item_id: ItemId, body: EquipmentReplace, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Replace an item (all required fields, plus the `version` last seen); omitted optional
    fields go back to their defaults, an omitted `assetCode` is kept."""
    return _update(item_id, body.version, body.service_input(), actor, engine, replace=True)


@router.patch("/api/equipment/{id}", response_model=Envelope[EquipmentOut], responses=UPDATE_ERRORS)
def patch_equipment_route(
    item_id: ItemId, body: EquipmentPatch, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Change some fields (`{version, ...}`; `{version, location}` moves the item); answers
    the saved item. Needs `equipment:write` (403). A stale `version` is 409
    VERSION_CONFLICT with the saved item, in the API shape, in `details.current`."""
    return _update(item_id, body.version, body.service_input(), actor, engine, replace=False)


@router.delete(
    "/api/equipment/{id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        {
            **READ_ERRORS,
            403: "Role may not delete equipment",
            409: "IN_USE: rentals on current/future (or past) events; or a stale version",
        }
    ),
)
def delete_equipment_route(
    item_id: ItemId,
    actor: ActorDep,
    engine: EngineDep,
    version: VersionQuery = None,
) -> Response:
    """Delete an item: 204, or 409 IN_USE while it has rentals (current/future events, and
    past ones whose history is kept)."""
    with transaction(engine) as session:
        try:
            delete_equipment(session, actor, item_id, version=version)
        except VersionConflict as exc:
            raise _conflict_in_api_shape(exc, session, actor, item_id) from exc
    return Response(status_code=204)
