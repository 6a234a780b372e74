"""Where the builder's client and lines come from: the client search (fills the client
fields), the equipment search with "available X of Y" for the quote's dates (arrow keys move
the highlight, Enter adds it), and the active services and fees catalogues.

Picks are checked against what this tab was shown (search results, loaded catalogues), never
taken from the browser as they are; the quote service re-reads every catalogue row anyway.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from avrentals.ui.state import quote_reads as reads
from avrentals.ui.state.quote_document import make_line

MAX_TERM = 100


class QuotePickersMixin(rx.State, mixin=True):
    """Picker vars and handlers of the builder (`QuoteBuilderState`)."""

    services: list[dict[str, str]] = []
    fees: list[dict[str, str]] = []
    client_results: list[dict[str, str]] = []
    client_searching: bool = False
    client_key: str = "0"
    equipment_results: list[dict[str, str]] = []
    equipment_searching: bool = False
    equipment_term: str = ""
    highlight: int = 0

    # provided by the builder
    def _may_edit(self) -> bool:
        raise NotImplementedError

    def _add_line(self, line: dict[str, str]) -> Any:
        raise NotImplementedError

    def _edited(self, *fields: str) -> Any:
        raise NotImplementedError

    def _rerender(self) -> None:
        raise NotImplementedError

    async def _actor(self) -> Any:
        raise NotImplementedError

    # --- client ------------------------------------------------------------------------------

    @rx.event
    async def search_clients(self, term: str):
        """Find existing clients by name, contact or e-mail: `term` a string (≤ 100
        characters); an empty term hides the results."""
        if not isinstance(term, str) or not self._may_edit():
            return
        term = term.strip()[:MAX_TERM]
        if not term:
            self.client_results = []
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.client_searching = True
        yield
        try:
            self.client_results = await asyncio.to_thread(reads.search_clients, actor, term)
        finally:
            self.client_searching = False

    @rx.event
    def pick_client(self, client_id: str):
        """Link one of the shown client results (its id): fills name, e-mail, phone and
        address."""
        if not isinstance(client_id, str) or not self._may_edit():
            return None
        found = next((c for c in self.client_results if c["id"] == client_id), None)
        if found is None:
            return None
        self.header = dict(self.header) | {
            "client_id": found["id"],
            "linked_name": found["name"],
            "client_name": found["name"],
            "client_email": found["email"],
            "client_phone": found["phone"],
            "client_address": found["address"],
        }
        self.client_results = []
        self.client_key = str(int(self.client_key) + 1)
        self._rerender()
        return self._edited(
            "client_id", "client_name", "client_email", "client_phone", "client_address"
        )

    @rx.event
    def unlink_client(self):
        """Keep the typed client details but drop the link to the client list (a one-off
        client). No arguments."""
        if not self._may_edit() or not self.header.get("client_id"):
            return None
        self.header = dict(self.header) | {"client_id": "", "linked_name": ""}
        return self._edited("client_id")

    # --- equipment ---------------------------------------------------------------------------

    async def _search_equipment(self, term: str):
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.equipment_searching = True
        yield
        try:
            self.equipment_results = await asyncio.to_thread(
                reads.search_equipment,
                actor,
                term,
                self.header.get("start_date", ""),
                self.header.get("end_date", ""),
            )
            self.highlight = 0
        finally:
            self.equipment_searching = False

    @rx.event
    async def search_equipment(self, term: str):
        """Search the inventory by name, description or asset code: `term` a string (≤ 100
        characters). Each result shows its daily rate and availability for the quote's
        dates."""
        if not isinstance(term, str) or not self._may_edit():
            return
        self.equipment_term = term.strip()[:MAX_TERM]
        async for update in self._search_equipment(self.equipment_term):
            yield update

    @rx.event
    async def open_equipment(self):
        """The search box got focus: show the first items when nothing is listed yet. No
        arguments."""
        if self.equipment_results or not self._may_edit():
            return
        async for update in self._search_equipment(self.equipment_term):
            yield update

    @rx.event
    def equipment_key(self, key: str):
        """Keys in the equipment search: ArrowDown / ArrowUp move the highlight, Enter adds
        the highlighted item, Escape hides the results."""
        if not isinstance(key, str) or not self.equipment_results:
            return None
        count = len(self.equipment_results)
        if key == "ArrowDown":
            self.highlight = (self.highlight + 1) % count
        elif key == "ArrowUp":
            self.highlight = (self.highlight - 1) % count
        elif key == "Escape":
            self.equipment_results = []
        elif key == "Enter":
            index = min(max(self.highlight, 0), count - 1)
            return self._add_equipment(self.equipment_results[index]["id"])
        return None

    @rx.event
    def add_equipment(self, item_id: str):
        """Add one of the shown equipment results (its id) as a line of 1 at its daily
        rate."""
        return self._add_equipment(item_id)

    def _add_equipment(self, item_id: Any) -> Any:
        if not isinstance(item_id, str) or not self._may_edit():
            return None
        found = next((r for r in self.equipment_results if r["id"] == item_id), None)
        if found is None:
            return None
        return self._add_line(
            make_line(
                "equipment",
                found["id"],
                found["name"],
                found["rate"],
                available=found["free"] or None,
                bookable=found["bookable"] if found["free"] else None,
            )
        )

    # --- services and fees -------------------------------------------------------------------

    @rx.event
    def add_service(self, service_id: str):
        """Add an active service of the catalogue (its id) as a line of 1 at its price."""
        if not isinstance(service_id, str) or not self._may_edit():
            return None
        found = next((s for s in self.services if s["id"] == service_id), None)
        if found is None:
            return None
        return self._add_line(make_line("service", found["id"], found["name"], found["price"]))

    @rx.event
    def add_fee(self, fee_id: str):
        """Add an active fee of the catalogue (its id) with its amount and type."""
        if not isinstance(fee_id, str) or not self._may_edit():
            return None
        found = next((f for f in self.fees if f["id"] == fee_id), None)
        if found is None:
            return None
        line = make_line("fee", found["id"], found["name"], found["price"])
        return self._add_line(line | {"fee_type": found["fee_type"]})
