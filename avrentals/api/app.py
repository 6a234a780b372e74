"""Builds the FastAPI app the Reflex backend mounts (`rx.App(api_transformer=create_api())`).

Reflex mounts its own backend *inside* this app (at ""), so every route here carries its full
`/api/...` path, any other path falls through to Reflex, and the catch-all below keeps unknown
`/api/...` paths inside the API's envelope. Reflex adds CORS to this app; we add none.
"""

from __future__ import annotations

import re

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine
from starlette.routing import Match

from avrentals.api.envelope import failure
from avrentals.api.errors import install_error_handlers
from avrentals.api.idempotency import (
    IdempotencyAnswerMiddleware,
    ReplayAnswer,
    idempotency_guard,
    replay_answer,
)
from avrentals.api.middleware import (
    API_PREFIX,
    BrowserSecurityHeadersMiddleware,
    DeclaredBodySizeMiddleware,
    NulCharacterMiddleware,
    SecurityHeadersMiddleware,
)
from avrentals.api.routes import (
    audit,
    auth,
    availability,
    calendar,
    catalogues,
    categories,
    clients,
    equipment,
    equipment_csv,
    events,
    health,
    maintenance,
    media,
    notifications,
    prep,
    profile,
    quote_documents,
    quotes,
    rentals,
    reports,
    settings,
    timeline,
    users,
)
from avrentals.domain.errors import NotFound

# Request bodies of the JSON API are small; file uploads will get their own limits.
MAX_JSON_BODY_BYTES = 1_048_576
# The profile photo and the company logo go through the same photo pipeline as equipment.
ADMIN_UPLOAD_PATH_RE = re.compile(r"^/api/(profile/photo|settings/logo)$")
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
ROUTERS = (
    health.router,
    auth.router,
    media.router,  # before equipment: /api/equipment/labels.pdf is not an {id}
    equipment_csv.router,  # before equipment: export.csv / import are not an {id}
    equipment.router,
    categories.router,
    catalogues.router,
    clients.router,
    quote_documents.router,  # before any other quotes router: /pdf, /send
    quotes.router,
    events.router,
    prep.router,  # before rentals: /api/rentals/scan-batch is not an {id}
    rentals.router,
    maintenance.router,
    availability.router,
    calendar.router,
    timeline.router,
    users.router,
    profile.router,
    settings.router,
    notifications.router,
    reports.router,
    audit.router,
)


async def unknown_api_route(request: Request) -> JSONResponse:
    """Any `/api/...` path no route claimed: 405 METHOD_NOT_ALLOWED (with `Allow`) when the
    path exists for other methods, else 404 NOT_FOUND."""
    allowed: set[str] = set()
    for route in request.app.state.api_routes:
        match, _ = route.matches({**request.scope, "path_params": {}})
        if match is not Match.NONE:
            allowed.update(route.methods or ())
    if allowed:
        return failure(
            405,
            "METHOD_NOT_ALLOWED",
            f"{request.method} is not allowed on {request.url.path}.",
            headers={"Allow": ", ".join(sorted(allowed))},
        )
    raise NotFound(f"No API endpoint at {request.url.path}.")


def create_api(engine: Engine | None = None) -> FastAPI:
    """The REST API (DESIGN §8) as a FastAPI app with full `/api/...` paths.

    `engine`: the database to use; None means the process-wide `avrentals.db.get_engine()`,
    created at the first request that needs it (never at import). Kept on `app.state.engine`.
    """
    app = FastAPI(
        title="AV Rentals API",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        dependencies=[Depends(idempotency_guard)],
    )
    app.state.engine = engine
    install_error_handlers(app)
    app.add_exception_handler(ReplayAnswer, replay_answer)
    # Innermost: sees the route's own answer, before the size and header middlewares.
    app.add_middleware(IdempotencyAnswerMiddleware)
    app.add_middleware(NulCharacterMiddleware)
    # Last added runs first: the size check answers before anything reads the body, and its
    # 413 still passes through the security headers.
    app.add_middleware(
        DeclaredBodySizeMiddleware,
        max_bytes=MAX_JSON_BODY_BYTES,
        larger=(
            (media.UPLOAD_PATH_RE, media.UPLOAD_MAX_BODY_BYTES),
            (equipment_csv.IMPORT_PATH_RE, equipment_csv.MAX_UPLOAD_BODY),
            (ADMIN_UPLOAD_PATH_RE, media.UPLOAD_MAX_BODY_BYTES),
        ),
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BrowserSecurityHeadersMiddleware)
    for router in ROUTERS:
        app.include_router(router, max_body_size=MAX_JSON_BODY_BYTES)
    app.state.api_routes = [
        r for router in ROUTERS for r in router.routes if isinstance(r, APIRoute)
    ]
    # Registered last so that every real route matches first.
    for path in (API_PREFIX, API_PREFIX + "/{path:path}"):
        app.add_api_route(path, unknown_api_route, methods=ANY_METHOD, include_in_schema=False)
    return app
