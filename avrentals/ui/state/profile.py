"""/profile: the signed-in user's own details, photo and password.

The details form is a versioned edit of one's own account (`profile.update_profile` through
`VersionedFormMixin`: only changed fields are sent; a conflict — an Admin saved the account
meanwhile — is shown field by field). NIF and IBAN are the user's own and are only ever read
for them. Changing the password needs the current one; every other session of the user is
signed out and this tab gets a fresh token, so it stays signed in.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.enums import Language
from avrentals.domain.errors import DomainError, ValidationFailed
from avrentals.domain.permissions import Actor
from avrentals.domain.services import profile as profile_service
from avrentals.domain.services.auth import issue_token
from avrentals.domain.services.users import display_name
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.settings import get_settings
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import tab_language, text
from avrentals.ui.state.image_upload import (
    remove_image,
    upload_began,
    upload_image,
    upload_refused,
)
from avrentals.ui.state.users import parse_user_id, role_key
from avrentals.ui.state.versioned_form import VersionedFormMixin, read_text_fields

# (field, label key) in form order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "common.field.name"),
    ("phone", "common.field.phone"),
    ("emergency_phone", "profile.field.emergency_phone"),
    ("contact_email", "profile.field.contact_email"),
    ("nif", "profile.field.nif"),
    ("iban", "profile.field.iban"),
    ("language", "profile.field.language"),
    ("bio", "profile.field.bio"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
TEXT_FIELDS = tuple(f for f in FIELD_NAMES if f != "language")
# The picker's value for "no choice: follow the browser's language" (stored as no language;
# a select item cannot have "" as its value).
FOLLOW_BROWSER = "browser"
# Picker value -> label key.
LANGUAGES: dict[str, str] = {
    FOLLOW_BROWSER: "profile.language.browser",
    Language.EN.value: "profile.language.en",
    Language.PT.value: "profile.language.pt",
}
MAX_INPUT = 2000
PASSWORD_FIELDS = ("current_password", "new_password", "confirm_password")
PHOTO_UPLOAD_ID = "profile-photo"
PHOTO_REJECTED = "profile.photo.rejected"  # a key: photo_error is shown through t()


def labels(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The fields' labels in `language`."""
    return {f: translate(key, language) for f, key in FIELDS}


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """The form's strings; the language "" when the user follows the browser."""
    values = {f: text(row.get(f)) for f in FIELD_NAMES}
    values["iban"] = profile_service.format_iban(row.get("iban"))
    values["language"] = values["language"] if values["language"] in LANGUAGES else ""
    return values


def _get(actor: Actor) -> dict[str, Any]:
    with read_session() as session:
        return profile_service.get_profile(session, actor)


