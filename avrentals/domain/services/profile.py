"""A user's own profile (DESIGN §4, §7): everyone, for themselves only.

Fields: name, phone, emergency phone, contact e-mail, NIF (Portuguese tax number: 9 digits
with a check digit), IBAN (ISO 13616, mod-97 check), language, bio; the photo through the
shared media pipeline (`media_store`: checked from its content, re-encoded, metadata
stripped). NIF and IBAN are checked with `python-stdnum` and stored in their compact form.

Changing one's password needs the current one and follows `users.password_errors` (at least 8
characters, not a common password); it bumps `token_version`, which signs out every other
session of the user — the caller issues a fresh token for the session that made the change.

No permission is needed beyond being signed in (the actor); nobody can reach another user's
profile here. Every write locks the user's row, is versioned (profile edits) or checked
(password), audited, and recorded as a "user" change published after commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session
from stdnum import iban as iban_number
from stdnum.exceptions import ValidationError as NumberInvalid
from stdnum.pt import nif as nif_number

from avrentals.domain import media_store, rate_limits
from avrentals.domain import validation as v
from avrentals.domain.enums import Language
from avrentals.domain.errors import NotFound, Unauthorized, ValidationFailed
from avrentals.domain.models import User
from avrentals.domain.permissions import Actor
from avrentals.domain.services import users as users_service
from avrentals.domain.services.auth import hash_password, verify_password
from avrentals.domain.services.user_admin import user_view
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version

PROFILE_FIELDS = (
    "name",
    "phone",
    "emergency_phone",
    "contact_email",
    "nif",
    "iban",
    "language",
    "bio",
)
NIF_MESSAGE = "Enter a valid Portuguese NIF: 9 digits with a correct check digit."
IBAN_MESSAGE = "Enter a valid IBAN (country code, check digits and account number)."


def clean_nif(errors: v.Errors, value: Any) -> str | None:
    """A Portuguese NIF (spaces, dots and a `PT` prefix allowed) as its 9 digits, or None for
    empty; a wrong length, non-digits or a bad check digit is a field message."""
    raw = v.text(errors, "nif", value, label="NIF", max_len=20)
    if raw is None:
        return None
    try:
        return str(nif_number.validate(raw))
    except NumberInvalid:
        errors.add("nif", NIF_MESSAGE)
        return None


def clean_iban(errors: v.Errors, value: Any) -> str | None:
    """An IBAN (spaces allowed) in compact upper-case form, or None for empty; a bad country
    format or mod-97 check is a field message."""
    raw = v.text(errors, "iban", value, label="IBAN", max_len=50)
    if raw is None:
        return None
    try:
        return str(iban_number.validate(raw))
    except NumberInvalid:
        errors.add("iban", IBAN_MESSAGE)
        return None


def format_iban(value: str | None) -> str:
    """ "PT50000201231234567890154" -> "PT50 0002 0123 1234 5678 9015 4" ("" for None)."""
    return iban_number.format(value) if value else ""


def _own(session: Session, actor: Actor, *, lock: bool = False) -> User:
    if actor is None:
        raise Unauthorized("Sign in to continue.")
    user = session.get(User, actor.user_id, with_for_update=lock)
    if user is None:
        raise NotFound("Your account no longer exists.")
    return user


def get_profile(session: Session, actor: Actor) -> dict[str, Any]:
    """The actor's own account, NIF and IBAN included (`user_admin.user_view`)."""
    return user_view(actor, _own(session, actor))


def _clean_profile(data: Mapping[str, Any]) -> dict[str, Any]:
    errors = v.Errors()
    v.reject_unknown(data, PROFILE_FIELDS, errors)
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = v.text(
            errors, "name", data["name"], label="Name", min_len=1, max_len=100, required=True
        )
    for field, label in (("phone", "Phone"), ("emergency_phone", "Emergency phone")):
        if field in data:
            out[field] = v.text(errors, field, data[field], label=label, max_len=30)
    if "contact_email" in data:
        out["contact_email"] = v.email(
            errors, "contact_email", data["contact_email"], label="Contact e-mail"
        )
    if "nif" in data:
        out["nif"] = clean_nif(errors, data["nif"])
    if "iban" in data:
        out["iban"] = clean_iban(errors, data["iban"])
    if "language" in data:
        out["language"] = _clean_language(errors, data["language"])
    if "bio" in data:
        out["bio"] = v.text(errors, "bio", data["bio"], label="Bio", max_len=1000)
    errors.raise_if_any()
    return out


