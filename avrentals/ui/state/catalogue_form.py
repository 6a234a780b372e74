"""Create / edit a service or a fee (the dialogs of /catalogue).

The edit form carries the version it loaded and saves only the fields the user changed
(`catalogue.update`, versioned). When someone else saved first, the dialog names who and
compares field by field (`VersionedFormMixin`); nothing is overwritten silently. Field
messages come from the service's ValidationFailed (a duplicate name is one on `name`).

Text fields are uncontrolled inputs read from the submitted form; the choices (a service's
unit, a fee's type and whether it is required) are controlled through `set_choice`, so the
form always holds a valid choice.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.permissions import Actor
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import catalogue as catalogue_service
from avrentals.domain.services.users import display_name as user_name
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.catalogue import (
    CATALOGUES,
    FEE_TYPE_LABELS,
    UNIT_LABELS,
    get_row,
    refresh_list,
)
from avrentals.ui.state.formatting import text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.locale import LocaleState
from avrentals.ui.state.versioned_form import VersionedFormMixin, read_text_fields

MAX_INPUT = 5000  # anything longer is refused here; the service's limits are far lower
REQUIRED, OPTIONAL = "required", "optional"  # form values of a fee's `is_required`

# (field, catalogue key of its label)
SERVICE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "common.field.name"),
    ("unit_price", "catalogue.field.price"),
    ("unit", "catalogue.field.unit"),
    ("category", "common.field.category"),
    ("description", "common.field.description"),
)
FEE_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "common.field.name"),
    ("fee_type", "catalogue.field.type"),
    ("amount", "catalogue.field.amount"),
    ("is_required", "catalogue.field.is_required"),
    ("category", "common.field.category"),
    ("description", "common.field.description"),
)


def labelled(fields: tuple[tuple[str, str], ...], language: str) -> tuple[tuple[str, str], ...]:
    """`fields` with their labels worded in `language`."""
    return tuple((f, translate(key, language)) for f, key in fields)


# Controlled fields: field -> the values it may take.
SERVICE_CHOICES: dict[str, tuple[str, ...]] = {"unit": tuple(UNIT_LABELS)}
FEE_CHOICES: dict[str, tuple[str, ...]] = {
    "fee_type": tuple(FEE_TYPE_LABELS),
    "is_required": (REQUIRED, OPTIONAL),
}
SERVICE_DEFAULTS = {"unit": "day"}
FEE_DEFAULTS = {"fee_type": "fixed", "is_required": OPTIONAL}


def form_values(fields: tuple[tuple[str, str], ...], row: dict[str, Any]) -> dict[str, str]:
    """The editable fields of a saved row as strings ("" for NULL; money as "45.00")."""
    values = {f: text(row.get(f)) for f, _label in fields}
    if "is_required" in values:
        values["is_required"] = REQUIRED if row.get("is_required") else OPTIONAL
    return values


def read_form(
    form_data: Any, fields: tuple[tuple[str, str], ...], controlled: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) from an untrusted form payload (a dict of strings of at most
    MAX_INPUT characters; unknown keys ignored), with the `controlled` choices merged in."""
    typed = tuple(f for f, _label in fields if f not in controlled)
    labels = dict(labelled(fields, DEFAULT_LANGUAGE))
    values, errors = read_text_fields(form_data, typed, labels, MAX_INPUT)
    return values | controlled, errors | dict.fromkeys(controlled, "")


def _write(
    kind: str, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
) -> dict[str, Any]:
    cat = CATALOGUES[kind]
    with transaction() as session:
        if record_id is None:
            return snapshot(catalogue_service.create(session, actor, cat, payload))
        return snapshot(catalogue_service.update(session, actor, cat, record_id, version, payload))


def _editor(current: dict[str, Any]) -> str | None:
    with read_session() as session:
        return user_name(session, current.get("updated_by"))


