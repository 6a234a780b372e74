"""The signed-in user's notifications (`/api/notifications`): list, unread count, mark read,
mark all read, delete, and the muted types (`/api/notifications/preferences`).

Rules live in `avrentals.domain.services.notification_feed`: every route works on the
caller's own notifications only, so another user's notification id is 404 NOT_FOUND, like an
unknown one. Every signed-in role may use every route.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import Field

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.schemas import RequestBody, WireModel
from avrentals.db import read_session, transaction
from avrentals.domain.enums import NotificationType, Priority
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.services import notification_feed as service

router = APIRouter(tags=["notifications"])

NotificationId = Annotated[uuid.UUID, Path(alias="id", description="Notification id")]
READ_ERRORS = {401: "Not signed in"}
ONE_ERRORS = {401: "Not signed in", 404: "Unknown notification, or another user's"}


class NotificationOut(WireModel):
    """One notification of the signed-in user."""

    id: uuid.UUID
    type: NotificationType
    title: str
    message: str
    priority: Priority
    is_read: bool
    link: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> NotificationOut:
        return cls.model_validate(row)


class UnreadCountOut(WireModel):
    """`GET /api/notifications/unread-count`."""

    unread: int


class ReadAllOut(WireModel):
    """`POST /api/notifications/read-all`: how many notifications changed."""

    marked_read: int


class PreferencesOut(WireModel):
    """The notification types the user does not receive."""

    muted_types: list[NotificationType]


class PreferencesIn(RequestBody):
    """`PUT /api/notifications/preferences` body: the whole list of muted types."""

    muted_types: list[str] = Field(max_length=len(NotificationType))


def _dump(row: dict[str, Any]) -> dict[str, Any]:
    return NotificationOut.from_row(row).dump()


@router.get(
    "/api/notifications",
    response_model=ListEnvelope[NotificationOut],
    responses=error_responses({**READ_ERRORS, 422: "Bad paging or type"}),
)
def list_notifications_route(
    actor: ActorDep,
    engine: EngineDep,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Rows per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
    unread: Annotated[bool, Query(description="Only unread notifications")] = False,
    type_: Annotated[
        list[str] | None,
        Query(alias="type", description="Only these types (repeat the parameter)"),
    ] = None,
) -> JSONResponse:
    """The caller's notifications, newest first."""
    paging = PageRequest.parse(page, page_size)
    kinds = service.parse_types(type_, "type")
    with read_session(engine) as session:
        result = service.list_notifications(session, actor, paging, unread_only=unread, types=kinds)
    return ok([_dump(r) for r in result.items], pagination=result.meta())


@router.get(
    "/api/notifications/unread-count",
    response_model=Envelope[UnreadCountOut],
    responses=error_responses(READ_ERRORS),
)
def unread_count_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """How many of the caller's notifications are unread."""
    with read_session(engine) as session:
        count = service.unread_count(session, actor)
    return ok(UnreadCountOut(unread=count).dump())


@router.get(
    "/api/notifications/preferences",
    response_model=Envelope[PreferencesOut],
    responses=error_responses(READ_ERRORS),
)
def get_preferences_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """The notification types the caller muted."""
    with read_session(engine) as session:
        muted = service.muted_types(session, actor)
    return ok(PreferencesOut.model_validate({"muted_types": muted}).dump())


@router.put(
    "/api/notifications/preferences",
    response_model=Envelope[PreferencesOut],
    responses=error_responses({**READ_ERRORS, 422: "Unknown type"}),
)
def put_preferences_route(body: PreferencesIn, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Replace the caller's muted types (`[]` receives everything)."""
    with transaction(engine) as session:
        muted = service.set_muted_types(session, actor, body.muted_types)
    return ok(PreferencesOut.model_validate({"muted_types": muted}).dump())


@router.post(
    "/api/notifications/read-all",
    response_model=Envelope[ReadAllOut],
    responses=error_responses(READ_ERRORS),
)
def read_all_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Mark every unread notification of the caller read."""
    with transaction(engine) as session:
        changed = service.mark_all_read(session, actor)
    return ok(ReadAllOut(marked_read=changed).dump())


@router.post(
    "/api/notifications/{id}/read",
    response_model=Envelope[NotificationOut],
    responses=error_responses(ONE_ERRORS),
)
def read_route(notification_id: NotificationId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Mark one of the caller's notifications read; answers it."""
    with transaction(engine) as session:
        row = service.mark_read(session, actor, notification_id)
    return ok(_dump(row))


@router.delete(
    "/api/notifications/{id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(ONE_ERRORS),
)
def delete_route(notification_id: NotificationId, actor: ActorDep, engine: EngineDep) -> Response:
    """Remove one of the caller's notifications."""
    with transaction(engine) as session:
        service.delete_notification(session, actor, notification_id)
    return Response(status_code=204)
