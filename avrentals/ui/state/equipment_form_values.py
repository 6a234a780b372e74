"""The equipment form's values: fields and labels, the live count check, reading an untrusted
form payload, and turning the form's strings into the service's input (pure functions, used
by `equipment_form.EquipmentFormState` and unit-tested without a browser)."""

from __future__ import annotations

import uuid
from typing import Any

from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import changed_fields as shared_changed_fields
from avrentals.ui.state.formatting import text
from avrentals.ui.state.identifiers import parse_client_id

# (field, catalogue key of its label) in form order: the service's input vocabulary.
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "common.field.name"),
    ("description", "common.field.description"),
    ("category_id", "common.field.category"),
    ("subcategory_id", "equipment.field.subcategory"),
    ("type", "equipment.field.type"),
    ("quantity", "common.field.quantity"),
    ("quantity_good", "equipment.field.quantity_good"),
    ("quantity_damaged", "equipment.field.quantity_damaged"),
    ("quantity_maintenance", "equipment.field.quantity_maintenance"),
    ("location", "common.field.location"),
    ("daily_rate", "equipment.field.daily_rate_eur"),
    ("low_stock_threshold", "equipment.field.low_stock"),
    ("asset_code", "equipment.field.asset_code"),
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
# Item type -> catalogue key of its label.
TYPES = {"equipment": "equipment.type.equipment", "consumable": "equipment.type.consumable"}
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


def count_status(values: dict[str, str]) -> tuple[str, dict[str, str], bool]:
    """(catalogue key, its parameters, ok) for the live "counts must sum to quantity" line
    under the counts (the page renders it with `t(key, **params)`)."""

    def num(field: str) -> int | None:
        raw = values.get(field, "").strip()
        return int(raw) if raw.isdigit() else None

    quantity = num("quantity")
    if quantity is None:
        return "equipment.counts.hint", {}, True
    damaged = num("quantity_damaged") or 0
    maintenance = num("quantity_maintenance") or 0
    if values.get("quantity_good", "").strip() == "":
        rest = quantity - damaged - maintenance
        if rest < 0:
            params = {"sum": str(damaged + maintenance), "quantity": str(quantity)}
            return "equipment.counts.exceed", params, False
        return "equipment.counts.rest_good", {"rest": str(rest), "quantity": str(quantity)}, True
    good = num("quantity_good")
    if good is None:
        return "equipment.counts.good_not_number", {}, False
    total = good + damaged + maintenance
    if total != quantity:
        params = {"total": str(total), "quantity": str(quantity)}
        return "equipment.counts.mismatch", params, False
    return "equipment.counts.ok", {"quantity": str(quantity)}, True


def count_check(values: dict[str, str], language: str = DEFAULT_LANGUAGE) -> tuple[str, bool]:
    """(message in `language`, ok) for the live "counts must sum to quantity" line."""
    key, params, ok = count_status(values)
    return translate(key, language, **params), ok


def read_form(
    form_data: Any, controlled: dict[str, str], language: str = DEFAULT_LANGUAGE
) -> tuple[dict[str, str], dict[str, str]]:
    """(values, errors in `language`) from an untrusted payload: its known text fields must
    be strings of at most MAX_INPUT characters (unknown keys ignored); the controlled fields
    come from this state, never from the payload."""
    data = form_data if isinstance(form_data, dict) else {}
    values, errors = blank() | dict(controlled), dict.fromkeys(FIELD_NAMES, "")
    for field in TEXT_FIELDS:
        raw = data.get(field, "")
        if raw is None:
            raw = ""
        label = translate(LABELS[field], language)
        if not isinstance(raw, str):
            errors[field] = translate("equipment.form.must_be_text", language, label=label)
        elif len(raw) > MAX_INPUT:
            errors[field] = translate("equipment.form.too_long", language, label=label)
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
