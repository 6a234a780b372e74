"""Wire shapes (camelCase) of users, the profile and the company settings (DESIGN §8).

Bodies check only structure and JSON types; the rules (password policy, NIF / IBAN checks,
self-protection, currency list, ...) are the services', so the API and the UI show the same
field messages. A user never carries the password hash; `nif` / `iban` are present only when
the service returned them (the user themself or an Admin). The SMTP password is write-only.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import Field, StrictBool, StrictInt, StrictStr

from avrentals.api.schemas import RequestBody, WireModel
from avrentals.domain.enums import Language, Role

# --- Users ---------------------------------------------------------------------------------


class UserOut(WireModel):
    """A user account. `nif` and `iban` appear only for the user themself and Admins."""

    id: uuid.UUID
    username: str
    name: str
    email: str | None
    role: Role
    is_active: bool
    last_login_at: datetime | None
    language: Language | None  # None: the interface follows the browser's language
    job_title: str | None
    bio: str | None
    phone: str | None
    emergency_phone: str | None
    contact_email: str | None
    photo_url: str | None
    photo_thumb_url: str | None
    is_team_member: bool
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def dump_row(cls, row: Mapping[str, Any]) -> dict[str, Any]:
        """The wire dict of a `user_admin.user_view` row, private fields only if present."""
        data = cls(**{k: row.get(k) for k in cls.model_fields}).dump()
        for key in ("nif", "iban"):
            if key in row:
                data[key] = row[key]
        return data


class RoleChoice(WireModel):
    value: Role
    label: str
    description: str


class UserCreate(RequestBody):
    """`POST /api/users`: username, name, password and role required."""

    username: StrictStr = Field(max_length=200)
    name: StrictStr = Field(max_length=500)
    password: StrictStr = Field(max_length=1024)
    role: StrictStr = Field(max_length=40)
    email: StrictStr | None = None
    job_title: StrictStr | None = None
    bio: StrictStr | None = None
    phone: StrictStr | None = None
    is_team_member: StrictBool | None = None


class UserUpdate(RequestBody):
    """`PATCH /api/users/{id}`: `version` plus the fields to change (null/"" clears an
    optional one)."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None
    email: StrictStr | None = None
    role: StrictStr | None = None
    job_title: StrictStr | None = None
    bio: StrictStr | None = None
    phone: StrictStr | None = None
    is_team_member: StrictBool | None = None


class VersionBody(RequestBody):
    """Optional `version`: refuse the action when the user changed since it was read."""

    version: StrictInt | None = Field(default=None, ge=1)


class PasswordReset(RequestBody):
    """`POST /api/users/{id}/reset-password`."""

    password: StrictStr = Field(max_length=1024)
    version: StrictInt | None = Field(default=None, ge=1)


# --- Profile -------------------------------------------------------------------------------


class ProfileUpdate(RequestBody):
    """`PATCH /api/profile`: `version` plus the fields to change."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None
    phone: StrictStr | None = None
    emergency_phone: StrictStr | None = None
    contact_email: StrictStr | None = None
    nif: StrictStr | None = None
    iban: StrictStr | None = None
    language: StrictStr | None = None
    bio: StrictStr | None = None


class PasswordChange(RequestBody):
    """`POST /api/profile/password`."""

    current_password: StrictStr = Field(max_length=1024)
    new_password: StrictStr = Field(max_length=1024)


class PasswordChanged(WireModel):
    """The fresh token of this session (every other one was signed out)."""

    token: str
    expires_in: int
    user: dict[str, Any]


# --- Settings ------------------------------------------------------------------------------


class SettingsOut(WireModel):
    """The company settings. Admins also get the tax id, quote terms, SMTP settings (never
    the SMTP password: `smtpPasswordSet` says whether one is stored), `version`."""

    company_name: str
    tagline: str | None
    email: str | None
    phone: str | None
    address: str | None
    website: str | None
    currency: str
    default_tax_rate: float  # a fraction (0.23 = 23 %), sent as a number like quotes' taxRate
    default_language: Language
    primary_color: str
    logo_url: str | None
    logo_thumb_url: str | None

    @classmethod
    def dump_row(cls, row: Mapping[str, Any]) -> dict[str, Any]:
        data = cls(**{k: row.get(k) for k in cls.model_fields}).dump()
        data["defaultTaxRate"] = float(row["default_tax_rate"])
        if "version" in row:
            data.update(SettingsAdminPart(**row).dump())
        return data


class SettingsAdminPart(WireModel):
    tax_id: str | None
    quote_terms: str | None
    smtp_host: str | None
    smtp_port: int | None
    smtp_username: str | None
    smtp_from: str | None
    smtp_use_tls: bool
    smtp_password_set: bool
    version: int
    updated_at: datetime


class SettingsUpdate(RequestBody):
    """`PATCH /api/settings`: `version` plus the fields to change; `defaultTaxRate` is a
    fraction (0.23 = 23 %); `smtpPassword` is write-only (omit to keep, "" to clear)."""

    version: StrictInt = Field(ge=1)
    company_name: StrictStr | None = None
    tagline: StrictStr | None = None
    email: StrictStr | None = None
    phone: StrictStr | None = None
    address: StrictStr | None = None
    website: StrictStr | None = None
    tax_id: StrictStr | None = None
    currency: StrictStr | None = None
    default_tax_rate: float | StrictStr | None = None
    default_language: StrictStr | None = None
    primary_color: StrictStr | None = None
    quote_terms: StrictStr | None = None
    smtp_host: StrictStr | None = None
    smtp_port: StrictInt | None = None
    smtp_username: StrictStr | None = None
    smtp_password: StrictStr | None = None
    smtp_from: StrictStr | None = None
    smtp_use_tls: StrictBool | None = None
