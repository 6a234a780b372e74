"""What the versioned create/edit dialogs (clients, equipment, events) share.

The edit form carries the version it loaded and saves only the fields the user changed. When
someone else saved first (VersionConflict) the dialog names who, and shows field by field
"your value" vs "saved value"; "Apply my changes on top" resubmits the changed fields with the
saved version (the other person's edits to other fields stay), "Discard mine" reloads the saved
record. Nothing is ever overwritten silently. While the dialog is open, a live change to the
same record by someone else shows a notice before they save.

A state using `VersionedFormMixin` sets `NOUN` and `ENTITY`, defines `values` / `errors` vars
and `FIELD_NAMES`, and implements the hooks below (`_parse_id`, `_show`, `_fetch`, `_write`,
`_changes_payload`, `_conflict_rows_for`, `_editor_name`, `_refresh`); the optional ones
(`_open`, `_clear_messages`, `_on_refused`, `_after_save`, `_show_saved`) let a form read its
options before opening, add refusals of its own (events: a move that no longer fits) and act
after a save. Its `open_create` / `open_edit` handlers call `_open_create` / `_open_edit`. The
services check permissions and every rule; handlers here validate their arguments and
re-verify the token.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import changed_fields
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import tab_language
from avrentals.ui.state.listing import live_context, noun_phrase, say


def read_text_fields(
    form_data: Any,
    fields: tuple[str, ...],
    labels: dict[str, str],
    max_len: int,
    language: str = DEFAULT_LANGUAGE,
) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) of `fields` from an untrusted form payload: each must be a string of
    at most `max_len` characters (None counts as ""). Unknown keys are ignored; a missing or
    refused field is "". The errors are in `language` (`labels` name the fields as given)."""
    data = form_data if isinstance(form_data, dict) else {}
    values, errors = dict.fromkeys(fields, ""), dict.fromkeys(fields, "")
    for field in fields:
        raw = data.get(field, "")
        raw = "" if raw is None else raw
        if not isinstance(raw, str):
            errors[field] = translate("ui.form.not_text", language, label=labels[field])
        elif len(raw) > max_len:
            errors[field] = translate("ui.form.too_long", language, label=labels[field])
        else:
            values[field] = raw
    return values, errors


