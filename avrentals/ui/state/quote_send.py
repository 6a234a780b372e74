"""The builder's "Send to client" dialog: recipient (the client's e-mail by default) and
language, then `quote_email.send_quote` e-mails the PDF, records when and to whom, and moves
a Draft to Sent. A failed delivery (EmailFailed) is shown in the dialog and changes nothing.

The quote is always the one the tab's builder shows, with the version it last saved; the
dialog opens only once every edit is saved, so what is sent is what the user sees.
"""

from __future__ import annotations

import asyncio
import uuid

import reflex as rx

from avrentals.db import transaction
from avrentals.domain.errors import DomainError, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.services import quote_email
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.locale import LocaleState
from avrentals.ui.state.quote_builder import QuoteBuilderState
from avrentals.ui.state.quote_document import parse_id

LANGUAGES = ("en", "pt")
MAX_EMAIL = 254


def _send(actor: Actor, quote_id: uuid.UUID, version: int, to: str, language: str) -> str:
    with transaction() as session:
        quote = quote_email.send_quote(
            session, actor, quote_id, version, to=to or None, language=language
        )
        return str(quote.sent_to or to)


class QuoteSendState(rx.State):
    """One tab's send dialog."""

    send_open: bool = False
    recipient: str = ""
    language: str = "en"
    sending: bool = False
    send_error: str = ""
    recipient_error: str = ""

    @rx.event
    async def open_send(self):
        """Open the dialog for the quote the builder shows (saved, `quotes:write`). No
        arguments."""
        builder = await self.get_state(QuoteBuilderState)
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("quotes:write"):
            return rx.toast.error(await tr(self, "quotes.send.cannot_send"))
        if not builder.quote_id or builder.save_status != "saved":
            return rx.toast.info(await tr(self, "quotes.send.wait_saved"))
        self.recipient = builder.header.get("client_email", "")
        locale = await self.get_state(LocaleState)
        # The PDF and e-mail start in the language of the tab's interface.
        self.language = locale.language if locale.language in LANGUAGES else "en"
        self.send_error = ""
        self.recipient_error = ""
        self.send_open = True
        return None

    @rx.event
    def set_send_open(self, value: bool):
        """Only closing is honoured from the browser."""
        if value is False and not self.sending:
            self.send_open = False

    @rx.event
    def set_recipient(self, value: str):
        """The recipient box: a string of at most 254 characters."""
        if isinstance(value, str) and len(value) <= MAX_EMAIL:
            self.recipient = value
            self.recipient_error = ""

    @rx.event
    def set_language(self, value: str | list[str]):
        """PDF and e-mail language: "en" or "pt"."""
        if value in LANGUAGES:
            self.language = value

    @rx.event
    async def send(self):
        """E-mail the quote's PDF to the recipient (`quote_email.send_quote`, quotes:write).
        No arguments: the quote and its version are the builder's."""
        if self.sending or not self.send_open:
            return
        builder = await self.get_state(QuoteBuilderState)
        quote_id = parse_id(builder.quote_id)
        if not quote_id:
            return
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.sending = True
        self.send_error = ""
        self.recipient_error = ""
        yield
        try:
            sent_to = await asyncio.to_thread(
                _send,
                actor,
                uuid.UUID(quote_id),
                builder.version,
                self.recipient.strip(),
                self.language if self.language in LANGUAGES else "en",
            )
        except ValidationFailed as exc:
            messages = [m for ms in exc.fields.values() for m in ms]
            self.recipient_error = " ".join(messages) or exc.message
        except VersionConflict:
            self.send_error = await tr(self, "quotes.send.changed_meanwhile")
            await builder._reload_saved(actor)
        except NotFound:
            self.send_error = await tr(self, "quotes.action.gone")
        except DomainError as exc:  # EmailFailed (delivery), InvalidState, Forbidden, ...
            self.send_error = exc.message
        else:
            self.send_open = False
            yield rx.toast.success(await tr(self, "quotes.send.sent", to=sent_to))
            await builder._reload_saved(actor)
        finally:
            self.sending = False
