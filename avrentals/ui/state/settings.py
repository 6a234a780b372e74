"""/settings (Admin) and the branding every page applies (company name, primary colour, logo).

`SettingsState` is the versioned settings form (`settings_admin.update_settings` through
`VersionedFormMixin`: only changed fields are sent; someone else's save meanwhile is shown
field by field). The default tax rate is typed as a percentage and sent as a fraction. The
SMTP password is write-only: the form only says whether one is stored, and a blank field
keeps it.

`BrandingState` holds the public branding for the shell (header / navigation); it is read on
mount and refreshed live when a "settings" change is published, so a new company name or
colour shows in every signed-in browser without a reload.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.permissions import Actor
from avrentals.domain.services import settings_admin
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.formatting import tab_language, text
from avrentals.ui.state.image_upload import (
    remove_image,
    upload_began,
    upload_image,
    upload_refused,
)
from avrentals.ui.state.versioned_form import VersionedFormMixin

# (field, label key) in form order.
FIELDS: tuple[tuple[str, str], ...] = (
    ("company_name", "settings.field.company_name"),
    ("tagline", "settings.field.tagline"),
    ("email", "clients.field.email"),
    ("phone", "common.field.phone"),
    ("website", "settings.field.website"),
    ("address", "common.field.address"),
    ("tax_id", "settings.field.tax_id"),
    ("currency", "settings.field.currency"),
    ("default_tax_rate", "settings.field.default_tax_rate"),
    ("default_language", "settings.field.default_language"),
    ("primary_color", "settings.field.primary_color"),
    ("quote_terms", "settings.field.quote_terms"),
    ("smtp_host", "settings.field.smtp_host"),
    ("smtp_port", "settings.field.smtp_port"),
    ("smtp_username", "settings.field.smtp_username"),
    ("smtp_password", "settings.field.smtp_password"),
    ("smtp_from", "settings.field.smtp_from"),
    ("smtp_use_tls", "settings.field.smtp_use_tls"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
CONTROLLED = ("currency", "default_language", "smtp_use_tls")
TEXT_FIELDS = tuple(f for f in FIELD_NAMES if f not in CONTROLLED)
# Language -> label key.
LANGUAGES = {"en": "profile.language.en", "pt": "profile.language.pt"}
MAX_INPUT = 5000
YES = "yes"
# The change bus names the row "1"; the mixin's hooks take a UUID, so "1" maps to this one.
SETTINGS_KEY = str(settings_admin.SETTINGS_ID)
SETTINGS_ROW_ID = uuid.UUID(int=settings_admin.SETTINGS_ID)
LOGO_UPLOAD_ID = "company-logo"
DEFAULT_BRAND = "AV Rentals"
DEFAULT_COLOR = "#1e40af"


def labels(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The fields' labels in `language`."""
    return {f: translate(key, language) for f, key in FIELDS}


def percent(rate: Any) -> str:
    """A fraction as the percentage people type: 0.23 -> "23", 0.065 -> "6.5"."""
    try:
        value = (Decimal(str(rate)) * 100).normalize()
    except (InvalidOperation, ValueError):
        return ""
    return f"{value:f}"


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """The form's strings for the Admin view of the settings."""
    values = {f: text(row.get(f)) for f in FIELD_NAMES}
    values["default_tax_rate"] = percent(row.get("default_tax_rate", "0"))
    values["smtp_use_tls"] = YES if row.get("smtp_use_tls") else ""
    values["smtp_password"] = ""
    return values


def service_input(changes: dict[str, str]) -> dict[str, Any]:
    """Changed form strings as `settings_admin` input: the tax rate as a fraction (an
    unreadable one is left for the service to name), the port as a number, TLS as a bool;
    a blank SMTP password means "keep the stored one"."""
    out: dict[str, Any] = dict(changes)
    if "default_tax_rate" in out:
        raw = out["default_tax_rate"].strip().replace(",", ".").rstrip("%").strip()
        try:
            out["default_tax_rate"] = Decimal(raw) / 100
        except InvalidOperation:
            out["default_tax_rate"] = raw or None
    if "smtp_port" in out:
        out["smtp_port"] = out["smtp_port"].strip() or None
    if "smtp_use_tls" in out:
        out["smtp_use_tls"] = out["smtp_use_tls"] == YES
    if not out.get("smtp_password", "x"):
        out.pop("smtp_password")
    return out


def _read(actor: Actor) -> dict[str, Any]:
    with read_session() as session:
        return settings_admin.read_settings(session, actor)


def _update(actor: Actor, version: int, payload: dict[str, Any]) -> dict[str, Any]:
    with transaction() as session:
        settings_admin.update_settings(session, actor, version, payload)
        return settings_admin.read_settings(session, actor)


def _set_logo(actor: Actor, data: bytes, version: int) -> None:
    with transaction() as session:
        settings_admin.set_logo(session, actor, data, version=version)


def _remove_logo(actor: Actor, version: int) -> None:
    with transaction() as session:
        settings_admin.remove_logo(session, actor, version=version)


def _branding() -> dict[str, Any]:
    with read_session() as session:
        return settings_admin.public_settings(session)