def field_errors(exc: ValidationFailed, names: tuple[str, ...]) -> tuple[dict[str, str], str]:
    """(first message of each field in `names`, the other messages joined) from a
    ValidationFailed; its own message when it names nothing."""
    errors = dict.fromkeys(names, "")
    other: list[str] = []
    for field, messages in exc.fields.items():
        if field in errors and messages:
            errors[field] = messages[0]
        else:
            other.extend(messages)
    message = " ".join(other)
    if not any(errors.values()) and not other:
        message = exc.message
    return errors, message


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

    def _clear_messages(self) -> None:
        """Drop the messages of the last save (on reset and when a save starts)."""
        self.errors = self._blank_errors()
        self.form_error = ""

    def _on_refused(self, exc: DomainError) -> bool:
        """Show a refusal this form explains its own way; False leaves the message."""
        return False

    def _after_save(self, record_id: str, *, created: bool) -> Any:
        """An event to send after a successful save (e.g. go to the new record), or None."""
        return None

    async def _show_saved(self, actor: Actor, row: dict[str, Any]) -> None:
        """Show the saved record again after "Discard mine"."""
        self._reset_form()
        self._show(row)

    # --- shared helpers ------------------------------------------------------------------------

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    async def _open(self, actor: Actor, row: dict[str, Any]) -> None:
        """Fill the dialog with `row` ({} for a new record) and open it (forms with options
        to read first override this)."""
        self._reset_form()
        self._show(row)
        self.form_open = True

    async def _subject(self, *, capital: bool = False) -> str:
        """ "this client" (NOUN) in the tab's language."""
        return noun_phrase(self.NOUN, await tab_language(self), capital=capital)

    async def _open_create(self, permission: str, refusal: str) -> Any:
        """Body of `open_create`: a signed-in actor holding `permission` (else the toast
        `refusal`, a text or a catalogue key) gets an empty form."""
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can(permission):
            return rx.toast.error(await say(self, refusal))
        self.mode = "create"
        self.edit_id = ""
        await self._open(actor, {})
        return None

    async def _open_edit(self, permission: str, refusal: str, raw_id: Any) -> Any:
        """Body of `open_edit`: like `_open_create`, with the record read fresh (its version
        is the one the save carries); a malformed id does nothing."""
        record_id = self._parse_id(raw_id)
        if record_id is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can(permission):
            return rx.toast.error(await say(self, refusal))
        try:
            row = await asyncio.to_thread(self._fetch, actor, record_id)
        except NotFound:
            subject = await self._subject(capital=True)
            return rx.toast.error(await say(self, "ui.form.gone", subject=subject))
        self.mode = "edit"
        self.edit_id = str(record_id)
        await self._open(actor, row)
        return None

    def _blank_errors(self) -> dict[str, str]:
        return dict.fromkeys(self.FIELD_NAMES, "")

    def _reset_form(self) -> None:
        self._clear_messages()
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
            subject = await self._subject(capital=True)
            yield rx.toast.error(await say(self, "ui.form.deleted", subject=subject))
            return
        await self._show_saved(actor, row)

    async def _save_text_form(
        self,
        form_data: Any,
        text_fields: tuple[str, ...],
        labels: dict[str, str],
        max_len: int,
        *,
        keep: dict[str, str] | None = None,
    ):
        """Body of a `save` handler whose text inputs are uncontrolled: `text_fields` of the
        untrusted `form_data` (strings of at most `max_len`) over the form's own `values`
        (its controlled inputs), then `keep` (values this submit may not change). A bad
        payload shows field errors; otherwise `_submit`. Ignored while saving, closed or in a
        conflict."""
        if self.saving or not self.form_open or self.conflict:
            return
        typed, errors = read_text_fields(
            form_data, text_fields, labels, max_len, await tab_language(self)
        )
        if any(errors.values()):
            self.errors = dict.fromkeys(type(self).FIELD_NAMES, "") | errors
            return
        values = dict(self.values) | typed | (keep or {})  # type: ignore[attr-defined]
        self._mine = values
        async for update in self._submit(values):
            yield update

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
            yield rx.toast.info(await say(self, "ui.form.no_changes"))
            return
        payload = self._changes_payload(changes, create=record_id is None)
        self.saving = True
        self._clear_messages()
        yield
        try:
            row = await asyncio.to_thread(self._write, actor, record_id, self.edit_version, payload)
        except VersionConflict as exc:
            await self._on_conflict(actor, exc.current)
        except ValidationFailed as exc:
            self._on_invalid(exc)
        except NotFound:
            self.form_open = False
            subject = await self._subject(capital=True)
            yield rx.toast.error(await say(self, "ui.form.deleted_by_other", subject=subject))
        except DomainError as exc:  # Forbidden, rate limits, ...
            if not self._on_refused(exc):
                self.form_error = exc.message
        else:
            self.form_open = False
            self._reset_form()
            key = "ui.form.added" if record_id is None else "ui.form.saved"
            yield rx.toast.success(await say(self, key, name=row.get("name", "")))
            await self._refresh(actor, str(row.get("id")))
            follow = self._after_save(str(row.get("id")), created=record_id is None)
            if follow is not None:
                yield follow
        finally:
            self.saving = False

    def _on_invalid(self, exc: ValidationFailed) -> None:
        self.errors, self.form_error = field_errors(exc, self.FIELD_NAMES)

    async def _on_conflict(self, actor: Actor, current: dict[str, Any]) -> None:
        try:
            who = await asyncio.to_thread(self._editor_name, actor, current)
        except DomainError:
            who = None
        who = who or await say(self, "ui.live.someone_else")
        subject = await self._subject()
        self.conflict = await say(self, "ui.form.conflict", who=who, subject=subject)
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
        language = await tab_language(self)
        subject = noun_phrase(self.NOUN, language)
        for change in changes:
            if change.entity != self.ENTITY or change.id != self.edit_id:
                continue
            if change.actor and change.actor == own:
                continue
            who = change.actorName or change.actor or translate("ui.live.someone_else", language)
            if change.action == "delete":
                self.stale_notice = translate(
                    "ui.live.just_deleted", language, who=who, subject=subject
                )
            elif change.version != self.edit_version:
                self.stale_notice = translate(
                    "ui.form.stale_saved", language, who=who, subject=subject
                )
