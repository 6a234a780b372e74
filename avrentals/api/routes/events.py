"""Events (`/api/events[/{id}]`, `/api/events/{id}/duplicate`): list, read with rentals,
create, versioned PUT/PATCH (moves are availability-checked), delete, duplicate."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.routes.equipment import parse_sort
from avrentals.api.schemas_events import (
    DuplicateRequest,
    EventDetailOut,
    EventFields,
    EventOut,
    EventUpdate,
)
from avrentals.db import read_session, transaction
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import events as ev

router = APIRouter(tags=["events"])

EventId = Annotated[uuid.UUID, Path(alias="id", description="Event id")]
READ_ERRORS = {401: "Not signed in", 404: "Unknown event"}
CONFLICT = "RENTAL_CONFLICT (a line would not fit; details.lines) or VERSION_CONFLICT"


def detail(session: Session, actor: Actor, event_id: uuid.UUID) -> dict:
    return EventDetailOut.from_row(ev.get_event_detail(session, actor, event_id)).dump()


@router.get(
    "/api/events",
    response_model=ListEnvelope[EventOut],
    responses=error_responses({401: "Not signed in", 422: "Bad paging, sort or filter"}),
)
def list_events_route(
    actor: ActorDep,
    engine: EngineDep,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Events per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
    sort: Annotated[
        str, Query(description=f"One of {', '.join(ev.SORTS)}; a leading `-` sorts descending")
    ] = "startDate",
    search: Annotated[str | None, Query(description="Matches name, client or location")] = None,
    status: Annotated[str | None, Query(description="upcoming, ongoing or completed")] = None,
    client_id: Annotated[uuid.UUID | None, Query(alias="clientId")] = None,
) -> JSONResponse:
    """One page of events with client name and computed status, plus `pagination`."""
    paging = PageRequest.parse(page, page_size)
    key, descending = parse_sort(sort)
    with read_session(engine) as session:
        result = ev.list_events(
            session,
            actor,
            paging,
            search=search,
            status=status,
            client_id=client_id,
            sort=key,
            descending=descending,
        )
    return ok([EventOut.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.post(
    "/api/events",
    status_code=201,
    response_model=Envelope[EventDetailOut],
    responses=error_responses(
        {401: "Not signed in", 403: "Role may not edit events", 422: "Field errors"}
    ),
)
def create_event_route(body: EventFields, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Create an event (`name`, `clientId`, `location`, `startDate`, `endDate`, `prepDays`,
    `returnDays`, `assignedUserId`, `notes`); 201 with the saved event."""
    with transaction(engine) as session:
        event = ev.create_event(session, actor, body.values(partial=False))
        data = detail(session, actor, event.id)
    return ok(data, status_code=201)


@router.get(
    "/api/events/{id}",
    response_model=Envelope[EventDetailOut],
    responses=error_responses(READ_ERRORS),
)
def get_event_route(event_id: EventId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """One event with its rentals (item, category, quantityRented, prepStatus)."""
    with read_session(engine) as session:
        return ok(detail(session, actor, event_id))


def _update(
    event_id: uuid.UUID, body: EventUpdate, actor: Actor, engine: EngineDep, *, partial: bool
) -> JSONResponse:
    with transaction(engine) as session:
        try:
            ev.update_event(session, actor, event_id, body.version, body.values(partial=partial))
        except VersionConflict as exc:
            raise VersionConflict(exc.message, detail(session, actor, event_id)) from exc
        data = detail(session, actor, event_id)
    return ok(data)


UPDATE_ERRORS = error_responses(
    {
        **READ_ERRORS,
        403: "Role may not edit events",
        409: CONFLICT,
        422: "Field errors",
    }
)


@router.put("/api/events/{id}", response_model=Envelope[EventDetailOut], responses=UPDATE_ERRORS)
def put_event_route(
    event_id: EventId, body: EventUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Replace every editable field (missing optional fields are cleared) given the current
    `version`. Moving or extending re-checks availability: 409 RENTAL_CONFLICT with every
    failing line; a stale version is 409 VERSION_CONFLICT with `details.current`."""
    return _update(event_id, body, actor, engine, partial=False)


@router.patch("/api/events/{id}", response_model=Envelope[EventDetailOut], responses=UPDATE_ERRORS)
def patch_event_route(
    event_id: EventId, body: EventUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Change only the fields sent (plus `version`); same checks as PUT."""
    return _update(event_id, body, actor, engine, partial=True)


@router.delete(
    "/api/events/{id}",
    status_code=204,
    responses=error_responses(
        {**READ_ERRORS, 403: "Role may not delete events", 409: "Stale version"}
    ),
)
def delete_event_route(
    event_id: EventId,
    actor: ActorDep,
    engine: EngineDep,
    version: Annotated[int | None, Query(ge=1, description="Refuse if no longer current")] = None,
) -> Response:
    """Delete the event and its rentals; 204."""
    try:
        with transaction(engine) as session:
            ev.delete_event(session, actor, event_id, version)
    except VersionConflict as exc:
        raise VersionConflict(exc.message, EventOut.from_row(exc.current).dump()) from exc
    return Response(status_code=204)


@router.post(
    "/api/events/{id}/duplicate",
    status_code=201,
    response_model=Envelope[EventDetailOut],
    responses=error_responses(
        {
            **READ_ERRORS,
            403: "Role may not create events or rentals",
            409: "RENTAL_CONFLICT: a line does not fit at the new dates",
            422: "Field errors",
        }
    ),
)
def duplicate_event_route(
    event_id: EventId, body: DuplicateRequest, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Copy the event and its lines to `startDate` (`endDate` defaults to the same length);
    201 with the copy, or 409 RENTAL_CONFLICT and nothing written."""
    with transaction(engine) as session:
        copy = ev.duplicate_event(
            session, actor, event_id, body.start_date, body.end_date, name=body.name
        )
        data = detail(session, actor, copy.id)
    return ok(data, status_code=201)
