"""The availability timeline (`/api/availability/timeline`): one page of items x days with
booked against bookable units per day, and the conflicts grouped by item
(`/api/availability/conflicts/grouped`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import error_responses, ok
from avrentals.api.routes.availability import FromQuery, ToQuery, from_to_window, renamed_fields
from avrentals.db import read_session
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.services import timeline as timeline_service

router = APIRouter(tags=["availability"])

_RENAMED = {"start_date": "start", "end_date": "end"}


@router.get(
    "/api/availability/timeline",
    responses=error_responses(
        {401: "Not signed in", 422: "Missing or invalid dates, range over 92 days, bad paging"}
    ),
)
def timeline_route(
    actor: ActorDep,
    engine: EngineDep,
    start: Annotated[date | None, Query(description="YYYY-MM-DD")] = None,
    end: Annotated[date | None, Query(description="YYYY-MM-DD, at most 92 days on")] = None,
    category_id: Annotated[uuid.UUID | None, Query(alias="categoryId")] = None,
    search: Annotated[
        str | None, Query(max_length=100, description="Name, description or asset code")
    ] = None,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Items per page, 1 to {MAX_PAGE_SIZE}")
    ] = timeline_service.TIMELINE_PAGE_SIZE,
) -> JSONResponse:
    """`data: {startDate, endDate, days: [date], items: [{id, name, categoryId, categoryName,
    quantity, bookable, booked: [units per day], peak, conflictDays, segments: [{startDate,
    endDate, booked, conflict, events}]}]}` plus `pagination`. Items by category, then name."""
    paging = PageRequest.parse(page, page_size)
    try:
        window = timeline_service.timeline_window(start, end)
    except ValidationFailed as exc:
        raise renamed_fields(exc, _RENAMED) from exc
    with read_session(engine) as session:
        data = timeline_service.timeline(
            session, actor, window, category_id=category_id, search=search, paging=paging
        )
    pagination = {k: data.pop(k) for k in ("page", "pageSize", "total", "totalPages")}
    return ok(data, pagination=pagination)


@router.get(
    "/api/availability/conflicts/grouped",
    responses=error_responses({401: "Not signed in", 422: "Missing or invalid dates"}),
)
def grouped_conflicts_route(
    actor: ActorDep,
    engine: EngineDep,
    from_date: FromQuery = None,
    to_date: ToQuery = None,
) -> JSONResponse:
    """Overbooked days grouped by item, consecutive days as spans: `data: [{item: {id, name},
    days, worst, spans: [{startDate, endDate, days, booked, bookable, short, dates, events}]}]`.
    Without dates: today to 90 days ahead."""
    if from_date is None and to_date is None:
        window = timeline_service.default_conflict_window()
    else:
        window = from_to_window(from_date, to_date)
    with read_session(engine) as session:
        data = timeline_service.conflict_groups(session, actor, window)
    return ok(data)
