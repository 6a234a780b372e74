"""Equipment photos and QR labels.

- `GET /api/media/equipment/{name}`: a stored photo or thumbnail. No sign-in: the name is a
  capability (a sha256 nobody can guess), checked strictly against `media_store.NAME_RE`, so
  nothing but our own files can be reached. Cached forever (content-addressed names never
  change meaning), `nosniff`, shown inline.
- `POST /api/equipment/{id}/image` (multipart `file`, optional `version`): set or replace the
  photo; 201 with the saved item. `DELETE /api/equipment/{id}/image[?version=]`: remove it;
  200 with the saved item. Rules in `services.equipment_images`.
- `GET /api/equipment/{id}/label.png` and `GET /api/equipment/labels.pdf?ids=&categoryId=`:
  QR labels as downloads (`services.labels`).

This router must be included before the equipment router: `/api/equipment/labels.pdf` would
otherwise be taken for `/api/equipment/{id}`.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, error_responses, ok
from avrentals.api.routes.equipment import ItemId, VersionQuery, saved_item
from avrentals.api.schemas import EquipmentOut
from avrentals.db import read_session, transaction
from avrentals.domain import media_store
from avrentals.domain.errors import NotFound, ValidationFailed, VersionConflict
from avrentals.domain.services.equipment_images import (
    remove_equipment_image,
    set_equipment_image,
)
from avrentals.domain.services.labels import (
    MAX_LABELS,
    label_data,
    label_sheet_pdf,
    render_label_png,
)

router = APIRouter(tags=["media"])

# Multipart framing around a 5 MB photo; the photo rule itself (<= 5 MB) is the service's.
UPLOAD_MAX_BODY_BYTES = media_store.MAX_UPLOAD_BYTES + 64 * 1024
UPLOAD_PATH_RE = re.compile(r"^/api/equipment/[^/]+/image$")
MEDIA_CACHE = "public, max-age=31536000, immutable"
_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _saved(engine: EngineDep, actor: ActorDep, item_id: uuid.UUID) -> dict[str, object]:
    with read_session(engine) as session:
        return saved_item(session, actor, item_id)


def _conflict(
    exc: VersionConflict, engine: EngineDep, actor: ActorDep, item_id: uuid.UUID
) -> VersionConflict:
    """The same conflict with the saved item in the API shape in `details.current`."""
    return VersionConflict(exc.message, _saved(engine, actor, item_id))


@router.get(
    "/api/media/equipment/{name}",
    response_class=Response,
    responses={
        200: {
            "content": {ctype: {} for ctype in media_store.CONTENT_TYPES.values()},
            "description": "The photo or thumbnail",
        },
        **error_responses({404: "Unknown or malformed name"}),
    },
)
def media_file_route(
    name: Annotated[str, Path(description="Stored name: `<sha256>[-thumb].<jpg|png|webp>`")],
) -> Response:
    """A stored equipment photo (no sign-in: its name is unguessable). 404 NOT_FOUND for a
    name that is not strictly one of ours or that no file has."""
    found = media_store.open_media(name)
    if found is None:
        raise NotFound("No such photo.")
    path, content_type = found
    return FileResponse(
        path,
        media_type=content_type,
        headers={
            "Cache-Control": MEDIA_CACHE,
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": "inline",
        },
    )


IMAGE_ERRORS = error_responses(
    {
        401: "Not signed in",
        403: "Role may not edit equipment",
        404: "Unknown item",
        409: "VERSION_CONFLICT: stale version; the saved item is in details.current",
        413: "Request body far above 5 MB",
        422: "No file, or the file is not an accepted photo (details.image)",
    }
)


@router.post(
    "/api/equipment/{id}/image",
    status_code=201,
    response_model=Envelope[EquipmentOut],
    responses=IMAGE_ERRORS,
    max_body_size=UPLOAD_MAX_BODY_BYTES,
)
async def upload_image_route(
    item_id: ItemId,
    actor: ActorDep,
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="JPEG, PNG or WebP, at most 5 MB")],
    version: Annotated[
        int | None, Form(ge=1, description="Optional: refuse when the item changed since")
    ] = None,
) -> JSONResponse:
    """Set or replace the item's photo; 201 with the saved item (`imageUrl`,
    `thumbnailUrl`, new `version`). The type is checked from the content, not the file name
    or its Content-Type; metadata is stripped."""
    data = await file.read(media_store.MAX_UPLOAD_BYTES + 1)
    await file.close()
    # Decoding and re-encoding a photo takes tens of milliseconds of CPU and the database
    # calls block: keep both off the event loop, as FastAPI does for sync routes.
    return await run_in_threadpool(_store_image, item_id, actor, engine, data, version)


def _store_image(
    item_id: uuid.UUID, actor: ActorDep, engine: EngineDep, data: bytes, version: int | None
) -> JSONResponse:
    try:
        with transaction(engine) as session:
            set_equipment_image(session, actor, item_id, data, version=version)
    except VersionConflict as exc:
        raise _conflict(exc, engine, actor, item_id) from exc
    return ok(_saved(engine, actor, item_id), status_code=201)


@router.delete(
    "/api/equipment/{id}/image",
    response_model=Envelope[EquipmentOut],
    responses=error_responses(
        {
            401: "Not signed in",
            403: "Role may not edit equipment",
            404: "Unknown item",
            409: "VERSION_CONFLICT: stale version; the saved item is in details.current",
        }
    ),
)
def delete_image_route(
    item_id: ItemId,
    actor: ActorDep,
    engine: EngineDep,
    version: VersionQuery = None,
) -> JSONResponse:
    """Remove the item's photo; 200 with the saved item (an item without a photo is
    answered unchanged)."""
    try:
        with transaction(engine) as session:
            remove_equipment_image(session, actor, item_id, version=version)
    except VersionConflict as exc:
        raise _conflict(exc, engine, actor, item_id) from exc
    return ok(_saved(engine, actor, item_id))


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def _safe_filename(text: str) -> str:
    return _FILENAME_UNSAFE.sub("-", text).strip("-") or "label"


@router.get(
    "/api/equipment/labels.pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "A4 label sheet(s)"},
        **error_responses(
            {
                401: "Not signed in",
                404: "Unknown category",
                422: "Nothing selected, malformed ids or too many labels",
            }
        ),
    },
)
def labels_pdf_route(
    actor: ActorDep,
    engine: EngineDep,
    ids: Annotated[
        str | None, Query(description="Comma-separated equipment ids", max_length=40_000)
    ] = None,
    category_id: Annotated[
        uuid.UUID | None, Query(alias="categoryId", description="Every item of this category")
    ] = None,
) -> Response:
    """A printable A4 PDF of QR labels (3 x 8 per page) for the given items and/or a whole
    category, as a download. 422 VALIDATION_ERROR when nothing is selected."""
    item_ids = _parse_ids(ids)
    with read_session(engine) as session:
        pdf = label_sheet_pdf(session, actor, item_ids=item_ids, category_id=category_id)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": _attachment("equipment-labels.pdf")},
    )


def _parse_ids(raw: str | None) -> list[uuid.UUID] | None:
    if raw is None or not raw.strip():
        return None
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if len(parts) > MAX_LABELS:
        raise ValidationFailed({"ids": [f"At most {MAX_LABELS} items at once."]})
    try:
        return [uuid.UUID(p) for p in parts]
    except ValueError:
        raise ValidationFailed({"ids": ["Give equipment ids separated by commas."]}) from None


@router.get(
    "/api/equipment/{id}/label.png",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {}}, "description": "The item's QR label"},
        **error_responses({401: "Not signed in", 404: "Unknown item"}),
    },
)
def label_png_route(item_id: ItemId, actor: ActorDep, engine: EngineDep) -> Response:
    """The item's QR label (70 x 37 mm at 300 dpi) as a PNG download named after its asset
    code."""
    with read_session(engine) as session:
        label = label_data(session, actor, item_id)
    png = render_label_png(label)
    code = label.asset_code
    return Response(
        png,
        media_type="image/png",
        headers={"Content-Disposition": _attachment(f"label-{_safe_filename(code)}.png")},
    )
