"""Clients (`/api/clients[/{id}]`): list, detail, create, versioned edits, delete.

Rules live in `avrentals.domain.services.clients`; this module maps HTTP to the service
(DESIGN §8): 201 on create, 204 on delete, 409 IN_USE while the client has events or quotes,
409 VERSION_CONFLICT with the saved client in `details.current`, 422 with field messages.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.schemas import (
    ClientCreate,
    ClientDetailOut,
    ClientListItem,
    ClientOut,
    ClientUpdate,
    service_fields,
)
from avrentals.db import read_session, transaction
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as service

router = APIRouter(tags=["clients"])

ClientId = Annotated[uuid.UUID, Path(alias="id", description="Client id")]
READ_ERRORS = {401: "Not signed in", 404: "Unknown client"}
WRITE_ERRORS = {401: "Not signed in", 403: "Role may not do this", 422: "Field errors"}
UPDATE_ERRORS = {**READ_ERRORS, **WRITE_ERRORS, 409: "Stale version (details.current)"}


def _saved(session: Session, actor: Actor, client_id: uuid.UUID) -> dict[str, object]:
    return ClientOut.from_row(
        service.client_row(service.get_client(session, actor, client_id))
    ).dump()


@router.get(
    "/api/clients",
    response_model=ListEnvelope[ClientListItem],
    responses=error_responses({401: "Not signed in", 422: "Bad paging or sort"}),
)
def list_clients_route(
    actor: ActorDep,
    engine: EngineDep,
    page: Annotated[int, Query(description="1-based page number")] = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Rows per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
    sort: Annotated[
        str, Query(description=f"One of {', '.join(service.SORTS)}; a leading `-` descends")
    ] = "name",
    search: Annotated[
        str | None, Query(description="Matches name, contact person or email", max_length=100)
    ] = None,
) -> JSONResponse:
    """One page of clients with `eventCount` and `quoteCount`."""
    paging = PageRequest.parse(page, page_size)
    key, descending = (sort[1:], True) if sort.startswith("-") else (sort, False)
    with read_session(engine) as session:
        result = service.list_clients(
            session, actor, paging, search=search, sort=key, descending=descending
        )
    return ok([ClientListItem.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.get(
    "/api/clients/{id}",
    response_model=Envelope[ClientDetailOut],
    responses=error_responses(READ_ERRORS),
)
def get_client_route(client_id: ClientId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """The client with contacts, events, quotes (with status) and `clientValue`."""
    with read_session(engine) as session:
        detail = service.client_detail(session, actor, client_id)
    return ok(ClientDetailOut.from_detail(detail).dump())


@router.post(
    "/api/clients",
    status_code=201,
    response_model=Envelope[ClientOut],
    responses=error_responses(WRITE_ERRORS),
)
def create_client_route(body: ClientCreate, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Create a client; answers 201 with it."""
    with transaction(engine) as session:
        client = service.create_client(
            session, actor, body.model_dump(exclude_unset=True, by_alias=False)
        )
        data = ClientOut.from_row(service.client_row(client)).dump()
    return ok(data, status_code=201)


def _update(
    client_id: uuid.UUID, body: ClientUpdate, actor: Actor, engine: EngineDep
) -> JSONResponse:
    with transaction(engine) as session:
        try:
            service.update_client(session, actor, client_id, body.version, service_fields(body))
        except VersionConflict as exc:
            session.rollback()
            raise VersionConflict(exc.message, _saved(session, actor, client_id)) from exc
        data = _saved(session, actor, client_id)
    return ok(data)


@router.put(
    "/api/clients/{id}",
    response_model=Envelope[ClientOut],
    responses=error_responses(UPDATE_ERRORS),
)
def put_client_route(
    client_id: ClientId, body: ClientUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Change the given fields (versioned; null or "" clears an optional field)."""
    return _update(client_id, body, actor, engine)


@router.patch(
    "/api/clients/{id}",
    response_model=Envelope[ClientOut],
    responses=error_responses(UPDATE_ERRORS),
)
def patch_client_route(
    client_id: ClientId, body: ClientUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Change the given fields (versioned; null or "" clears an optional field)."""
    return _update(client_id, body, actor, engine)


@router.delete(
    "/api/clients/{id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        {**READ_ERRORS, 403: "Role may not delete clients", 409: "IN_USE or stale version"}
    ),
)
def delete_client_route(
    client_id: ClientId,
    actor: ActorDep,
    engine: EngineDep,
    version: Annotated[int | None, Query(ge=1, description="Optional: refuse if changed")] = None,
) -> Response:
    """Delete a client: 204, or 409 IN_USE while it has events or quotes."""
    with transaction(engine) as session:
        try:
            service.delete_client(session, actor, client_id, version=version)
        except VersionConflict as exc:
            session.rollback()
            raise VersionConflict(exc.message, _saved(session, actor, client_id)) from exc
    return Response(status_code=204)
