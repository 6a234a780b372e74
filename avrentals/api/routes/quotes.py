"""Quotes (`/api/quotes[/{id}]`, `/approve`, `/status`, `/duplicate`, `/preview`).

Rules live in `avrentals.domain.services.quotes`; this module maps HTTP to the service
(DESIGN §8): 201 on create and duplicate, 204 on delete, 409 INVALID_STATE for a workflow
step that is not allowed, 409 VERSION_CONFLICT with the saved quote in `details.current`,
409 RENTAL_CONFLICT (every failing line, nothing written) when an approval does not fit,
422 with field messages (`items[0].unitPrice`). The documents router owns `/pdf` and
`/send`; nothing here matches `/api/quotes/{id}/{anything}`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import Envelope, ListEnvelope, error_responses, ok
from avrentals.api.route_helpers import PageQ, parse_sort
from avrentals.api.schemas_events import EventDetailOut
from avrentals.api.schemas_quotes import (
    ApprovalOut,
    PreviewOut,
    QuoteDetailOut,
    QuoteFields,
    QuoteListItem,
    QuoteOut,
    QuoteUpdate,
    StatusChange,
    VersionBody,
)
from avrentals.db import read_session, transaction
from avrentals.domain.errors import VersionConflict
from avrentals.domain.pagination import MAX_PAGE_SIZE, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import events as ev
from avrentals.domain.services import quotes as service

router = APIRouter(tags=["quotes"])

QuoteId = Annotated[uuid.UUID, Path(alias="id", description="Quote id")]
READ_ERRORS = {401: "Not signed in", 404: "Unknown quote"}
WRITE_ERRORS = {401: "Not signed in", 403: "Role may not edit quotes", 422: "Field errors"}
VERSIONED_ERRORS = {
    **READ_ERRORS,
    **WRITE_ERRORS,
    409: "VERSION_CONFLICT (details.current) or INVALID_STATE",
}


def _detail(session: Session, actor: Actor, quote_id: uuid.UUID) -> dict[str, Any]:
    return QuoteDetailOut.from_detail(service.quote_detail(session, actor, quote_id)).dump()


@contextmanager
def _wire_conflict() -> Iterator[None]:
    """Raise a VersionConflict from the block again with the saved quote in the wire
    format."""
    try:
        yield
    except VersionConflict as exc:
        raise VersionConflict(exc.message, QuoteOut.from_payload(exc.current).dump()) from exc


@router.get(
    "/api/quotes",
    response_model=ListEnvelope[QuoteListItem],
    responses=error_responses({401: "Not signed in", 422: "Bad paging, sort or status"}),
)
def list_quotes_route(
    actor: ActorDep,
    engine: EngineDep,
    page: PageQ = 1,
    page_size: Annotated[
        int, Query(alias="pageSize", description=f"Quotes per page, 1 to {MAX_PAGE_SIZE}")
    ] = 20,
    sort: Annotated[
        str,
        Query(description=f"One of {', '.join(service.SORTS)}; a leading `-` sorts descending"),
    ] = "-createdAt",
    search: Annotated[
        str | None, Query(description="Matches name, number or client name", max_length=100)
    ] = None,
    status: Annotated[
        str | None, Query(description="Draft, Sent, Accepted, Declined or Archived")
    ] = None,
) -> JSONResponse:
    """One page of quotes (without lines; with `itemCount`), plus `pagination`."""
    paging = PageRequest.parse(page, page_size)
    key, descending = parse_sort(sort)
    with read_session(engine) as session:
        result = service.list_quotes(
            session,
            actor,
            paging=paging,
            search=search,
            status=status,
            sort=key,
            descending=descending,
        )
    return ok([QuoteListItem.from_row(r).dump() for r in result.items], pagination=result.meta())


@router.post(
    "/api/quotes/preview",
    response_model=Envelope[PreviewOut],
    responses=error_responses({401: "Not signed in", 422: "Field errors"}),
)
def preview_quote_route(body: QuoteFields, actor: ActorDep) -> JSONResponse:
    """Price a quote document without saving it (each line needs its `unitPrice`; a
    missing `taxRate` is 0.23). Only the rules that change the amounts are checked."""
    return ok(PreviewOut(**service.preview_totals(body.values())).dump())


@router.post(
    "/api/quotes",
    status_code=201,
    response_model=Envelope[QuoteDetailOut],
    responses=error_responses(WRITE_ERRORS),
)
def create_quote_route(body: QuoteFields, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Create a Draft quote with the next number; every active required fee is added.
    At least one line. Totals are computed here; any sent are ignored. 201 with it."""
    with transaction(engine) as session:
        quote = service.create_quote(session, actor, body.values())
        data = _detail(session, actor, quote.id)
    return ok(data, status_code=201)


