"""Company settings (`/api/settings`, DESIGN §4, §8).

`GET` answers what the caller may see (the public part for every signed-in user; Admins also
get the tax id, quote terms, SMTP settings and `version`, never the SMTP password).
`PATCH` (Admin, versioned) changes settings; `POST /api/settings/logo` (multipart `file`) and
`DELETE /api/settings/logo` set and remove the logo. Rules in
`avrentals.domain.services.settings_admin`.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, error_responses, ok
from avrentals.api.route_helpers import IfVersionQ, ImageFile, read_upload, saved_write
from avrentals.api.routes.media import UPLOAD_MAX_BODY_BYTES
from avrentals.api.schemas import service_fields
from avrentals.api.schemas_users import SettingsOut, SettingsUpdate
from avrentals.db import read_session
from avrentals.domain.permissions import Actor
from avrentals.domain.services import settings_admin as service

router = APIRouter(tags=["settings"])

WRITE_ERRORS = error_responses(
    {
        401: "Not signed in",
        403: "Only Admins change settings",
        409: "Stale version (details.current)",
        422: "Field errors",
    }
)


def _saved(session: Session, actor: Actor) -> dict[str, Any]:
    return SettingsOut.dump_row(service.read_settings(session, actor))


@router.get(
    "/api/settings",
    response_model=Envelope[SettingsOut],
    responses=error_responses({401: "Not signed in"}),
)
def get_settings_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """The company settings you may see."""
    with read_session(engine) as session:
        return ok(_saved(session, actor))


@router.patch("/api/settings", response_model=Envelope[SettingsOut], responses=WRITE_ERRORS)
def patch_settings_route(body: SettingsUpdate, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Change the given settings (Admin, versioned; `defaultTaxRate` is a fraction)."""
    fields = service_fields(body)
    return saved_write(
        engine,
        lambda session: service.update_settings(session, actor, body.version, fields),
        partial(_saved, actor=actor),
    )


@router.post(
    "/api/settings/logo",
    status_code=201,
    response_model=Envelope[SettingsOut],
    responses=WRITE_ERRORS,
    max_body_size=UPLOAD_MAX_BODY_BYTES,
)
async def upload_logo_route(
    actor: ActorDep,
    engine: EngineDep,
    file: ImageFile,
    version: Annotated[int | None, Form(ge=1, description="Optional: refuse if changed")] = None,
) -> JSONResponse:
    """Set or replace the company logo."""
    data = await read_upload(file)
    return await run_in_threadpool(
        saved_write,
        engine,
        lambda session: service.set_logo(session, actor, data, version=version),
        partial(_saved, actor=actor),
        status_code=201,
        wire_conflict=False,
    )


@router.delete("/api/settings/logo", response_model=Envelope[SettingsOut], responses=WRITE_ERRORS)
def delete_logo_route(
    actor: ActorDep,
    engine: EngineDep,
    version: IfVersionQ = None,
) -> JSONResponse:
    """Remove the company logo."""
    return saved_write(
        engine,
        lambda session: service.remove_logo(session, actor, version=version),
        partial(_saved, actor=actor),
        wire_conflict=False,
    )
