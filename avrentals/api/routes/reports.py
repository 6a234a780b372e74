"""The dashboard and the reports (`/api/dashboard`, `/api/reports/...`).

Rules live in `avrentals.domain.services.dashboard`, `reports` and `utilisation`; this module
maps HTTP to them. The dashboard is for every signed-in user (its `reports` part is null for
roles without `reports:read`); every `/api/reports/...` route needs `reports:read` (Admin,
Manager; 403 FORBIDDEN otherwise). Money is a two-decimal string, utilisation a fraction
string with 4 decimals next to the unit-day counts it comes from. Periods are `from`/`to`
(YYYY-MM-DD, inclusive); a bad one is 422 with the message on `from` / `to`.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import error_responses, ok
from avrentals.api.routes.availability import FromQuery, ToQuery, renamed_fields
from avrentals.db import read_session
from avrentals.domain import availability as av
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.services import dashboard as dashboard_service
from avrentals.domain.services import reports as reports_service
from avrentals.domain.services import utilisation as utilisation_service

router = APIRouter(tags=["reports"])

_RENAMED = {"start_date": "from", "end_date": "to"}
REPORT_ERRORS = {401: "Not signed in", 403: "Role may not read reports (Admin, Manager)"}
PERIOD_ERRORS = {**REPORT_ERRORS, 422: "Bad period (from/to) or limit"}
LimitQuery = Annotated[
    int,
    Query(description=f"How many to list, 1 to {reports_service.MAX_TOP_LIMIT}"),
]


def report_period(from_date: date | None, to_date: date | None) -> av.Window:
    """`?from=&to=` of the top lists: both or neither (neither: the last 6 months, this month
    included); at most `reports.MAX_REPORT_DAYS` days."""
    if from_date is None and to_date is None:
        return reports_service.default_period()
    errors: dict[str, list[str]] = {}
    if from_date is None:
        errors["from"] = ["from is required with to (YYYY-MM-DD)."]
    if to_date is None:
        errors["to"] = ["to is required with from (YYYY-MM-DD)."]
    if from_date and to_date and to_date < from_date:
        errors["to"] = ["to must be on or after from."]
    if errors:
        raise ValidationFailed(errors)
    assert from_date is not None and to_date is not None
    try:
        return reports_service.check_period(av.Window(from_date, to_date))
    except ValidationFailed as exc:
        raise renamed_fields(exc, _RENAMED) from exc


@router.get("/api/dashboard", responses=error_responses({401: "Not signed in"}))
def dashboard_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """`data: {today, cards: {equipmentUnits, equipmentItems, clients, upcomingEvents,
    maintenanceUnits, maintenanceItems}, myEvents: [{id, name, clientName, location,
    startDate, endDate, status}], reports: {revenue, topClients, topItems, utilisation} |
    null}`; `reports` only for Admins and Managers."""
    with read_session(engine) as session:
        data = dashboard_service.dashboard(session, actor)
    return ok(data)


@router.get("/api/reports/revenue", responses=error_responses(PERIOD_ERRORS))
def revenue_route(
    actor: ActorDep,
    engine: EngineDep,
    months: Annotated[
        int,
        Query(description=f"This month and the ones before it, 1 to {reports_service.MAX_MONTHS}"),
    ] = reports_service.DEFAULT_MONTHS,
) -> JSONResponse:
    """Accepted quote totals by month of the quote's start date, oldest first, every month
    present: `data: [{month: "YYYY-MM", label, revenue: "0.00", quotes}]`."""
    with read_session(engine) as session:
        data = reports_service.monthly_revenue(session, actor, months)
    return ok(data)


@router.get("/api/reports/top-clients", responses=error_responses(PERIOD_ERRORS))
def top_clients_route(
    actor: ActorDep,
    engine: EngineDep,
    from_date: FromQuery = None,
    to_date: ToQuery = None,
    limit: LimitQuery = reports_service.TOP_LIMIT,
) -> JSONResponse:
    """Clients by Accepted revenue (quote start date in the period; default: the last 6
    months): `data: [{id, name, revenue: "0.00", quotes}]`."""
    window = report_period(from_date, to_date)
    with read_session(engine) as session:
        data = reports_service.top_clients(session, actor, window, limit)
    return ok(data)


@router.get("/api/reports/top-items", responses=error_responses(PERIOD_ERRORS))
def top_items_route(
    actor: ActorDep,
    engine: EngineDep,
    from_date: FromQuery = None,
    to_date: ToQuery = None,
    limit: LimitQuery = reports_service.TOP_LIMIT,
) -> JSONResponse:
    """Items by rented unit-days in the period (quantity x event days inside it, buffers
    excluded; default: the last 6 months): `data: [{id, name, categoryName, unitDays,
    rentals}]`."""
    window = report_period(from_date, to_date)
    with read_session(engine) as session:
        data = reports_service.top_items(session, actor, window, limit)
    return ok(data)


@router.get("/api/reports/utilisation", responses=error_responses(PERIOD_ERRORS))
def utilisation_route(
    actor: ActorDep,
    engine: EngineDep,
    from_date: FromQuery = None,
    to_date: ToQuery = None,
    category_id: Annotated[uuid.UUID | None, Query(alias="categoryId")] = None,
    page: Annotated[int, Query(description="1-based page of items")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Items per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
) -> JSONResponse:
    """Booked ÷ bookable unit-days over the period (default: the last 30 days; at most 366
    days): `data: {startDate, endDate, days, overall, categories: [...], items: [...]}`
    where each figure set is `{bookedUnitDays, bookableUnitDays, utilisation: "0.4778" |
    null}`; items (one page, busiest first) in `data.items`, paging in `pagination`."""
    paging = PageRequest.parse(page, page_size)
    if from_date is None and to_date is None:
        window = utilisation_service.default_period()
    else:
        try:
            window = utilisation_service.read_period(from_date, to_date)
        except ValidationFailed as exc:
            raise renamed_fields(exc, _RENAMED) from exc
    with read_session(engine) as session:
        data = utilisation_service.utilisation(
            session, actor, window, category_id=category_id, paging=paging
        )
    pagination = {k: data.pop(k) for k in ("page", "pageSize", "total", "totalPages")}
    return ok(data, pagination=pagination)
