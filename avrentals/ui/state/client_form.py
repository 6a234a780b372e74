"""Create / edit a client, shared by the list and the client page.

The edit form carries the version it loaded. Saving sends only the fields the user changed
(`clients.update_client`, versioned). When someone else saved first (VersionConflict), the
dialog shows who, and field by field "your value" vs "saved value"; the user chooses "Apply my
changes on top" (the fields they changed, resubmitted with the saved version: the other
person's edits to other fields stay) or "Discard mine" (reload the saved client). Nothing is
ever overwritten silently. Field messages come from the service's ValidationFailed.
Delete is in `client_delete.py`.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.client_detail import refresh_client_pages
from avrentals.ui.state.clients import live_context, parse_client_id, text, user_name

# (field, label) in form order; the service enforces the limits and names the field.
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("contact_person", "Contact person"),
    ("email", "Email"),
    ("phone", "Phone"),
    ("address", "Address"),
    ("tax_id", "Tax id"),
    ("notes", "Notes"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
LABELS = dict(FIELDS)
MAX_INPUT = 5000  # anything longer is refused here; the service's limits are far lower
LIVE_ENTITIES = frozenset({"client"})


def blank() -> dict[str, str]:
    return dict.fromkeys(FIELD_NAMES, "")


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """The editable fields of a saved client as strings ("" for NULL)."""
    return {f: text(row.get(f)) for f in FIELD_NAMES}


def read_form(form_data: Any) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) from an untrusted form payload: a dict whose known fields are
    strings of at most MAX_INPUT characters. Unknown keys are ignored; a missing field is ""."""
    data = form_data if isinstance(form_data, dict) else {}
    values, errors = blank(), blank()
    for field in FIELD_NAMES:
        raw = data.get(field, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[field] = f"{LABELS[field]} must be text."
        elif len(raw) > MAX_INPUT:
            errors[field] = f"{LABELS[field]} is far too long."
        else:
            values[field] = raw
    return values, errors


def changed_fields(mine: dict[str, str], original: dict[str, str]) -> dict[str, str]:
    """The fields the user changed (whitespace at the ends does not count)."""
    return {
        f: mine[f] for f in FIELD_NAMES if mine.get(f, "").strip() != original.get(f, "").strip()
    }


def conflict_rows(
    mine: dict[str, str], original: dict[str, str], saved: dict[str, str]
) -> list[dict[str, str]]:
    """Field-by-field comparison for the conflict callout (see `forms.conflict_rows`)."""
    return shared_conflict_rows(FIELDS, mine, original, saved)


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _get(actor: Actor, client_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return clients_service.client_row(clients_service.get_client(session, actor, client_id))


def _create(actor: Actor, values: dict[str, str]) -> dict[str, Any]:
    with transaction() as session:
        return clients_service.client_row(clients_service.create_client(session, actor, values))


def _update(
    actor: Actor, client_id: uuid.UUID, version: int, values: dict[str, str]
) -> dict[str, Any]:
    with transaction() as session:
        client = clients_service.update_client(session, actor, client_id, version, values)
        return clients_service.client_row(client)


def _editor(current: dict[str, Any]) -> str | None:
    with read_session() as session:
        return user_name(session, current.get("updated_by"))


class ClientFormState(rx.State):
    """The create/edit dialog of one tab, with conflict resolution.

    Every handler re-verifies the token (`AuthState._current_actor()`) and validates its
    arguments: ids are UUID strings (≤ 64 characters), form payloads are dicts of strings
    (≤ 5000 characters each; unknown keys ignored). The service checks `clients:write` and
    every field rule; the check here only spares a role a dialog whose save would be refused.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    form_open: bool = False
    mode: str = "create"  # "create" | "edit"
    form_key: str = "0"  # bumped to re-render the (uncontrolled) inputs with `values`
    edit_id: str = ""
    edit_version: int = 0
    values: dict[str, str] = blank()
    errors: dict[str, str] = blank()
    form_error: str = ""
    saving: bool = False
    stale_notice: str = ""  # live: someone else saved this client while the dialog is open
    conflict: str = ""
    conflict_rows: list[dict[str, str]] = []

    _original: dict[str, str] = {}
    _mine: dict[str, str] = {}

    # --- helpers -----------------------------------------------------------------------------

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    def _show(self, row: dict[str, Any]) -> None:
        """Fill the form with a saved client (inputs re-render) and take its version."""
        self.values = form_values(row)
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0)
        self.form_key = str(int(self.form_key) + 1)

    def _reset_form(self) -> None:
        self.errors = blank()
        self.form_error = ""
        self.conflict = ""
        self.conflict_rows = []
        self.stale_notice = ""
        self._mine = {}

    # --- create / edit -------------------------------------------------------------------

    @rx.event
    async def open_create(self):
        """Open an empty "New client" form. No arguments; needs `clients:write`."""
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("clients:write"):
            return rx.toast.error("Your role cannot add clients.")
        self._reset_form()
        self.mode = "create"
        self.edit_id = ""
        self._show({"version": 0})
        self.form_open = True
        return None

    @rx.event
    async def open_edit(self, client_id: str):
        """Open the edit form of a client. `client_id` must be a UUID string; the client is
        read fresh (`clients.get_client`) and its version is the one the save carries."""
        cid = parse_client_id(client_id)
        if cid is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("clients:write"):
            return rx.toast.error("Your role cannot change clients.")
        try:
            row = await asyncio.to_thread(_get, actor, cid)
        except NotFound:
            return rx.toast.error("This client no longer exists.")
        self._reset_form()
        self.mode = "edit"
        self.edit_id = str(cid)
        self._show(row)
        self.form_open = True
        return None

    @rx.event
    def set_form_open(self, value: bool):
        """Dialog open/close from the browser (Escape, overlay, Cancel): only closing is
        honoured; opening goes through `open_create` / `open_edit`."""
        if value is False and not self.saving:
            self.form_open = False
            self._reset_form()

    @rx.event
    async def save(self, form_data: dict):
        """Submit of the form (Enter or Save). `form_data` must be a dict of strings (see the
        class docstring). Create calls `clients.create_client` with every field; edit calls
        `clients.update_client` with the loaded version and only the changed fields."""
        if self.saving or not self.form_open or self.conflict:
            return
        values, errors = read_form(form_data)
        if any(errors.values()):
            self.errors = errors
            return
        self._mine = values
        async for update in self._submit(values):
            yield update

    @rx.event
    async def apply_mine(self):
        """After a conflict: resubmit the fields this user changed on top of the saved client
        (with the saved version). No arguments."""
        if self.saving or not self.form_open or not self.conflict or self.mode != "edit":
            return
        async for update in self._submit(self._mine):
            yield update

    @rx.event
    async def discard_mine(self):
        """After a conflict (or a live notice): drop this user's edits and show the saved
        client, keeping the dialog open. No arguments."""
        if self.saving or not self.form_open or self.mode != "edit":
            return
        cid = parse_client_id(self.edit_id)
        if cid is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        try:
            row = await asyncio.to_thread(_get, actor, cid)
        except NotFound:
            self.form_open = False
            yield rx.toast.error("This client was deleted.")
            return
        self._reset_form()
        self._show(row)

    async def _submit(self, values: dict[str, str]):
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        cid = parse_client_id(self.edit_id) if self.mode == "edit" else None
        changes = changed_fields(values, self._original) if cid else values
        if cid and not changes:
            self.form_open = False
            self._reset_form()
            yield rx.toast.info("No changes to save.")
            return
        self.saving = True
        self.errors = blank()
        self.form_error = ""
        yield
        try:
            if cid is None:
                row = await asyncio.to_thread(_create, actor, values)
            else:
                row = await asyncio.to_thread(_update, actor, cid, self.edit_version, changes)
        except VersionConflict as exc:
            await self._on_conflict(exc.current)
        except ValidationFailed as exc:
            self._on_invalid(exc)
        except NotFound:
            self.form_open = False
            yield rx.toast.error("This client was deleted by someone else.")
        except DomainError as exc:  # Forbidden, rate limits, ...
            self.form_error = exc.message
        else:
            self.form_open = False
            verb = "added" if cid is None else "saved"
            name = text(row.get("name"))
            self._reset_form()
            yield rx.toast.success(f"{name} {verb}.")
            await refresh_client_pages(self, actor, str(row.get("id")))
        finally:
            self.saving = False

    def _on_invalid(self, exc: ValidationFailed) -> None:
        errors = blank()
        other = []
        for field, messages in exc.fields.items():
            if field in errors and messages:
                errors[field] = messages[0]
            else:
                other.extend(messages)
        self.errors = errors
        self.form_error = " ".join(other) if other else ""
        if not any(errors.values()) and not other:
            self.form_error = exc.message

    async def _on_conflict(self, current: dict[str, Any]) -> None:
        try:
            who = await asyncio.to_thread(_editor, current)
        except DomainError:
            who = None
        saved = form_values(current)
        self.conflict = f"{who or 'Someone else'} changed this client while you were editing."
        self.conflict_rows = conflict_rows(self._mine, self._original, saved)
        self.stale_notice = ""
        self.edit_version = int(current.get("version") or self.edit_version)

    # --- live updates (called by avrentals.ui.live inside app.modify_state) -----------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Tell a user with an open edit form that someone else just saved or deleted that
        client, before they overwrite it."""
        if not (self.form_open and self.edit_id) or self.conflict:
            return
        _token, _ip, _ua, own = await live_context(self)
        for change in changes:
            if change.entity != "client" or change.id != self.edit_id:
                continue
            if change.actor and change.actor == own:
                continue
            who = change.actorName or change.actor or "Someone else"
            if change.action == "delete":
                self.stale_notice = f"{who} just deleted this client."
            elif change.version != self.edit_version:
                self.stale_notice = (
                    f"{who} just saved changes to this client. If you save, you'll see "
                    "what changed, field by field, before anything is overwritten."
                )
