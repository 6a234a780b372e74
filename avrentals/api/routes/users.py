"""User administration (`/api/users[/{id}]`, DESIGN §6, §8).

Rules live in `avrentals.domain.services.user_admin`; this module maps HTTP to it: 201 on
create, 204 on delete, 409 IN_USE when a user with history would be deleted (deactivate them
instead), 409 INVALID_STATE for an Admin's action on their own account (deactivate, delete,
change role), 409 VERSION_CONFLICT with the saved user in `details.current`, 422 with field
messages. Responses never carry password hashes; NIF and IBAN only for Admins.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.route_helpers import (
    IfVersionQ,
    PageQ,
    PageSizeQ,
    current_on_conflict,
    parse_sort,
    saved_write,
)
from avrentals.api.schemas import service_fields
from avrentals.api.schemas_users import (
    PasswordReset,
    RoleChoice,
    UserCreate,
    UserOut,
    UserUpdate,
    VersionBody,
)
from avrentals.db import read_session, transaction
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import user_admin as service

router = APIRouter(tags=["users"])

UserId = Annotated[uuid.UUID, Path(alias="id", description="User id")]
READ_ERRORS = {401: "Not signed in", 403: "Role may not read users", 404: "Unknown user"}
WRITE_ERRORS = {**READ_ERRORS, 403: "Only Admins manage users", 422: "Field errors"}
ACTION_ERRORS = {
    **WRITE_ERRORS,
    409: "INVALID_STATE (own account) or VERSION_CONFLICT (details.current)",
}


def _saved(session: Session, actor: Actor, user_id: uuid.UUID) -> dict[str, Any]:
    return UserOut.dump_row(service.get_user(session, actor, user_id))


def _write(
    engine: EngineDep, actor: Actor, user_id: uuid.UUID, action: Callable[[Session], Any]
) -> JSONResponse:
    """Run `action` in one transaction; answer the saved user (or the conflict with it)."""
    return saved_write(engine, action, partial(_saved, actor=actor, user_id=user_id))


def _set_active(
    user_id: uuid.UUID, active: bool, actor: Actor, engine: EngineDep, body: VersionBody | None
) -> JSONResponse:
    version = body.version if body else None
    return _write(
        engine,
        actor,
        user_id,
        lambda s: service.set_active(s, actor, user_id, active, version=version),
    )


@router.get(
    "/api/users",
    response_model=ListEnvelope[UserOut],
    responses=error_responses(
        {401: "Not signed in", 403: "Role may not read users", 422: "Bad query"}
    ),
)
def list_users_route(
    actor: ActorDep,
    engine: EngineDep,
    page: PageQ = 1,
    page_size: PageSizeQ = 20,
    sort: Annotated[
        str, Query(description=f"One of {', '.join(service.SORTS)}; a leading `-` descends")
    ] = "name",
    search: Annotated[
        str | None, Query(description="Name, username, e-mail or job title", max_length=100)
    ] = None,
    role: Annotated[str | None, Query(description="admin, manager, technician, ...")] = None,
    active: Annotated[str | None, Query(description="`active` or `inactive`")] = None,
) -> JSONResponse:
    """One page of users (Admins and Managers)."""
    paging = PageRequest.parse(page, page_size)
    key, descending = parse_sort(sort)
    with read_session(engine) as session:
        result = service.list_users(
            session,
            actor,
            paging,
            search=search,
            role=role,
            active=active,
            sort=key,
            descending=descending,
        )
    return ok([UserOut.dump_row(r) for r in result.items], pagination=result.meta())


@router.get("/api/users/roles", response_model=Envelope[list[RoleChoice]])
def roles_route(actor: ActorDep) -> JSONResponse:
    """The roles with their descriptions (for a role picker)."""
    return ok([RoleChoice(**r).dump() for r in service.role_choices()])


@router.get(
    "/api/users/{id}", response_model=Envelope[UserOut], responses=error_responses(READ_ERRORS)
)
def get_user_route(user_id: UserId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """One user."""
    with read_session(engine) as session:
        return ok(_saved(session, actor, user_id))


@router.post(
    "/api/users",
    status_code=201,
    response_model=Envelope[UserOut],
    responses=error_responses(WRITE_ERRORS),
)
def create_user_route(body: UserCreate, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Create a user (Admin); 201 with it."""
    with transaction(engine) as session:
        user = service.create_user(
            session, actor, body.model_dump(exclude_unset=True, by_alias=False)
        )
        data = _saved(session, actor, user.id)
    return ok(data, status_code=201)


@router.patch(
    "/api/users/{id}", response_model=Envelope[UserOut], responses=error_responses(ACTION_ERRORS)
)
def patch_user_route(
    user_id: UserId, body: UserUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Change the given fields (versioned). An Admin can't change their own role."""
    fields = service_fields(body)
    return _write(
        engine,
        actor,
        user_id,
        lambda s: service.update_user(s, actor, user_id, body.version, fields),
    )


@router.post(
    "/api/users/{id}/deactivate",
    response_model=Envelope[UserOut],
    responses=error_responses(ACTION_ERRORS),
)
def deactivate_route(
    user_id: UserId, actor: ActorDep, engine: EngineDep, body: VersionBody | None = None
) -> JSONResponse:
    """Deactivate a user: every token of theirs stops working at once."""
    return _set_active(user_id, False, actor, engine, body)


@router.post(
    "/api/users/{id}/activate",
    response_model=Envelope[UserOut],
    responses=error_responses(ACTION_ERRORS),
)
def activate_route(
    user_id: UserId, actor: ActorDep, engine: EngineDep, body: VersionBody | None = None
) -> JSONResponse:
    """Re-activate a user (they sign in again with their password)."""
    return _set_active(user_id, True, actor, engine, body)


@router.post(
    "/api/users/{id}/reset-password",
    response_model=Envelope[UserOut],
    responses=error_responses(ACTION_ERRORS),
)
def reset_password_route(
    user_id: UserId, body: PasswordReset, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Set a new password for another user; their open sessions are signed out."""
    return _write(
        engine,
        actor,
        user_id,
        lambda s: service.reset_password(s, actor, user_id, body.password, version=body.version),
    )


@router.post(
    "/api/users/{id}/sign-out-everywhere",
    response_model=Envelope[UserOut],
    responses=error_responses(ACTION_ERRORS),
)
def sign_out_everywhere_route(
    user_id: UserId, actor: ActorDep, engine: EngineDep, body: VersionBody | None = None
) -> JSONResponse:
    """Revoke every token of the user (their next call answers 401)."""
    version = body.version if body else None
    return _write(
        engine,
        actor,
        user_id,
        lambda s: service.sign_out_everywhere(s, actor, user_id, version=version),
    )


@router.delete(
    "/api/users/{id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        {**READ_ERRORS, 403: "Only Admins delete users", 409: "IN_USE (has history), own account"}
    ),
)
def delete_user_route(
    user_id: UserId,
    actor: ActorDep,
    engine: EngineDep,
    version: IfVersionQ = None,
) -> Response:
    """Delete a user without history: 204. A user with history answers 409 IN_USE
    (deactivate them instead)."""
    saved = partial(_saved, actor=actor, user_id=user_id)
    with transaction(engine) as session, current_on_conflict(session, saved):
        service.delete_user(session, actor, user_id, version=version)
    return Response(status_code=204)
