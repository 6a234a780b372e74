"""Sending a quote by e-mail to a real SMTP server (aiosmtpd) started by the test: the PDF
arrives attached, the quote becomes Sent; any failure changes nothing."""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from pypdf import PdfReader
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain import changes
from avrentals.domain.enums import QuoteStatus, Role
from avrentals.domain.errors import (
    EmailFailed,
    Forbidden,
    InvalidState,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.models import AuditLog, Quote
from avrentals.domain.permissions import Actor
from avrentals.domain.services.quote_email import send_quote
from avrentals.settings import get_settings
from tests.factories import make_actor
from tests.quote_factories import make_quote, reload_quote, set_company
from tests.smtp_server import (
    SENDER,
    SmtpServer,
    configure,
    free_port,
    running_server,
    start_server,
)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_server() as server:
        yield server


@pytest.fixture
def published() -> Iterator[list[changes.Change]]:
    """Changes published on the bus during the test."""
    seen: list[changes.Change] = []

    class RecordingBus(changes.InProcessBus):
        def publish(self, change: changes.Change) -> None:
            seen.append(change)
            super().publish(change)

    changes.set_bus(RecordingBus())
    yield seen
    changes.set_bus(None)


def send(engine: Engine, actor: Actor, quote_id: uuid.UUID, version: int = 1, **kw: Any) -> Quote:
    with transaction(engine) as s:
        return send_quote(s, actor, quote_id, version, **kw)


def attachment(message: EmailMessage) -> tuple[str, str, bytes]:
    parts = list(message.iter_attachments())
    assert len(parts) == 1
    part = parts[0]
    return part.get_filename(), part.get_content_type(), part.get_payload(decode=True)


def audit_rows(engine: Engine, quote_id: uuid.UUID) -> list[AuditLog]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(AuditLog).where(
                    AuditLog.entity_type == "quote", AuditLog.entity_id == str(quote_id)
                )
            ).all()
        )


def assert_unchanged(engine: Engine, quote: Quote) -> None:
    saved = reload_quote(engine, quote.id)
    assert (saved.status, saved.sent_at, saved.sent_to, saved.version) == (
        quote.status,
        quote.sent_at,
        quote.sent_to,
        quote.version,
    )
    assert audit_rows(engine, quote.id) == []


