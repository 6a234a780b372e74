"""Equipment (`/api/equipment[/{id}]`): list, read, and the versioned location edit."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.schemas import EquipmentOut, EquipmentPatch
from avrentals.db import read_session, transaction
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.services.equipment import (
    SORTS,
    get_equipment_row,
    list_equipment,
    update_location,
)

router = APIRouter(tags=["equipment"])

ItemId = Annotated[uuid.UUID, Path(alias="id", description="Equipment item id")]
READ_ERRORS = {401: "Not signed in", 404: "Unknown item"}


def parse_sort(sort: str) -> tuple[str, bool]:
    """`"-name"` -> `("name", True)`. The key itself is checked by the service."""
    return (sort[1:], True) if sort.startswith("-") else (sort, False)


@router.get(
    "/api/equipment",
    response_model=ListEnvelope[EquipmentOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging, sort or filter"}),
)
def list_equipment_route(
    actor: ActorDep,
    engine: EngineDep,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Items per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
    sort: Annotated[
        str,
        Query(description=f"One of {', '.join(SORTS)}; a leading `-` sorts descending"),
    ] = "name",
    search: Annotated[
        str | None, Query(description="Matches name, description or asset code")
    ] = None,
    category_id: Annotated[uuid.UUID | None, Query(alias="categoryId")] = None,
) -> JSONResponse:
    """One page of equipment with category names, plus `pagination`.

    The service validates paging (422 for pageSize > 100 or page < 1) and the sort key
    (422 outside the allow-list)."""
    paging = PageRequest.parse(page, page_size)
    key, descending = parse_sort(sort)
    with read_session(engine) as session:
        result = list_equipment(
            session,
            actor,
            paging,
            search=search,
            category_id=category_id,
            sort=key,
            descending=descending,
        )
    return ok([EquipmentOut.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.get(
    "/api/equipment/{id}",
    response_model=Envelope[EquipmentOut],
    responses=error_responses(READ_ERRORS),
)
def get_equipment_route(item_id: ItemId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """One item; 404 NOT_FOUND for an unknown id."""
    with read_session(engine) as session:
        row = get_equipment_row(session, actor, item_id)
    return ok(EquipmentOut.from_row(row).dump())


@router.patch(
    "/api/equipment/{id}",
    response_model=Envelope[EquipmentOut],
    responses=error_responses(
        {
            **READ_ERRORS,
            403: "Role may not edit equipment",
            409: "Stale version; the saved item is in details.current",
            422: "Invalid or not (yet) editable field",
        }
    ),
)
def patch_equipment_route(
    item_id: ItemId, body: EquipmentPatch, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Move an item to another location (`{version, location}`); answers the saved item.

    Needs `equipment:write` (403). A stale `version` is 409 VERSION_CONFLICT with the saved
    item, in the API shape, in `details.current`."""
    with transaction(engine) as session:
        try:
            update_location(session, actor, item_id, body.version, body.location)
        except VersionConflict as exc:
            current = get_equipment_row(session, actor, item_id)
            raise VersionConflict(exc.message, EquipmentOut.from_row(current).dump()) from exc
        row = get_equipment_row(session, actor, item_id)
    return ok(EquipmentOut.from_row(row).dump())
