"""Company settings (DESIGN §4): the single row read by everyone, changed by Admins.

The public part (company name, tagline, contacts, website, currency, default tax rate,
default language, primary colour, logo) may be read by any signed-in user (and is what the
UI applies: header name, colour). Admins also see the tax id, quote terms and the SMTP
settings; the SMTP password is write-only: it is never returned, only whether one is set.

Rules: company name 1-100 characters; currency an ISO 4217 code from `CURRENCIES`; default
tax rate a fraction from 0 to 1 with at most 4 decimals (the UI shows it as a percentage);
primary colour `#rrggbb`; e-mails valid; website an http(s) address; SMTP port 1-65535.

Updates need `settings:write`, carry the version the editor saw (VersionConflict otherwise)
and are one conditional UPDATE on id + version (the row is created with its defaults on the
first write when missing). Each write is audited (the SMTP password only as "changed") and
records a "settings" change, published after commit so every browser applies it live.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from avrentals.domain import changes, media_store, rate_limits
from avrentals.domain import validation as v
from avrentals.domain.enums import Language
from avrentals.domain.errors import ValidationFailed, VersionConflict
from avrentals.domain.media_store import image_urls
from avrentals.domain.models import CompanySettings
from avrentals.domain.models.base import utcnow
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import diff, json_value, snapshot
from avrentals.domain.services.audit import record_audit

SETTINGS_ID = 1
# ISO 4217 codes offered (Portuguese-speaking markets and the usual trading partners).
CURRENCIES: dict[str, str] = {
    "EUR": "Euro",
    "USD": "US dollar",
    "GBP": "Pound sterling",
    "CHF": "Swiss franc",
    "BRL": "Brazilian real",
    "AOA": "Angolan kwanza",
    "MZN": "Mozambican metical",
    "CVE": "Cape Verdean escudo",
    "CAD": "Canadian dollar",
    "AUD": "Australian dollar",
    "JPY": "Japanese yen",
    "SEK": "Swedish krona",
    "NOK": "Norwegian krone",
    "DKK": "Danish krone",
    "PLN": "Polish zloty",
}
PUBLIC_FIELDS = (
    "company_name",
    "tagline",
    "email",
    "phone",
    "address",
    "website",
    "currency",
    "default_tax_rate",
    "default_language",
    "primary_color",
    "logo",
)
ADMIN_FIELDS = (
    "tax_id",
    "quote_terms",
    "smtp_host",
    "smtp_port",
    "smtp_username",
    "smtp_from",
    "smtp_use_tls",
)
EDITABLE = tuple(f for f in PUBLIC_FIELDS if f != "logo") + ADMIN_FIELDS + ("smtp_password",)
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
WEBSITE_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
TAX_STEP = Decimal("0.0001")


def _row(session: Session, *, lock: bool = False) -> CompanySettings:
    """The settings row, or an unsaved one with the defaults when it does not exist."""
    row = session.get(CompanySettings, SETTINGS_ID, with_for_update=lock)
    return row if row is not None else CompanySettings(id=SETTINGS_ID)


def _public(row: CompanySettings) -> dict[str, Any]:
    out = {k: getattr(row, k) for k in PUBLIC_FIELDS}
    out["default_language"] = Language(row.default_language).value
    out["default_tax_rate"] = Decimal(row.default_tax_rate)
    out["logo_url"], out["logo_thumb_url"] = image_urls(row.logo)
    return out


def public_settings(session: Session) -> dict[str, Any]:
    """The public part (see the module doc) plus `logo_url` / `logo_thumb_url`. Needs no
    actor: the sign-in page shows the company's name and colours too."""
    return _public(_row(session))


def default_language(session: Session) -> str:
    """The company's default interface language (a Language value). Needs no actor."""
    return Language(_row(session).default_language).value


def read_settings(session: Session, actor: Actor) -> dict[str, Any]:
    """What `actor` may see: the public part for any signed-in user; Admins (holding
    `settings:write`) also get the tax id, quote terms, SMTP settings (`smtp_password_set`,
    never the password), `version` and `updated_at`. Raises Unauthorized without actor."""
    require(actor, "equipment:read")  # any signed-in role
    row = _row(session)
    out = _public(row)
    if actor.can("settings:write"):
        out.update({k: getattr(row, k) for k in ADMIN_FIELDS})
        out["smtp_password_set"] = bool(row.smtp_password)
        out["version"] = row.version
        out["updated_at"] = row.updated_at
    return out