class CatalogueFormMixin(VersionedFormMixin, mixin=True):
    """The create/edit dialog of one catalogue in one tab. A state sets `ENTITY` / `NOUN`
    ("service" / "fee"), `FIELDS`, `CHOICES`, `DEFAULTS` and its `values` / `errors` vars.

    Every handler re-verifies the token (`AuthState._current_actor()`) and validates its
    arguments: ids are UUID strings (<= 64 characters), form payloads dicts of strings
    (<= 5000 characters each), choices one of `CHOICES`. The service checks the write
    permission and every field rule."""

    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = ()
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {}
    DEFAULTS: ClassVar[dict[str, str]] = {}

    _language: str = DEFAULT_LANGUAGE  # the tab's, as of the dialog's opening

    def _blank(self) -> dict[str, str]:
        return dict.fromkeys(self.FIELD_NAMES, "") | self.DEFAULTS

    # --- hooks of VersionedFormMixin -----------------------------------------------------------

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return parse_client_id(value)

    def _show(self, row: dict[str, Any]) -> None:
        """Fill the form with a saved row ({}: a new one) and take its version."""
        self.values = form_values(self.FIELDS, row) if row else self._blank()
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0)
        self.form_key = str(int(self.form_key) + 1)

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return get_row(actor, self.ENTITY, record_id)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        return _write(self.ENTITY, actor, record_id, version, payload)

    def _changes_payload(self, changes: dict[str, str], *, create: bool) -> dict[str, Any]:
        payload: dict[str, Any] = dict(changes)
        if "is_required" in payload:
            payload["is_required"] = payload["is_required"] == REQUIRED
        return payload

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        return shared_conflict_rows(
            labelled(self.FIELDS, self._language),
            self._mine,
            self._original,
            form_values(self.FIELDS, saved),
        )

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return _editor(current)

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        await refresh_list(self, actor, self.ENTITY)

    async def _open_kind(self, record_id: str | None) -> Any:
        permission = CATALOGUES[self.ENTITY].write_permission
        self._language = (await self.get_state(LocaleState)).language
        refusal = await tr(self, f"catalogue.{self.ENTITY}.cannot_change")
        if record_id is None:
            return await self._open_create(permission, refusal)
        return await self._open_edit(permission, refusal, record_id)

    # --- handlers ------------------------------------------------------------------------------

    @rx.event
    async def open_create(self):
        """Open an empty "New …" form. No arguments; needs the catalogue's write
        permission."""
        return await self._open_kind(None)

    @rx.event
    async def open_edit(self, record_id: str):
        """Open the edit form of a row. `record_id` must be a UUID string; the row is read
        fresh and its version is the one the save carries."""
        return await self._open_kind(record_id if isinstance(record_id, str) else "")

    @rx.event
    def set_choice(self, field: str, value: str):
        """A controlled choice changed: `field` must be a key of CHOICES and `value` one of
        its values (anything else is ignored)."""
        if not isinstance(field, str) or field not in self.CHOICES:
            return
        if not isinstance(value, str) or value not in self.CHOICES[field]:
            return
        if self.form_open and not self.saving:
            self.values = {**self.values, field: value}

    @rx.event
    async def save(self, form_data: dict):
        """Submit of the form (Enter or Save). `form_data` must be a dict of strings (see the
        class docstring). Create sends every field; edit only the changed ones, with the
        loaded version."""
        if self.saving or not self.form_open or self.conflict:
            return
        controlled = {f: self.values.get(f, "") for f in self.CHOICES}
        values, errors = read_form(form_data, self.FIELDS, controlled)
        if any(errors.values()):
            self.errors = errors
            return
        self._mine = values
        async for update in self._submit(values):
            yield update


class ServiceFormState(CatalogueFormMixin, rx.State):
    """New / edit service dialog."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"service"})  # for avrentals.ui.live
    NOUN: ClassVar[str] = "service"
    ENTITY: ClassVar[str] = "service"
    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = SERVICE_FIELDS
    FIELD_NAMES: ClassVar[tuple[str, ...]] = tuple(f for f, _label in SERVICE_FIELDS)
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = SERVICE_CHOICES
    DEFAULTS: ClassVar[dict[str, str]] = SERVICE_DEFAULTS

    values: dict[str, str] = dict.fromkeys(FIELD_NAMES, "") | SERVICE_DEFAULTS
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")


class FeeFormState(CatalogueFormMixin, rx.State):
    """New / edit fee dialog."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"fee"})  # for avrentals.ui.live
    NOUN: ClassVar[str] = "fee"
    ENTITY: ClassVar[str] = "fee"
    FIELDS: ClassVar[tuple[tuple[str, str], ...]] = FEE_FIELDS
    FIELD_NAMES: ClassVar[tuple[str, ...]] = tuple(f for f, _label in FEE_FIELDS)
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = FEE_CHOICES
    DEFAULTS: ClassVar[dict[str, str]] = FEE_DEFAULTS

    values: dict[str, str] = dict.fromkeys(FIELD_NAMES, "") | FEE_DEFAULTS
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")

    @rx.event
    def set_required(self, checked: bool):
        """The "Required on every quote" checkbox: `checked` must be a boolean."""
        if isinstance(checked, bool) and self.form_open and not self.saving:
            self.values = {**self.values, "is_required": REQUIRED if checked else OPTIONAL}
