"""The equipment form's values: fields and labels, the live count check, reading an untrusted
form payload, and turning the form's strings into the service's input (pure functions, used
by `equipment_form.EquipmentFormState` and unit-tested without a browser)."""

from __future__ import annotations

import uuid
from typing import Any

from avrentals.ui.components.forms import changed_fields as shared_changed_fields
from avrentals.ui.state.clients import parse_client_id, text

# (field, label) in form order: the service's input vocabulary.
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("description", "Description"),
    ("category_id", "Category"),
    ("subcategory_id", "Subcategory"),
    ("type", "Type"),
    ("quantity", "Quantity"),
    ("quantity_good", "Good units"),
    ("quantity_damaged", "Damaged units"),
    ("quantity_maintenance", "Units in maintenance"),
    ("location", "Location"),
    ("daily_rate", "Daily rate (EUR)"),
    ("low_stock_threshold", "Low-stock threshold"),
    ("asset_code", "Asset code"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
LABELS = dict(FIELDS)
# Set through `set_choice` (selects and count inputs); the rest come from the form payload.
CONTROLLED = (
    "category_id",
    "subcategory_id",
    "type",
    "quantity",
    "quantity_good",
    "quantity_damaged",
    "quantity_maintenance",
)
TEXT_FIELDS = tuple(f for f in FIELD_NAMES if f not in CONTROLLED)
TYPES = {"equipment": "Equipment", "consumable": "Consumable"}
NO_SUBCATEGORY = "none"  # a Radix select item cannot have "" as its value
MAX_INPUT = 1000  # anything longer is refused here; the service's limits are lower


def parse_item_id(value: Any) -> uuid.UUID | None:
    """A UUID from an untrusted argument (a string of at most 64 characters), else None."""
    return parse_client_id(value)


def blank() -> dict[str, str]:
    return dict.fromkeys(FIELD_NAMES, "") | {"type": "equipment"}


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """A saved item (service row) as the form's strings."""
    return {
        "name": text(row.get("name")),
        "description": text(row.get("description")),
        "category_id": text(row.get("category_id")),
        "subcategory_id": text(row.get("subcategory_id")),
        "type": text(row.get("item_type")) or "equipment",
        "quantity": text(row.get("quantity")),
        "quantity_good": text(row.get("qty_good")),
        "quantity_damaged": text(row.get("qty_damaged")),
        "quantity_maintenance": text(row.get("qty_maintenance")),
        "location": text(row.get("location")),
        "daily_rate": text(row.get("daily_rate")),
        "low_stock_threshold": text(row.get("low_stock_threshold")),
        "asset_code": text(row.get("asset_code")),
    }


def count_check(values: dict[str, str]) -> tuple[str, bool]:
    """(message, ok) for the live "counts must sum to quantity" line under the counts."""

    def num(field: str) -> int | None:
        raw = values.get(field, "").strip()
        return int(raw) if raw.isdigit() else None

    quantity = num("quantity")
    if quantity is None:
        return "Good + damaged + maintenance must sum to the quantity.", True
    damaged = num("quantity_damaged") or 0
    maintenance = num("quantity_maintenance") or 0
    if values.get("quantity_good", "").strip() == "":
        rest = quantity - damaged - maintenance
        if rest < 0:
            return f"Damaged + maintenance ({damaged + maintenance}) exceed {quantity}.", False
        return f"{rest} of {quantity} will be good.", True
    good = num("quantity_good")
    if good is None:
        return "Good units must be a whole number.", False
    total = good + damaged + maintenance
    if total != quantity:
        return f"Good + damaged + maintenance = {total}; must sum to quantity {quantity}.", False
    return f"Good + damaged + maintenance = {quantity}.", True


def read_form(form_data: Any, controlled: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors) from an untrusted payload: its known text fields must be strings of
    at most MAX_INPUT characters (unknown keys ignored); the controlled fields come from
    this state, never from the payload."""
    data = form_data if isinstance(form_data, dict) else {}
    values, errors = blank() | dict(controlled), dict.fromkeys(FIELD_NAMES, "")
    for field in TEXT_FIELDS:
        raw = data.get(field, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[field] = f"{LABELS[field]} must be text."
        elif len(raw) > MAX_INPUT:
            errors[field] = f"{LABELS[field]} is far too long."
        else:
            values[field] = raw
    if values["type"] == "consumable":
        values["daily_rate"] = "0"
    return values, errors


def service_input(values: dict[str, str], *, create: bool, code_editor: bool) -> dict[str, Any]:
    """The form's strings as the service's input: on create, blank optional fields are left
    out (generated asset code, all-good counts, rate and threshold 0); a blank subcategory
    means none. The asset code is sent only by roles that may set it."""
    out: dict[str, Any] = {}
    for field, value in values.items():
        if field == "asset_code" and not code_editor:
            continue
        if field == "subcategory_id":
            out[field] = value or None
            continue
        if create and value.strip() == "" and field not in ("name", "location", "quantity"):
            continue
        out[field] = value
    return out


def changed_fields(mine: dict[str, str], original: dict[str, str]) -> dict[str, str]:
    """The fields the user changed (whitespace at the ends does not count)."""
    return shared_changed_fields(FIELD_NAMES, mine, original)