@router.get(
    "/api/quotes/{id}",
    response_model=Envelope[QuoteDetailOut],
    responses=error_responses(READ_ERRORS),
)
def get_quote_route(quote_id: QuoteId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """The quote with its lines (equipment lines with `available`/`bookable` for the
    quote's dates)."""
    with read_session(engine) as session:
        return ok(_detail(session, actor, quote_id))


def _update(
    quote_id: uuid.UUID, body: QuoteUpdate, actor: Actor, engine: EngineDep, *, partial: bool
) -> JSONResponse:
    with transaction(engine) as session:
        values = body.values(partial=partial)
        if partial:
            saved = service.get_quote(session, actor, quote_id)
            values = service.document_values(session, saved) | values
        with _wire_conflict():
            service.update_quote(session, actor, quote_id, values, body.version)
        data = _detail(session, actor, quote_id)
    return ok(data)


@router.put(
    "/api/quotes/{id}",
    response_model=Envelope[QuoteDetailOut],
    responses=error_responses(VERSIONED_ERRORS),
)
def put_quote_route(
    quote_id: QuoteId, body: QuoteUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Save the whole document (header + every line; missing optional fields are cleared)
    given the current `version`. Only Draft and Sent quotes are editable (409
    INVALID_STATE otherwise)."""
    return _update(quote_id, body, actor, engine, partial=False)


@router.patch(
    "/api/quotes/{id}",
    response_model=Envelope[QuoteDetailOut],
    responses=error_responses(VERSIONED_ERRORS),
)
def patch_quote_route(
    quote_id: QuoteId, body: QuoteUpdate, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Change only the fields sent (plus `version`); `items`, when sent, is the full new
    list of lines. Same checks as PUT."""
    return _update(quote_id, body, actor, engine, partial=True)


@router.delete(
    "/api/quotes/{id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        {**READ_ERRORS, 403: "Role may not delete quotes", 409: "Stale version"}
    ),
)
def delete_quote_route(
    quote_id: QuoteId,
    actor: ActorDep,
    engine: EngineDep,
    version: Annotated[int | None, Query(ge=1, description="Refuse if no longer current")] = None,
) -> Response:
    """Delete the quote and its lines; 204. An event approved from it stays."""
    with _wire_conflict(), transaction(engine) as session:
        service.delete_quote(session, actor, quote_id, version)
    return Response(status_code=204)


@router.post(
    "/api/quotes/{id}/status",
    response_model=Envelope[QuoteDetailOut],
    responses=error_responses(VERSIONED_ERRORS),
)
def change_status_route(
    quote_id: QuoteId, body: StatusChange, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Move the quote along Draft -> Sent -> Accepted | Declined, any -> Archived; any
    other step is 409 INVALID_STATE."""
    with transaction(engine) as session:
        with _wire_conflict():
            service.change_status(session, actor, quote_id, body.status, body.version)
        data = _detail(session, actor, quote_id)
    return ok(data)


@router.post(
    "/api/quotes/{id}/approve",
    response_model=Envelope[ApprovalOut],
    responses=error_responses(
        {
            **READ_ERRORS,
            403: "Role may not approve quotes (quotes, events and rentals write)",
            409: "RENTAL_CONFLICT (details.lines; nothing written), INVALID_STATE or "
            "VERSION_CONFLICT",
            422: "No linked client (clientId) or event field errors",
        }
    ),
)
def approve_quote_route(
    quote_id: QuoteId, body: VersionBody, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """Turn a Sent quote with a linked client into an event with one rental per equipment
    line, all in one transaction; the quote becomes Accepted and links to the event."""
    with transaction(engine) as session:
        with _wire_conflict():
            event = service.approve_quote(session, actor, quote_id, body.version)
        data = {
            "quote": _detail(session, actor, quote_id),
            "event": EventDetailOut.from_row(ev.get_event_detail(session, actor, event.id)).dump(),
        }
    return ok(data)


@router.post(
    "/api/quotes/{id}/duplicate",
    status_code=201,
    response_model=Envelope[QuoteDetailOut],
    responses=error_responses({**READ_ERRORS, 403: "Role may not create quotes"}),
)
def duplicate_quote_route(quote_id: QuoteId, actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """A Draft copy with a new number and the same lines, re-priced; 201 with it."""
    with transaction(engine) as session:
        copy = service.duplicate_quote(session, actor, quote_id)
        data = _detail(session, actor, copy.id)
    return ok(data, status_code=201)
