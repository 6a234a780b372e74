"""Calendar (`/api/calendar`): the events and overbooked days of a date range, the events as
an `.ics` download, and the per-user subscription feed (`/api/calendar/feed/{token}.ics`,
no Authorization header: the token in the URL is the credential) with its token issue /
revoke."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic.alias_generators import to_camel

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import error_responses, ok
from avrentals.db import read_session, transaction
from avrentals.domain.services import availability as avs
from avrentals.domain.services import calendar as cal
from avrentals.domain.services import ics_feed

router = APIRouter(tags=["calendar"])

ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
ClientFilter = Annotated[uuid.UUID | None, Query(alias="clientId")]
ItemFilter = Annotated[
    uuid.UUID | None, Query(alias="equipmentId", description="Events booking this item")
]
CategoryFilter = Annotated[
    uuid.UUID | None, Query(alias="categoryId", description="Events booking items of it")
]
StartQuery = Annotated[date | None, Query(alias="startDate", description="YYYY-MM-DD")]
EndQuery = Annotated[date | None, Query(alias="endDate", description="YYYY-MM-DD")]


def calendar_filters(
    client_id: ClientFilter = None,
    equipment_id: ItemFilter = None,
    category_id: CategoryFilter = None,
) -> cal.CalendarFilters:
    """The narrowing query parameters shared by the calendar and its `.ics` download."""
    return cal.CalendarFilters(client_id, equipment_id, category_id)


FiltersQuery = Annotated[cal.CalendarFilters, Depends(calendar_filters)]


def camel(value: Any) -> Any:
    """Service payload (snake_case keys) to wire keys; ISO-date dictionary keys are kept."""
    if isinstance(value, dict):
        return {(k if k[:1].isdigit() else to_camel(k)): camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def base_url(request: Request) -> str:
    """The origin the caller used (for links inside the calendar file)."""
    return str(request.base_url).rstrip("/")


def ics_responses(description: str, errors: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of a route answering an iCalendar file."""
    return {
        200: {"content": {"text/calendar": {}}, "description": description},
        **error_responses(errors),
    }


def ics_response(body: bytes, filename: str) -> Response:
    return Response(
        content=body,
        media_type=ICS_MEDIA_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@router.get(
    "/api/calendar",
    responses=error_responses({401: "Not signed in", 422: "Missing or invalid dates"}),
)
def calendar_route(
    actor: ActorDep,
    engine: EngineDep,
    filters: FiltersQuery,
    start_date: StartQuery = None,
    end_date: EndQuery = None,
) -> JSONResponse:
    """`data: {startDate, endDate, events: [{id, name, clientName, startDate, endDate, status,
    color, version, ...}], conflicts: {"YYYY-MM-DD": [{item, booked, bookable, events}]}}` for
    at most 92 days."""
    window = avs.read_window(start_date, end_date)
    with read_session(engine) as session:
        data = cal.calendar_view(session, actor, window, filters)
    return ok(camel(data))


@router.get(
    "/api/calendar/events.ics",
    response_class=Response,
    responses=ics_responses(
        "iCalendar file", {401: "Not signed in", 422: "Invalid dates or filters"}
    ),
)
def events_ics_route(
    request: Request,
    actor: ActorDep,
    engine: EngineDep,
    filters: FiltersQuery,
    start_date: StartQuery = None,
    end_date: EndQuery = None,
) -> Response:
    """The filtered events as an iCalendar file (all-day VEVENTs; default range: 90 days back
    to two years ahead)."""
    with read_session(engine) as session:
        body = ics_feed.events_ics(
            session,
            actor,
            start=start_date,
            end=end_date,
            client_id=filters.client_id,
            item_id=filters.item_id,
            category_id=filters.category_id,
            base_url=base_url(request),
        )
    return ics_response(body, "av-rentals-events.ics")


@router.get(
    "/api/calendar/feed/{token}.ics",
    response_class=Response,
    responses=ics_responses("iCalendar feed", {404: "Unknown or revoked feed"}),
)
def feed_route(
    request: Request,
    engine: EngineDep,
    token: Annotated[str, Path(max_length=ics_feed.MAX_TOKEN_LENGTH)],
) -> Response:
    """A user's subscription feed. No Authorization header: the secret token is the
    credential; unknown, revoked and deactivated-user tokens are all 404."""
    with read_session(engine) as session:
        body = ics_feed.feed_for_token(session, token, base_url=base_url(request))
    return ics_response(body, "av-rentals.ics")


@router.post(
    "/api/calendar/feed-token",
    status_code=201,
    responses=error_responses({401: "Not signed in"}),
)
def issue_token_route(request: Request, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Issue (or rotate) the caller's feed token: `data: {token, url}`. The previous URL stops
    working; the token is only ever shown here."""
    with transaction(engine) as session:
        token = ics_feed.issue_feed_token(session, actor)
    return ok({"token": token, "url": ics_feed.feed_url(base_url(request), token)}, status_code=201)


@router.delete(
    "/api/calendar/feed-token",
    status_code=204,
    responses=error_responses({401: "Not signed in"}),
)
def revoke_token_route(actor: ActorDep, engine: EngineDep) -> Response:
    """Revoke the caller's feed token (its URL answers 404 from now on); 204 either way."""
    with transaction(engine) as session:
        ics_feed.revoke_feed_token(session, actor)
    return Response(status_code=204)
