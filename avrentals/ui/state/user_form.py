"""Create / edit a user account (Admin), with the role picker and conflict resolution.

The edit form carries the version it loaded and saves only the changed fields
(`user_admin.update_user`, versioned); a conflict is shown field by field
(`VersionedFormMixin`). The role picker lists every role with its description
(`user_admin.role_choices`). An Admin's own role cannot be changed (the picker is locked on
their own account and the service refuses it anyway).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.enums import Role
from avrentals.domain.errors import DomainError, InvalidState
from avrentals.domain.permissions import Actor
from avrentals.domain.services import user_admin
from avrentals.domain.services.users import display_name
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.formatting import tab_language, text
from avrentals.ui.state.users import parse_user_id, refresh_user_pages, role_key
from avrentals.ui.state.versioned_form import VersionedFormMixin

# (field, label key) in form order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("username", "users.field.username"),
    ("name", "common.field.name"),
    ("email", "users.field.login_email"),
    ("role", "users.field.role"),
    ("job_title", "users.field.job_title"),
    ("phone", "common.field.phone"),
    ("bio", "users.field.bio"),
    ("is_team_member", "users.field.team"),
    ("password", "users.field.password"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
TEXT_FIELDS = ("username", "name", "email", "job_title", "phone", "bio", "password")
CONTROLLED = ("role", "is_team_member")
EDITABLE = ("name", "email", "role", "job_title", "phone", "bio", "is_team_member")
MAX_INPUT = 2000
YES = "yes"


def labels(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The fields' labels in `language`."""
    return {f: translate(key, language) for f, key in FIELDS}


def role_choices() -> list[dict[str, str]]:
    """The role picker, most powerful first: `{value, label, description}` where label and
    description are catalogue keys (the page translates them)."""
    return [
        {
            "value": r.value,
            "label": role_key(r.value),
            "description": f"users.role_description.{r.value}",
        }
        for r in Role
    ]


def blank() -> dict[str, str]:
    return dict.fromkeys(FIELD_NAMES, "") | {"role": Role.EMPLOYEE.value}


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """The form's strings for a saved user ("" for NULL; the team flag as "yes" / "")."""
    values = {f: text(row.get(f)) for f in FIELD_NAMES if f not in ("is_team_member", "password")}
    values["is_team_member"] = YES if row.get("is_team_member") else ""
    values["password"] = ""
    return values


def service_input(changes: dict[str, str], *, create: bool) -> dict[str, Any]:
    """The changed form strings as `user_admin` input (team flag as a bool; the username
    and password only when creating)."""
    allowed = FIELD_NAMES if create else EDITABLE
    out: dict[str, Any] = {k: v for k, v in changes.items() if k in allowed}
    if "is_team_member" in out:
        out["is_team_member"] = out["is_team_member"] == YES
    return out


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _get(actor: Actor, user_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return user_admin.get_user(session, actor, user_id)


def _write(
    actor: Actor, user_id: uuid.UUID | None, version: int, payload: dict[str, Any]
) -> dict[str, Any]:
    with transaction() as session:
        if user_id is None:
            user = user_admin.create_user(session, actor, payload)
        else:
            user = user_admin.update_user(session, actor, user_id, version, payload)
        return user_admin.user_view(actor, user)


def _editor(current: dict[str, Any]) -> str | None:
    with read_session() as session:
        return display_name(session, current.get("updated_by"))


class UserFormState(VersionedFormMixin, rx.State):
    """The create/edit dialog of one tab. Handlers re-verify the token and validate their
    arguments (UUID strings ≤ 64 characters; form payloads dicts of strings ≤ 2000
    characters; the role one of the roles). `user_admin` checks `users:write`, the password
    policy, self-protection and every field rule."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"user"})  # for avrentals.ui.live
    NOUN: ClassVar[str] = "user"
    ENTITY: ClassVar[str] = "user"
    FIELD_NAMES: ClassVar[tuple[str, ...]] = FIELD_NAMES

    values: dict[str, str] = blank()
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    roles: list[dict[str, str]] = role_choices()
    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each save (field labels)
    own_account: bool = False  # editing oneself: the role is locked

    @rx.var
    def role_description(self) -> str:
        """The catalogue key of the chosen role's description ("" for none)."""
        for choice in self.roles:
            if choice["value"] == self.values.get("role"):
                return choice["description"]
        return ""

    # --- hooks of VersionedFormMixin -----------------------------------------------------------

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return parse_user_id(value)

    def _show(self, row: dict[str, Any]) -> None:
        self.values = form_values(row) if row else blank()
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0) if row else 0
        self.form_key = str(int(self.form_key) + 1)

    async def _open(self, actor: Actor, row: dict[str, Any]) -> None:
        await super()._open(actor, row)
        self.own_account = bool(row) and str(row.get("id")) == str(actor.user_id)

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return _get(actor, record_id)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        return _write(actor, record_id, version, payload)

    def _changes_payload(self, changes: dict[str, str], *, create: bool) -> dict[str, Any]:
        return service_input(changes, create=create)

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        return shared_conflict_rows(
            tuple(labels(self._language).items()), self._mine, self._original, form_values(saved)
        )

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return _editor(current)

    def _on_refused(self, exc: DomainError) -> bool:
        if isinstance(exc, InvalidState) and exc.details.get("field") == "role":
            self.errors = dict(self.errors) | {"role": exc.message}
            return True
        return False

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        await refresh_user_pages(self, actor)

    # --- handlers ------------------------------------------------------------------------------

    @rx.event
    async def open_create(self):
        """Open an empty "New user" form. No arguments; needs `users:write`."""
        return await self._open_create("users:write", await tr(self, "users.form.cannot_add"))

    @rx.event
    async def open_edit(self, user_id: str):
        """Open the edit form of a user. `user_id` must be a UUID string; the user is read
        fresh and its version is the one the save carries."""
        return await self._open_edit(
            "users:write", await tr(self, "users.form.cannot_change"), user_id
        )

    @rx.event
    def set_choice(self, field: str, value: Any):
        """The role picker or the team-page switch changed: `field` is "role" (a Role value)
        or "is_team_member" (a bool)."""
        if not self.form_open or self.saving or field not in CONTROLLED:
            return
        if field == "role":
            if not isinstance(value, str) or value not in {r.value for r in Role}:
                return
            if self.own_account:
                return
            shown = value
        else:
            if not isinstance(value, bool):
                return
            shown = YES if value else ""
        self.values = dict(self.values) | {field: shown}

    @rx.event
    async def save(self, form_data: dict):
        """Submit (Enter or Save). `form_data`: a dict of strings (text fields); the role and
        team flag come from the controlled inputs. Create calls `user_admin.create_user`,
        edit `user_admin.update_user` with the loaded version and the changed fields."""
        # Editing never changes the username or sets a password (reset-password does that).
        keep = {"username": self._original.get("username", ""), "password": ""}
        self._language = await tab_language(self)
        async for update in self._save_text_form(
            form_data,
            TEXT_FIELDS,
            labels(self._language),
            MAX_INPUT,
            keep=keep if self.mode == "edit" else None,
        ):
            yield update
