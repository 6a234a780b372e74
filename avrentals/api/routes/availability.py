"""Availability (`/api/availability`, `/api/availability/conflicts`): "available X of Y" for
an item over dates with the per-day explanation, and every overbooked day in a range."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import error_responses, ok
from avrentals.db import read_session
from avrentals.domain import availability as av
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.services import availability as avs

router = APIRouter(tags=["availability"])

FromQuery = Annotated[date | None, Query(alias="from", description="YYYY-MM-DD")]
ToQuery = Annotated[date | None, Query(alias="to", description="YYYY-MM-DD")]


def renamed_fields(exc: ValidationFailed, names: dict[str, str]) -> ValidationFailed:
    """The same field errors under the query parameter names the client sent."""
    return ValidationFailed({names.get(k, k): v for k, v in exc.fields.items()})


def from_to_window(from_date: date | None, to_date: date | None) -> av.Window:
    """`?from=&to=` as a window; field errors are reported as `from` / `to`."""
    try:
        return avs.read_window(from_date, to_date)
    except ValidationFailed as exc:
        raise renamed_fields(exc, {"start_date": "from", "end_date": "to"}) from exc


@router.get(
    "/api/availability",
    responses=error_responses(
        {401: "Not signed in", 404: "Unknown item", 422: "Missing or invalid dates or id"}
    ),
)
def availability_route(
    actor: ActorDep,
    engine: EngineDep,
    equipment_id: Annotated[uuid.UUID, Query(alias="equipmentId")],
    start_date: Annotated[date | None, Query(alias="startDate", description="YYYY-MM-DD")] = None,
    end_date: Annotated[date | None, Query(alias="endDate", description="YYYY-MM-DD")] = None,
    start: Annotated[date | None, Query(description="Same as startDate")] = None,
    end: Annotated[date | None, Query(description="Same as endDate")] = None,
    exclude_event_id: Annotated[
        uuid.UUID | None,
        Query(alias="excludeEventId", description="The event being edited (left out)"),
    ] = None,
    explain: Annotated[bool, Query(description="Include the per-day ledger")] = True,
) -> JSONResponse:
    """`data: {equipmentId, equipmentName, quantity, bookable, available, peakUsage, peakDays,
    overbooked, startDate, endDate, ledger?: [{date, booked, available, rentals: [...]}]}`:
    bookable (good units) minus the peak daily usage of other events over the dates."""
    window = avs.read_window(start_date or start, end_date or end)
    with read_session(engine) as session:
        data = avs.item_availability(
            session,
            actor,
            equipment_id,
            window,
            exclude_event_id=exclude_event_id,
            explain=explain,
        )
    return ok(data)


@router.get(
    "/api/availability/conflicts",
    responses=error_responses({401: "Not signed in", 422: "Missing or invalid dates"}),
)
def conflicts_route(
    actor: ActorDep,
    engine: EngineDep,
    from_date: FromQuery = None,
    to_date: ToQuery = None,
) -> JSONResponse:
    """Every day in the range where an item is booked beyond its good units: `data: [{date,
    item: {id, name}, booked, bookable, events: [{eventId, eventName, rentalId, quantity,
    blockedFrom, blockedTo}]}]`."""
    window = from_to_window(from_date, to_date)
    with read_session(engine) as session:
        data = avs.conflicts(session, actor, window)
    return ok(data)