def _tax_rate(errors: v.Errors, value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        errors.add("default_tax_rate", "Default tax rate must be a number from 0 to 1.")
        return None
    try:
        rate = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        errors.add("default_tax_rate", "Default tax rate must be a number from 0 to 1.")
        return None
    if not rate.is_finite() or not 0 <= rate <= 1:
        errors.add("default_tax_rate", "Default tax rate must be from 0 % to 100 %.")
        return None
    if rate != rate.quantize(TAX_STEP):
        errors.add("default_tax_rate", "Default tax rate can have at most 2 decimals in %.")
        return None
    return rate.quantize(TAX_STEP)


def clean_settings(data: Mapping[str, Any]) -> dict[str, Any]:
    """Validated values of the given fields; ValidationFailed with every field message."""
    errors = v.Errors()
    v.reject_unknown(data, EDITABLE, errors)
    out: dict[str, Any] = {}
    if "company_name" in data:
        out["company_name"] = v.text(
            errors, "company_name", data["company_name"], label="Company name",
            min_len=1, max_len=100, required=True,
        )  # fmt: skip
    texts = {
        "tagline": ("Tagline", 200),
        "phone": ("Phone", 30),
        "address": ("Address", 200),
        "tax_id": ("Tax id", 20),
        "quote_terms": ("Quote terms", 4000),
        "smtp_host": ("SMTP host", 200),
        "smtp_username": ("SMTP user", 200),
        "smtp_password": ("SMTP password", 200),
    }
    for field, (label, limit) in texts.items():
        if field in data:
            out[field] = v.text(errors, field, data[field], label=label, max_len=limit)
    for field, label in (("email", "Email"), ("smtp_from", "SMTP sender")):
        if field in data:
            out[field] = v.email(errors, field, data[field], label=label)
    if "website" in data:
        site = v.text(errors, "website", data["website"], label="Website", max_len=200)
        if site is not None and not WEBSITE_RE.match(site):
            errors.add("website", "Website must start with http:// or https://.")
        out["website"] = site
    if "currency" in data:
        code = data["currency"].strip().upper() if isinstance(data["currency"], str) else None
        if code not in CURRENCIES:
            errors.add("currency", f"Currency must be one of: {', '.join(CURRENCIES)}.")
        out["currency"] = code
    if "default_tax_rate" in data:
        out["default_tax_rate"] = _tax_rate(errors, data["default_tax_rate"])
    if "default_language" in data:
        out["default_language"] = v.enum_value(
            errors, "default_language", data["default_language"], Language, label="Language"
        )
    if "primary_color" in data:
        color = data["primary_color"]
        if not isinstance(color, str) or not COLOR_RE.match(color.strip()):
            errors.add("primary_color", "Primary colour must be a hex colour like #1e40af.")
        else:
            out["primary_color"] = color.strip().lower()
    if "smtp_port" in data:
        port = data["smtp_port"]
        out["smtp_port"] = (
            None
            if port is None or port == ""
            else v.integer(errors, "smtp_port", port, label="SMTP port", minimum=1, maximum=65535)
        )
    if "smtp_use_tls" in data:
        if not isinstance(data["smtp_use_tls"], bool):
            errors.add("smtp_use_tls", "TLS must be true or false.")
        out["smtp_use_tls"] = data["smtp_use_tls"] is True
    errors.raise_if_any()
    return out


def _current(session: Session, actor: Actor) -> dict[str, Any]:
    """The saved settings (as `actor` may see them), JSON-ready, for a VersionConflict."""
    return {k: json_value(val) for k, val in read_settings(session, actor).items()}


def _write(session: Session, actor: Actor, version: int, values: dict[str, Any]) -> CompanySettings:
    """The compare-and-swap of the settings row (no `updated_by` column here), audited and
    published as a "settings" change."""
    row = _row(session, lock=True)
    if row.version != version:
        raise VersionConflict(
            f"The settings were changed by someone else (now version {row.version}).",
            _current(session, actor),
        )
    changed = {k: val for k, val in values.items() if getattr(row, k) != val}
    if not changed:
        return row
    if session.get(CompanySettings, SETTINGS_ID) is None:
        session.add(row)
        session.flush()
    old = snapshot(row)
    table: Any = CompanySettings
    result: Any = session.execute(
        sa.update(table)
        .where(table.id == SETTINGS_ID, table.version == version)
        .values(**changed, version=table.version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        session.expire(row)
        raise VersionConflict(
            "The settings were changed by someone else.", _current(session, actor)
        )
    session.expire(row)
    after = session.get(CompanySettings, SETTINGS_ID, populate_existing=True)
    assert after is not None
    old_changed, new_changed = diff(old, snapshot(after))
    if "smtp_password" in changed:  # write-only: say that it changed, never what it is
        old_changed["smtp_password"] = "(set)" if row.smtp_password else None
        new_changed["smtp_password"] = "(set)" if changed["smtp_password"] else None
    record_audit(session, actor, "update", "settings", SETTINGS_ID, old_changed, new_changed)
    changes.record(
        session,
        changes.Change(
            entity="settings",
            action="update",
            id=str(SETTINGS_ID),
            version=after.version,
            actor=actor.username,
            actorName=actor.name,
        ),
    )
    return after


def update_settings(
    session: Session, actor: Actor, version: int, data: Mapping[str, Any]
) -> CompanySettings:
    """Change the given settings (see the module rules), versioned. Needs `settings:write`.
    Nothing is written when no value changes. Raises Forbidden, ValidationFailed,
    VersionConflict (with the Admin view of the saved settings)."""
    require(actor, "settings:write")
    values = clean_settings(data)
    if "company_name" in values and values["company_name"] is None:
        raise ValidationFailed({"company_name": ["Company name is required."]})
    return _write(session, actor, version, values)


def set_logo(
    session: Session, actor: Actor, data: bytes, *, version: int | None = None
) -> CompanySettings:
    """Upload the company logo through the media pipeline (`media_store.process_image`:
    content-checked JPEG/PNG/WebP ≤ 5 MB, re-encoded without metadata). Needs
    `settings:write`; counts towards the upload limit (RateLimited). Raises
    ValidationFailed {"logo": [...]}, VersionConflict."""
    require(actor, "settings:write")
    rate_limits.count_upload(actor.user_id)
    try:
        processed = media_store.process_image(data)
    except ValidationFailed as exc:
        raise ValidationFailed({"logo": exc.fields.get("image", [exc.message])}) from None
    current = _row(session).version
    name = media_store.store(processed)
    return _write(session, actor, version if version is not None else current, {"logo": name})


def remove_logo(session: Session, actor: Actor, *, version: int | None = None) -> CompanySettings:
    """Take the logo off. Needs `settings:write`. Raises VersionConflict."""
    require(actor, "settings:write")
    current = _row(session).version
    return _write(session, actor, version if version is not None else current, {"logo": None})
