"""The equipment on one event (/events/<id>): the add-equipment dialog with its live
"available X of Y for these dates" figure and explanation, the inline quantity edit and the
remove-line confirmation.

The figure comes from `availability.item_availability` over the event's blocked window
(dates plus buffers) with this event left out of the usage (`exclude_event_id`), minus what
this event already holds of the item: adding to an item already on the event grows its line,
and the service checks the line's new total. X is therefore exactly what can still be added;
Y is the item's good (bookable) units. The explanation is the per-day ledger of the same
call (`explain=True`): on the peak days, which events hold how many.

The event is always the one the tab's page shows (`EventDetailState.detail_id`), never an
id from the browser. Writes go through `rentals.add_rentals` / `change_quantity` /
`remove_rental`, which lock, check and write in one transaction: a refused booking lists the
lines that do not fit (RENTAL_CONFLICT) and writes nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import (
    DomainError,
    NotFound,
    RentalConflict,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import availability as avs
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services import events as events_service
from avrentals.domain.services import rentals as rentals_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.event_detail import EventDetailState, refresh_event_pages
from avrentals.ui.state.events import conflict_lines, counted, short_day
from avrentals.ui.state.formatting import format_period, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import live_context, verified_actor
from avrentals.ui.state.locale import LocaleState

SEARCH_RESULTS = 8
MAX_LINES = 20
MAX_LEDGER_ROWS = 31  # longer windows list their peak days only
MAX_QTY_INPUT = 7
LIVE_ENTITIES = frozenset({"availability", "equipment", "event"})


def parse_qty(raw: Any) -> int | None:
    """A whole number >= 1 from a typed string (else None; the service has the last word)."""
    if not isinstance(raw, str) or not raw.strip().isdigit() or len(raw.strip()) > MAX_QTY_INPUT:
        return None
    value = int(raw.strip())
    return value if value >= 1 else None


def ledger_rows(
    ledger: list[dict[str, Any]], on_event: int, language: str = DEFAULT_LANGUAGE
) -> tuple[list[dict], str]:
    """The explain ledger as table rows (peak days flagged), and a one-line summary of the
    peak: "Busiest on Wed 12 Jun: 6 held by Gala (4), Expo (2)." (in `language`)."""
    top = max((int(d.get("booked") or 0) for d in ledger), default=0)
    rows = []
    for day in ledger:
        booked = int(day.get("booked") or 0)
        holders = [
            f"{text(r.get('eventName'))} ({r.get('quantity')})" for r in day.get("rentals") or []
        ]
        rows.append(
            {
                "day": short_day(text(day.get("date")), language),
                "booked": str(booked),
                "free": str(max(int(day.get("available") or 0) - on_event, 0)),
                "events": ", ".join(holders) or "—",
                "peak": "1" if top and booked == top else "",
            }
        )
    if len(rows) > MAX_LEDGER_ROWS:
        rows = [r for r in rows if r["peak"]][:MAX_LEDGER_ROWS]
    if not top:
        return rows, translate("events.ledger.none", language)
    peak = next(r for r in rows if r["peak"])
    days = [r["day"] for r in rows if r["peak"]]
    when = (
        days[0]
        if len(days) == 1
        else counted("events.ledger.more_days", len(days) - 1, language, day=days[0])
    )
    return rows, translate(
        "events.ledger.busiest", language, when=when, top=top, holders=peak["events"]
    )


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _search_items(actor: Actor, term: str) -> list[dict[str, str]]:
    with read_session() as session:
        page = equipment_service.list_equipment(
            session,
            actor,
            PageRequest(page=1, page_size=SEARCH_RESULTS),
            search=term or None,
            sort="name",
        )
    return [
        {
            "id": text(r["id"]),
            "name": text(r.get("name")),
            "code": text(r.get("asset_code")),
            "category": text(r.get("category_name")),
            "good": text(r.get("qty_good")),
        }
        for r in page.items
    ]


def _availability(
    actor: Actor,
    event_id: uuid.UUID,
    item_id: uuid.UUID,
    explain: bool,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """What the dialog shows for one item: free (X), bookable (Y), held by this event,
    the window, and with `explain` the ledger rows and peak summary."""
    with read_session() as session:
        event = events_service.get_event(session, actor, event_id)
        window = avs.event_window(event)
        info = avs.item_availability(
            session, actor, item_id, window, exclude_event_id=event.id, explain=explain
        )
        on_event = events_service.line_totals(session, event.id).get(item_id, 0)
    free = max(int(info["available"]) - on_event, 0)
    shown: dict[str, Any] = {
        "id": str(item_id),
        "name": text(info.get("equipmentName")),
        "free": free,
        "bookable": int(info["bookable"]),
        "on_event": on_event,
        "window": format_period(window.start.isoformat(), window.end.isoformat(), language),
    }
    if explain:
        shown["ledger"], shown["summary"] = ledger_rows(
            info.get("ledger") or [], on_event, language
        )
    return shown


def _verify(token: str, ip: str | None, user_agent: str | None) -> Actor:
    """Re-verify a tab's token inside a live refresh (raises Unauthorized)."""
    with read_session() as session:
        return verified_actor(session, token, ip, user_agent)


