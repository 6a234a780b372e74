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
from avrentals.settings import get_settings
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.clients import text
from avrentals.ui.state.image_upload import remove_image, upload_image
from avrentals.ui.state.users import parse_user_id
from avrentals.ui.state.versioned_form import VersionedFormMixin, read_text_fields

FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("phone", "Phone"),
    ("emergency_phone", "Emergency phone"),
    ("contact_email", "Contact e-mail"),
    ("nif", "NIF (tax number)"),
    ("iban", "IBAN"),
    ("language", "Language"),
    ("bio", "About me"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
LABELS = dict(FIELDS)
TEXT_FIELDS = tuple(f for f in FIELD_NAMES if f != "language")
LANGUAGES: dict[str, str] = {Language.EN.value: "English", Language.PT.value: "Português"}
MAX_INPUT = 2000
PASSWORD_FIELDS = ("current_password", "new_password", "confirm_password")
PHOTO_UPLOAD_ID = "profile-photo"
PHOTO_REJECTED = "Choose one JPEG, PNG or WebP photo of at most 5 MB."


def form_values(row: dict[str, Any]) -> dict[str, str]:
    values = {f: text(row.get(f)) for f in FIELD_NAMES}
    values["iban"] = profile_service.format_iban(row.get("iban"))
    values["language"] = values["language"] or Language.EN.value
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
    role: str = ""
    job_title: str = ""
    photo_url: str = ""
    photo_error: str = ""
    uploading: bool = False
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
        self.role = text(row.get("role")).title()
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
        return shared_conflict_rows(FIELDS, self._mine, self._original, form_values(saved))

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return _editor(current)

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        """After a save: show the saved profile again (the page's form stays open) and the
        new name in the header."""
        await self._show_profile(actor)
        auth = await self.get_state(AuthState)
        await auth._current_actor()

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
        """The language picker: `value` must be a key of LANGUAGES."""
        if isinstance(value, str) and value in LANGUAGES and not self.saving:
            self.values = dict(self.values) | {"language": value}

    @rx.event
    async def save(self, form_data: dict):
        """Submit of the details form: `form_data` a dict of strings; only the changed
        fields are sent (`profile.update_profile` with the loaded version)."""
        async for update in self._save_text_form(form_data, TEXT_FIELDS, LABELS, MAX_INPUT):
            yield update

    @rx.event
    async def change_password(self, form_data: dict):
        """Submit of the password form: `current_password`, `new_password` and
        `confirm_password` strings (≤ 1024 characters). On success this tab keeps a fresh
        token; every other session of the user is signed out."""
        if self.changing_password:
            return
        labels = {
            "current_password": "Current password",
            "new_password": "New password",
            "confirm_password": "Confirmation",
        }
        typed, errors = read_text_fields(form_data, PASSWORD_FIELDS, labels, 1024)
        if not any(errors.values()) and typed["new_password"] != typed["confirm_password"]:
            errors["confirm_password"] = "The two new passwords are not the same."  # noqa: S105
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
            yield rx.toast.success("Password changed. Your other devices were signed out.")
        finally:
            self.changing_password = False

    @rx.event
    def start_photo_upload(self):
        """Show the upload spinner. No arguments."""
        self.uploading = True
        self.photo_error = ""

    @rx.event
    def photo_rejected(self, _rejections: list[dict[str, Any]]):
        """The browser refused the file (type, size or count)."""
        self.uploading = False
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
            saved="Photo saved.",
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
            removed="Photo removed.",
        ):
            yield update
