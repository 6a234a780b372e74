"""Field-rule helpers shared by the services (DESIGN §4).

A service collects every broken rule of one input with an `Errors` object and raises one
`ValidationFailed` with field-level messages (`{"field": ["message"]}`), so a form or an API
client sees all its mistakes at once. Field names are the services' snake_case input names;
the API turns them into camelCase.

The helpers never raise on bad input themselves: each returns the cleaned value (or None when
the value is unusable) and records the message on `errors`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from avrentals.domain.errors import ValidationFailed

EXTRA_FIELD_MESSAGE = "This field cannot be set here."
REQUIRED_MESSAGE = "This field is required."

# A pragmatic address check: something@something.tld, no spaces, <= 254 characters.
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

E = TypeVar("E", bound=StrEnum)


class Errors:
    """Collects field messages; `raise_if_any` raises one ValidationFailed with all of them."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def has(self, field: str) -> bool:
        return field in self.fields

    def __bool__(self) -> bool:
        return bool(self.fields)

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.fields)


def reject_unknown(data: Mapping[str, Any], allowed: Iterable[str], errors: Errors) -> None:
    """Unknown or read-only fields are refused, never ignored."""
    allowed_set = set(allowed)
    for key in data:
        if key not in allowed_set:
            errors.add(str(key), EXTRA_FIELD_MESSAGE)


def text(
    errors: Errors,
    field: str,
    value: Any,
    *,
    label: str,
    min_len: int = 0,
    max_len: int,
    required: bool = False,
) -> str | None:
    """A trimmed string of `min_len`..`max_len` characters.

    None/blank gives None when not required (optional text is stored as NULL, not "").
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, f"{label} must be text.")
        return None
    value = value.strip()
    if not value:
        if required or min_len > 0:
            errors.add(field, f"{label} is required.")
        return None
    if len(value) < min_len:
        errors.add(field, f"{label} must be at least {min_len} characters.")
        return None
    if len(value) > max_len:
        errors.add(field, f"{label} must be at most {max_len} characters.")
        return None
    return value


# Counts are stored as 32-bit integers; anything near that is a typo, not stock.
MAX_COUNT = 1_000_000_000


def integer(
    errors: Errors,
    field: str,
    value: Any,
    *,
    label: str,
    minimum: int = 0,
    maximum: int = MAX_COUNT,
) -> int | None:
    """A whole number from `minimum` to `maximum`. Booleans and fractions are refused; an
    integral string ("5") from a form is accepted."""
    if isinstance(value, bool) or value is None:
        errors.add(field, f"{label} must be a whole number.")
        return None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            errors.add(field, f"{label} must be a whole number.")
            return None
    if isinstance(value, float | Decimal):
        if value != int(value):
            errors.add(field, f"{label} must be a whole number.")
            return None
        value = int(value)
    if not isinstance(value, int):
        errors.add(field, f"{label} must be a whole number.")
        return None
    if value < minimum:
        errors.add(field, f"{label} must be {minimum} or more.")
        return None
    if value > maximum:
        errors.add(field, f"{label} must be at most {maximum}.")
        return None
    return value


def money(errors: Errors, field: str, value: Any, *, label: str) -> Decimal | None:
    """An amount >= 0 with at most two decimals, given as a number or a string ("45.00").

    Floats are read through their shortest decimal text (0.1 -> 0.10), never their binary
    expansion."""
    if isinstance(value, bool) or value is None:
        errors.add(field, f"{label} must be an amount such as 45.00.")
        return None
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        errors.add(field, f"{label} must be an amount such as 45.00.")
        return None
    if not amount.is_finite():
        errors.add(field, f"{label} must be an amount such as 45.00.")
        return None
    if amount < 0:
        errors.add(field, f"{label} must be 0 or more.")
        return None
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        errors.add(field, f"{label} can have at most 2 decimals.")
        return None
    if amount >= Decimal("10000000000"):
        errors.add(field, f"{label} is too large.")
        return None
    return amount.quantize(Decimal("0.01"))


def enum_value(
    errors: Errors, field: str, value: Any, enum_cls: type[E], *, label: str
) -> E | None:
    """One of the enum's values."""
    try:
        return enum_cls(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_cls)
        errors.add(field, f"{label} must be one of: {allowed}.")
        return None


def uuid_value(errors: Errors, field: str, value: Any, *, label: str) -> uuid.UUID | None:
    """A UUID (given as a UUID or its text)."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        errors.add(field, f"{label} is not a valid id.")
        return None


def email(errors: Errors, field: str, value: Any, *, label: str = "Email") -> str | None:
    """A plausible e-mail address (<= 254 characters) or empty (stored as NULL)."""
    cleaned = text(errors, field, value, label=label, max_len=254)
    if cleaned is None:
        return None
    if not EMAIL_RE.match(cleaned):
        errors.add(field, f"{label} must be a valid e-mail address (or left empty).")
        return None
    return cleaned