def _book(actor: Actor, event_id: uuid.UUID, lines: list[tuple[str, int]]) -> int:
    with transaction() as session:
        return len(rentals_service.add_rentals(session, actor, event_id, lines))


def _change_qty(actor: Actor, rental_id: uuid.UUID, version: int, qty: int) -> None:
    with transaction() as session:
        rentals_service.change_quantity(session, actor, rental_id, version, qty)


def _remove(actor: Actor, rental_id: uuid.UUID, version: int) -> None:
    with transaction() as session:
        rentals_service.remove_rental(session, actor, rental_id, version)


def availability_text(free: int, bookable: int, language: str = DEFAULT_LANGUAGE) -> str:
    return translate("events.add.available", language, free=free, bookable=bookable)


class EventRentalsState(rx.State):
    """Add / edit / remove the lines of the event this tab shows.

    Arguments from the browser are validated here (ids must be among the loaded search
    results or the page's lines, quantities are short digit strings); the services check
    `rentals:write` / `rentals:delete` and availability.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    # add-equipment dialog
    add_open: bool = False
    add_key: str = "0"
    results: list[dict[str, str]] = []
    searching: bool = False
    picked_id: str = ""
    picked_name: str = ""
    picked_code: str = ""
    qty_text: str = ""
    free: int = 0
    bookable: int = 0
    on_event: int = 0
    window_label: str = ""
    avail_loading: bool = False
    explain_open: bool = False
    ledger: list[dict[str, str]] = []
    ledger_summary: str = ""
    lines: list[dict[str, str]] = []
    add_error: str = ""
    add_conflict: str = ""
    add_conflict_lines: list[dict[str, str]] = []
    avail_notice: str = ""
    booking: bool = False

    # inline quantity edit
    qty_edit_id: str = ""
    qty_edit_value: str = ""
    qty_error: str = ""
    qty_conflict_lines: list[dict[str, str]] = []
    qty_saving: bool = False
    _qty_version: int = 0

    # remove-line confirmation
    remove_open: bool = False
    remove_id: str = ""
    remove_label: str = ""
    remove_error: str = ""
    removing: bool = False
    _remove_version: int = 0
    _language: str = DEFAULT_LANGUAGE  # of the tab, read by the handlers

    @rx.var
    def qty_warning(self) -> str:
        """Live hint while typing (the service decides; this only warns): the catalogue key
        of the hint (worded in the browser with `free`), "" for none."""
        if not self.picked_id or not self.qty_text.strip():
            return ""
        qty = parse_qty(self.qty_text)
        if qty is None:
            return "events.add.qty_invalid"
        queued = sum(int(r["qty"]) for r in self.lines if r["id"] == self.picked_id)
        if qty + queued > self.free:
            return "events.add.qty_over"
        return ""

    @rx.var
    def can_book(self) -> bool:
        return bool(self.lines) or (bool(self.picked_id) and parse_qty(self.qty_text) is not None)

    # --- helpers -----------------------------------------------------------------------------

    async def _follow_language(self) -> str:
        self._language = (await self.get_state(LocaleState)).language
        return self._language

    async def _context(self) -> tuple[Actor | None, AuthState, uuid.UUID | None]:
        await self._follow_language()
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        detail = await self.get_state(EventDetailState)
        event_id = parse_client_id(detail.detail_id) if not detail.not_found else None
        return actor, auth, event_id

    async def _refresh_availability(self, actor: Actor, event_id: uuid.UUID) -> None:
        """Re-read the picked item's figure (and explanation, if open) and the queued
        lines' figures."""
        if self.picked_id:
            item_id = uuid.UUID(self.picked_id)
            self.avail_loading = True
            try:
                shown = await asyncio.to_thread(
                    _availability, actor, event_id, item_id, self.explain_open, self._language
                )
            except NotFound:
                self.add_error = translate("events.add.gone", self._language)
                self.picked_id = ""
                return
            finally:
                self.avail_loading = False
            self.free, self.bookable, self.on_event = (
                shown["free"],
                shown["bookable"],
                shown["on_event"],
            )
            self.window_label = shown["window"]
            if self.explain_open:
                self.ledger, self.ledger_summary = shown["ledger"], shown["summary"]
        updated = []
        for line in self.lines:
            try:
                shown = await asyncio.to_thread(
                    _availability, actor, event_id, uuid.UUID(line["id"]), False, self._language
                )
            except NotFound:
                continue
            label = availability_text(shown["free"], shown["bookable"], self._language)
            updated.append(line | {"label": label})
        self.lines = updated

    def _clear_pick(self) -> None:
        self.picked_id = ""
        self.picked_name = ""
        self.picked_code = ""
        self.qty_text = ""
        self.explain_open = False
        self.ledger = []
        self.ledger_summary = ""

    # --- add-equipment dialog ------------------------------------------------------------

    @rx.event
    async def open_add(self):
        """Open the add-equipment dialog for the event this page shows (first items by
        name). No arguments; needs `rentals:write`."""
        actor, auth, event_id = await self._context()
        if actor is None:
            return auth._login_redirect()
        if event_id is None:
            return None
        if not actor.can("rentals:write"):
            return rx.toast.error(await tr(self, "events.add.refuse"))
        self._clear_pick()
        self.lines = []
        self.add_error = ""
        self.add_conflict = ""
        self.add_conflict_lines = []
        self.avail_notice = ""
        self.results = await asyncio.to_thread(_search_items, actor, "")
        self.add_key = str(int(self.add_key) + 1)
        self.add_open = True
        return None

    @rx.event
    def set_add_open(self, value: bool):
        """Only closing is honoured from the browser."""
        if value is False and not self.booking:
            self.add_open = False

    @rx.event
    async def search_items(self, term: str):
        """Item search (name, description or asset code): a string of at most 100
        characters; shows up to 8 matches."""
        if not isinstance(term, str) or not self.add_open:
            return
        actor, auth, _event_id = await self._context()
        if actor is None:
            yield auth._login_redirect()
            return
        self.searching = True
        yield
        try:
            self.results = await asyncio.to_thread(_search_items, actor, term.strip()[:100])
        finally:
            self.searching = False

    @rx.event
    async def pick_item(self, item_id: str):
        """Pick one of the shown search results (its id) and read its figure."""
        if not isinstance(item_id, str) or not self.add_open:
            return
        row = next((r for r in self.results if r["id"] == item_id), None)
        if row is None:
            return
        actor, auth, event_id = await self._context()
        if actor is None:
            yield auth._login_redirect()
            return
        if event_id is None:
            return
        self.picked_id = row["id"]
        self.picked_name = row["name"]
        self.picked_code = row["code"]
        self.explain_open = False
        self.ledger = []
        self.add_error = ""
        self.add_conflict = ""
        self.add_conflict_lines = []
        self.avail_notice = ""
        yield
        await self._refresh_availability(actor, event_id)

    @rx.event
    def set_qty(self, value: str):
        """The quantity box (a string of at most 7 characters)."""
        if isinstance(value, str) and len(value) <= MAX_QTY_INPUT:
            self.qty_text = value

    @rx.event
    async def qty_key(self, key: str):
        """Enter in the quantity box books (same as the Book button)."""
        if key != "Enter":
            return
        async for update in self._book():
            yield update

    @rx.event
    async def toggle_explain(self):
        """Show / hide why: the per-day ledger of the picked item. No arguments."""
        if not self.picked_id or not self.add_open:
            return
        if self.explain_open:
            self.explain_open = False
            return
        actor, auth, event_id = await self._context()
        if actor is None:
            yield auth._login_redirect()
            return
        if event_id is None:
            return
        self.explain_open = True
        await self._refresh_availability(actor, event_id)

    @rx.event
    async def queue_line(self):
        """Put the picked item and quantity on the list and pick another one. No arguments."""
        language = await self._follow_language()
        qty = parse_qty(self.qty_text)
        if not self.picked_id or qty is None or len(self.lines) >= MAX_LINES:
            if self.picked_id and qty is None:
                self.add_error = translate("events.add.qty_invalid", language)
            return
        merged, found = [], False
        for line in self.lines:
            if line["id"] == self.picked_id:
                line = line | {"qty": str(int(line["qty"]) + qty)}
                found = True
            merged.append(line)
        if not found:
            merged.append(
                {
                    "id": self.picked_id,
                    "name": self.picked_name,
                    "qty": str(qty),
                    "label": availability_text(self.free, self.bookable, language),
                }
            )
        self.lines = merged
        self.add_error = ""
        self._clear_pick()
        self.add_key = str(int(self.add_key) + 1)

    @rx.event
    def unqueue_line(self, item_id: str):
        """Drop a queued line (its item id)."""
        if isinstance(item_id, str):
            self.lines = [r for r in self.lines if r["id"] != item_id]

    @rx.event
    async def book(self):
        """Book the queued lines plus the picked item (all or nothing) with
        `rentals.add_rentals`; a RENTAL_CONFLICT lists every line that does not fit."""
        async for update in self._book():
            yield update

    async def _book(self):
        if self.booking or not self.add_open:
            return
        wanted = [(r["id"], int(r["qty"])) for r in self.lines]
        language = await self._follow_language()
        if self.picked_id and self.qty_text.strip():
            qty = parse_qty(self.qty_text)
            if qty is None:
                self.add_error = translate("events.add.qty_invalid", language)
                return
            wanted.append((self.picked_id, qty))
        if not wanted:
            self.add_error = translate("events.add.nothing", language)
            return
        actor, auth, event_id = await self._context()
        if actor is None:
            yield auth._login_redirect()
            return
        if event_id is None:
            return
        self.booking = True
        self.add_error = ""
        self.add_conflict = ""
        self.add_conflict_lines = []
        yield
        try:
            count = await asyncio.to_thread(_book, actor, event_id, wanted)
        except RentalConflict as exc:
            self.add_conflict = translate("events.add.conflict", language)
            self.add_conflict_lines = conflict_lines(exc.details, language)
            await self._refresh_availability(actor, event_id)
        except ValidationFailed as exc:
            self.add_error = " ".join(m for ms in exc.fields.values() for m in ms) or exc.message
        except NotFound as exc:
            self.add_error = exc.message
        except DomainError as exc:  # Forbidden, VersionConflict (line changed under us), ...
            self.add_error = exc.message
        else:
            self.add_open = False
            yield rx.toast.success(counted("events.add.booked", count, language))
            await refresh_event_pages(self, actor, str(event_id))
        finally:
            self.booking = False

    # --- inline quantity edit ----------------------------------------------------------------

    async def _line(self, rental_id: Any) -> dict[str, str] | None:
        if not isinstance(rental_id, str):
            return None
        detail = await self.get_state(EventDetailState)
        return next((r for r in detail.rentals if r["id"] == rental_id), None)

    @rx.event
    async def start_qty_edit(self, rental_id: str):
        """Edit the quantity of a line shown on this page (its rental id)."""
        line = await self._line(rental_id)
        if line is None:
            return
        self.qty_edit_id = line["id"]
        self.qty_edit_value = line["quantity"]
        self._qty_version = int(line["version"] or 0)
        self.qty_error = ""
        self.qty_conflict_lines = []

    @rx.event
    def cancel_qty_edit(self):
        """Leave the quantity edit without saving. No arguments."""
        if not self.qty_saving:
            self.qty_edit_id = ""
            self.qty_error = ""
            self.qty_conflict_lines = []

    @rx.event
    async def save_qty(self, form_data: dict):
        """Save the edited quantity: `form_data["quantity"]` a digit string. An enlargement
        that does not fit is refused with the reason; nothing is written."""
        if self.qty_saving or not self.qty_edit_id:
            return
        raw = form_data.get("quantity") if isinstance(form_data, dict) else None
        qty = parse_qty(raw)
        if qty is None:
            self.qty_error = await tr(self, "events.qty.invalid")
            return
        actor, auth, event_id = await self._context()
        if actor is None:
            yield auth._login_redirect()
            return
        self.qty_edit_value = str(raw).strip()
        self.qty_saving = True
        self.qty_error = ""
        self.qty_conflict_lines = []
        yield
        try:
            await asyncio.to_thread(
                _change_qty, actor, uuid.UUID(self.qty_edit_id), self._qty_version, qty
            )
        except RentalConflict as exc:
            self.qty_error = translate("events.qty.conflict", self._language)
            self.qty_conflict_lines = conflict_lines(exc.details, self._language)
        except VersionConflict as exc:
            self._qty_version = int(exc.current.get("version") or self._qty_version)
            self.qty_error = translate(
                "events.qty.stale", self._language, quantity=exc.current.get("quantity")
            )
        except ValidationFailed as exc:
            self.qty_error = " ".join(m for ms in exc.fields.values() for m in ms) or exc.message
        except DomainError as exc:
            self.qty_error = exc.message
        else:
            self.qty_edit_id = ""
            yield rx.toast.success(translate("events.qty.saved", self._language))
            if event_id is not None:
                await refresh_event_pages(self, actor, str(event_id))
        finally:
            self.qty_saving = False

    # --- remove a line ---------------------------------------------------------------------

    @rx.event
    async def ask_remove(self, rental_id: str):
        """Confirm removing a line shown on this page (its rental id); needs
        `rentals:delete`."""
        line = await self._line(rental_id)
        if line is None:
            return None
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("rentals:delete"):
            return rx.toast.error(await tr(self, "events.remove.refuse"))
        self.remove_id = line["id"]
        self.remove_label = f"{line['quantity']} \u00d7 {line['name']}"
        self._remove_version = int(line["version"] or 0)
        self.remove_error = ""
        self.remove_open = True
        return None

    @rx.event
    def set_remove_open(self, value: bool):
        """Only closing is honoured from the browser."""
        if value is False and not self.removing:
            self.remove_open = False

    @rx.event
    async def confirm_remove(self):
        """Remove the line named in the confirmation (with the version shown)."""
        if self.removing or not self.remove_open or not self.remove_id:
            return
        actor, auth, event_id = await self._context()
        if actor is None:
            yield auth._login_redirect()
            return
        self.removing = True
        self.remove_error = ""
        yield
        try:
            await asyncio.to_thread(_remove, actor, uuid.UUID(self.remove_id), self._remove_version)
        except VersionConflict:
            self.remove_error = translate("events.remove.stale", self._language)
        except NotFound:
            self.remove_open = False
            yield rx.toast.info(translate("events.remove.gone", self._language))
        except DomainError as exc:
            self.remove_error = exc.message
        else:
            self.remove_open = False
            yield rx.toast.success(
                translate("events.remove.done", self._language, label=self.remove_label)
            )
        finally:
            self.removing = False
        if event_id is not None and not self.remove_open:
            await refresh_event_pages(self, actor, str(event_id))

    # --- live updates (called by avrentals.ui.live inside app.modify_state) -----------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Refresh the open dialog's figures when bookings or stock of its items change (or
        the event moves), and say who changed them (own changes are quiet)."""
        if not self.add_open:
            return
        detail = await self.get_state(EventDetailState)
        watched = {self.picked_id, *(r["id"] for r in self.lines)} - {""}
        hits = [
            c
            for c in changes
            if (c.entity in ("availability", "equipment") and c.id in watched)
            or (c.entity == "event" and c.id == detail.detail_id)
        ]
        event_id = parse_client_id(detail.detail_id)
        if not hits or event_id is None:
            return
        token, ip, user_agent, own = await live_context(self)
        if not token:
            return
        language = await self._follow_language()
        try:
            actor = await asyncio.to_thread(_verify, token, ip, user_agent)
            await self._refresh_availability(actor, event_id)
        except DomainError:
            return
        others = [c for c in hits if not (c.actor and c.actor == own)]
        if others:
            who = (
                others[-1].actorName
                or others[-1].actor
                or translate("events.live.someone", language)
            )
            self.avail_notice = translate("events.add.live_notice", language, who=who)
