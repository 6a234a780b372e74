"""Warehouse prep screens: /prep (events to prepare, overdue returns first) and
/prep/<event id> (the tablet checklist: scan field, manual +/-, damage reports, presence).

The event is always the one in the tab's URL (a UUID, else "not found"), lines are only
touched by ids the page loaded, and every write goes through `services.prep` /
`services.prep_checkin` / `services.rentals` in one transaction in a worker thread with the
re-verified Actor (they check `rentals:write`, lock and audit). Scans update the scanned
line in place from the service's answer (no full re-read), so the tablet responds at once;
other tablets re-read the checklist when the change bus announces the event's `scan`.

Presence ("Also scanning: ...") lives in `avrentals.domain.presence`: the page touches it on
load and on every heartbeat of its `prep-heartbeat` component, and announces joins on the bus
(entity `presence`) so the others update without waiting for their next heartbeat.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import date
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain import changes, media_store, presence
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.services import prep as prep_service
from avrentals.domain.services import rentals as rentals_service
from avrentals.domain.services.prep_checkin import (
    finish_checkin,
    report_damage,
    store_report_photo,
)
from avrentals.domain.services.prep_overdue import notify_overdue_returns
from avrentals.i18n import DEFAULT_LANGUAGE
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.details import path_id
from avrentals.ui.state.formatting import format_period, tab_language, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.image_upload import upload_began, upload_ended, upload_refused
from avrentals.ui.state.listing import live_context
from avrentals.ui.state.listing import verified_actor as _verified_actor

logger = logging.getLogger(__name__)

PREP_PATH = "/prep"
TABS = ("checkout", "checkin")
LIST_ENTITIES = frozenset({"rental", "scan", "event"})
CHECKLIST_ENTITIES = frozenset({"rental", "scan", "event", "presence", "equipment"})
MAX_NOTE = 500
REPORT_PHOTO_UPLOAD_ID = "report-photo"
REPORT_PHOTO_REJECTED = "prep.report.photo_rejected"  # catalogue key
STATUS_KEYS = {
    "ongoing": "prep.status.ongoing",
    "upcoming": "prep.status.upcoming",
    "completed": "prep.status.completed",
}


# --- display helpers -------------------------------------------------------------------------


def units_key(count: int) -> str:
    """The catalogue key of "{count} unit(s)" for `count`."""
    return "prep.units.one" if count == 1 else "prep.units.other"


def percent(done: int, total: int) -> int:
    return 0 if total <= 0 else min(100, round(done * 100 / total))


def list_row(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    quantity, out, back = int(row["quantity"]), int(row["scanned_out"]), int(row["scanned_in"])
    going = row["status"] == "upcoming" or (out < quantity and back == 0)
    done, total = (out, quantity) if going else (back, out)
    return {
        "id": text(row["id"]),
        "name": text(row["name"]),
        "client": text(row["client"]),
        "location": text(row["location"]),
        "period": format_period(text(row["start_date"]), text(row["end_date"]), language),
        "status": text(row["status"]),
        "overdue": "1" if row["overdue"] else "",
        # catalogue keys, translated in the browser
        "status_label": STATUS_KEYS.get(text(row["status"]), text(row["status"])),
        "phase": "prep.phase.checkout" if going else "prep.phase.checkin",
        "progress": f"{done} / {total}",
        "percent": str(percent(done, total)),
        "lines": str(int(row["lines"])),
        "lines_key": "prep.list.lines_one" if int(row["lines"]) == 1 else "prep.list.lines_other",
        "missing": str(row["missing"]),
    }


def display_line(line: dict[str, Any]) -> dict[str, str]:
    """A checklist line as the strings the page shows (both directions)."""
    quantity, out, back = int(line["quantity"]), int(line["scanned_out"]), int(line["scanned_in"])
    return {
        "id": text(line["id"]),
        "equipment_id": text(line["equipment_id"]),
        "name": text(line["name"]),
        "code": text(line["asset_code"]),
        "category": text(line["category"]),
        "location": text(line["location"]),
        "consumable": "1" if line["item_type"] == "consumable" else "",
        "quantity": str(quantity),
        "out": str(out),
        "in": str(back),
        "missing": str(out - back),
        "out_state": text(line["out_state"]),
        "in_state": text(line["in_state"]),
        "version": str(line["version"]),
        "first": "",
    }


def mark_groups(lines: list[dict[str, str]]) -> list[dict[str, str]]:
    """Flag the first line of each category (the page prints the category header there)."""
    last = None
    for line in lines:
        line["first"] = "1" if line["category"] != last else ""
        last = line["category"]
    return lines


# --- blocking work (asyncio.to_thread) ---------------------------------------------------------


def _load_list(actor: Actor, today: date, language: str = DEFAULT_LANGUAGE) -> list[dict[str, str]]:
    # The overdue-return generator runs on every prep-list load (idempotent: dedup per event
    # and user); a failure there must not hide the list.
    try:
        with transaction() as session:
            notify_overdue_returns(session, today)
    except Exception:
        logger.warning("prep: overdue-return notifications failed", exc_info=True)
    with read_session() as session:
        rows = prep_service.prep_events(session, actor, today=today)
    return [list_row(r, language) for r in rows]


def _load_checklist(actor: Actor, event_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return prep_service.prep_checklist(session, actor, event_id)


def _live_checklist(token: str, ip: str | None, ua: str | None, event_id: uuid.UUID):
    with read_session() as session:
        actor = _verified_actor(session, token, ip, ua)
        return prep_service.prep_checklist(session, actor, event_id)


def _scan(actor: Actor, event_id: uuid.UUID, code: str, kind: str, device: str | None):
    with transaction() as session:
        return prep_service.scan(session, actor, event_id, code, kind, device=device).payload()


def _add_and_scan(actor: Actor, event_id: uuid.UUID, item_id: uuid.UUID, code: str, kind: str):
    with transaction() as session:
        rentals_service.add_rentals(session, actor, event_id, [(item_id, 1)])
        return prep_service.scan(session, actor, event_id, code, kind).payload()


def _adjust(actor: Actor, rental_id: uuid.UUID, kind: str, delta: int, version: int):
    with transaction() as session:
        return prep_service.adjust(session, actor, rental_id, kind, delta, version)


def _report(actor: Actor, rental_id: uuid.UUID, units: Any, condition: str, note: str, photo: str):
    with transaction() as session:
        return report_damage(session, actor, rental_id, units, condition, note, photo=photo or None)


def _finish(actor: Actor, event_id: uuid.UUID) -> dict[str, Any]:
    with transaction() as session:
        return finish_checkin(session, actor, event_id)


def _announce(event_id: str, actor: Actor) -> None:
    """Tell the other prep tabs of this event that someone joined (not a data change: no
    transaction, published straight away)."""
    changes.get_bus().publish(
        Change(
            entity="presence",
            action="update",
            id=event_id,
            actor=actor.username,
            actorName=actor.name,
        )
    )


# --- /prep ------------------------------------------------------------------------------------


class PrepListState(rx.State):
    """The events to prepare: ongoing and coming up, plus overdue returns (flagged, first),
    each with its progress. Loading it also runs the overdue-return notification generator."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIST_ENTITIES

    rows: list[dict[str, str]] = []
    loaded: bool = False
    error: str = ""

    @rx.var
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r["overdue"])

    async def _reload(self, actor: Actor) -> None:
        try:
            self.rows = await asyncio.to_thread(
                _load_list, actor, date.today(), await tab_language(self)
            )
            self.error = ""
        except DomainError as exc:
            self.error = exc.message
        self.loaded = True

    @rx.event
    async def load(self):
        """on_load of /prep: re-verify the token, list the events. No arguments."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            return auth._login_redirect()
        await self._reload(actor)
        return None

    async def _apply_changes(self, changes_: list[Change]) -> None:
        if not self.loaded or self.router.url.path.rstrip("/") != PREP_PATH:
            return
        if not any(c.entity in LIST_ENTITIES for c in changes_):
            return
        auth = await self.get_state(AuthState)
        if auth._actor is None:
            return
        with_ctx = await live_context(self)
        if not with_ctx[0]:
            return
        try:
            rows = await asyncio.to_thread(_live_list, *with_ctx[:3], await tab_language(self))
        except DomainError:
            return
        self.rows = rows


def _live_list(
    token: str, ip: str | None, ua: str | None, language: str = DEFAULT_LANGUAGE
) -> list[dict[str, str]]:
    with read_session() as session:
        actor = _verified_actor(session, token, ip, ua)
        rows = prep_service.prep_events(session, actor, today=date.today())
    return [list_row(r, language) for r in rows]


# --- /prep/<event id> ---------------------------------------------------------------------------


class PrepChecklistState(rx.State):
    """The tablet checklist of one event.

    Handlers validate their arguments (tab names from a fixed list, line ids among the loaded
    lines, short strings); the services check `rentals:write` and do the counting under a row
    lock. Outcome of the last scan: `outcome_kind` (ok / complete / not_on_event / unknown /
    error / duplicate) and `outcome_message`."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = CHECKLIST_ENTITIES

    event_id: str = ""
    loaded: bool = False
    not_found: bool = False
    error: str = ""
    event: dict[str, str] = {}
    lines: list[dict[str, str]] = []
    tab: str = "checkout"
    outcome_kind: str = ""
    outcome_message: str = ""
    outcome_can_add: bool = False
    scanning: bool = False
    others: list[str] = []
    notice: str = ""
    camera_open: bool = False

    # damage / missing report dialog
    report_open: bool = False
    report_line_id: str = ""
    report_name: str = ""
    report_max: int = 0
    report_condition: str = "damaged"
    report_units: str = "1"
    report_note: str = ""
    report_error: str = ""
    report_saving: bool = False
    report_uploading: bool = False
    _upload_drops: int = 0  # see image_upload.upload_began
    _upload_ends: int = 0
    report_photo_url: str = ""  # thumbnail of the photo waiting to go with the report
    _report_photo: str = ""  # its stored name (only ever set from store_report_photo)

    _add_item_id: str = ""
    _add_code: str = ""

    # --- computed ------------------------------------------------------------------------------

    @rx.var
    def done_count(self) -> int:
        key = "out" if self.tab == "checkout" else "in"
        return sum(int(line[key]) for line in self.lines)

    @rx.var
    def total_count(self) -> int:
        key = "quantity" if self.tab == "checkout" else "out"
        return sum(int(line[key]) for line in self.lines)

    @rx.var
    def progress_text(self) -> str:
        return f"{self.done_count} / {self.total_count}"

    @rx.var
    def progress_percent(self) -> int:
        return percent(self.done_count, self.total_count)

    @rx.var
    def missing_count(self) -> int:
        return sum(int(line["missing"]) for line in self.lines)

    @rx.var
    def others_text(self) -> str:
        return ", ".join(self.others)

    @rx.var
    def has_consumables_out(self) -> bool:
        return any(line["consumable"] and int(line["missing"]) > 0 for line in self.lines)

    # --- helpers -------------------------------------------------------------------------------

    def _tab_id(self) -> str:
        return self.router.session.client_token or ""

    def _event_uuid(self) -> uuid.UUID | None:
        return parse_client_id(self.event_id) if not self.not_found else None

    def _apply_checklist(self, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> None:
        ev = data["event"]
        self.event = {
            "id": text(ev["id"]),
            "name": text(ev["name"]),
            "client": text(ev["client"]),
            "location": text(ev["location"]),
            "period": format_period(text(ev["start_date"]), text(ev["end_date"]), language),
            "status": text(ev["status"]),
            "assigned": text(ev["assigned"]),
            "overdue": "1" if ev["overdue"] else "",
        }
        self.lines = mark_groups([display_line(line) for line in data["lines"]])
        self.loaded = True
        self.not_found = False

    def _gone(self) -> None:
        self.not_found = True
        self.loaded = True
        self.event = {}
        self.lines = []

    def _replace_line(self, line: dict[str, Any]) -> None:
        shown = display_line(line)
        lines = [
            shown | {"first": old["first"]} if old["id"] == shown["id"] else old
            for old in self.lines
        ]
        self.lines = lines

    def _line(self, line_id: Any) -> dict[str, str] | None:
        if not isinstance(line_id, str):
            return None
        return next((line for line in self.lines if line["id"] == line_id), None)

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    async def _reload(self, actor: Actor) -> None:
        event_id = self._event_uuid()
        if event_id is None:
            self._gone()
            return
        try:
            data = await asyncio.to_thread(_load_checklist, actor, event_id)
        except NotFound:
            self._gone()
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._apply_checklist(data, await tab_language(self))

    async def _refresh_presence(self, actor: Actor) -> None:
        if not self.event_id or self.not_found:
            self.others = []
            return
        tab = self._tab_id()
        await asyncio.to_thread(presence.touch, self.event_id, tab, actor.name)
        self.others = await asyncio.to_thread(presence.others, self.event_id, tab)

    def _outcome(self, kind: str, message: str, can_add: bool = False) -> None:
        self.outcome_kind = kind
        self.outcome_message = message
        self.outcome_can_add = can_add

    # --- page ----------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /prep/<id>: re-verify the token, read the checklist of the event in the
        URL, join its presence and tell the other tabs. No arguments."""
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        raw = path_id(self.router.url.path, PREP_PATH)
        if raw != self.event_id:
            self.loaded = False
            self.lines = []
            self.event = {}
        self.event_id = raw if parse_client_id(raw) is not None else ""
        self.not_found = not self.event_id
        self._outcome("", "")
        self.notice = ""
        self.report_open = False
        self.camera_open = False
        params = self.router.url.query_parameters or {}
        self.tab = "checkin" if params.get("tab") == "checkin" else "checkout"
        if self.not_found:
            self._gone()
            return
        yield
        await self._reload(actor)
        if not self.not_found:
            await self._refresh_presence(actor)
            await asyncio.to_thread(_announce, self.event_id, actor)

    @rx.event
    async def heartbeat(self):
        """Keep this tab in the event's presence and refresh who else is here (called every
        few seconds by the page). No arguments."""
        auth = await self.get_state(AuthState)
        actor = auth._actor
        if actor is None or not self.loaded or self.not_found:
            return
        on_page = path_id(self.router.url.path, PREP_PATH) == self.event_id
        if on_page:
            await self._refresh_presence(actor)

    @rx.event
    def set_tab(self, tab: str):
        """Switch between the check-out and check-in lists ("checkout" / "checkin")."""
        if tab in TABS:
            self.tab = tab
            self._outcome("", "")

    @rx.event
    def dismiss_outcome(self):
        """Hide the last scan's banner. No arguments."""
        self._outcome("", "")

    @rx.event
    def dismiss_notice(self):
        """Hide the notice banner. No arguments."""
        self.notice = ""

    # --- scanning ------------------------------------------------------------------------------

    @rx.event
    async def submit_scan(self, form_data: dict):
        """The scan field's submit (a keyboard-wedge scanner types the code and Enter):
        `form_data["code"]`, a string of at most 64 characters, scanned onto this tab's
        direction. Needs `rentals:write` (checked by `prep.scan`)."""
        code = form_data.get("code") if isinstance(form_data, dict) else None
        async for update in self._scan_code(code):
            yield update

    @rx.event
    async def camera_scan(self, code: str):
        """A code read by the camera (same rules as `submit_scan`)."""
        async for update in self._scan_code(code):
            yield update

    async def _scan_code(self, code: Any):
        if not isinstance(code, str) or not code.strip():
            return
        if len(code.strip()) > prep_service.MAX_CODE_LENGTH:
            self._outcome("error", await tr(self, "prep.scan.too_long"))
            return
        event_id = self._event_uuid()
        if event_id is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        device = (self.router.headers.user_agent or "")[:100] or None
        try:
            out = await asyncio.to_thread(_scan, actor, event_id, code.strip(), self.tab, device)
        except NotFound:
            self._gone()
            return
        except DomainError as exc:
            self._outcome("error", exc.message)
            return
        self._show_outcome(out, code.strip())

    def _show_outcome(self, out: dict[str, Any], code: str) -> None:
        result = out["result"]
        if out.get("line"):
            self._replace_line(out["line"])
        self._add_item_id = ""
        self._add_code = ""
        if result == "OK":
            self._outcome("ok", out["message"])
        elif result == "QUANTITY_COMPLETE":
            self._outcome("complete", out["message"])
        elif result == "NOT_ON_EVENT":
            can_add = bool(out.get("can_add")) and self.tab == "checkout"
            if can_add and out.get("item"):
                self._add_item_id = out["item"]["id"]
                self._add_code = code
            self._outcome("not_on_event", out["message"], can_add)
        elif result == "UNKNOWN_CODE":
            self._outcome("unknown", out["message"])
        else:
            self._outcome("duplicate", out["message"])

    @rx.event
    async def add_scanned_item(self):
        """ "Add to event" after a NOT_ON_EVENT scan: book one unit of that item onto this
        event (availability-checked by `rentals.add_rentals`) and count the scan, in one
        transaction. Uses only the item the last scan found. No arguments."""
        event_id = self._event_uuid()
        item_id = parse_client_id(self._add_item_id)
        if event_id is None or item_id is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        try:
            out = await asyncio.to_thread(
                _add_and_scan, actor, event_id, item_id, self._add_code, self.tab
            )
        except DomainError as exc:
            self._outcome("error", exc.message)
            return
        await self._reload(actor)
        self._show_outcome(out, self._add_code)
        if out["result"] == "OK":
            self._outcome("ok", await tr(self, "prep.scan.added", message=out["message"]))

    @rx.event
    async def adjust_line(self, line_id: str, delta: int):
        """Manual +/- on a line of this page (`delta` +1 or -1) in the current direction,
        carrying the version the page shows. Needs `rentals:write`."""
        line = self._line(line_id)
        if line is None or delta not in (1, -1) or isinstance(delta, bool):
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        try:
            row = await asyncio.to_thread(
                _adjust, actor, uuid.UUID(line["id"]), self.tab, delta, int(line["version"])
            )
        except VersionConflict:
            await self._reload(actor)
            self._outcome("error", await tr(self, "prep.line.changed_elsewhere", name=line["name"]))
            return
        except ValidationFailed as exc:
            self._outcome("error", " ".join(m for msgs in exc.fields.values() for m in msgs))
            return
        except NotFound:
            await self._reload(actor)
            return
        except DomainError as exc:
            self._outcome("error", exc.message)
            return
        self._replace_line(row)
        self._outcome(
            "ok", await tr(self, "prep.line.adjusted", name=line["name"], delta=f"{delta:+d}")
        )

    @rx.event
    async def camera_failed(self, message: str):
        """The camera could not start (no camera, permission refused): close it and say
        so; the scan field keeps working."""
        self.camera_open = False
        reason = message[:200] if isinstance(message, str) else ""
        if not reason:
            reason = await tr(self, "prep.camera.unknown_reason")
        self._outcome("error", await tr(self, "prep.camera.unavailable", reason=reason))

    @rx.event
    def toggle_camera(self):
        """Show / hide the camera scanner. No arguments."""
        self.camera_open = not self.camera_open

    # --- check-in: damage / missing, finish ---------------------------------------------------

    @rx.event
    def open_report(self, line_id: str):
        """Open "Report damaged / missing" for a line of this page."""
        line = self._line(line_id)
        if line is None:
            return
        self.report_line_id = line["id"]
        self.report_name = line["name"]
        self.report_max = int(line["out"])
        self.report_condition = "damaged" if int(line["missing"]) == 0 else "missing"
        self.report_units = "1"
        self.report_note = ""
        self.report_error = ""
        self._set_report_photo("")
        self.report_open = True

    def _set_report_photo(self, name: str) -> None:
        self._report_photo = name
        self.report_photo_url = media_store.image_urls(name)[1] or ""
        self.report_uploading = False

    @rx.event
    def start_report_photo(self):
        """Show the photo spinner and clear the last message. No arguments."""
        upload_began(self, "report_uploading")
        if self.report_open:
            self.report_error = ""

    @rx.event
    async def report_photo_rejected(self, _rejections: list[dict[str, Any]]):
        """The browser refused the chosen file (type, size or count): say what fits."""
        upload_refused(self, "report_uploading")
        self.report_error = await tr(self, REPORT_PHOTO_REJECTED)

    @rx.event
    async def upload_report_photo(self, files: list[rx.UploadFile]):
        """Keep the taken / chosen photo for the open report: the first file only, read up to
        one byte past the limit, checked and stored by `prep_checkin.store_report_photo`
        (`rentals:write`, upload rate limit). It is attached when the report is sent."""
        try:
            if not self.report_open or not isinstance(files, list) or not files:
                return
            actor, auth = await self._actor()
            if actor is None:
                yield auth._login_redirect()
                return
            data = await files[0].read(media_store.MAX_UPLOAD_BYTES + 1)
            if not isinstance(data, bytes):
                self.report_error = await tr(self, REPORT_PHOTO_REJECTED)
                return
            try:
                name = await asyncio.to_thread(store_report_photo, actor, data)
            except ValidationFailed as exc:
                self.report_error = " ".join(exc.fields.get("image") or [exc.message])
                return
            except DomainError as exc:
                self.report_error = exc.message
                return
            self.report_error = ""
            self._set_report_photo(name)
        finally:
            upload_ended(self, "report_uploading")

    @rx.event
    def remove_report_photo(self):
        """Drop the photo from the open report (nothing was saved with it yet)."""
        self._set_report_photo("")

    @rx.event
    def set_report_open(self, value: bool):
        """Only closing is honoured from the browser."""
        if value is False and not self.report_saving:
            self.report_open = False

    @rx.event
    def set_report_condition(self, value: str):
        """`damaged` or `missing`."""
        if value in ("damaged", "missing"):
            self.report_condition = value

    @rx.event
    def set_report_units(self, value: str):
        """Units typed in the dialog (a short string; the service validates)."""
        if isinstance(value, str) and len(value) <= 6:
            self.report_units = value

    @rx.event
    def set_report_note(self, value: str):
        """The note typed in the dialog (at most 500 characters)."""
        if isinstance(value, str):
            self.report_note = value[:MAX_NOTE]

    @rx.event
    async def submit_report(self):
        """Report the dialog's units of its line damaged or missing (`prep_checkin.
        report_damage`: maintenance log, units to damaged, conflict alert). Needs
        `rentals:write`. No arguments: the values are the dialog's."""
        line = self._line(self.report_line_id)
        if line is None or self.report_saving:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        units = self.report_units.strip()
        self.report_saving = True
        self.report_error = ""
        yield
        try:
            out = await asyncio.to_thread(
                _report,
                actor,
                uuid.UUID(line["id"]),
                int(units) if units.isdigit() else units,
                self.report_condition,
                self.report_note,
                self._report_photo,
            )
        except ValidationFailed as exc:
            self.report_error = " ".join(m for msgs in exc.fields.values() for m in msgs)
            return
        except DomainError as exc:
            self.report_error = exc.message
            return
        finally:
            self.report_saving = False
        self._replace_line(out["line"])
        self.report_open = False
        self._set_report_photo("")
        what = await tr(self, units_key(int(units)), count=int(units))
        key = f"prep.report.done_{self.report_condition}"
        if out.get("photo"):
            key += "_photo"
        message = await tr(self, key, name=line["name"], units=what)
        if out["conflict_alerts"]:
            message += " " + await tr(self, "prep.report.managers_alerted")
        self._outcome("ok", message)

    @rx.event
    async def finish(self):
        """Finish the check-in: unreturned consumables are deducted from stock
        (`prep_checkin.finish_checkin`). Needs `rentals:write`. No arguments."""
        event_id = self._event_uuid()
        if event_id is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        try:
            out = await asyncio.to_thread(_finish, actor, event_id)
        except DomainError as exc:
            self._outcome("error", exc.message)
            return
        await self._reload(actor)
        used = ", ".join(f"{c['units']} x {c['name']}" for c in out["consumed"])
        still = sum(s["units"] for s in out["still_out"])
        parts = [
            await tr(self, "prep.finish.used_up", used=used)
            if used
            else await tr(self, "prep.finish.nothing_to_settle")
        ]
        if still:
            what = await tr(self, units_key(still), count=still)
            parts.append(await tr(self, "prep.finish.still_missing", units=what))
        self._outcome("ok", " ".join(parts))

    # --- live ----------------------------------------------------------------------------------

    async def _apply_changes(self, changes_: list[Change]) -> None:
        """Re-read the checklist after another tab's scan of this event (or a change of one
        of its lines or of the event), refresh presence on joins."""
        if not self.loaded or self.not_found or not self.event_id:
            return
        if path_id(self.router.url.path, PREP_PATH) != self.event_id:
            return
        token, ip, ua, _own = await live_context(self)
        if not token:
            return
        ids = {line["id"] for line in self.lines}
        reread = False
        joined = False
        # Own changes re-read too: a shared warehouse account may scan from two tablets.
        for c in changes_:
            if c.entity == "presence":
                joined = joined or c.id == self.event_id
            elif c.entity in ("scan", "event"):
                reread = reread or c.id == self.event_id
            elif c.entity == "rental":
                reread = reread or c.id in ids
            elif c.entity == "equipment":
                reread = reread or any(line["equipment_id"] == c.id for line in self.lines)
        if reread:
            event_id = self._event_uuid()
            if event_id is None:
                return
            try:
                data = await asyncio.to_thread(_live_checklist, token, ip, ua, event_id)
            except NotFound:
                self._gone()
                return
            except DomainError:
                return
            self._apply_checklist(data, await tab_language(self))
        if joined or reread:
            tab = self._tab_id()
            self.others = await asyncio.to_thread(presence.others, self.event_id, tab)
