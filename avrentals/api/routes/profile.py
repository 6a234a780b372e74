"""The signed-in user's own profile (`/api/profile`, DESIGN §4, §7).

`GET` / `PATCH /api/profile` (versioned; NIF and IBAN checked), `POST /api/profile/password`
(needs the current password; answers a fresh token for this client, since every older token
of the user stops working), `POST /api/profile/photo` (multipart `file`) and
`DELETE /api/profile/photo`. Rules in `avrentals.domain.services.profile`.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from avrentals.api.deps import ActorDep, EngineDep, SettingsDep
from avrentals.api.envelope import Envelope, error_responses, ok
from avrentals.api.route_helpers import ImageFile, read_upload, saved_write
from avrentals.api.routes.media import UPLOAD_MAX_BODY_BYTES
from avrentals.api.schemas import service_fields
from avrentals.api.schemas_users import PasswordChange, PasswordChanged, ProfileUpdate, UserOut
from avrentals.db import read_session, transaction
from avrentals.domain.permissions import Actor
from avrentals.domain.services import profile as service
from avrentals.domain.services.auth import issue_token

router = APIRouter(tags=["profile"])


def _saved(session: Session, actor: Actor) -> dict[str, Any]:
    return UserOut.dump_row(service.get_profile(session, actor))


@router.get(
    "/api/profile",
    response_model=Envelope[UserOut],
    responses=error_responses({401: "Not signed in"}),
)
def get_profile_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Your own account, NIF and IBAN included."""
    with read_session(engine) as session:
        return ok(_saved(session, actor))


@router.patch(
    "/api/profile",
    response_model=Envelope[UserOut],
    responses=error_responses(
        {401: "Not signed in", 409: "Stale version (details.current)", 422: "Field errors"}
    ),
)
def patch_profile_route(body: ProfileUpdate, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Change the given fields of your profile (versioned)."""
    fields = service_fields(body)
    return saved_write(
        engine,
        lambda session: service.update_profile(session, actor, body.version, fields),
        partial(_saved, actor=actor),
    )


@router.post(
    "/api/profile/password",
    response_model=Envelope[PasswordChanged],
    responses=error_responses({401: "Not signed in", 422: "Wrong current or weak new password"}),
)
def change_password_route(
    body: PasswordChange, actor: ActorDep, engine: EngineDep, settings: SettingsDep
) -> JSONResponse:
    """Change your password. Every session of yours is signed out; the answer carries a fresh
    token for this client."""
    ttl = timedelta(hours=settings.jwt_ttl_hours)
    with transaction(engine) as session:
        user = service.change_password(session, actor, body.current_password, body.new_password)
        token = issue_token(user, settings.jwt_secret, ttl)
        data = _saved(session, actor)
    return ok(PasswordChanged(token=token, expires_in=int(ttl.total_seconds()), user=data).dump())


@router.post(
    "/api/profile/photo",
    status_code=201,
    response_model=Envelope[UserOut],
    responses=error_responses({401: "Not signed in", 422: "Not an accepted photo"}),
    max_body_size=UPLOAD_MAX_BODY_BYTES,
)
async def upload_photo_route(
    actor: ActorDep,
    engine: EngineDep,
    file: ImageFile,
) -> JSONResponse:
    """Set or replace your photo (checked from its content, metadata stripped)."""
    data = await read_upload(file)
    return await run_in_threadpool(
        saved_write,
        engine,
        lambda session: service.set_profile_photo(session, actor, data),
        partial(_saved, actor=actor),
        status_code=201,
    )


@router.delete(
    "/api/profile/photo",
    response_model=Envelope[UserOut],
    responses=error_responses({401: "Not signed in"}),
)
def delete_photo_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Remove your photo."""
    return saved_write(
        engine,
        lambda session: service.remove_profile_photo(session, actor),
        partial(_saved, actor=actor),
    )
