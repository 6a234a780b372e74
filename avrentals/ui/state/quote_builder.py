"""The quote builder (/quotes/new, /quotes/<id>): header, lines, live server totals and the
autosaved draft.

Every edit updates the tab's document (strings as typed), re-prices it with the service's
pure `quotes.preview_totals` (the browser never computes a total) and marks it "Unsaved
changes". The `autosave` background task saves the whole document ~800 ms after the last
edit: the first save creates the Draft (`create_quote(allow_empty=True)`), later ones are
versioned `update_quote` calls; the indicator shows Saving… / Saved. Edits typed during a
save are saved next, with the new version. A VersionConflict stops the autosave and shows
the shared field-by-field comparison ("Apply my changes on top" / "Discard mine").

Live: when someone else (or this user on another device) saves the open quote, a tab with
nothing unsaved shows their version with "X changed this quote"; a tab with unsaved typing
keeps it and is told before its next save conflicts. Viewer / Technician roles and
Accepted / Declined / Archived quotes are read-only here, and the services refuse anyway.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import date
from typing import Any, ClassVar

import reflex as rx

from avrentals.domain.changes import Change
from avrentals.domain.errors import (
    DomainError,
    InvalidState,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.permissions import Actor
from avrentals.domain.services import quotes as quotes_service
from avrentals.i18n import DEFAULT_LANGUAGE
from avrentals.ui import routes
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state import quote_reads as reads
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.details import path_id
from avrentals.ui.state.formatting import format_day, tab_language, text
from avrentals.ui.state.listing import live_context
from avrentals.ui.state.quote_document import (
    COMPARED,
    ERROR_FIELDS,
    HEADER,
    HEADER_FIELDS,
    READ_ONLY_STATUSES,
    blank_header,
    compare_values,
    header_from_payload,
    lines_from_payload,
    make_line,
    merge_mine,
    parse_id,
    relabel,
    service_values,
    split_errors,
    totals_view,
    with_line_errors,
    with_line_totals,
)
from avrentals.ui.state.quote_pickers import QuotePickersMixin
from avrentals.ui.state.quotes import expired

DEBOUNCE_S = 0.8
STALE_TASK_S = 60.0  # an autosave task not heard of for this long is taken as dead
MAX_TEXT = 2000
LABELS = dict(HEADER)
TEXT_FIELDS = frozenset(HEADER_FIELDS) - {"client_id", "discount_type"}
LINE_FIELDS = frozenset({"description", "quantity", "unit_price"})
ZERO_TOTALS = {"sub_total": "0", "discount_amount": "0", "fees_total": "0"}
ZERO_TOTALS |= {"tax_amount": "0", "total": "0"}
# save status -> catalogue key of the indicator's text
SAVE_LABELS = {
    "new": "quotes.save.new",
    "unsaved": "common.state.unsaved",
    "saving": "common.state.saving",
    "saved": "common.state.saved",
    "error": "quotes.save.error",
}


class QuoteBuilderState(QuotePickersMixin, rx.State):
    """One tab's quote document. Handlers validate their arguments (field names from
    allow-lists, values strings of bounded length, line keys among the tab's lines) and
    re-verify the token before any service call."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"quote"})  # for avrentals.ui.live

    quote_id: str = ""
    number: str = ""
    status: str = "Draft"
    version: int = 0
    event_id: str = ""
    event_name: str = ""
    sent_to: str = ""
    sent_on: str = ""  # the day it was e-mailed, in the tab's language; "" if never
    sent_version: int = 0  # the version the client was given; 0 if never sent
    valid_until: str = ""  # a Sent quote's last valid day, in the tab's language
    expired: bool = False  # a Sent quote past that day
    header: dict[str, str] = dict.fromkeys(HEADER_FIELDS, "")
    lines: list[dict[str, str]] = []
    errors: dict[str, str] = dict.fromkeys(ERROR_FIELDS, "")
    form_error: str = ""
    totals: dict[str, str] = totals_view(ZERO_TOTALS, {})
    totals_note: str = ""  # a catalogue key
    save_status: str = "new"
    save_hint: str = ""  # a catalogue key ({fields}: the keys of `save_hint_fields`)
    save_hint_fields: list[str] = []
    form_key: str = "0"
    loaded: bool = False
    not_found: bool = False
    load_error: str = ""
    can_write: bool = False
    live_notice: str = ""
    stale_notice: str = ""
    conflict: str = ""
    conflict_rows: list[dict[str, str]] = []
    saving: bool = False

    _seq: int = 0
    _saved_seq: int = 0
    _last_edit: float = 0.0
    _task_beat: float = 0.0  # last sign of life of the autosave task (0: none running)
    _touched: list[str] = []
    _show_all: bool = False
    _preview_ok: bool = False
    _original: dict[str, Any] = {}  # {"header", "lines"} as last saved
    _conflict_saved: dict[str, Any] = {}
    _language: str = DEFAULT_LANGUAGE  # the tab's, taken on load (money on the document)

    # --- computed display ----------------------------------------------------------------------

    @rx.var
    def editable(self) -> bool:
        return self.can_write and self.status not in READ_ONLY_STATUSES and not self.not_found

    @rx.var
    def save_label(self) -> str:
        """The catalogue key of the save indicator's text."""
        return SAVE_LABELS.get(self.save_status, "")

    @rx.var
    def notes_count(self) -> str:
        return f"{len(self.header.get('notes', ''))} / 1000"

    @rx.var
    def page_title(self) -> str:
        if not self.quote_id:
            return ""  # the page says "New quote"
        return f"{self.number} · {self.header.get('name', '')}".strip(" ·")

    @rx.var
    def changed_since_sent(self) -> bool:
        """A Sent quote saved since the client was given it: they have another version."""
        return self.status == "Sent" and 0 < self.sent_version < self.version

    @rx.var
    def pdf_ready(self) -> bool:
        return bool(self.quote_id) and self.save_status == "saved"

    # --- helpers -------------------------------------------------------------------------------

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    def _reset(self) -> None:
        self.quote_id = ""
        self.number = ""
        self.status = "Draft"  # i18n: not text
        self.version = 0
        self.event_id = ""
        self.event_name = ""
        self.sent_to = ""
        self.sent_on = ""
        self.sent_version = 0
        self.valid_until = ""
        self.expired = False
        self.lines = []
        self.errors = dict.fromkeys(ERROR_FIELDS, "")
        self.form_error = ""
        self.totals_note = ""
        self.live_notice = ""
        self.stale_notice = ""
        self.conflict = ""
        self.conflict_rows = []
        self.not_found = False
        self.load_error = ""
        self.save_hint = ""
        self.save_hint_fields = []
        self._seq = self._saved_seq = 0
        self._touched = []
        self._show_all = False
        self._conflict_saved = {}
        self.client_results = []
        self.equipment_results = []
        self.highlight = 0

    def _rerender(self) -> None:
        self.form_key = str(int(self.form_key) + 1)

    def _apply_detail(self, detail: dict[str, Any]) -> None:
        """Show the saved quote as the server has it (inputs re-render)."""
        self._apply_meta(detail)
        self.header = header_from_payload(detail)
        self.header["linked_name"] = text(detail.get("linked_client_name"))
        self.lines = lines_from_payload(list(detail.get("items") or []), self._language)
        self._mark_saved(detail)
        self.errors = dict.fromkeys(ERROR_FIELDS, "")
        self.form_error = ""
        self._preview_ok = True
        self._rerender()

    def _apply_saved(self, detail: dict[str, Any]) -> None:
        """Take the answer of this tab's own save without touching what the inputs show
        (no re-render, so typing is never disturbed): numbers, version, line totals and
        availability, totals."""
        self._apply_meta(detail)
        saved = lines_from_payload(list(detail.get("items") or []), self._language)
        if len(saved) == len(self.lines):
            computed = ("days", "line_total", "free", "bookable")
            self.lines = [
                relabel(mine | {k: theirs[k] for k in computed})
                for mine, theirs in zip(self.lines, saved, strict=True)
            ]
        else:  # the service added lines (required fees): show its list
            self.lines = saved
        self._mark_saved(detail)

    def _mark_saved(self, detail: dict[str, Any]) -> None:
        self.totals = totals_view(detail, self.header, self._language)
        self.totals_note = ""
        self._original = {"header": dict(self.header), "lines": [dict(x) for x in self.lines]}
        self._saved_seq = self._seq
        self.save_status = "saved"
        self.save_hint = ""
        self.save_hint_fields = []

    def _apply_meta(self, detail: dict[str, Any]) -> None:
        self.quote_id = text(detail.get("id"))
        self.number = text(detail.get("number"))
        self.status = text(detail.get("status")) or "Draft"
        self.version = int(detail.get("version") or 0)
        self.event_id = text(detail.get("event_id"))
        self.event_name = text(detail.get("event_name"))
        sent_at, sent_to = text(detail.get("sent_at")), text(detail.get("sent_to"))
        self.sent_to = sent_to
        self.sent_on = format_day(sent_at[:10], self._language) if sent_at else ""
        self.sent_version = int(detail.get("sent_version") or 0)
        valid = text(detail.get("valid_until"))
        sent = self.status == "Sent" and valid != ""
        self.valid_until = format_day(valid, self._language) if sent else ""
        self.expired = sent and expired(self.status, valid)

    def _values(self) -> tuple[dict[str, Any], dict[str, str]]:
        return service_values(self.header, self.lines)

    def _show_errors(self, fields: dict[str, list[str]], local: dict[str, str]) -> None:
        """Show the service's field messages: those of fields the user touched (every one
        after an explicit save), and name the untouched ones still needed to save."""
        shown = set(self._touched) | {"lines"}
        header, line_errors, other = split_errors(fields, len(self.lines))
        header |= {k: v for k, v in local.items() if v}
        self.errors = {k: (v if (self._show_all or k in shown) else "") for k, v in header.items()}
        self.lines = with_line_errors(self.lines, line_errors)
        self.form_error = other
        missing = [LABELS.get(k, k) for k, v in header.items() if v and not self.errors.get(k)]
        self.save_hint_fields = missing
        self.save_hint = "quotes.builder.hint_fill_in" if missing else "quotes.builder.hint_fix"

    def _preview(self) -> None:
        """Re-price the document with the service (pure; the rules that decide amounts)."""
        values, local = self._values()
        try:
            priced = quotes_service.preview_totals(values)
        except ValidationFailed as exc:
            self._preview_ok = False
            self._show_errors(exc.fields, local)
            self.totals_note = "quotes.totals.note_fix"
            return
        if local:
            self._preview_ok = False
            self._show_errors({}, local)
            return
        self._preview_ok = True
        self.errors = dict.fromkeys(ERROR_FIELDS, "")
        self.form_error = ""
        self.save_hint = ""
        self.save_hint_fields = []
        self.totals_note = ""
        self.lines = with_line_totals(
            with_line_errors(self.lines, {}), list(priced["items"]), self._language
        )
        self.totals = totals_view(
            priced | {"tax_rate": values.get("tax_rate")}, self.header, self._language
        )

    def _edited(self, *fields: str) -> Any:
        """After a change of the document: re-price, mark unsaved and start the autosave."""
        self._seq += 1
        self._last_edit = time.monotonic()
        self._touched = sorted(set(self._touched) | set(fields))
        self._preview()
        self.save_status = "unsaved"
        return self._kick()

    def _kick(self) -> Any:
        """The autosave event when a save is due and no autosave task is alive."""
        if not self.editable or self.conflict or not self._preview_ok:
            return None
        if self._task_beat and time.monotonic() - self._task_beat < STALE_TASK_S:
            return None
        return QuoteBuilderState.autosave

    def _may_edit(self) -> bool:
        return self.loaded and self.editable and not self.conflict

    # --- loading -------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /quotes/new and /quotes/<id>: re-verify the token, then show a new
        document (required fees on it) or the saved quote (`quotes.quote_detail`). The id
        comes from the URL (a UUID, else "not found")."""
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        raw = path_id(self.router.url.path, routes.QUOTES)
        self._reset()
        self._language = await tab_language(self)
        self.loaded = False
        self.can_write = actor.can("quotes:write")
        yield
        try:
            if raw == "new":
                if not self.can_write:
                    yield rx.toast.error(await tr(self, "quotes.builder.cannot_create"))
                    yield rx.redirect(routes.QUOTES)
                    return
                await self._open_new(actor)
            else:
                quote_id = parse_id(raw)
                if not quote_id:
                    self.not_found = True
                    return
                found = await asyncio.to_thread(reads.load_saved, actor, uuid.UUID(quote_id))
                self.services, self.fees = found["services"], found["fees"]
                self._apply_detail(found["detail"])
        except NotFound:
            self.not_found = True
        except DomainError as exc:
            self.load_error = exc.message
        finally:
            self.loaded = True

    async def _open_new(self, actor: Actor) -> None:
        found = await asyncio.to_thread(reads.load_new, actor)
        self.services, self.fees = found["services"], found["fees"]
        self.header = blank_header(date.today(), found["tax_rate"]) | {"linked_name": ""}
        self.lines = [
            make_line("fee", f["id"], f["name"], f["price"], fee_type=f["fee_type"])
            for f in self.fees
            if f["required"]
        ]
        self._original = {}
        self.save_status = "new"
        self._preview()
        self.save_status = "new"
        self._rerender()

    async def _reload_saved(self, actor: Actor) -> None:
        """Show the saved quote again (after an action on it from this tab)."""
        if not self.quote_id:
            return
        try:
            detail = await asyncio.to_thread(reads.read_detail, actor, uuid.UUID(self.quote_id))
        except NotFound:
            self.not_found = True
            return
        except DomainError as exc:
            self.load_error = exc.message
            return
        self.conflict = ""
        self.conflict_rows = []
        self.stale_notice = ""
        self._apply_detail(detail)

    # --- editing -------------------------------------------------------------------------------

    @rx.event
    def set_field(self, field: str, value: str):
        """A header input changed: `field` one of the text fields (name, location, client
        name / e-mail / phone / address, dates, discount value, tax %, notes), `value` a
        string of at most 2000 characters."""
        if field not in TEXT_FIELDS or not isinstance(value, str) or len(value) > MAX_TEXT:
            return None
        if not self._may_edit() or self.header.get(field) == value:
            return None
        self.header = dict(self.header) | {field: value}
        follow = self._edited(field)
        if field not in ("start_date", "end_date"):
            return follow
        # New dates: the equipment lines' "available X of Y" are re-read too.
        return [e for e in (QuoteBuilderState.refresh_availability, follow) if e is not None]

    @rx.event
    def set_discount_type(self, value: str):
        """Discount type: "fixed" or "percentage"."""
        if value not in ("fixed", "percentage") or not self._may_edit():
            return None
        self.header = dict(self.header) | {"discount_type": value}
        return self._edited("discount_type", "discount_value")

    @rx.event
    def set_line(self, key: str, field: str, value: str):
        """A line input changed: `key` one of the tab's line keys, `field` description,
        quantity or unit_price, `value` a string of at most 2000 characters."""
        if field not in LINE_FIELDS or not isinstance(value, str) or len(value) > MAX_TEXT:
            return None
        if not self._may_edit():
            return None
        changed = False
        lines = []
        for line in self.lines:
            if line["key"] == key and line.get(field) != value:
                line = relabel(line | {field: value})
                changed = True
            lines.append(line)
        if not changed:
            return None
        self.lines = lines
        return self._edited("lines")

    @rx.event
    def remove_line(self, key: str):
        """Remove a line (one of the tab's line keys)."""
        if not isinstance(key, str) or not self._may_edit():
            return None
        kept = [line for line in self.lines if line["key"] != key]
        if len(kept) == len(self.lines):
            return None
        self.lines = kept
        self._rerender()
        return self._edited("lines")

    def _add_line(self, line: dict[str, str]) -> Any:
        """Append a line from a picker (called by the picker handlers)."""
        self.lines = [*self.lines, line]
        return self._edited("lines")

    @rx.event
    async def refresh_availability(self):
        """Re-read "available X of Y" of the equipment lines for the quote's dates. No
        arguments."""
        ids = [line["ref_id"] for line in self.lines if line["item_type"] == "equipment"]
        if not ids:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        figures = await asyncio.to_thread(
            reads.line_availability,
            actor,
            ids,
            self.header.get("start_date", ""),
            self.header.get("end_date", ""),
        )
        lines = []
        for line in self.lines:
            if line["item_type"] == "equipment":
                free, good = figures.get(line["ref_id"], ("", ""))
                line = relabel(line | {"free": str(free), "bookable": str(good)})
            lines.append(line)
        self.lines = lines

    # --- saving --------------------------------------------------------------------------------

    async def _begin_save(self) -> dict[str, Any] | None:
        """The save to run now, or None (nothing due, invalid, conflict, not allowed)."""
        if not self.editable or self.conflict or self._seq == self._saved_seq:
            return None
        if not self._preview_ok:
            self.save_status = "unsaved"
            return None
        actor, _auth = await self._actor()
        if actor is None:
            return None
        values, _local = self._values()
        self.saving = True
        self.save_status = "saving"
        return {
            "actor": actor,
            "quote_id": uuid.UUID(self.quote_id) if self.quote_id else None,
            "version": self.version,
            "values": values,
            "seq": self._seq,
            "mine": {"header": dict(self.header), "lines": [dict(x) for x in self.lines]},
        }

    @staticmethod
    async def _run_save(job: dict[str, Any]) -> Any:
        try:
            return await asyncio.to_thread(
                reads.save, job["actor"], job["quote_id"], job["version"], job["values"]
            )
        except DomainError as exc:
            return exc

    async def _finish_save(self, job: dict[str, Any], result: Any) -> list[Any]:
        """Take the save's answer; returns the events to send (toasts, address bar)."""
        self.saving = False
        events: list[Any] = []
        if isinstance(result, VersionConflict):
            await self._on_conflict(job, result.current)
            return events
        if isinstance(result, ValidationFailed):
            self._show_errors(result.fields, {})
            self.save_status = "unsaved"
            return events
        if isinstance(result, NotFound):
            self.save_status = "error"
            self.stale_notice = await tr(self, "quotes.builder.deleted_elsewhere")
            self.can_write = False
            return events
        if isinstance(result, InvalidState):
            self.save_status = "error"
            self.form_error = result.message
            actor = job["actor"]
            await self._reload_saved(actor)
            self.stale_notice = await tr(
                self, "quotes.builder.no_longer_editable", reason=result.message
            )
            return events
        if isinstance(result, DomainError):
            self.save_status = "error"
            self.form_error = result.message
            return events
        created = job["quote_id"] is None
        if self._seq == job["seq"]:
            self._apply_saved(result)
        else:  # typed meanwhile: keep the typing, take the new version and save again
            self.quote_id = text(result.get("id"))
            self.number = text(result.get("number"))
            self.version = int(result.get("version") or self.version)
            self._original = job["mine"]
            self.save_status = "unsaved"
        if created:
            url = f"{routes.QUOTES}/{self.quote_id}"
            events.append(
                rx.call_script(
                    f"window.history.replaceState(window.history.state, '', {json.dumps(url)})"
                )
            )
        return events

    async def _on_conflict(self, job: dict[str, Any], current: dict[str, Any]) -> None:
        try:
            who = await asyncio.to_thread(reads.editor_name, current)
        except DomainError:
            who = None
        saved = {
            "header": header_from_payload(current),
            "lines": lines_from_payload(list(current.get("items") or []), self._language),
        }
        original = self._original or saved
        who = who or await tr(self, "quotes.builder.someone_else")
        self.conflict = await tr(self, "quotes.builder.conflict", who=who)
        self.conflict_rows = shared_conflict_rows(
            tuple([(field, await tr(self, key)) for field, key in COMPARED]),
            compare_values(self.header, self.lines),
            compare_values(original["header"], original["lines"]),
            compare_values(saved["header"], saved["lines"]),
        )
        self._conflict_saved = saved
        self.version = int(current.get("version") or self.version)
        self.stale_notice = ""
        self.save_status = "unsaved"
        self.save_hint = "quotes.builder.hint_choose"
        self.save_hint_fields = []

    @rx.event(background=True)
    async def autosave(self):
        """Save the document ~800 ms after the last edit, again while edits keep coming
        (`quotes.create_quote` / `update_quote`, needs `quotes:write`). No arguments."""
        async with self:
            if self._task_beat and time.monotonic() - self._task_beat < STALE_TASK_S:
                return
            self._task_beat = time.monotonic()
        try:
            while True:
                async with self:
                    self._task_beat = time.monotonic()
                    wait = self._last_edit + DEBOUNCE_S - time.monotonic()
                    due = self._seq != self._saved_seq and self._preview_ok
                    if not due or self.conflict or not self.editable:
                        break
                if wait > 0:
                    await asyncio.sleep(min(wait, DEBOUNCE_S))
                    continue
                async with self:
                    job = await self._begin_save()
                if job is None:
                    break
                result = await self._run_save(job)
                async with self:
                    events = await self._finish_save(job, result)
                for event in events:
                    yield event
                if isinstance(result, DomainError):
                    break
        finally:
            async with self:
                self._task_beat = 0.0
                self.saving = False

    @rx.event
    async def save_now(self):
        """Save the document now, without waiting for the autosave (Ctrl+S); every field
        message is shown. Same services and rules as `autosave`. No arguments."""
        if self.saving:
            return
        self._show_all = True
        if not self._preview_ok:
            self._preview()
            return
        job = await self._begin_save()
        if job is None:
            return
        yield
        result = await self._run_save(job)
        for event in await self._finish_save(job, result):
            yield event

    # --- conflict ------------------------------------------------------------------------------

    @rx.event
    def apply_mine(self):
        """After a conflict: keep each field this user changed (and their lines, if they
        changed any) over the saved quote, and save that with the saved version. No
        arguments."""
        if not self.conflict or not self._conflict_saved or self.saving:
            return None
        original = self._original or self._conflict_saved
        header, lines = merge_mine(
            (dict(self.header), [dict(x) for x in self.lines]),
            (original["header"], original["lines"]),
            (self._conflict_saved["header"], self._conflict_saved["lines"]),
        )
        self._original = self._conflict_saved
        self._conflict_saved = {}
        self.conflict = ""
        self.conflict_rows = []
        self.header = header | {"linked_name": self.header.get("linked_name", "")}
        self.lines = lines
        self._rerender()
        return self._edited("lines")

    @rx.event
    async def discard_mine(self):
        """After a conflict or a live notice: drop this tab's edits and show the saved quote.
        No arguments."""
        if self.saving or not self.quote_id:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        await self._reload_saved(actor)

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""

    # --- live updates (called by avrentals.ui.live inside app.modify_state) ---------------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Someone saved or deleted the open quote: show their version if this tab has
        nothing unsaved, else say so before the next save conflicts."""
        if not self.quote_id or not self.loaded:
            return
        on_page = path_id(self.router.url.path, routes.QUOTES) in (self.quote_id, "new")
        hits = [c for c in changes if c.entity == "quote" and c.id == self.quote_id]
        if not hits or not on_page:
            return
        change = hits[-1]
        token, ip, user_agent, own = await live_context(self)
        if not token:
            return
        mine = bool(change.actor and change.actor == own)
        known = change.version is not None and change.version <= self.version
        if change.action != "delete" and (known or (mine and self.saving)):
            return  # this tab's own save (or older news)
        if mine:
            who = await tr(self, "quotes.builder.you_elsewhere")
        else:
            who = change.actorName or change.actor or await tr(self, "quotes.builder.someone")
        if change.action == "delete":
            self.stale_notice = await tr(self, "quotes.builder.live_deleted", who=who)
            self.can_write = False
            return
        if self.save_status in ("saved", "new") and not self.conflict and not self.saving:
            try:
                actor = await asyncio.to_thread(reads.verify, token, ip, user_agent)
                detail = await asyncio.to_thread(reads.read_detail, actor, uuid.UUID(self.quote_id))
            except DomainError:
                return
            self._apply_detail(detail)
            self.live_notice = await tr(self, "quotes.builder.live_changed", who=who)
            return
        self.stale_notice = await tr(self, "quotes.builder.live_changed_unsaved", who=who)
