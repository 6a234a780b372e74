"""Plain, JSON-ready snapshots of rows (for audit diffs, conflict details and the change bus)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import SQLModel

# Never copied into audit rows, conflict payloads or anything sent to a browser.
SECRET_FIELDS = frozenset({"password_hash", "smtp_password", "ics_token"})


def json_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value.as_tuple().exponent == -2 else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(row: SQLModel, *, exclude: frozenset[str] = SECRET_FIELDS) -> dict[str, Any]:
    """Every column of `row` as JSON-ready values, secrets left out."""
    return {
        name: json_value(getattr(row, name))
        for name in type(row).model_fields
        if name not in exclude
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The changed keys only, as (old values, new values); bookkeeping columns ignored."""
    ignore = {"updated_at", "version", "updated_by"}
    keys = [k for k in new if k not in ignore and old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}