def _clean_language(errors: v.Errors, value: Any) -> Language | None:
    if value is None or value == "":
        return None  # follow the browser
    return v.enum_value(errors, "language", value, Language, label="Language")


def set_language(session: Session, actor: Actor, language: Any) -> Language | None:
    """Store the actor's interface language (a Language value, or None / "" to follow the
    browser's language) and return it. A preference, not versioned: the last choice wins;
    locks the user's row. Raises ValidationFailed (unknown language), Unauthorized."""
    errors = v.Errors()
    value = _clean_language(errors, language)
    errors.raise_if_any()
    user = _own(session, actor, lock=True)
    if user.language != value:
        user.language = value
        user.version += 1  # an open profile form then sees a newer version, not a silent undo
        session.add(user)
        session.flush()
    return value


def update_profile(session: Session, actor: Actor, version: int, data: Mapping[str, Any]) -> User:
    """Change the given fields of the actor's own profile (versioned; a blank optional field
    clears it). Nothing is written when no value changes. Raises ValidationFailed (field
    messages: NIF and IBAN are checked), VersionConflict, Unauthorized."""
    user = _own(session, actor, lock=True)
    check_version(user, version, "profile")
    values = _clean_profile(data)
    changed = {k: val for k, val in values.items() if getattr(user, k) != val}
    if not changed:
        return user
    return compare_and_swap(session, User, user.id, version, changed, actor, entity="user")


def change_password(
    session: Session, actor: Actor, current_password: object, new_password: object
) -> User:
    """Change the actor's own password. `current_password` must be right (else
    ValidationFailed {"current_password"}); `new_password` follows `users.password_errors`
    and must differ from the current one. Bumps `token_version`: every session of the user
    is signed out; the caller issues a fresh token for this one (from the returned row).
    Wrong current passwords count as failed sign-ins of the user from that IP: RateLimited
    while blocked (`rate_limits`)."""
    user = _own(session, actor, lock=True)
    # Guessing the current password here counts like failed sign-ins (same block).
    rate_limits.check_login_allowed(user.username, actor.ip)
    current = current_password if isinstance(current_password, str) else ""
    if not current or not verify_password(current, user.password_hash):
        rate_limits.record_login_failure(user.username, actor.ip)
        raise ValidationFailed({"current_password": ["The current password is not right."]})
    problems = users_service.password_errors(new_password)
    if not problems and new_password == current:
        problems = ["The new password must differ from the current one."]
    if problems:
        raise ValidationFailed({"new_password": problems})
    assert isinstance(new_password, str)
    values = {"password_hash": hash_password(new_password), "token_version": user.token_version + 1}
    return compare_and_swap(session, User, user.id, user.version, values, actor, entity="user")


def _photo_refused(exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed({"photo": exc.fields.get("image", [exc.message])})


def set_profile_photo(session: Session, actor: Actor, data: bytes) -> User:
    """Give the actor's profile the photo in `data` (replacing any). The upload is checked
    and re-encoded by `media_store.process_image` first, so a refused file writes nothing.
    Uploads count towards the per-minute upload limit (RateLimited). Raises
    ValidationFailed {"photo": [...]}, Unauthorized."""
    if actor is None:
        raise Unauthorized("Sign in to continue.")
    rate_limits.count_upload(actor.user_id)
    try:
        processed = media_store.process_image(data)
    except ValidationFailed as exc:
        raise _photo_refused(exc) from None
    user = _own(session, actor, lock=True)
    name = media_store.store(processed)
    if user.photo == name:
        return user
    return compare_and_swap(
        session, User, user.id, user.version, {"photo": name}, actor, entity="user"
    )


def remove_profile_photo(session: Session, actor: Actor) -> User:
    """Take the photo off the actor's profile (the files stay: another row may show them)."""
    user = _own(session, actor, lock=True)
    if user.photo is None:
        return user
    return compare_and_swap(
        session, User, user.id, user.version, {"photo": None}, actor, entity="user"
    )
