"""Create / edit / duplicate / delete an event, shared by the events list and the event page.

Edit carries the version it loaded and saves only the fields the user changed
(`events.update_event`, versioned). Someone else saving first (VersionConflict) shows who and
a field-by-field comparison; "Apply my changes on top" resubmits the changed fields with the
saved version, "Discard mine" reloads the saved event. Moving the dates so that a line no
longer fits is refused by the service (RentalConflict): the dialog lists which items, on
which days, booked vs bookable, and nothing is written. Duplicate copies the event and its
lines to new dates under the same check. Delete names how many rental lines go with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from datetime import date
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import (
    DomainError,
    NotFound,
    RentalConflict,
    ValidationFailed,
)
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.domain.services import events as events_service
from avrentals.domain.services import users as users_service
from avrentals.domain.services.users import display_name as user_name
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.deleting import (
    DeleteConfirmMixin,
    open_confirmation,
    run_delete,
    warn_changed,
)
from avrentals.ui.state.event_detail import EventDetailState, refresh_event_pages
from avrentals.ui.state.events import EVENTS_PATH, client_options, conflict_lines, counted
from avrentals.ui.state.formatting import format_period, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.locale import LocaleState
from avrentals.ui.state.versioned_form import (
    VersionedFormMixin,
    field_errors,
    read_text_fields,
)

# (field, catalogue key of its label)
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "common.field.name"),
    ("client_id", "common.field.client"),
    ("location", "common.field.location"),
    ("start_date", "common.field.start_date"),
    ("end_date", "common.field.end_date"),
    ("prep_days", "events.field.prep_days"),
    ("return_days", "events.field.return_days"),
    ("assigned_user_id", "events.field.assigned_to"),
    ("notes", "common.field.notes"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
LABELS = dict(FIELDS)
CONTROLLED = ("client_id", "assigned_user_id")  # selects, tracked by the state
TEXT_FIELDS = tuple(f for f in FIELD_NAMES if f not in CONTROLLED)
NO_USER = "none"  # a Radix select item cannot have "" as its value
MAX_INPUT = 2000
LIVE_ENTITIES = frozenset({"event"})


def blank() -> dict[str, str]:
    return dict.fromkeys(FIELD_NAMES, "") | {"prep_days": "0", "return_days": "0"}


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """A saved event (snapshot, JSON-ready) as the form's strings."""
    return {f: text(row.get(f)) for f in FIELD_NAMES}