def _update(actor: Actor, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    with transaction() as session:
        profile_service.update_profile(session, actor, version, payload)
        return profile_service.get_profile(session, actor)


def _change_password(actor: Actor, current: str, new: str) -> str:
    """Blocking: change the password and issue this tab's fresh token."""
    settings = get_settings()
    with transaction() as session:
        user = profile_service.change_password(session, actor, current, new)
        return issue_token(user, settings.jwt_secret, timedelta(hours=settings.jwt_ttl_hours))


def _set_photo(actor: Actor, data: bytes) -> None:
    with transaction() as session:
        profile_service.set_profile_photo(session, actor, data)


def _remove_photo(actor: Actor) -> None:
    with transaction() as session:
        profile_service.remove_profile_photo(session, actor)


def _editor(current: dict[str, Any]) -> str | None:
    with read_session() as session:
        return display_name(session, current.get("updated_by"))


class ProfileState(VersionedFormMixin, rx.State):
    """One tab's profile page. Every handler re-verifies the token; the services only ever
    touch the actor's own account. Payloads are validated here for type and size (dicts of
    strings ≤ 2000 characters; the language one of LANGUAGES), the rules by the service."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"user"})  # for avrentals.ui.live
    NOUN: ClassVar[str] = "profile"
    ENTITY: ClassVar[str] = "user"
    FIELD_NAMES: ClassVar[tuple[str, ...]] = FIELD_NAMES

    values: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    loaded: bool = False
    username: str = ""
    role: str = ""  # catalogue key of the role's name
    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each save (field labels)
    job_title: str = ""
    photo_url: str = ""
    photo_error: str = ""
    uploading: bool = False
    _upload_drops: int = 0  # see image_upload.upload_began
    _upload_ends: int = 0
    password_errors: dict[str, str] = dict.fromkeys(PASSWORD_FIELDS, "")
    password_key: str = "0"  # noqa: S105 - a re-render key, not a secret
    changing_password: bool = False

    # --- hooks of VersionedFormMixin -----------------------------------------------------------

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return parse_user_id(value)

    def _show(self, row: dict[str, Any]) -> None:
        self.values = form_values(row)
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0)
        self.form_key = str(int(self.form_key) + 1)
        self.username = text(row.get("username"))
        self.role = role_key(text(row.get("role"))) if row.get("role") else ""
        self.job_title = text(row.get("job_title"))
        self.photo_url = text(row.get("photo_thumb_url"))
        self.loaded = True

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return _get(actor)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        return _update(actor, version, payload)

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        return shared_conflict_rows(
            tuple(labels(self._language).items()), self._mine, self._original, form_values(saved)
        )

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return _editor(current)

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        """After a save: show the saved profile again (the page's form stays open) and the
        new name in the header."""
        await self._show_profile(actor)
        auth = await self.get_state(AuthState)
        await auth._follow_language(await auth._current_actor())  # a new language applies

    async def _show_profile(self, actor: Actor) -> None:
        row = await asyncio.to_thread(_get, actor)
        self._reset_form()
        self._show(row)
        self.mode = "edit"
        self.edit_id = str(actor.user_id)
        self.form_open = True

    async def _show_saved(self, actor: Actor, row: dict[str, Any]) -> None:
        await self._show_profile(actor)

    # --- handlers ------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /profile: re-verify the token and read one's own account. No
        arguments."""
        self.photo_error = ""
        self.uploading = self.changing_password = False
        self.password_errors = dict.fromkeys(PASSWORD_FIELDS, "")
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        await self._show_profile(actor)

    @rx.event
    def set_language(self, value: str):
        """The language picker: `value` must be a key of LANGUAGES (FOLLOW_BROWSER: no
        choice, stored as none)."""
        if isinstance(value, str) and value in LANGUAGES and not self.saving:
            chosen = "" if value == FOLLOW_BROWSER else value
            self.values = dict(self.values) | {"language": chosen}

    @rx.event
    async def save(self, form_data: dict):
        """Submit of the details form: `form_data` a dict of strings; only the changed
        fields are sent (`profile.update_profile` with the loaded version)."""
        self._language = await tab_language(self)
        async for update in self._save_text_form(
            form_data, TEXT_FIELDS, labels(self._language), MAX_INPUT
        ):
            yield update

    @rx.event
    async def change_password(self, form_data: dict):
        """Submit of the password form: `current_password`, `new_password` and
        `confirm_password` strings (≤ 1024 characters). On success this tab keeps a fresh
        token; every other session of the user is signed out."""
        if self.changing_password:
            return
        language = await tab_language(self)
        names = {
            "current_password": translate("profile.password.current", language),
            "new_password": translate("users.field.new_password", language),
            "confirm_password": translate("profile.password.confirmation", language),
        }
        typed, errors = read_text_fields(form_data, PASSWORD_FIELDS, names, 1024)
        if not any(errors.values()) and typed["new_password"] != typed["confirm_password"]:
            # a catalogue key, shown through t() (not a password)
            errors["confirm_password"] = "profile.password.mismatch"  # noqa: S105
        if any(errors.values()):
            self.password_errors = errors
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.changing_password = True
        self.password_errors = dict.fromkeys(PASSWORD_FIELDS, "")
        yield
        try:
            token = await asyncio.to_thread(
                _change_password, actor, typed["current_password"], typed["new_password"]
            )
        except ValidationFailed as exc:
            self.password_errors = {f: " ".join(exc.fields.get(f, [])) for f in PASSWORD_FIELDS}
            if not any(self.password_errors.values()):
                self.password_errors = dict(self.password_errors) | {"new_password": exc.message}
        except DomainError as exc:
            self.password_errors = dict(self.password_errors) | {"new_password": exc.message}
        else:
            auth.token = token  # this tab stays signed in with the new token version
            await auth._current_actor()
            self.password_key = str(int(self.password_key) + 1)
            await self._show_profile(actor)
            yield rx.toast.success(translate("profile.password.changed", language))
        finally:
            self.changing_password = False

    @rx.event
    def start_photo_upload(self):
        """Show the upload spinner. No arguments."""
        upload_began(self)
        self.photo_error = ""

    @rx.event
    def photo_rejected(self, _rejections: list[dict[str, Any]]):
        """The browser refused the file (type, size or count)."""
        upload_refused(self)
        self.photo_error = PHOTO_REJECTED

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        """Set the chosen photo on one's own profile (first file only, read up to one byte
        past the limit; `profile.set_profile_photo` checks it from its content)."""
        async for update in upload_image(
            self,
            files,
            field="photo",
            error_var="photo_error",
            store=_set_photo,
            show=self._show_profile,
            saved=await tr(self, "profile.photo.saved"),
            unreadable=PHOTO_REJECTED,
        ):
            yield update

    @rx.event
    async def remove_photo(self):
        """Take the photo off one's own profile. No arguments."""
        async for update in remove_image(
            self,
            error_var="photo_error",
            remove=_remove_photo,
            show=self._show_profile,
            removed=await tr(self, "profile.photo.removed"),
        ):
            yield update
