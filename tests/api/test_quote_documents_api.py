"""`GET /api/quotes/{id}/pdf` and `POST /api/quotes/{id}/send`: headers, envelope,
status codes and roles."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from avrentals.domain.enums import QuoteStatus, Role
from tests.api.conftest import assert_envelope, assert_error
from tests.quote_factories import make_quote, reload_quote
from tests.smtp_server import SmtpServer, configure, running_server

HeadersFor = Callable[[Role], dict[str, str]]
QUOTE_KEYS = {
    "id",
    "number",
    "name",
    "location",
    "clientId",
    "clientName",
    "clientEmail",
    "clientPhone",
    "clientAddress",
    "startDate",
    "endDate",
    "discountValue",
    "discountType",
    "taxRate",
    "subTotal",
    "discountAmount",
    "feesTotal",
    "taxAmount",
    "total",
    "status",
    "notes",
    "validUntil",
    "sentAt",
    "sentTo",
    "sentVersion",
    "eventId",
    "version",
    "createdAt",
    "updatedAt",
    "items",
}
ITEM_KEYS = {
    "id",
    "itemType",
    "equipmentId",
    "serviceId",
    "feeId",
    "description",
    "quantity",
    "unitPrice",
    "days",
    "feeType",
    "lineTotal",
    "position",
}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_server() as server:
        yield server


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(p.extract_text() for p in reader.pages).replace("\xa0", " ")


@pytest.mark.parametrize("role", list(Role))
def test_every_role_may_preview_the_pdf_inline(
    client: TestClient, engine: Engine, headers_for: HeadersFor, role: Role
) -> None:
    quote = make_quote(engine)
    response = client.get(f"/api/quotes/{quote.id}/pdf", headers=headers_for(role))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="quote-Q2030-001.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content.startswith(b"%PDF-")
    assert "Total €2,440.87" in pdf_text(response.content)


def test_download_and_language(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    quote = make_quote(engine)
    viewer = headers_for(Role.VIEWER)
    response = client.get(f"/api/quotes/{quote.id}/pdf?download=1&lang=pt", headers=viewer)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == ('attachment; filename="quote-Q2030-001.pdf"')
    text = pdf_text(response.content)
    assert "ORÇAMENTO" in text and "Total 2 440,87 €" in text
    english = client.get(f"/api/quotes/{quote.id}/pdf?lang=en&download=0", headers=viewer)
    assert english.headers["content-disposition"].startswith("inline;")
    assert "QUOTE" in pdf_text(english.content)


def test_pdf_errors(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    quote = make_quote(engine)
    assert_error(client.get(f"/api/quotes/{quote.id}/pdf"), 401, "UNAUTHORIZED")
    viewer = headers_for(Role.VIEWER)
    assert_error(client.get(f"/api/quotes/{uuid.uuid4()}/pdf", headers=viewer), 404, "NOT_FOUND")
    body = assert_error(
        client.get(f"/api/quotes/{quote.id}/pdf?lang=fr", headers=viewer), 422, "VALIDATION_ERROR"
    )
    assert "lang" in body["details"]
    assert_error(client.get("/api/quotes/not-a-uuid/pdf", headers=viewer), 422, "VALIDATION_ERROR")


def test_send_answers_the_sent_quote(
    client: TestClient, engine: Engine, headers_for: HeadersFor, smtp: SmtpServer
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    response = client.post(
        f"/api/quotes/{quote.id}/send",
        json={"version": 1, "to": "buyer@example.com", "language": "pt"},
        headers=headers_for(Role.EMPLOYEE),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert set(data) == QUOTE_KEYS
    assert [set(item) for item in data["items"]] == [ITEM_KEYS] * 5
    assert (data["status"], data["sentTo"], data["version"]) == ("Sent", "buyer@example.com", 2)
    assert data["sentVersion"] == 2  # what the client now has
    assert data["sentAt"] and data["total"] == "2440.87" and data["number"] == "Q2030-001"
    assert data["items"][0]["lineTotal"] == "150.00"
    # The same wire format as every other quote route.
    assert data["sentAt"].endswith("Z") and isinstance(data["taxRate"], float)
    same = client.get(f"/api/quotes/{quote.id}", headers=headers_for(Role.EMPLOYEE)).json()
    assert {k: same["data"][k] for k in ("sentAt", "taxRate", "total")} == {
        k: data[k] for k in ("sentAt", "taxRate", "total")
    }
    [(_, rcpt, message)] = smtp.inbox.messages
    assert rcpt == ["buyer@example.com"]
    assert message["Subject"].startswith("Orçamento Q2030-001")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.VIEWER, 403),
        (Role.TECHNICIAN, 403),
        (Role.EMPLOYEE, 200),
        (Role.MANAGER, 200),
        (Role.ADMIN, 200),
    ],
)
def test_send_roles(
    client: TestClient,
    engine: Engine,
    headers_for: HeadersFor,
    smtp: SmtpServer,
    role: Role,
    status: int,
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    response = client.post(
        f"/api/quotes/{quote.id}/send", json={"version": 1}, headers=headers_for(role)
    )
    assert response.status_code == status, response.text
    if status == 403:
        assert_error(response, 403, "FORBIDDEN")
        assert smtp.inbox.messages == []
        assert reload_quote(engine, quote.id).status == QuoteStatus.DRAFT
    else:
        assert len(smtp.inbox.messages) == 1


def test_send_errors(
    client: TestClient, engine: Engine, headers_for: HeadersFor, smtp: SmtpServer
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    url = f"/api/quotes/{quote.id}/send"
    employee = headers_for(Role.EMPLOYEE)
    assert_error(client.post(url, json={"version": 1}), 401, "UNAUTHORIZED")
    assert_error(
        client.post(f"/api/quotes/{uuid.uuid4()}/send", json={"version": 1}, headers=employee),
        404,
        "NOT_FOUND",
    )
    for bad in ({}, {"version": "1"}, {"version": 1, "cc": "x@example.com"}, {"version": 0}):
        assert_error(client.post(url, json=bad, headers=employee), 422, "VALIDATION_ERROR")
    bad_to = assert_error(
        client.post(url, json={"version": 1, "to": "nobody"}, headers=employee),
        422,
        "VALIDATION_ERROR",
    )
    assert list(bad_to["details"]) == ["to"]
    stale = assert_error(
        client.post(url, json={"version": 5}, headers=employee), 409, "VERSION_CONFLICT"
    )
    current = stale["details"]["current"]
    assert set(current) == QUOTE_KEYS and current["version"] == 1 and current["status"] == "Draft"
    archived = make_quote(engine, status=QuoteStatus.ARCHIVED)
    assert_error(
        client.post(f"/api/quotes/{archived.id}/send", json={"version": 1}, headers=employee),
        409,
        "INVALID_STATE",
    )
    assert smtp.inbox.messages == []


def test_mail_failure_is_502_and_changes_nothing(
    client: TestClient, engine: Engine, headers_for: HeadersFor, smtp: SmtpServer
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    smtp.controller.stop()
    body = assert_error(
        client.post(
            f"/api/quotes/{quote.id}/send", json={"version": 1}, headers=headers_for(Role.ADMIN)
        ),
        502,
        "EMAIL_FAILED",
    )
    assert "could not be sent" in body["error"]
    saved = reload_quote(engine, quote.id)
    assert (saved.status, saved.sent_at, saved.version) == (QuoteStatus.DRAFT, None, 1)
