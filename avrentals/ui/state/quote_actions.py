"""Actions on one quote, shared by the list and the builder: the confirmation of archive /
approve into an event / delete / mark as sent (given to the client another way) / mark as
declined, duplicate, and the outcome of opening its PDF.

The quote acted on is read fresh when the confirmation opens (its version is the one the
action carries); ids from the browser are UUID strings and kinds come from an allow-list.
The services check the permissions (`quotes:write`, `events:write`, `quotes:delete`), the
workflow and availability: an approval that does not fit lists the failing lines and writes
nothing. The PDF itself is fetched by the browser from `/api/quotes/{id}/pdf` with the
tab's bearer token (see `pages/quote_dialogs.py`); only a failure comes back here.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.enums import QuoteStatus
from avrentals.domain.errors import (
    DomainError,
    NotFound,
    RentalConflict,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.permissions import Actor
from avrentals.domain.services import quotes as quotes_service
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.events import conflict_lines
from avrentals.ui.state.quote_builder import QuoteBuilderState
from avrentals.ui.state.quote_document import parse_id
from avrentals.ui.state.quotes import QuotesState

KINDS = ("archive", "approve", "delete", "mark_sent", "decline")
# The status changes among KINDS -> the status they move the quote to.
STATUS_CHANGES = {
    "archive": QuoteStatus.ARCHIVED,
    "mark_sent": QuoteStatus.SENT,
    "decline": QuoteStatus.DECLINED,
}
PERMISSIONS = {
    "archive": ("quotes:write",),
    "mark_sent": ("quotes:write",),
    "decline": ("quotes:write",),
    "approve": ("quotes:write", "events:write"),
    "delete": ("quotes:delete",),
}
# kind -> catalogue key of the refusal
REFUSALS = {
    "archive": "quotes.action.cannot_archive",
    "mark_sent": "quotes.action.cannot_change_status",
    "decline": "quotes.action.cannot_change_status",
    "approve": "quotes.action.cannot_approve",
    "delete": "quotes.action.cannot_delete",
}
# What the browser's PDF request answers (see `pages/quote_dialogs.py`): a code and its
# detail, worded here in the tab's language; anything else is the API's own message.
PDF_FAILURES = {
    "#status": ("quotes.file.failed_status", "status"),
    "#popups": ("quotes.file.allow_popups", ""),
    "#load": ("quotes.file.failed_load", "reason"),
}
MAX_MESSAGE = 300
# kind -> catalogue key of the toast once done (approve keeps its dialog open instead)
DONE_KEYS = {
    "archive": "quotes.action.archived",
    "delete": "quotes.action.deleted",
    "mark_sent": "quotes.action.marked_sent",
    "decline": "quotes.action.declined",
}


def _read(actor: Actor, quote_id: uuid.UUID) -> dict[str, str]:
    with read_session() as session:
        quote = quotes_service.get_quote(session, actor, quote_id)
        return {
            "label": f"{quote.number} · {quote.name}",
            "version": str(quote.version),
            "status": str(QuoteStatus(quote.status).value),
            "client": quote.client_name or "",
            "linked": "1" if quote.client_id else "",
            "changed": "1" if 0 < (quote.sent_version or 0) < quote.version else "",
        }


def _act(actor: Actor, kind: str, quote_id: uuid.UUID, version: int) -> dict[str, str]:
    with transaction() as session:
        if kind in STATUS_CHANGES:
            quotes_service.change_status(
                session, actor, quote_id, STATUS_CHANGES[kind].value, version
            )
            return {}
        if kind == "delete":
            quotes_service.delete_quote(session, actor, quote_id, version)
            return {}
        event = quotes_service.approve_quote(session, actor, quote_id, version)
        return {"event_id": str(event.id), "event_name": event.name}


def _duplicate(actor: Actor, quote_id: uuid.UUID) -> dict[str, str]:
    with transaction() as session:
        quote = quotes_service.duplicate_quote(session, actor, quote_id)
        return {"id": str(quote.id), "label": f"{quote.number} · {quote.name}"}


async def refresh_quote_pages(state: rx.State, actor: Actor, quote_id: str) -> None:
    """After a write from this tab: re-query the list if it is loaded, and the builder if
    it shows `quote_id` (live updates skip the tab's own changes)."""
    listing = await state.get_state(QuotesState)
    if listing.loaded:
        await listing._reload(actor)
    builder = await state.get_state(QuoteBuilderState)
    if builder.quote_id and builder.quote_id == quote_id:
        await builder._reload_saved(actor)


class QuoteActionsState(rx.State):
    """The confirmation dialog (archive / approve / delete / mark as sent / mark as declined)
    and duplicate of one tab."""

    confirm_open: bool = False
    kind: str = ""
    target_id: str = ""
    target_label: str = ""
    target_status: str = ""
    target_linked: bool = False
    target_changed: bool = False  # saved since the client was given it
    working: bool = False
    error: str = ""
    conflict: str = ""
    conflict_lines: list[dict[str, str]] = []
    event_id: str = ""
    event_name: str = ""
    _version: int = 0

    @rx.var
    def event_href(self) -> str:
        return f"{routes.EVENTS}/{self.event_id}" if self.event_id else ""

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    @rx.event
    async def ask(self, kind: str, quote_id: str):
        """Open the confirmation: `kind` is one of KINDS; `quote_id` a UUID string. The quote
        is read fresh; its version is the one the action carries."""
        target = parse_id(quote_id)
        if kind not in KINDS or not target or self.working:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not all(actor.can(p) for p in PERMISSIONS[kind]):
            return rx.toast.error(await tr(self, REFUSALS[kind]))
        try:
            shown = await asyncio.to_thread(_read, actor, uuid.UUID(target))
        except NotFound:
            return rx.toast.error(await tr(self, "quotes.action.gone"))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.kind = kind
        self.target_id = target
        self.target_label = shown["label"]
        self.target_status = shown["status"]
        self.target_linked = bool(shown["linked"])
        self.target_changed = bool(shown["changed"]) and shown["status"] == "Sent"
        self._version = int(shown["version"])
        self.error = ""
        self.conflict = ""
        self.conflict_lines = []
        self.event_id = ""
        self.event_name = ""
        self.confirm_open = True
        return None

    @rx.event
    def set_confirm_open(self, value: bool):
        """Only closing is honoured from the browser."""
        if value is False and not self.working:
            self.confirm_open = False

    @rx.event
    async def confirm(self):
        """Carry out the confirmed action on the quote named in the dialog (with the version
        read when it opened). No arguments."""
        if self.working or not self.confirm_open or self.kind not in KINDS or self.event_id:
            return
        target = parse_id(self.target_id)
        if not target:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.working = True
        self.error = ""
        self.conflict = ""
        self.conflict_lines = []
        yield
        try:
            done = await asyncio.to_thread(_act, actor, self.kind, uuid.UUID(target), self._version)
        except RentalConflict as exc:
            self.conflict = await tr(self, "quotes.action.approve_conflict")
            self.conflict_lines = conflict_lines(exc.details)
        except VersionConflict as exc:
            self._version = int(exc.current.get("version") or self._version)
            self.target_status = str(exc.current.get("status") or self.target_status)
            self.error = await tr(self, "quotes.action.changed_meanwhile")
        except NotFound:
            self.confirm_open = False
            yield rx.toast.error(await tr(self, "quotes.action.gone"))
        except ValidationFailed as exc:
            if "client_id" in exc.fields:
                self.error = await tr(self, "quotes.action.approve_needs_client")
            else:
                self.error = " ".join(m for ms in exc.fields.values() for m in ms) or exc.message
        except DomainError as exc:  # InvalidState, Forbidden, ...
            self.error = exc.message
        else:
            yield await self._done(done)
            if self.kind == "delete":
                builder = await self.get_state(QuoteBuilderState)
                if builder.quote_id == target:
                    yield rx.redirect(routes.QUOTES)
            await refresh_quote_pages(self, actor, target)
        finally:
            self.working = False

    async def _done(self, done: dict[str, str]) -> Any:
        if self.kind == "approve":
            # The dialog stays open on its success view, with the way to the new event.
            self.event_id = done.get("event_id", "")
            self.event_name = done.get("event_name", "")
            return rx.toast.success(await tr(self, "quotes.action.approved", event=self.event_name))
        self.confirm_open = False
        return rx.toast.success(await tr(self, DONE_KEYS[self.kind], quote=self.target_label))

    @rx.event
    async def duplicate(self, quote_id: str):
        """Copy a quote (a UUID string) into a new Draft and open it (`quotes:write`)."""
        target = parse_id(quote_id)
        if not target or self.working:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.working = True
        yield
        try:
            copy = await asyncio.to_thread(_duplicate, actor, uuid.UUID(target))
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        finally:
            self.working = False
        yield rx.toast.success(await tr(self, "quotes.action.copied", quote=copy["label"]))
        yield rx.redirect(f"{routes.QUOTES}/{copy['id']}")

    @rx.event
    async def file_result(self, message: Any):
        """Outcome of the browser's PDF request: "" when it opened, else why not (text of
        at most 300 characters, shown as a toast): a code of PDF_FAILURES with its detail
        ("#status 502"), or the API's message."""
        if not isinstance(message, str) or not message.strip():
            return None
        text = message.strip()[:MAX_MESSAGE]
        code, _, detail = text.partition(" ")
        if code in PDF_FAILURES:
            key, param = PDF_FAILURES[code]
            text = await tr(self, key, **({param: detail} if param else {}))
        return rx.toast.error(text)
