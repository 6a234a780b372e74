"""Equipment as CSV over REST: `GET /api/equipment/export.csv` and `POST /api/equipment/import`.

Registered before the equipment router so `export.csv` / `import` are not taken for an `{id}`.
Every rule lives in `avrentals.domain.services.equipment_csv`; this module maps HTTP to it:

- export: the same filters and sort as `GET /api/equipment`, every matching row (no paging),
  `text/csv; charset=utf-8` as an attachment `equipment-YYYY-MM-DD.csv`.
- import: multipart field `file`. `dryRun=true` answers 200 with the preview (row errors
  included); `dryRun=false` (default) imports all rows or none: 201 `{"created": n}`, or 422
  VALIDATION_ERROR with `details.rows` = `{"<row number>": {"<column>": ["message"]}}` and
  `details.totalRows`. A file-level problem (encoding, missing columns, > 10 MB, > 20,000
  rows) is a 422 with `details.file`. Row numbers are spreadsheet rows (header = row 1);
  column names are camelCase (`assetCode`, `dailyRate`, `lowStockThreshold`, ...).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, error_responses, failure, ok
from avrentals.api.errors import to_camel
from avrentals.api.routes.equipment import EquipmentFilters
from avrentals.db import read_session, transaction
from avrentals.domain.permissions import Actor
from avrentals.domain.services.equipment_csv import (
    MAX_FILE_BYTES,
    ImportPreview,
    ImportRowsFailed,
    export_equipment_csv,
    export_filename,
    import_equipment_csv,
    preview_equipment_csv,
)

router = APIRouter(tags=["equipment"])

# Room for the multipart framing around a file at the size limit.
MAX_UPLOAD_BODY = MAX_FILE_BYTES + 64 * 1024
IMPORT_PATH = "/api/equipment/import"
IMPORT_PATH_RE = re.compile(rf"^{re.escape(IMPORT_PATH)}$")


class RowError(BaseModel):
    row: int
    fields: dict[str, list[str]]


class ImportPreviewOut(BaseModel):
    """What `dryRun=false` would do."""

    totalRows: int
    validCount: int
    errorCount: int
    errors: list[RowError]
    sample: list[dict[str, str]]
    columns: list[str]
    ignoredColumns: list[str]


class ImportResultOut(BaseModel):
    created: int


def _camel_fields(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    return {to_camel(k): v for k, v in fields.items()}


def preview_out(preview: ImportPreview) -> dict[str, Any]:
    return {
        "totalRows": preview.total_rows,
        "validCount": preview.valid_count,
        "errorCount": len(preview.errors),
        "errors": [{"row": n, "fields": _camel_fields(f)} for n, f in preview.errors],
        "sample": [{to_camel(k): v for k, v in row.items()} for row in preview.sample],
        "columns": preview.columns,
        "ignoredColumns": preview.ignored_columns,
    }


@router.get(
    "/api/equipment/export.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The CSV file (UTF-8 with BOM)"},
        **error_responses({401: "Not signed in", 422: "Bad sort or filter"}),
    },
)
def export_equipment_route(
    actor: ActorDep,
    engine: EngineDep,
    filters: EquipmentFilters,
) -> Response:
    """Every item matching the filters of `GET /api/equipment`, as a CSV attachment. Text
    cells that a spreadsheet would run as a formula start with `'`."""
    with read_session(engine) as session:
        data = export_equipment_csv(session, actor, **filters)
    filename = export_filename(date.today())
    return Response(
        content=data,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    IMPORT_PATH,
    status_code=201,
    response_model=Envelope[ImportResultOut],
    max_body_size=MAX_UPLOAD_BODY,
    responses={
        200: {"model": Envelope[ImportPreviewOut], "description": "dryRun=true: the preview"},
        **error_responses(
            {
                401: "Not signed in",
                403: "Role may not edit equipment",
                413: "Upload too large",
                422: "File problem (details.file) or row errors (details.rows); "
                "nothing was imported",
            }
        ),
    },
)
def import_equipment_route(
    actor: ActorDep,
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="The CSV file (UTF-8, `,` or `;`)")],
    dry_run: Annotated[
        bool, Query(alias="dryRun", description="true: only preview, write nothing")
    ] = False,
) -> JSONResponse:
    """Preview (dryRun=true, 200) or import all rows or none (201 with the count)."""
    # A sync route runs in the thread pool, so reading the spooled file blocks no loop; one
    # byte over the limit is enough for the service to refuse the size.
    data = file.file.read(MAX_FILE_BYTES + 1)
    if dry_run:
        preview = _preview(engine, actor, data)
        return ok(preview_out(preview))
    try:
        created = _import(engine, actor, data)
    except ImportRowsFailed as exc:
        rows = {str(n): _camel_fields(f) for n, f in exc.rows}
        return failure(422, exc.code, exc.message, {"rows": rows, "totalRows": exc.total})
    return ok({"created": created}, status_code=201)


def _preview(engine: Engine, actor: Actor, data: bytes) -> ImportPreview:
    with read_session(engine) as session:
        return preview_equipment_csv(session, actor, data)


def _import(engine: Engine, actor: Actor, data: bytes) -> int:
    with transaction(engine) as session:
        return import_equipment_csv(session, actor, data)
