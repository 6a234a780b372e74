"""Catalogue page helpers (no database): how rows are shown, how untrusted form payloads are
read, and that the UI's choices are exactly the service's allow-lists."""

from __future__ import annotations

import uuid

from avrentals.domain.enums import DiscountType
from avrentals.domain.services.fee_catalogue import SORTS as FEE_SERVICE_SORTS
from avrentals.domain.services.service_catalogue import SORTS as SERVICE_SERVICE_SORTS
from avrentals.domain.services.service_catalogue import UNITS
from avrentals.ui.state.catalogue import (
    FEE_SORTS,
    FEE_TYPE_LABELS,
    SERVICE_SORTS,
    UNIT_LABELS,
    fee_display,
    format_percent,
    service_display,
)
from avrentals.ui.state.catalogue_form import (
    FEE_FIELDS,
    REQUIRED,
    SERVICE_FIELDS,
    form_values,
    read_form,
)


def test_choices_match_the_service_allow_lists() -> None:
    assert tuple(UNIT_LABELS) == UNITS
    assert set(FEE_TYPE_LABELS) == {t.value for t in DiscountType}
    assert {key for key, _d, _l in SERVICE_SORTS.values()} <= set(SERVICE_SERVICE_SORTS)
    assert {key for key, _d, _l in FEE_SORTS.values()} <= set(FEE_SERVICE_SORTS)


def test_rows_are_display_strings() -> None:
    row_id = str(uuid.uuid4())
    service = service_display(
        {
            "id": row_id,
            "name": "Truck",
            "description": None,
            "category": "Transport",
            "unit_price": "1.35",
            "unit": "km",
            "is_active": False,
            "version": 3,
        }
    )
    assert service == {
        "id": row_id,
        "name": "Truck",
        "description": "",
        "category": "Transport",
        "price": "€1.35",
        "unit": "per km",
        "active": "false",
        "version": "3",
    }
    pct = fee_display(
        {"id": row_id, "name": "Insurance", "amount": "12.50", "fee_type": "percentage"}
        | {"is_required": True, "is_active": True, "version": 1}
    )
    assert (pct["amount"], pct["type"], pct["required"], pct["basis"]) == (
        "12.5 %",
        "Percentage",
        "true",
        "of the discounted sub-total",
    )
    fixed = fee_display(
        {"id": row_id, "name": "Delivery", "amount": "1200.00", "fee_type": "fixed"}
    )
    assert (fixed["amount"], fixed["required"]) == ("€1,200.00", "false")
    assert format_percent("3.00") == "3 %" and format_percent("x") == "—"


def test_form_values_and_untrusted_payloads() -> None:
    saved = {"name": "Insurance", "amount": "3.00", "fee_type": "percentage", "is_required": True}
    values = form_values(FEE_FIELDS, saved)
    assert values["is_required"] == REQUIRED and values["description"] == ""
    read, errors = read_form(
        {"name": "Crew", "unit_price": 5, "category": "x" * 6000, "unit": "ignored", "evil": 1},
        SERVICE_FIELDS,
        {"unit": "hour"},
    )
    assert read["unit"] == "hour"  # the controlled choice wins over a sent one
    assert errors["unit_price"] == "Price must be text."
    assert errors["category"] == "Category is far too long."
    assert "evil" not in read and read["name"] == "Crew"
