"""Rentals (`/api/rentals[/{id}]`): list, read, book (one line or several, all or nothing),
versioned quantity change, remove. Bookings are availability-checked in the same transaction
as the write (409 RENTAL_CONFLICT with every failing line, nothing written)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.schemas_events import RentalCreate, RentalOut, RentalPatch
from avrentals.db import read_session, transaction
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import rentals as rs

router = APIRouter(tags=["rentals"])

RentalId = Annotated[uuid.UUID, Path(alias="id", description="Rental id")]
READ_ERRORS = {401: "Not signed in", 404: "Unknown rental"}


def one(session: Session, actor: Actor, rental_id: uuid.UUID) -> dict[str, Any]:
    return RentalOut.from_row(rs.get_rental_row(session, actor, rental_id)).dump()


@router.get(
    "/api/rentals",
    response_model=ListEnvelope[RentalOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging or filter"}),
)
def list_rentals_route(
    actor: ActorDep,
    engine: EngineDep,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Lines per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
    event_id: Annotated[uuid.UUID | None, Query(alias="eventId")] = None,
    equipment_id: Annotated[uuid.UUID | None, Query(alias="equipmentId")] = None,
) -> JSONResponse:
    """Rental lines by event start then item name; filters `eventId`, `equipmentId`."""
    paging = PageRequest.parse(page, page_size)
    with read_session(engine) as session:
        result = rs.list_rentals(
            session, actor, paging, event_id=event_id, equipment_id=equipment_id
        )
    return ok([RentalOut.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.post(
    "/api/rentals",
    status_code=201,
    response_model=Envelope[RentalOut | list[RentalOut]],
    responses=error_responses(
        {
            401: "Not signed in",
            403: "Role may not book equipment",
            404: "Unknown event or item",
            409: "RENTAL_CONFLICT: details.lines lists every line that does not fit",
            422: "Field errors",
        }
    ),
)
def create_rental_route(body: RentalCreate, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Book `{eventId, equipmentId, quantity}` (answers the line) or `{eventId, equipment:
    [{equipmentId, quantity}]}` (answers the lines). An item already on the event adds to
    its line."""
    lines = body.lines()
    with transaction(engine) as session:
        saved = rs.add_rentals(session, actor, body.event_id, lines, indexed=body.is_multi)
        data = [one(session, actor, r.id) for r in saved]
    return ok(data if body.is_multi else data[0], status_code=201)


@router.get(
    "/api/rentals/{id}", response_model=Envelope[RentalOut], responses=error_responses(READ_ERRORS)
)
def get_rental_route(rental_id: RentalId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """One rental line."""
    with read_session(engine) as session:
        return ok(one(session, actor, rental_id))


@router.patch(
    "/api/rentals/{id}",
    response_model=Envelope[RentalOut],
    responses=error_responses(
        {
            **READ_ERRORS,
            403: "Role may not book equipment",
            409: "RENTAL_CONFLICT (no room for the increase) or VERSION_CONFLICT",
            422: "Field errors",
        }
    ),
)
def patch_rental_route(
    rental_id: RentalId, body: RentalPatch, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Change the quantity (`quantity` or `quantityRented`) given the current `version`."""
    quantity = body.new_quantity()
    with transaction(engine) as session:
        try:
            rs.change_quantity(session, actor, rental_id, body.version, quantity)
        except VersionConflict as exc:
            raise VersionConflict(exc.message, one(session, actor, rental_id)) from exc
        data = one(session, actor, rental_id)
    return ok(data)


@router.delete(
    "/api/rentals/{id}",
    status_code=204,
    responses=error_responses(
        {**READ_ERRORS, 403: "Role may not delete rentals", 409: "Stale version"}
    ),
)
def delete_rental_route(
    rental_id: RentalId,
    actor: ActorDep,
    engine: EngineDep,
    version: Annotated[int | None, Query(ge=1, description="Refuse if no longer current")] = None,
) -> Response:
    """Remove the line from its event; 204."""
    try:
        with transaction(engine) as session:
            rs.remove_rental(session, actor, rental_id, version)
    except VersionConflict as exc:
        raise VersionConflict(exc.message, RentalOut.from_row(exc.current).dump()) from exc
    return Response(status_code=204)