def test_send_delivers_the_pdf_and_marks_the_quote_sent(
    engine: Engine, smtp: SmtpServer, published: list[changes.Change]
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    actor = make_actor(engine, Role.EMPLOYEE)
    before = datetime.now(UTC)

    saved = send(engine, actor, quote.id)

    assert len(smtp.inbox.messages) == 1
    mail_from, rcpt_tos, message = smtp.inbox.messages[0]
    assert (mail_from, rcpt_tos) == (SENDER, ["eventos@cm-evora.example"])
    assert message["To"] == "eventos@cm-evora.example"
    assert message["From"].addresses[0].addr_spec == SENDER
    assert message["From"].addresses[0].display_name == "Som & Luz Produções"
    assert message["Reply-To"] == "geral@someluz.example"
    assert message["Subject"] == f"Quote {quote.number} from Som & Luz Produções"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Dear Câmara Municipal de Évora," in body
    assert 'quote Q2030-001 for "Summer Gala 2030" (10 Jun 2030 to 12 Jun 2030)' in body
    assert "Total: €2,440.87" in body
    filename, content_type, pdf = attachment(message)
    assert (filename, content_type) == (f"quote-{quote.number}.pdf", "application/pdf")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\xa0", " ")
    assert quote.number in text and "Total €2,440.87" in text

    stored = reload_quote(engine, quote.id)
    assert stored.status == QuoteStatus.SENT == saved.status
    assert stored.sent_to == "eventos@cm-evora.example"
    assert stored.sent_at is not None and before <= stored.sent_at <= datetime.now(UTC)
    assert stored.version == 2 and stored.sent_version == 2  # the version the client has
    assert stored.valid_until == stored.sent_at.date() + timedelta(days=30)  # as printed
    # The PDF is dated the day it is sent and valid 30 days from then.
    sent_day = stored.sent_at.date()
    assert f"Valid until {(sent_day + timedelta(days=30)).strftime('%-d %b %Y')}" in text
    [audit] = audit_rows(engine, quote.id)
    assert audit.action == "update" and audit.actor_id == actor.user_id
    assert audit.new_values is not None and audit.new_values["status"] == "Sent"
    assert [(c.entity, c.id) for c in published] == [("quote", str(quote.id))]


def test_send_to_another_address_in_portuguese(engine: Engine, smtp: SmtpServer) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    send(engine, make_actor(engine), quote.id, to="  compras@cm-evora.example ", language="pt")
    _, rcpt_tos, message = smtp.inbox.messages[0]
    assert rcpt_tos == ["compras@cm-evora.example"]
    assert message["Subject"] == f"Orçamento {quote.number} de Som & Luz Produções"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Total: 2 440,87 €" in body.replace("\xa0", " ")
    assert "Com os melhores cumprimentos" in body
    _, _, pdf = attachment(message)
    assert "Válido até" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert reload_quote(engine, quote.id).sent_to == "compras@cm-evora.example"


def test_resending_a_sent_quote_updates_when_and_to_whom(engine: Engine, smtp: SmtpServer) -> None:
    configure(engine, smtp.port)
    earlier = datetime.now(UTC) - timedelta(days=3)
    quote = make_quote(
        engine,
        status=QuoteStatus.SENT,
        sent_at=earlier,
        sent_to="old@cm-evora.example",
        valid_until=earlier.date() + timedelta(days=30),
    )
    saved = send(engine, make_actor(engine), quote.id, to="new@cm-evora.example")
    assert saved.status == QuoteStatus.SENT
    stored = reload_quote(engine, quote.id)
    assert stored.sent_to == "new@cm-evora.example"
    assert stored.sent_at is not None and stored.sent_at > earlier
    assert stored.version == 2 and stored.sent_version == 2
    # Valid 30 days from this sending, not the earlier one, on the PDF and on the quote.
    valid = stored.sent_at.date() + timedelta(days=30)
    assert stored.valid_until == valid
    [(_, _, message)] = smtp.inbox.messages
    _name, _type, pdf = attachment(message)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\xa0", " ")
    assert f"Valid until {valid.strftime('%-d %b %Y')}" in text


def test_stopped_server_fails_and_changes_nothing(
    engine: Engine, smtp: SmtpServer, published: list[changes.Change]
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    smtp.controller.stop()
    with pytest.raises(EmailFailed) as failed:
        send(engine, make_actor(engine), quote.id)
    assert f"127.0.0.1:{smtp.port}" in failed.value.message
    assert_unchanged(engine, quote)
    assert published == []


def test_refused_recipient_fails_and_changes_nothing(engine: Engine, smtp: SmtpServer) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    smtp.inbox.refuse = True
    with pytest.raises(EmailFailed) as failed:
        send(engine, make_actor(engine), quote.id)
    assert "refused" in failed.value.message
    assert smtp.inbox.messages == []
    assert_unchanged(engine, quote)


def test_starttls_required_but_not_offered_fails(engine: Engine, smtp: SmtpServer) -> None:
    configure(engine, smtp.port)
    set_company(engine, smtp_use_tls=True)
    quote = make_quote(engine)
    with pytest.raises(EmailFailed):
        send(engine, make_actor(engine), quote.id)
    assert smtp.inbox.messages == []
    assert_unchanged(engine, quote)


def test_not_configured_is_a_clear_failure(engine: Engine) -> None:
    assert get_settings().smtp.host is None
    quote = make_quote(engine)
    with pytest.raises(EmailFailed, match="SMTP is not configured"):
        send(engine, make_actor(engine), quote.id)
    set_company(engine, smtp_host="127.0.0.1", smtp_port=free_port())  # no sender at all
    with pytest.raises(EmailFailed, match="no sender address"):
        send(engine, make_actor(engine), quote.id)
    assert_unchanged(engine, quote)


@pytest.fixture
def smtp_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def apply(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        get_settings.cache_clear()

    yield apply
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_environment_is_the_fallback_with_login(
    engine: Engine, smtp_environment: Callable[..., None]
) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        # handled=False: the server answers a refusal with 535 itself.
        return AuthResult(success=auth_data.password == b"s3cret-pw", handled=False)

    server = start_server(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    try:
        smtp_environment(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(server.port),
            SMTP_USERNAME="quotes",
            SMTP_PASSWORD="s3cret-pw",
            SMTP_FROM="env-sender@someluz.example",
            SMTP_STARTTLS="false",
        )
        quote = make_quote(engine)
        send(engine, make_actor(engine), quote.id)
        assert logins == [(b"quotes", b"s3cret-pw")]
        assert server.inbox.messages[0][0] == "env-sender@someluz.example"
        assert reload_quote(engine, quote.id).status == QuoteStatus.SENT

        smtp_environment(SMTP_PASSWORD="wrong")
        other = make_quote(engine)
        with pytest.raises(EmailFailed, match="user name or password") as failed:
            send(engine, make_actor(engine), other.id)
        assert "wrong" not in failed.value.message
        assert_unchanged(engine, other)
    finally:
        server.controller.stop()


@pytest.mark.parametrize("status", [QuoteStatus.ARCHIVED, QuoteStatus.ACCEPTED])
def test_archived_or_accepted_quote_is_refused(
    engine: Engine, smtp: SmtpServer, status: QuoteStatus
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine, status=status)
    with pytest.raises(InvalidState):
        send(engine, make_actor(engine), quote.id)
    assert smtp.inbox.messages == []
    assert_unchanged(engine, quote)


def test_quote_without_lines_is_refused(engine: Engine, smtp: SmtpServer) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine, [])
    with pytest.raises(InvalidState, match="at least one line"):
        send(engine, make_actor(engine), quote.id)
    assert smtp.inbox.messages == []


@pytest.mark.parametrize(
    ("client_email", "to"),
    [(None, None), (None, "   "), ("eventos@cm-evora.example", "not-an-address")],
)
def test_missing_or_invalid_recipient(
    engine: Engine, smtp: SmtpServer, client_email: str | None, to: str | None
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine, client_email=client_email)
    with pytest.raises(ValidationFailed) as failed:
        send(engine, make_actor(engine), quote.id, to=to)
    assert list(failed.value.fields) == ["to"]
    assert smtp.inbox.messages == []
    assert_unchanged(engine, quote)


def test_stale_version_conflicts_before_anything_is_sent(engine: Engine, smtp: SmtpServer) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    with pytest.raises(VersionConflict) as conflict:
        send(engine, make_actor(engine), quote.id, version=7)
    assert conflict.value.current["version"] == 1
    assert smtp.inbox.messages == []
    assert_unchanged(engine, quote)


@pytest.mark.parametrize("role", [Role.VIEWER, Role.TECHNICIAN])
def test_roles_without_quotes_write_cannot_send(
    engine: Engine, smtp: SmtpServer, role: Role
) -> None:
    configure(engine, smtp.port)
    quote = make_quote(engine)
    with pytest.raises(Forbidden):
        send(engine, make_actor(engine, role), quote.id)
    assert smtp.inbox.messages == []
    assert_unchanged(engine, quote)


def test_two_concurrent_sends_mail_once(pg_engine: Engine) -> None:
    # Both senders saw version 1. The first locks the row and holds it while the (slow)
    # server accepts the mail; the second waits for the lock, then finds version 2.
    with running_server() as server:
        server.inbox.delay = 0.5
        configure(pg_engine, server.port)
        quote = make_quote(pg_engine)
        actors = [make_actor(pg_engine, Role.EMPLOYEE) for _ in range(2)]
        start = threading.Barrier(2)
        outcomes: list[str] = []
        lock = threading.Lock()

        def worker(actor: Actor) -> None:
            start.wait()
            try:
                send(pg_engine, actor, quote.id)
                result = "sent"
            except VersionConflict:
                result = "conflict"
            except BaseException as exc:  # surfaced by the assert below
                result = repr(exc)
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=worker, args=(a,)) for a in actors]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["conflict", "sent"]
        assert len(server.inbox.messages) == 1
        saved = reload_quote(pg_engine, quote.id)
        assert (saved.status, saved.version) == (QuoteStatus.SENT, 2)
        assert len(audit_rows(pg_engine, quote.id)) == 1
