"""Quote documents: `GET /api/quotes/{id}/pdf` (the client-facing PDF) and
`POST /api/quotes/{id}/send` (e-mail it to the client and mark the quote Sent).

Rules live in `services.quote_pdf` and `services.quote_email`. This router is included before
the other quote routes so that `/pdf` and `/send` are never taken for other paths.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StrictInt
from sqlmodel import Session

from avrentals.api.deps import ActorDep, EngineDep
from avrentals.api.envelope import error_responses, ok
from avrentals.api.schemas import RequestBody
from avrentals.api.schemas_quotes import QuoteOut
from avrentals.db import read_session, transaction
from avrentals.domain.errors import NotFound, VersionConflict
from avrentals.domain.models import Quote
from avrentals.domain.services.quote_email import send_quote
from avrentals.domain.services.quote_pdf import render_quote_pdf
from avrentals.domain.services.quotes import quote_payload

router = APIRouter(tags=["quotes"])

QuoteId = Annotated[uuid.UUID, Path(alias="id", description="Quote id")]
Language = Literal["en", "pt"]


def quote_out(session: Session, quote: Quote) -> dict[str, Any]:
    """The quote in the same camelCase shape as every other quote route."""
    return QuoteOut.from_payload(quote_payload(session, quote)).dump()


class SendQuoteRequest(RequestBody):
    """`POST /api/quotes/{id}/send` body."""

    version: StrictInt = Field(ge=1, description="The quote version the sender last saw")
    to: str | None = Field(
        default=None, max_length=254, description="Recipient; default the client e-mail"
    )
    language: Language | None = Field(
        default=None, description="Language of the e-mail and PDF; default the settings'"
    )


@router.get(
    "/api/quotes/{id}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The quote as a PDF"},
        **error_responses(
            {401: "Not signed in", 404: "Unknown quote", 422: "lang is not en or pt"}
        ),
    },
)
def quote_pdf_route(
    quote_id: QuoteId,
    actor: ActorDep,
    engine: EngineDep,
    lang: Annotated[
        Language | None, Query(description="en or pt; default the settings' language")
    ] = None,
    download: Annotated[
        bool, Query(description="1: as an attachment (download); else shown inline")
    ] = False,
) -> Response:
    """The quote as an A4 PDF named `quote-{number}.pdf`, inline (preview) or as a
    download with `?download=1`."""
    with read_session(engine) as session:
        filename, pdf = render_quote_pdf(session, actor, quote_id, lang)
    disposition = "attachment" if download else "inline"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


def _current(engine: EngineDep, quote_id: uuid.UUID) -> dict[str, Any]:
    with read_session(engine) as session:
        quote = session.get(Quote, quote_id)
        if quote is None:
            raise NotFound("Quote not found.")
        return quote_out(session, quote)


@router.post(
    "/api/quotes/{id}/send",
    responses=error_responses(
        {
            401: "Not signed in",
            403: "Role may not send quotes",
            404: "Unknown quote",
            409: "VERSION_CONFLICT (details.current) or INVALID_STATE (not Draft/Sent, no lines)",
            422: "No valid recipient (details.to) or bad body",
            502: "EMAIL_FAILED: SMTP not configured or the mail server failed; nothing changed",
        }
    ),
)
def send_quote_route(
    quote_id: QuoteId, body: SendQuoteRequest, actor: ActorDep, engine: EngineDep
) -> JSONResponse:
    """E-mail the quote's PDF to `to` (default the client e-mail) and record it: Draft
    becomes Sent, `sentAt`/`sentTo` are set. Answers the saved quote."""
    try:
        with transaction(engine) as session:
            quote = send_quote(
                session, actor, quote_id, body.version, to=body.to, language=body.language
            )
            data = quote_out(session, quote)
    except VersionConflict as exc:
        raise VersionConflict(exc.message, _current(engine, quote_id)) from exc
    return ok(data)
