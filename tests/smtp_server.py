"""A real SMTP server for tests (aiosmtpd on 127.0.0.1, a free port) that keeps what it
receives, and the company settings that point the app at it."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine

from tests.quote_factories import set_company
from tests.servers import free_port

SENDER = "orcamentos@someluz.example"


@dataclass
class Inbox:
    """What the test SMTP server received; `refuse` makes it answer RCPT with a 550."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: bool = False
    delay: float = 0.0  # seconds the server takes to accept a message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    inbox: Inbox
    controller: Controller
    port: int


def start_server(**smtp_kwargs: Any) -> SmtpServer:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **smtp_kwargs)
    controller.start()
    return SmtpServer(inbox, controller, port)


@contextmanager
def running_server(**smtp_kwargs: Any) -> Iterator[SmtpServer]:
    """A running server, stopped at the end (the caller may stop it earlier)."""
    server = start_server(**smtp_kwargs)
    try:
        yield server
    finally:
        with suppress(AssertionError):  # already stopped
            server.controller.stop()


def configure(engine: Engine, port: int, **extra: Any) -> None:
    set_company(
        engine,
        company_name="Som & Luz Produções",
        email="geral@someluz.example",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_use_tls=False,
        smtp_from=SENDER,
        **extra,
    )