def labels(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The fields' labels in `language`."""
    return {field: translate(key, language) for field, key in FIELDS}


def read_form(
    form_data: Any, controlled: dict[str, str], language: str = DEFAULT_LANGUAGE
) -> tuple[dict, dict]:
    """(values, errors) from an untrusted payload: known text fields must be strings of at
    most MAX_INPUT characters (unknown keys ignored); the selects come from the state."""
    texts, text_errors = read_text_fields(form_data, TEXT_FIELDS, labels(language), MAX_INPUT)
    typed = {f: v for f, v in texts.items() if not text_errors[f]}
    return blank() | dict(controlled) | typed, dict.fromkeys(FIELD_NAMES, "") | text_errors


def service_input(values: dict[str, str]) -> dict[str, Any]:
    """The form's strings as the service's input (blank user / notes mean none)."""
    out: dict[str, Any] = {}
    for field, value in values.items():
        if field in ("assigned_user_id", "notes"):
            out[field] = value.strip() or None
        else:
            out[field] = value.strip()
    return out


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _choices(actor: Actor, client_id: str, user_id: str) -> tuple[list, list]:
    with read_session() as session:
        clients = client_options(session, actor)
        cid = parse_client_id(client_id)
        if cid is not None and client_id not in {c["id"] for c in clients}:
            with contextlib.suppress(DomainError):  # deleted meanwhile: the service says so
                clients.insert(0, {"id": client_id, "name": _client_name(session, actor, cid)})
        return clients, users_service.assignable_users(session, actor, user_id)


def _client_name(session: Session, actor: Actor, client_id: uuid.UUID) -> str:
    return clients_service.get_client(session, actor, client_id).name


def _search_clients(actor: Actor, term: str) -> list[dict[str, str]]:
    with read_session() as session:
        return client_options(session, actor, term)


def _get(actor: Actor, event_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        event = events_service.get_event(session, actor, event_id)
        row = events_service.event_row(event, None, date.today())
        row["line_count"] = len(events_service.line_totals(session, event_id))
        return row


def _create(actor: Actor, data: dict[str, Any]) -> dict[str, str]:
    with transaction() as session:
        event = events_service.create_event(session, actor, data)
        return {"id": str(event.id), "name": event.name}


def _update(actor: Actor, event_id: uuid.UUID, version: int, data: dict[str, Any]) -> dict:
    with transaction() as session:
        event = events_service.update_event(session, actor, event_id, version, data)
        return {"id": str(event.id), "name": event.name}


def _duplicate(actor: Actor, event_id: uuid.UUID, name: str, start: str, end: str) -> dict:
    with transaction() as session:
        copy = events_service.duplicate_event(
            session, actor, event_id, start, end or None, name=name.strip() or None
        )
        return {"id": str(copy.id), "name": copy.name}


def _delete(actor: Actor, event_id: uuid.UUID, version: int) -> None:
    with transaction() as session:
        events_service.delete_event(session, actor, event_id, version)


def _editor(current: dict[str, Any]) -> str | None:
    with read_session() as session:
        return user_name(session, current.get("updated_by"))


def _line_count(actor: Actor, event_id: uuid.UUID) -> int:
    with read_session() as session:
        return events_service.rental_line_count(session, actor, event_id)


async def _actor_of(state: rx.State) -> tuple[Actor | None, AuthState]:
    auth = await state.get_state(AuthState)
    return await auth._current_actor(), auth


Opened = tuple[Actor, uuid.UUID, dict[str, Any]]


async def _read_event(
    state: rx.State, event_id: Any, permissions: tuple[str, ...], refusal: str
) -> tuple[Opened | None, Any]:
    """The checks before a dialog opens on an event: a UUID id, a signed-in actor holding
    `permissions` (else the toast of catalogue key `refusal`), the event read fresh. Returns
    ((actor, id, row), None), or (None, what the handler returns instead)."""
    eid = parse_client_id(event_id)
    if eid is None:
        return None, None
    actor, auth = await _actor_of(state)
    if actor is None:
        return None, auth._login_redirect()
    if not all(actor.can(p) for p in permissions):
        return None, rx.toast.error(await tr(state, refusal))
    try:
        row = await asyncio.to_thread(_get, actor, eid)
    except NotFound:
        return None, rx.toast.error(await tr(state, "events.form.gone"))
    return (actor, eid, row), None


class EventFormState(VersionedFormMixin, rx.State):
    """The create/edit dialog of one tab, with conflict resolution (`VersionedFormMixin`) and
    the readable RENTAL_CONFLICT of a refused move.

    Every handler re-verifies the token (`AuthState._current_actor()`) and validates its
    arguments: ids are UUID strings (≤ 64 characters), selects must pick a loaded option,
    form payloads are dicts of strings (≤ 2000 characters; unknown keys ignored). The service
    checks `events:write` and every field rule.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    NOUN: ClassVar[str] = "event"
    ENTITY: ClassVar[str] = "event"
    FIELD_NAMES: ClassVar[tuple[str, ...]] = FIELD_NAMES

    values: dict[str, str] = blank()
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    rental_conflict: str = ""
    rental_conflict_lines: list[dict[str, str]] = []
    clients: list[dict[str, str]] = []
    users: list[dict[str, str]] = []
    client_search_key: str = "0"
    _language: str = DEFAULT_LANGUAGE  # of the tab, read by the handlers

    async def _follow_language(self) -> str:
        self._language = (await self.get_state(LocaleState)).language
        return self._language

    @rx.var
    def user_value(self) -> str:
        return self.values.get("assigned_user_id") or NO_USER

    # --- hooks of VersionedFormMixin -----------------------------------------------------------

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return parse_client_id(value)

    def _show(self, row: dict[str, Any]) -> None:
        self.values = form_values(row) if row else blank()
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0) if row else 0
        self.form_key = str(int(self.form_key) + 1)

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return _get(actor, record_id)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        if record_id is None:
            return _create(actor, payload)
        return _update(actor, record_id, version, payload)

    def _changes_payload(self, changes: dict[str, str], *, create: bool) -> dict[str, Any]:
        return service_input(changes)

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        return conflict_rows(
            tuple(labels(self._language).items()),
            self._display(self._mine),
            self._display(self._original),
            self._display(form_values(saved)),
        )

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return _editor(current)

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        await refresh_event_pages(self, actor, record_id)

    def _clear_messages(self) -> None:
        super()._clear_messages()
        self.rental_conflict = ""
        self.rental_conflict_lines = []

    def _on_refused(self, exc: DomainError) -> bool:
        if not isinstance(exc, RentalConflict):
            return False
        self.rental_conflict = exc.message
        self.rental_conflict_lines = conflict_lines(exc.details)
        return True

    def _after_save(self, record_id: str, *, created: bool) -> Any:
        return rx.redirect(f"{EVENTS_PATH}/{record_id}") if created else None

    async def _show_saved(self, actor: Actor, row: dict[str, Any]) -> None:
        await self._open(actor, row)  # the saved client / user may be new options

    # --- helpers -------------------------------------------------------------------------------

    def _display(self, values: dict[str, str]) -> dict[str, str]:
        """Form values as people read them (client and user names instead of ids)."""
        clients = {c["id"]: c["name"] for c in self.clients}
        users = {u["id"]: u["name"] for u in self.users}
        return values | {
            "client_id": clients.get(values.get("client_id", ""), values.get("client_id", "")),
            "assigned_user_id": users.get(values.get("assigned_user_id", ""), ""),
        }

    async def _open(self, actor: Actor, row: dict[str, Any]) -> None:
        await self._follow_language()
        self.clients, self.users = await asyncio.to_thread(
            _choices, actor, text(row.get("client_id")), text(row.get("assigned_user_id"))
        )
        self._reset_form()
        self._show(row)
        self.client_search_key = str(int(self.client_search_key) + 1)
        self.form_open = True

    # --- create / edit -------------------------------------------------------------------------

    @rx.event
    async def open_create(self):
        """Open an empty "New event" form. No arguments; needs `events:write`."""
        refusal = await tr(self, "events.form.refuse_add")
        return await self._open_create("events:write", refusal)

    @rx.event
    async def open_edit(self, event_id: str):
        """Open the edit form of an event. `event_id` must be a UUID string; the event is
        read fresh and its version is the one the save carries."""
        refusal = await tr(self, "events.form.refuse_edit")
        return await self._open_edit("events:write", refusal, event_id)

    @rx.event
    async def search_clients(self, term: str):
        """Narrow the client picker: `term` is a string (≤ 100 characters); the chosen client
        stays among the options."""
        if not isinstance(term, str) or not self.form_open:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        found = await asyncio.to_thread(_search_clients, actor, term.strip()[:100])
        chosen = self.values.get("client_id", "")
        if chosen and chosen not in {c["id"] for c in found}:
            keep = [c for c in self.clients if c["id"] == chosen]
            found = keep + found
        self.clients = found

    @rx.event
    def set_choice(self, field: str, value: str):
        """A select changed: `field` is "client_id" or "assigned_user_id" and `value` one of
        the loaded options ("none" for no assigned user)."""
        if field not in CONTROLLED or not isinstance(value, str) or not self.form_open:
            return
        if field == "client_id" and value not in {c["id"] for c in self.clients}:
            return
        if field == "assigned_user_id":
            value = "" if value == NO_USER else value
            if value and value not in {u["id"] for u in self.users}:
                return
        self.values = dict(self.values) | {field: value}
        self.errors = dict(self.errors) | {field: ""}

    @rx.event
    async def save(self, form_data: dict):
        """Submit (Enter or Save). Create calls `events.create_event`; edit calls
        `events.update_event` with the loaded version and only the changed fields."""
        if self.saving or not self.form_open or self.conflict:
            return
        language = await self._follow_language()
        controlled = {f: self.values.get(f, "") for f in CONTROLLED}
        values, errors = read_form(form_data, controlled, language)
        if any(errors.values()):
            self.errors = errors
            return
        self._mine = values
        self.values = values  # keep what was typed across re-renders
        async for update in self._submit(values):
            yield update


DUP_FIELDS = ("name", "start_date", "end_date")


class EventDuplicateState(rx.State):
    """ "Duplicate event": a copy with its lines on new dates (`events.duplicate_event`,
    availability-checked; a refusal lists the lines that do not fit and writes nothing).
    Handlers re-verify the token; the id must be a UUID string, the form a dict of strings."""

    dup_open: bool = False
    dup_key: str = "0"
    source_id: str = ""
    source_name: str = ""
    source_period: str = ""
    values: dict[str, str] = dict.fromkeys(DUP_FIELDS, "")
    errors: dict[str, str] = dict.fromkeys(DUP_FIELDS, "")
    form_error: str = ""
    rental_conflict: str = ""
    rental_conflict_lines: list[dict[str, str]] = []
    saving: bool = False

    @rx.event
    async def open_duplicate(self, event_id: str):
        """Open the duplicate dialog for an event (UUID string); needs `events:write`."""
        opened, reply = await _read_event(
            self, event_id, ("events:write", "rentals:write"), "events.form.refuse_duplicate"
        )
        if opened is None:
            return reply
        _actor, eid, row = opened
        self.source_id = str(eid)
        self.source_name = text(row.get("name"))
        self.source_period = format_period(
            text(row.get("start_date")),
            text(row.get("end_date")),
            (await self.get_state(LocaleState)).language,
        )
        copy_name = (await tr(self, "events.duplicate.copy_name", name=self.source_name))[:100]
        self.values = {"name": copy_name, "start_date": "", "end_date": ""}
        self.errors = dict.fromkeys(DUP_FIELDS, "")
        self.form_error = ""
        self.rental_conflict = ""
        self.rental_conflict_lines = []
        self.dup_key = str(int(self.dup_key) + 1)
        self.dup_open = True
        return None

    @rx.event
    def set_dup_open(self, value: bool):
        """Only closing is honoured from the browser."""
        if value is False and not self.saving:
            self.dup_open = False

    @rx.event
    async def duplicate(self, form_data: dict):
        """Submit: `form_data` has string `name`, `start_date`, `end_date` (end optional:
        same length as the original)."""
        eid = parse_client_id(self.source_id)
        if self.saving or not self.dup_open or eid is None:
            return
        data = form_data if isinstance(form_data, dict) else {}
        values = {}
        for field in DUP_FIELDS:
            raw = data.get(field, "")
            if not isinstance(raw, str) or len(raw) > 200:
                self.form_error = await tr(self, "events.duplicate.check_fields")
                return
            values[field] = raw
        self.values = values
        actor, auth = await _actor_of(self)
        if actor is None:
            yield auth._login_redirect()
            return
        self.saving = True
        self.errors = dict.fromkeys(DUP_FIELDS, "")
        self.form_error = ""
        self.rental_conflict = ""
        self.rental_conflict_lines = []
        yield
        try:
            copy = await asyncio.to_thread(
                _duplicate, actor, eid, values["name"], values["start_date"], values["end_date"]
            )
        except ValidationFailed as exc:
            self.errors, self.form_error = field_errors(exc, DUP_FIELDS)
        except RentalConflict as exc:
            self.rental_conflict = exc.message
            self.rental_conflict_lines = conflict_lines(exc.details)
        except NotFound:
            self.dup_open = False
            yield rx.toast.error(await tr(self, "events.form.gone"))
        except DomainError as exc:
            self.form_error = exc.message
        else:
            self.dup_open = False
            yield rx.toast.success(await tr(self, "events.duplicate.created", name=copy["name"]))
            yield rx.redirect(f"{EVENTS_PATH}/{copy['id']}")
        finally:
            self.saving = False


class EventDeleteState(DeleteConfirmMixin, rx.State):
    """The delete confirmation of one tab: names the event and how many rental lines go
    with it. `events.delete_event` runs with the version shown and checks `events:delete`."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    delete_lines: str = ""

    @rx.event
    async def ask_delete(self, event_id: str):
        """Open the confirmation for an event (UUID string); needs `events:delete`."""
        opened, reply = await _read_event(
            self, event_id, ("events:delete",), "events.form.refuse_delete"
        )
        if opened is None:
            return reply
        _actor, eid, row = opened
        open_confirmation(self, str(eid), text(row.get("name")), int(row.get("version") or 0))
        lines = int(row.get("line_count") or 0)
        language = (await self.get_state(LocaleState)).language
        self.delete_lines = (
            counted("events.delete.lines", lines, language)
            if lines
            else translate("events.delete.no_lines", language)
        )
        return None

    @rx.event
    async def confirm_delete(self):
        """Delete the event named in the confirmation (with the version shown)."""
        eid = parse_client_id(self.delete_id)
        if self.deleting or not self.delete_open or eid is None:
            return
        actor, auth = await _actor_of(self)
        if actor is None:
            yield auth._login_redirect()
            return
        language = (await self.get_state(LocaleState)).language
        stale = translate("events.delete.stale", language)
        async for event in run_delete(
            self,
            functools.partial(_delete, actor, eid, self.delete_version),
            in_use=lambda exc: exc.message,
            stale=stale,
            gone=translate("events.delete.gone", language),
            on_deleted=lambda: self._after_delete(actor),
        ):
            yield event
        if self.delete_error and self.delete_error == stale:
            count = await asyncio.to_thread(_line_count, actor, eid)
            self.delete_lines = counted("events.delete.lines_now", count, language)

    async def _after_delete(self, actor: Actor) -> Any:
        detail = await self.get_state(EventDetailState)
        if detail.detail_id == self.delete_id and self.router.url.path.startswith(
            EVENTS_PATH + "/"
        ):
            return rx.redirect(EVENTS_PATH)
        await refresh_event_pages(self, actor, self.delete_id)
        return None

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Warn a user with the confirmation open that someone just changed that event."""
        await warn_changed(self, changes, "event", "event")
