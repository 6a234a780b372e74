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

import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.domain.services.users import display_name as user_name
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import changed_fields as shared_changed_fields
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.client_detail import refresh_client_pages
from avrentals.ui.state.formatting import tab_language, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.versioned_form import VersionedFormMixin, read_text_fields

# (field, label key) in form order; the service enforces the limits and names the field.
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "common.field.name"),
    ("contact_person", "clients.field.contact_person"),
    ("email", "clients.field.email"),
    ("phone", "common.field.phone"),
    ("address", "common.field.address"),
    ("tax_id", "clients.field.tax_id"),
    ("notes", "common.field.notes"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
MAX_INPUT = 5000  # anything longer is refused here; the service's limits are far lower
LIVE_ENTITIES = frozenset({"client"})


def blank() -> dict[str, str]:
    return dict.fromkeys(FIELD_NAMES, "")


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """The editable fields of a saved client as strings ("" for NULL)."""
    return {f: text(row.get(f)) for f in FIELD_NAMES}


def labels(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The fields' labels in `language`."""
    return {f: translate(key, language) for f, key in FIELDS}


def read_form(
    form_data: Any, language: str = DEFAULT_LANGUAGE
) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) from an untrusted form payload: a dict whose known fields are
    strings of at most MAX_INPUT characters. Unknown keys are ignored; a missing field is ""."""
    return read_text_fields(form_data, FIELD_NAMES, labels(language), MAX_INPUT)


def changed_fields(mine: dict[str, str], original: dict[str, str]) -> dict[str, str]:
    """The fields the user changed (whitespace at the ends does not count)."""
    return shared_changed_fields(FIELD_NAMES, mine, original)


def conflict_rows(
    mine: dict[str, str],
    original: dict[str, str],
    saved: dict[str, str],
    language: str = DEFAULT_LANGUAGE,
) -> list[dict[str, str]]:
    """Field-by-field comparison for the conflict callout (see `forms.conflict_rows`), the
    fields named in `language`."""
    return shared_conflict_rows(tuple(labels(language).items()), mine, original, saved)


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


class ClientFormState(VersionedFormMixin, rx.State):
    """The create/edit dialog of one tab, with conflict resolution (`VersionedFormMixin`).

    Every handler re-verifies the token (`AuthState._current_actor()`) and validates its
    arguments: ids are UUID strings (≤ 64 characters), form payloads are dicts of strings
    (≤ 5000 characters each; unknown keys ignored). The service checks `clients:write` and
    every field rule; the check here only spares a role a dialog whose save would be refused.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    NOUN: ClassVar[str] = "client"
    ENTITY: ClassVar[str] = "client"
    FIELD_NAMES: ClassVar[tuple[str, ...]] = FIELD_NAMES

    values: dict[str, str] = blank()
    errors: dict[str, str] = blank()
    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each save (field labels)

    # --- hooks of VersionedFormMixin -----------------------------------------------------------

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return parse_client_id(value)

    def _show(self, row: dict[str, Any]) -> None:
        """Fill the form with a saved client (inputs re-render) and take its version."""
        self.values = form_values(row)
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0)
        self.form_key = str(int(self.form_key) + 1)

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return _get(actor, record_id)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        if record_id is None:
            return _create(actor, payload)
        return _update(actor, record_id, version, payload)

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        return conflict_rows(self._mine, self._original, form_values(saved), self._language)

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return _editor(current)

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        await refresh_client_pages(self, actor, record_id)

    # --- create / edit -------------------------------------------------------------------

    @rx.event
    async def open_create(self):
        """Open an empty "New client" form. No arguments; needs `clients:write`."""
        return await self._open_create("clients:write", await tr(self, "clients.form.cannot_add"))

    @rx.event
    async def open_edit(self, client_id: str):
        """Open the edit form of a client. `client_id` must be a UUID string; the client is
        read fresh (`clients.get_client`) and its version is the one the save carries."""
        return await self._open_edit(
            "clients:write", await tr(self, "clients.form.cannot_change"), client_id
        )

    @rx.event
    async def save(self, form_data: dict):
        """Submit of the form (Enter or Save). `form_data` must be a dict of strings (see the
        class docstring). Create calls `clients.create_client` with every field; edit calls
        `clients.update_client` with the loaded version and only the changed fields."""
        if self.saving or not self.form_open or self.conflict:
            return
        self._language = await tab_language(self)
        values, errors = read_form(form_data, self._language)
        if any(errors.values()):
            self.errors = errors
            return
        self._mine = values
        async for update in self._submit(values):
            yield update
