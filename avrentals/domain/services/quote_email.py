"""E-mailing a quote to the client: the PDF attached, then the quote marked as sent.

Rules: the recipient is the address given, else the quote's client e-mail (ValidationFailed
on `to` when neither is a valid address); only Draft and Sent quotes with at least one line
can be sent (InvalidState otherwise); `expected_version` must be the saved version
(VersionConflict). Sending a Draft moves it to Sent (`quote_workflow.check_transition`);
re-sending a Sent quote only updates `sent_at` / `sent_to`. Either way `sent_version`
becomes the version the client now has and `valid_until` the validity printed on the PDF
that went out (VALIDITY_DAYS from the day it is sent).

SMTP comes from the company settings when they name a host (smtp_host/port/username/
password/from/use_tls), else from the environment (SMTP_HOST, SMTP_PORT, SMTP_USERNAME,
SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS); the sender falls back to the company e-mail. Port
465 speaks TLS from the first byte; any other port upgrades with STARTTLS when enabled.

Order inside the caller's transaction: lock the quote row (FOR UPDATE on PostgreSQL; SQLite's
write transaction is exclusive) and check it, render the PDF, hand the message to the SMTP
server (timeout SMTP_TIMEOUT_SECONDS), and only then record sent_at/sent_to/status with the
versioned compare-and-swap (audited, change "quote" published after commit). Any mail
failure raises EmailFailed before anything is written, so the transaction rolls back and the
quote is unchanged. Needs `quotes:write`.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from sqlmodel import Session, col, select

from avrentals.domain import validation as v
from avrentals.domain.enums import QuoteStatus
from avrentals.domain.errors import EmailFailed, InvalidState, NotFound, ValidationFailed
from avrentals.domain.models import CompanySettings, Quote
from avrentals.domain.models.base import utcnow
from avrentals.domain.permissions import Actor, require
from avrentals.domain.quote_workflow import check_transition, valid_until_from
from avrentals.domain.services.quote_pdf import (
    QuoteDocument,
    build_quote_pdf,
    load_quote_document,
)
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version
from avrentals.settings import SmtpSettings, get_settings

SMTP_TIMEOUT_SECONDS = 15
IMPLICIT_TLS_PORT = 465
SENDABLE = frozenset({QuoteStatus.DRAFT, QuoteStatus.SENT})
NOT_CONFIGURED = (
    "SMTP is not configured: set the mail server in the company settings or the SMTP_HOST "
    "environment variable."
)
NO_SENDER = (
    "SMTP is not configured: no sender address (set the SMTP sender or the company e-mail "
    "in the settings, or SMTP_FROM)."
)


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand over mail."""

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True

    @property
    def implicit_tls(self) -> bool:
        return self.port == IMPLICIT_TLS_PORT


def smtp_config(company: CompanySettings, env: SmtpSettings | None = None) -> SmtpConfig:
    """The SMTP settings in force: the company settings' when they name a host, else the
    environment's. Raises EmailFailed when no host or no sender address is configured."""
    env = env if env is not None else get_settings().smtp
    if company.smtp_host and company.smtp_host.strip():
        host, port = company.smtp_host.strip(), company.smtp_port
        username, password = company.smtp_username, company.smtp_password
        sender, starttls = company.smtp_from, bool(company.smtp_use_tls)
    elif env.host:
        host, port = env.host, env.port
        username, password = env.username, env.password
        sender, starttls = env.from_address, env.starttls
    else:
        raise EmailFailed(NOT_CONFIGURED)
    sender = (sender or company.email or "").strip()
    if not sender:
        raise EmailFailed(NO_SENDER)
    return SmtpConfig(
        host=host,
        port=port or (587 if starttls else 25),
        sender=sender,
        username=(username or "").strip() or None,
        password=password or None,
        starttls=starttls,
    )


def recipient_of(quote: Quote, to: str | None) -> str:
    """`to` when given, else the client e-mail; ValidationFailed({"to": [...]}) when that
    is missing or not a valid address."""
    given = to if to is not None and to.strip() else None
    errors = v.Errors()
    address = v.email(errors, "to", given or quote.client_email, label="Recipient")
    errors.raise_if_any()
    if not address:
        raise ValidationFailed({"to": ["Enter the e-mail address to send the quote to."]})
    return address


