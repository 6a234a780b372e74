"""`GET /api/health`: liveness plus a database round trip (no sign-in needed)."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from avrentals.api.deps import EngineDep
from avrentals.api.envelope import Envelope, error_responses, ok
from avrentals.api.schemas import HealthData

router = APIRouter(tags=["health"])


@router.get(
    "/api/health",
    response_model=Envelope[HealthData],
    responses=error_responses({503: "The database is unreachable"}),
)
def health(engine: EngineDep) -> JSONResponse:
    """`{"status": "ok", "database": "ok"}` after a `SELECT 1`.

    An unreachable database raises a DBAPIError, answered as 503 SERVICE_UNAVAILABLE by the
    error mapping."""
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT 1"))
    return ok(HealthData(status="ok", database="ok").dump())