class BrandingState(rx.State):
    """The public branding of this tab (no identity needed: it is public)."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"settings"})  # for avrentals.ui.live

    company_name: str = DEFAULT_BRAND
    tagline: str = ""
    primary_color: str = DEFAULT_COLOR
    logo_url: str = ""
    currency: str = "EUR"

    def _apply(self, row: dict[str, Any]) -> None:
        self.company_name = text(row.get("company_name")) or DEFAULT_BRAND
        self.tagline = text(row.get("tagline"))
        color = text(row.get("primary_color"))
        self.primary_color = color if settings_admin.COLOR_RE.match(color) else DEFAULT_COLOR
        self.logo_url = text(row.get("logo_thumb_url"))
        self.currency = text(row.get("currency")) or "EUR"

    @rx.var
    def brand_css(self) -> str:
        """The primary colour as the accent the whole UI uses (validated `#rrggbb` only)."""
        return (
            f":root, .radix-themes {{ --avr-brand: {self.primary_color}; "
            f"--accent-9: {self.primary_color}; --accent-10: {self.primary_color}; }}"
        )

    @rx.event
    async def load(self):
        """Read the public branding (on mount of every page). No arguments."""
        try:
            self._apply(await asyncio.to_thread(_branding))
        except DomainError:
            return

    async def _apply_changes(self, changes: list[Change]) -> None:
        """A "settings" change was committed: read the branding again."""
        if any(c.entity == "settings" for c in changes):
            self._apply(await asyncio.to_thread(_branding))


class SettingsState(VersionedFormMixin, rx.State):
    """The settings page of one tab (Admin). Handlers re-verify the token and validate their
    arguments (dicts of strings ≤ 5000 characters; currency and language from their
    allow-lists); `settings_admin` checks `settings:write` and every rule."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"settings"})  # for avrentals.ui.live
    NOUN: ClassVar[str] = "settings"
    ENTITY: ClassVar[str] = "settings"
    FIELD_NAMES: ClassVar[tuple[str, ...]] = FIELD_NAMES

    values: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    currencies: list[list[str]] = [[k, f"{k} · {v}"] for k, v in settings_admin.CURRENCIES.items()]
    loaded: bool = False
    forbidden: bool = False
    smtp_password_set: bool = False
    logo_url: str = ""
    logo_error: str = ""  # a catalogue key or a service message (shown through t())
    uploading: bool = False
    _upload_drops: int = 0  # see image_upload.upload_began
    _upload_ends: int = 0
    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each save (field labels)

    # --- hooks of VersionedFormMixin -----------------------------------------------------------

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return SETTINGS_ROW_ID if value == SETTINGS_KEY else None

    def _show(self, row: dict[str, Any]) -> None:
        self.values = form_values(row)
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0)
        self.form_key = str(int(self.form_key) + 1)
        self.smtp_password_set = bool(row.get("smtp_password_set"))
        self.logo_url = text(row.get("logo_thumb_url"))
        self.loaded = True

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return _read(actor)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        row = _update(actor, version, payload)
        return row | {"name": translate("settings.page.name", self._language), "id": SETTINGS_KEY}

    def _changes_payload(self, changes: dict[str, str], *, create: bool) -> dict[str, Any]:
        return service_input(changes)

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        shown = labels(self._language)
        fields = tuple((f, shown[f]) for f in FIELD_NAMES if f != "smtp_password")
        return shared_conflict_rows(fields, self._mine, self._original, form_values(saved))

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return None  # the settings row keeps no editor; the audit log names them

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        await self._show_settings(actor)

    async def _show_saved(self, actor: Actor, row: dict[str, Any]) -> None:
        await self._show_settings(actor)

    async def _show_settings(self, actor: Actor) -> None:
        row = await asyncio.to_thread(_read, actor)
        self._reset_form()
        self._show(row)
        self.mode = "edit"
        self.edit_id = SETTINGS_KEY
        self.form_open = True

    # --- handlers ------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /settings: re-verify the token; an Admin gets the form, anyone else a
        refusal (the service refuses their save anyway). No arguments."""
        self.logo_error = ""
        self.uploading = False
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.forbidden = not actor.can("settings:write")
        if self.forbidden:
            self.loaded = True
            return
        await self._show_settings(actor)

    @rx.event
    def set_choice(self, field: str, value: Any):
        """A controlled input changed: `currency` (an offered code), `default_language`
        (en / pt) or `smtp_use_tls` (a bool)."""
        if not self.form_open or self.saving or field not in CONTROLLED:
            return
        if field == "currency" and value not in settings_admin.CURRENCIES:
            return
        if field == "default_language" and value not in LANGUAGES:
            return
        if field == "smtp_use_tls":
            if not isinstance(value, bool):
                return
            value = YES if value else ""
        self.values = dict(self.values) | {field: str(value)}

    @rx.event
    async def save(self, form_data: dict):
        """Submit of the settings form: `form_data` a dict of strings; only the changed
        fields are sent (`settings_admin.update_settings` with the loaded version)."""
        self._language = await tab_language(self)
        async for update in self._save_text_form(
            form_data, TEXT_FIELDS, labels(self._language), MAX_INPUT
        ):
            yield update

    @rx.event
    def start_logo_upload(self):
        """Show the upload spinner. No arguments."""
        upload_began(self)
        self.logo_error = ""

    @rx.event
    def logo_rejected(self, _rejections: list[dict[str, Any]]):
        """The browser refused the file (type, size or count)."""
        upload_refused(self)
        self.logo_error = "settings.logo.rejected"  # a key, shown through t()

    @rx.event
    async def upload_logo(self, files: list[rx.UploadFile]):
        """Set the company logo (first file only; `settings_admin.set_logo` checks it from
        its content) with the version this page shows."""
        async for update in upload_image(
            self,
            files,
            field="logo",
            error_var="logo_error",
            store=functools.partial(_set_logo, version=self.edit_version),
            show=self._show_settings,
            saved=await tr(self, "settings.logo.saved"),
            conflict=await tr(self, "settings.logo.conflict"),
        ):
            yield update

    @rx.event
    async def remove_logo(self):
        """Take the logo off (with the version this page shows). No arguments."""
        async for update in remove_image(
            self,
            error_var="logo_error",
            remove=functools.partial(_remove_logo, version=self.edit_version),
            show=self._show_settings,
            removed=await tr(self, "settings.logo.removed"),
        ):
            yield update