def build_message(doc: QuoteDocument, recipient: str, sender: str, pdf: bytes) -> EmailMessage:
    """The e-mail in the document's language: subject and text from the catalogue, the PDF
    attached as `quote-{number}.pdf`."""
    quote, company = doc.quote, doc.company
    message = EmailMessage()
    message["Subject"] = doc.t(
        "quote.email.subject", number=quote.number, company=company.company_name
    )
    message["From"] = formataddr((company.company_name, sender))
    message["To"] = recipient
    if company.email and company.email != sender:
        message["Reply-To"] = company.email
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(
        doc.t(
            "quote.email.body",
            client=quote.client_name,
            number=quote.number,
            name=quote.name,
            dates=doc.date_range(),
            total=doc.money(quote.total),
            valid_until=doc.date(doc.valid_until),
            company=company.company_name,
        )
    )
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=doc.filename)
    return message


def deliver(config: SmtpConfig, message: EmailMessage) -> None:
    """Hand `message` to the SMTP server. Raises EmailFailed on any refusal, TLS, network
    or time-out error (the password never appears in the message)."""
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP
        if config.implicit_tls:
            smtp = smtplib.SMTP_SSL(
                config.host, config.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=SMTP_TIMEOUT_SECONDS)
        with smtp:
            if config.starttls and not config.implicit_tls:
                smtp.starttls(context=context)
            if config.username:
                smtp.login(config.username, config.password or "")
            refused: Any = smtp.send_message(message)
        if refused:
            raise EmailFailed(f"The mail server refused the recipient(s): {', '.join(refused)}.")
    except EmailFailed:
        raise
    except smtplib.SMTPAuthenticationError:
        raise EmailFailed(
            "The e-mail could not be sent: the mail server did not accept the SMTP user name "
            "or password."
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise EmailFailed(
            f"The mail server refused the recipient(s): {', '.join(exc.recipients)}."
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        reason = str(exc) or type(exc).__name__
        raise EmailFailed(
            f"The e-mail could not be sent through {config.host}:{config.port}: {reason}",
            {"host": config.host, "port": config.port},
        ) from None


def _lock(session: Session, quote_id: uuid.UUID) -> Quote:
    quote = session.exec(
        select(Quote)
        .where(col(Quote.id) == quote_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if quote is None:
        raise NotFound("Quote not found.")
    return quote


def send_quote(
    session: Session,
    actor: Actor,
    quote_id: uuid.UUID,
    expected_version: int,
    *,
    to: str | None = None,
    language: str | None = None,
) -> Quote:
    """E-mail the quote's PDF (in `language`, default the settings' language) to `to` or
    the client e-mail, then record `sent_at`/`sent_to`/`sent_version` and move a Draft to
    Sent; returns the saved quote. See the module rules. Raises Forbidden, NotFound,
    VersionConflict, InvalidState, ValidationFailed (`to`), EmailFailed (nothing written)."""
    require(actor, "quotes:write")
    quote = _lock(session, quote_id)
    check_version(quote, expected_version, "quote")
    status = QuoteStatus(quote.status)
    if status not in SENDABLE:
        raise InvalidState(
            f"A quote in status {status.value} cannot be sent; only Draft and Sent quotes can.",
            {"status": status.value},
        )
    sent_at = utcnow()
    valid_until = valid_until_from(sent_at.date())  # from this sending, not an earlier one
    doc = load_quote_document(
        session, quote, language, issued=sent_at.date(), valid_until=valid_until
    )
    if not doc.lines:
        raise InvalidState("Add at least one line before sending the quote.")
    recipient = recipient_of(quote, to)
    config = smtp_config(doc.company)
    message = build_message(doc, recipient, config.sender, build_quote_pdf(doc))
    deliver(config, message)
    # compare_and_swap bumps the version by one: that is the version the client now has.
    values: dict[str, Any] = {
        "sent_at": sent_at,
        "sent_to": recipient,
        "sent_version": expected_version + 1,
        "valid_until": valid_until,
    }
    if status == QuoteStatus.DRAFT:
        check_transition(status, QuoteStatus.SENT)
        values["status"] = QuoteStatus.SENT
    return compare_and_swap(
        session, Quote, quote_id, expected_version, values, actor, entity="quote"
    )
