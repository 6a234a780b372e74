"""The audit log (`/api/audit`, `/api/audit/filters`, `/api/audit/export.csv`), Admin only.

Rules live in `avrentals.domain.services.audit_viewer` (`audit:read`: 403 FORBIDDEN for every
other role). Filters: `userId`, `entityType`, `action`, `from` / `to` (YYYY-MM-DD, inclusive
UTC days); a bad one is 422 with the message on that parameter. Entries are newest first,
each with its `changes` as `[{field, old, new}]`. The CSV export (UTF-8 with BOM, at most
50,000 rows) takes the same filters; text cells that a spreadsheet would run as a formula
start with `'`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import error_responses, ok
from avrentals.api.routes.availability import FromQuery, ToQuery
from avrentals.db import read_session
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.services import audit_viewer as service

router = APIRouter(tags=["audit"])

ERRORS = {401: "Not signed in", 403: "Only Admins read the audit log", 422: "Bad filter"}


def _filters(
    user_id: str | None,
    entity_type: str | None,
    action: str | None,
    from_date: date | None,
    to_date: date | None,
) -> service.AuditFilters:
    return service.AuditFilters.parse(user_id, entity_type, action, from_date, to_date)


UserQuery = Annotated[str | None, Query(alias="userId", description="The acting user's id")]
EntityQuery = Annotated[
    str | None,
    Query(alias="entityType", max_length=service.MAX_FILTER_LENGTH, description="e.g. client"),
]
ActionQuery = Annotated[
    str | None,
    Query(max_length=service.MAX_FILTER_LENGTH, description="e.g. create, update, delete"),
]


@router.get("/api/audit", responses=error_responses(ERRORS))
def list_audit_route(
    actor: ActorDep,
    engine: EngineDep,
    user_id: UserQuery = None,
    entity_type: EntityQuery = None,
    action: ActionQuery = None,
    from_date: FromQuery = None,
    to_date: ToQuery = None,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Entries per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
) -> JSONResponse:
    """One page of entries, newest first: `data: [{id, at, userId, username, action,
    entityType, entityId, ip, userAgent, changes: [{field, old, new}]}]` plus `pagination`."""
    paging = PageRequest.parse(page, page_size)
    filters = _filters(user_id, entity_type, action, from_date, to_date)
    with read_session(engine) as session:
        result = service.list_entries(session, actor, filters, paging)
    return ok(result.items, pagination=result.meta())


@router.get("/api/audit/filters", responses=error_responses(ERRORS))
def audit_filters_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """The filter choices found in the log: `data: {users: [{id, username}], entityTypes,
    actions}`."""
    with read_session(engine) as session:
        data = service.filter_options(session, actor)
    return ok(data)


@router.get(
    "/api/audit/export.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The CSV file (UTF-8 with BOM)"},
        **error_responses(ERRORS),
    },
)
def export_audit_route(
    actor: ActorDep,
    engine: EngineDep,
    user_id: UserQuery = None,
    entity_type: EntityQuery = None,
    action: ActionQuery = None,
    from_date: FromQuery = None,
    to_date: ToQuery = None,
) -> Response:
    """The matching entries (newest first, at most 50,000) as a CSV attachment with the
    columns time, user, action, entityType, entityId, ip, changes."""
    filters = _filters(user_id, entity_type, action, from_date, to_date)
    with read_session(engine) as session:
        data = service.export_csv(session, actor, filters)
    return Response(
        content=data,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{service.export_filename(date.today())}"'
        },
    )
