"""The "Raise request" and "Log repair" dialog, shared by /maintenance and the item page.

Raise request sends good units of an item to maintenance (`maintenance.raise_request`); log
repair records work on damaged / in-maintenance units and, when "Move back to good" is on,
makes them bookable again (`maintenance.log_repair`), optionally closing the log. The item
comes from the row the dialog was opened on, or from the picker (search by name or asset
code) when opened from the page header. The counts shown are those read when the dialog
opened; the service re-checks them under the item's row lock and names the field when they
no longer fit. Field messages come from the service's ValidationFailed.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.errors import DomainError, NotFound, ValidationFailed
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services import maintenance as maintenance_service
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.equipment_detail import refresh_equipment_pages
from avrentals.ui.state.formatting import text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.maintenance import MaintenanceState
from avrentals.ui.state.versioned_form import field_errors, read_text_fields

MODES = ("request", "repair")
# (field, label key) of the typed inputs; the service enforces the rules and names the field.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("log_date", "common.field.date"),
    ("description", "common.field.description"),
    ("cost", "maintenance.field.cost"),
    ("units", "maintenance.field.units"),
)
TEXT_NAMES = tuple(f for f, _label in TEXT_FIELDS)
ERROR_FIELDS = (*TEXT_NAMES, "from_status", "equipment_id")
REPAIR_SOURCES = ("damaged", "maintenance")
SWITCHES = ("move_to_good", "close")
MAX_INPUT = 2000
MAX_QUERY = 100
PICKER_SIZE = 8


def item_choice(row: dict[str, Any]) -> dict[str, str]:
    """An equipment row as the dialog shows it (name, code, counts)."""
    return {
        "id": text(row.get("id")),
        "name": text(row.get("name")),
        "asset_code": text(row.get("asset_code")),
        "location": text(row.get("location")),
        "good": text(row.get("qty_good")),
        "damaged": text(row.get("qty_damaged")),
        "maintenance": text(row.get("qty_maintenance")),
    }


def blank_values(mode: str, item: dict[str, str]) -> dict[str, str]:
    """Defaults: today, one unit, no cost; a repair starts on the damaged units (else the
    ones in maintenance), moves them back to good and closes its log."""
    source = "damaged" if item.get("damaged", "0") not in ("", "0") else "maintenance"
    repair = mode == "repair"
    return {
        "log_date": date.today().isoformat(),
        "description": "",
        "cost": "",
        "units": "1",
        "from_status": source if repair else "good",
        "move_to_good": "yes" if repair else "",
        "close": "yes" if repair else "",
    }


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _item(actor: Actor, item_id: uuid.UUID) -> dict[str, str]:
    with read_session() as session:
        return item_choice(equipment_service.get_equipment_row(session, actor, item_id))


def _search(actor: Actor, query: str) -> list[dict[str, str]]:
    with read_session() as session:
        page = equipment_service.list_equipment(
            session, actor, PageRequest(1, PICKER_SIZE), search=query or None
        )
        return [item_choice(r) for r in page.items]


def _write(actor: Actor, mode: str, item_id: uuid.UUID, values: dict[str, str]) -> str:
    fields: dict[str, Any] = {k: values[k] for k in TEXT_NAMES}
    with transaction() as session:
        if mode == "request":
            log = maintenance_service.raise_request(session, actor, item_id, fields)
        else:
            fields["from_status"] = values["from_status"]
            fields["close"] = values["close"] == "yes"
            log = maintenance_service.log_repair(
                session, actor, item_id, fields, move_to_good=values["move_to_good"] == "yes"
            )
        return str(log.id)


class MaintenanceFormState(rx.State):
    """One tab's request / repair dialog.

    Handlers validate their arguments (ids are UUID strings of at most 64 characters, form
    payloads dicts of strings of at most 2000 characters, choices from fixed lists) and
    re-verify the token; the service checks `maintenance:write` and every rule. The role
    check on opening only spares a role a dialog whose save would be refused."""

    form_open: bool = False
    mode: str = "request"
    form_key: str = "0"
    item: dict[str, str] = {}
    values: dict[str, str] = blank_values("request", {})
    errors: dict[str, str] = dict.fromkeys(ERROR_FIELDS, "")
    form_error: str = ""
    saving: bool = False
    item_query: str = ""
    item_options: list[dict[str, str]] = []

    @rx.var
    def has_item(self) -> bool:
        return bool(self.item.get("id"))

    @rx.var
    def units_hint(self) -> str:
        """The catalogue key of the hint under "Units" ("" for none); its `{count}` is
        `units_hint_count`."""
        if not self.item.get("id"):
            return ""
        if self.mode == "request":
            return "maintenance.form.units_good"
        if self.values.get("from_status", "damaged") == "damaged":
            return "maintenance.form.units_damaged"
        return "maintenance.form.units_in_maintenance"

    @rx.var
    def units_hint_count(self) -> str:
        if self.mode == "request":
            return self.item.get("good", "0")
        return self.item.get(self.values.get("from_status", "damaged"), "0")

    # --- helpers -------------------------------------------------------------------------------

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    def _reset(self, mode: str, item: dict[str, str]) -> None:
        self.mode = mode
        self.item = item
        self.values = blank_values(mode, item)
        self.errors = dict.fromkeys(ERROR_FIELDS, "")
        self.form_error = ""
        self.item_query = ""
        self.item_options = []
        self.form_key = str(int(self.form_key) + 1)

    async def _open(self, mode: str, raw_id: Any):
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("maintenance:write"):
            return rx.toast.error(await tr(self, "maintenance.error.cannot_log"))
        item: dict[str, str] = {}
        if raw_id not in (None, ""):
            item_id = parse_client_id(raw_id)
            if item_id is None:
                return None
            try:
                item = await asyncio.to_thread(_item, actor, item_id)
            except NotFound:
                return rx.toast.error(await tr(self, "maintenance.error.item_gone"))
        self._reset(mode, item)
        if not item:
            self.item_options = await asyncio.to_thread(_search, actor, "")
        self.form_open = True
        return None

    # --- handlers ------------------------------------------------------------------------------

    @rx.event
    async def open_request(self, item_id: str = ""):
        """Open "Raise request" for an item (`item_id`, a UUID string) or, with "", with the
        item picker. Needs `maintenance:write`."""
        return await self._open("request", item_id)

    @rx.event
    async def open_repair(self, item_id: str):
        """Open "Log repair" for an item (`item_id`, a UUID string). Needs
        `maintenance:write`."""
        if item_id in (None, ""):
            return None
        return await self._open("repair", item_id)

    @rx.event
    async def search_items(self, value: str):
        """Picker search (debounced in the browser): `value` a string, cut to 100 characters."""
        if not isinstance(value, str) or not self.form_open:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.item_query = value.strip()[:MAX_QUERY]
        self.item_options = await asyncio.to_thread(_search, actor, self.item_query)

    @rx.event
    async def pick_item(self, item_id: str):
        """Choose the item from the picker. `item_id`: a UUID string; read fresh."""
        parsed = parse_client_id(item_id)
        if parsed is None or not self.form_open:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        try:
            item = await asyncio.to_thread(_item, actor, parsed)
        except NotFound:
            yield rx.toast.error(await tr(self, "maintenance.error.item_gone"))
            return
        self.item = item
        self.errors = dict.fromkeys(ERROR_FIELDS, "")

    @rx.event
    def change_item(self):
        """Back to the picker (request mode). No arguments."""
        if self.mode == "request" and not self.saving:
            self.item = {}

    @rx.event
    def set_choice(self, field: str, value: Any):
        """A controlled choice: `from_status` ("damaged" | "maintenance") or a switch
        (`move_to_good` / `close`, a boolean)."""
        if field == "from_status" and value in REPAIR_SOURCES:
            self.values = {**self.values, "from_status": value}
        elif field in SWITCHES and isinstance(value, bool):
            self.values = {**self.values, field: "yes" if value else ""}

    @rx.event
    def set_form_open(self, value: bool):
        """Dialog open/close from the browser: only closing is honoured."""
        if value is False and not self.saving:
            self.form_open = False

    @rx.event
    async def save(self, form_data: dict):
        """Submit (Enter or Save). `form_data`: a dict with the text fields `log_date`,
        `description`, `cost`, `units` (strings). Calls `maintenance.raise_request` or
        `maintenance.log_repair` with the dialog's item and choices."""
        if self.saving or not self.form_open:
            return
        item_id = parse_client_id(self.item.get("id", ""))
        if item_id is None:
            choose = await tr(self, "maintenance.form.choose_item")
            self.errors = {**dict.fromkeys(ERROR_FIELDS, ""), "equipment_id": choose}
            return
        labels = {field: await tr(self, key) for field, key in TEXT_FIELDS}
        typed, problems = read_text_fields(form_data, TEXT_NAMES, labels, MAX_INPUT)
        if any(problems.values()):
            self.errors = {**dict.fromkeys(ERROR_FIELDS, ""), **problems}
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        values = {**self.values, **typed}
        self.values = values
        self.saving = True
        self.errors = dict.fromkeys(ERROR_FIELDS, "")
        self.form_error = ""
        yield
        try:
            await asyncio.to_thread(_write, actor, self.mode, item_id, values)
        except ValidationFailed as exc:
            self.errors, self.form_error = field_errors(exc, ERROR_FIELDS)
            return
        except DomainError as exc:
            self.form_error = exc.message
            return
        finally:
            self.saving = False
        self.form_open = False
        done = "maintenance.form.raised" if self.mode == "request" else "maintenance.form.logged"
        yield rx.toast.success(await tr(self, done, name=self.item.get("name", "")))
        listing = await self.get_state(MaintenanceState)
        if listing.loaded:
            await listing._reload(actor)
        await refresh_equipment_pages(self, actor, str(item_id))
