"""The client page (/clients/<id>): contact block, events, quotes with status and the client
value (Σ Accepted quote totals).

The id comes from the URL, is parsed as a UUID here, and is read with
`clients.client_detail` in a worker thread with the re-verified Actor. An unknown or malformed
id shows a "not found" message. Live refreshes arrive through `_apply_changes` (called by
`avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.domain.changes import Change
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.i18n import DEFAULT_LANGUAGE
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.clients import CLIENTS_PATH, ClientsState
from avrentals.ui.state.details import (
    DetailStateMixin,
    apply_detail_changes,
    parse_or_not_found,
    path_id,
    read_detail,
    read_detail_live,
    refresh_pages,
)
from avrentals.ui.state.formatting import format_eur, format_period, tab_language, text

# Event status -> catalogue key of its label (the page translates it).
EVENT_STATUS_LABELS = {
    "upcoming": "clients.event_status.upcoming",
    "ongoing": "clients.event_status.ongoing",
    "completed": "clients.event_status.completed",
}
LIVE_ENTITIES = frozenset({"client", "event", "quote"})
CLIENT_FIELDS = ("name", "contact_person", "email", "phone", "address", "tax_id", "notes")


def display_detail(detail: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """`client_detail` output as the display-ready strings the page shows (periods and money
    in `language`)."""
    client = detail["client"]
    return {
        "client": {f: text(client.get(f)) for f in CLIENT_FIELDS}
        | {"id": text(client.get("id")), "version": text(client.get("version"))},
        "events": [
            {
                "id": e["id"],
                "name": text(e.get("name")),
                "location": text(e.get("location")),
                "period": format_period(e.get("start_date", ""), e.get("end_date", ""), language),
                "status": text(e.get("status")),
                "status_label": EVENT_STATUS_LABELS.get(e.get("status"), text(e.get("status"))),
            }
            for e in detail["events"]
        ],
        "quotes": [
            {
                "id": q["id"],
                "number": text(q.get("number")),
                "name": text(q.get("name")),
                "period": format_period(q.get("start_date", ""), q.get("end_date", ""), language),
                "status": text(q.get("status")),
                "total": format_eur(q.get("total"), language),
            }
            for q in detail["quotes"]
        ],
        "value": format_eur(detail["client_value"], language),
    }


def parse_id(raw: str) -> Any:
    return parse_or_not_found(raw, "Client not found.")


def _reader(language: str) -> Any:
    """The blocking read of one client's page, shown in `language`."""

    def read(session: Session, actor: Actor, client_id: str) -> dict[str, Any]:
        detail = clients_service.client_detail(session, actor, parse_id(client_id))
        return display_detail(detail, language)

    return read


def _load_detail(actor: Actor, client_id: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    return read_detail(_reader(language), actor, client_id)


def _live_detail(language: str) -> Any:
    return functools.partial(read_detail_live, _reader(language))


def id_from_path(path: str) -> str:
    """The `<id>` of `/clients/<id>` (raw text; validated by `parse_client_id`)."""
    return path_id(path, CLIENTS_PATH)


class ClientDetailState(DetailStateMixin, rx.State):
    """One client's page. Handlers take no client-supplied arguments: the id is parsed from
    the URL (a UUID, else "not found"); `clients.client_detail` does the read."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    client: dict[str, str] = {}
    events: list[dict[str, str]] = []
    quotes: list[dict[str, str]] = []
    value: str = "€0.00"
    _language: str = DEFAULT_LANGUAGE  # the tab's language at the last read (periods, money)

    @rx.var
    def event_count(self) -> int:
        return len(self.events)

    @rx.var
    def quote_count(self) -> int:
        return len(self.quotes)

    def _apply(self, shown: dict[str, Any]) -> None:
        self.client = shown["client"]
        self.events = shown["events"]
        self.quotes = shown["quotes"]
        self.value = shown["value"]
        self.not_found = False
        self.loaded = True

    def _id_from_path(self, path: str) -> str:
        return id_from_path(path)

    def _load_detail(self, actor: Actor, detail_id: str) -> dict[str, Any]:
        return _load_detail(actor, detail_id, self._language)

    async def _remember_language(self) -> None:
        self._language = await tab_language(self)

    def _forget(self) -> None:
        self.client = {}

    def _gone(self) -> None:
        self.not_found = True
        self.loaded = True
        self.client = {}
        self.events = []
        self.quotes = []

    @rx.event
    async def load(self):
        """on_load of /clients/<id>: re-verify the token, take the id from the URL (a UUID of
        at most 64 characters, else "not found") and read `clients.client_detail`."""
        await self._remember_language()
        async for update in self._open_from_url():
            yield update

    @rx.event
    async def refresh(self):
        """Re-read the client shown. No arguments."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        if self.detail_id:
            await self._remember_language()
            await self._reload(actor)

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the client after a committed change to it or to any event or quote (they
        may be this client's), if this tab shows it; name who changed or deleted it."""
        await self._remember_language()
        await apply_detail_changes(
            self,
            changes,
            live_entities=LIVE_ENTITIES,
            entity="client",
            name=self.client.get("name") or await tr(self, "clients.live.this_client"),
            id_from_path=id_from_path,
            live_detail=_live_detail(self._language),
        )


async def refresh_client_pages(state: rx.State, actor: Actor, client_id: str) -> None:
    """After a write from this tab: re-query the clients list (if loaded) and the client
    page (if it shows `client_id`), so the user sees the result with the save's answer (the
    live push follows too)."""
    await refresh_pages(state, actor, client_id, ClientsState, ClientDetailState)
