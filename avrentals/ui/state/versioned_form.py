"""What the versioned create/edit dialogs (clients, equipment) share.

The edit form carries the version it loaded and saves only the fields the user changed. When
someone else saved first (VersionConflict) the dialog names who, and shows field by field
"your value" vs "saved value"; "Apply my changes on top" resubmits the changed fields with the
saved version (the other person's edits to other fields stay), "Discard mine" reloads the saved
record. Nothing is ever overwritten silently. While the dialog is open, a live change to the
same record by someone else shows a notice before they save.

A state using `VersionedFormMixin` sets `NOUN` and `ENTITY`, defines `values` / `errors` vars
and `FIELD_NAMES`, and implements the hooks below (`_parse_id`, `_show`, `_fetch`, `_write`,
`_changes_payload`, `_conflict_rows_for`, `_editor_name`, `_refresh`). The services check
permissions and every rule; handlers here validate their arguments and re-verify the token.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.ui.components.forms import changed_fields
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.clients import live_context


class VersionedFormMixin(rx.State, mixin=True):
    """One tab's create/edit dialog with conflict resolution."""

    NOUN: ClassVar[str] = "record"  # as users read it: "client", "item"
    ENTITY: ClassVar[str] = ""  # the change-bus entity of the record
    FIELD_NAMES: ClassVar[tuple[str, ...]] = ()

    form_open: bool = False
    mode: str = "create"  # "create" | "edit"
    form_key: str = "0"  # bumped to re-render the (uncontrolled) inputs with `values`
    edit_id: str = ""
    edit_version: int = 0
    form_error: str = ""
    saving: bool = False
    stale_notice: str = ""  # live: someone else saved this record while the dialog is open
    conflict: str = ""
    conflict_rows: list[dict[str, str]] = []

    _original: dict[str, str] = {}
    _mine: dict[str, str] = {}

    # --- hooks ---------------------------------------------------------------------------------

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        raise NotImplementedError

    def _show(self, row: dict[str, Any]) -> None:
        """Fill the form with a saved record (or a blank one) and take its version."""
        raise NotImplementedError

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        """Blocking: the saved record as a row (run in a thread)."""
        raise NotImplementedError

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """Blocking: create (record_id None) or update; returns a row with `id` and `name`."""
        raise NotImplementedError

    def _changes_payload(self, changes: dict[str, str], *, create: bool) -> dict[str, Any]:
        """The service input for the changed form fields."""
        return changes

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        """Field-by-field comparison of `_mine`, `_original` and the saved record."""
        raise NotImplementedError

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        """Blocking: who saved `current` last."""
        raise NotImplementedError

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        """Refresh the pages of this tab that show the record."""

    # --- shared helpers ------------------------------------------------------------------------

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    def _blank_errors(self) -> dict[str, str]:
        return dict.fromkeys(self.FIELD_NAMES, "")

    def _reset_form(self) -> None:
        self.errors = self._blank_errors()
        self.form_error = ""
        self.conflict = ""
        self.conflict_rows = []
        self.stale_notice = ""
        self._mine = {}

    def _changed(self, values: dict[str, str]) -> dict[str, str]:
        return changed_fields(self.FIELD_NAMES, values, self._original)

    # --- handlers ------------------------------------------------------------------------------

    @rx.event
    def set_form_open(self, value: bool):
        """Dialog open/close from the browser (Escape, overlay, Cancel): only closing is
        honoured; opening goes through `open_create` / `open_edit`."""
        if value is False and not self.saving:
            self.form_open = False
            self._reset_form()

    @rx.event
    async def apply_mine(self):
        """After a conflict: resubmit the fields this user changed on top of the saved record
        (with the saved version). No arguments."""
        if self.saving or not self.form_open or not self.conflict or self.mode != "edit":
            return
        async for update in self._submit(self._mine):
            yield update

    @rx.event
    async def discard_mine(self):
        """After a conflict (or a live notice): drop this user's edits and show the saved
        record, keeping the dialog open. No arguments."""
        record_id = self._parse_id(self.edit_id)
        if self.saving or not self.form_open or self.mode != "edit" or record_id is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        try:
            row = await asyncio.to_thread(self._fetch, actor, record_id)
        except NotFound:
            self.form_open = False
            yield rx.toast.error(f"This {self.NOUN} was deleted.")
            return
        self._reset_form()
        self._show(row)

    async def _submit(self, values: dict[str, str]):
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        record_id = self._parse_id(self.edit_id) if self.mode == "edit" else None
        changes = self._changed(values) if record_id else values
        if record_id and not changes:
            self.form_open = False
            self._reset_form()
            yield rx.toast.info("No changes to save.")
            return
        payload = self._changes_payload(changes, create=record_id is None)
        self.saving = True
        self.errors = self._blank_errors()
        self.form_error = ""
        yield
        try:
            row = await asyncio.to_thread(self._write, actor, record_id, self.edit_version, payload)
        except VersionConflict as exc:
            await self._on_conflict(actor, exc.current)
        except ValidationFailed as exc:
            self._on_invalid(exc)
        except NotFound:
            self.form_open = False
            yield rx.toast.error(f"This {self.NOUN} was deleted by someone else.")
        except DomainError as exc:  # Forbidden, rate limits, ...
            self.form_error = exc.message
        else:
            self.form_open = False
            self._reset_form()
            verb = "added" if record_id is None else "saved"
            yield rx.toast.success(f"{row.get('name', '')} {verb}.")
            await self._refresh(actor, str(row.get("id")))
        finally:
            self.saving = False

    def _on_invalid(self, exc: ValidationFailed) -> None:
        errors = self._blank_errors()
        other: list[str] = []
        for field, messages in exc.fields.items():
            if field in errors and messages:
                errors[field] = messages[0]
            else:
                other.extend(messages)
        self.errors = errors
        self.form_error = " ".join(other)
        if not any(errors.values()) and not other:
            self.form_error = exc.message

    async def _on_conflict(self, actor: Actor, current: dict[str, Any]) -> None:
        try:
            who = await asyncio.to_thread(self._editor_name, actor, current)
        except DomainError:
            who = None
        self.conflict = f"{who or 'Someone else'} changed this {self.NOUN} while you were editing."
        self.conflict_rows = self._conflict_rows_for(current)
        self.stale_notice = ""
        self.edit_version = int(current.get("version") or self.edit_version)

    # --- live updates (called by avrentals.ui.live inside app.modify_state) ---------------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Tell a user with an open edit form that someone else just saved or deleted that
        record, before they overwrite it."""
        if not (self.form_open and self.edit_id) or self.conflict:
            return
        _token, _ip, _ua, own = await live_context(self)
        for change in changes:
            if change.entity != self.ENTITY or change.id != self.edit_id:
                continue
            if change.actor and change.actor == own:
                continue
            who = change.actorName or change.actor or "Someone else"
            if change.action == "delete":
                self.stale_notice = f"{who} just deleted this {self.NOUN}."
            elif change.version != self.edit_version:
                self.stale_notice = (
                    f"{who} just saved changes to this {self.NOUN}. If you save, you'll see "
                    "what changed, field by field, before anything is overwritten."
                )
