"""The equipment dialogs used by the inventory list and the item page: create/edit form (field
messages, live count check, conflict comparison) and the delete confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui.components.dialogs import delete_dialog, form_dialog
from avrentals.ui.components.forms import field_label, form_field
from avrentals.ui.state.equipment_delete import EquipmentDeleteState
from avrentals.ui.state.equipment_form import EquipmentFormState
from avrentals.ui.state.equipment_form_values import NO_SUBCATEGORY, TYPES

S = EquipmentFormState
X = EquipmentDeleteState


def _field(field: str, label: str, control: rx.Component, *, required=False, full=False, hint=""):
    return form_field(
        "equipment",
        field,
        label,
        control,
        S.errors[field],
        required=required,
        full=full,
        hint=hint,
    )


def _label(field: str, label: str, required: bool = False) -> rx.Component:
    return field_label(f"equipment-{field}", label, required)


def _text_input(field: str, max_len: int, **props: Any) -> rx.Component:
    return rx.input(
        id=f"equipment-{field}",
        name=field,
        default_value=S.values[field],
        max_length=max_len,
        type="text",  # no browser validation: the service's message is the one shown
        auto_complete="off",
        size="2",
        width="100%",
        custom_attrs={"data-testid": f"equipment-{field}"},
        **props,
    )


def _count_input(field: str) -> rx.Component:
    """A whole-number input that reports every keystroke (for the live sum check); left
    uncontrolled (re-rendered through the form key) so no debounce wrapper is needed."""
    return rx.input(
        id=f"equipment-{field}",
        name=field,
        default_value=S.values[field],
        on_change=lambda value: S.set_choice(field, value),
        type="text",
        input_mode="numeric",
        max_length=12,
        size="2",
        width="100%",
        custom_attrs={"data-testid": f"equipment-{field}"},
    )


def _select(field: str, value: rx.Var, items: rx.Component, placeholder: str, **props):
    return rx.select.root(
        rx.select.trigger(
            placeholder=placeholder,
            width="100%",
            id=f"equipment-{field}",
            custom_attrs={"data-testid": f"equipment-{field}"},
        ),
        rx.select.content(items),
        value=value,
        on_change=lambda v: S.set_choice(field, v),
        size="2",
        **props,
    )


def _classification() -> list[rx.Component]:
    category = _select(
        "category_id",
        S.values["category_id"],
        rx.foreach(S.categories, lambda c: rx.select.item(c["name"], value=c["id"])),
        "Choose a category",
    )
    subcategory = _select(
        "subcategory_id",
        S.subcategory_value,
        rx.fragment(
            rx.select.item("None", value=NO_SUBCATEGORY),
            rx.foreach(S.subcategory_options, lambda s: rx.select.item(s["name"], value=s["id"])),
        ),
        "None",
        disabled=S.subcategory_options.length() == 0,
    )
    kind = _select(
        "type",
        S.values["type"],
        rx.fragment(*[rx.select.item(label, value=key) for key, label in TYPES.items()]),
        "Type",
    )
    return [
        _field("category_id", "Category", category, required=True),
        _field("subcategory_id", "Subcategory", subcategory),
        _field("type", "Type", kind),
        _field("location", "Location", _text_input("location", 100), required=True),
    ]


def _counts() -> rx.Component:
    return rx.vstack(
        rx.grid(
            _field("quantity", "Quantity", _count_input("quantity"), required=True),
            _field("quantity_good", "Good", _count_input("quantity_good")),
            _field("quantity_damaged", "Damaged", _count_input("quantity_damaged")),
            _field("quantity_maintenance", "Maintenance", _count_input("quantity_maintenance")),
            grid_template_columns=rx.breakpoints(initial="1fr 1fr", sm="repeat(4, 1fr)"),
            gap="12px",
            width="100%",
        ),
        rx.text(
            S.counts_message,
            size="1",
            color_scheme=rx.cond(S.counts_ok, "gray", "red"),
            custom_attrs={"data-testid": "counts-check"},
        ),
        spacing="1",
        width="100%",
        grid_column="1 / -1",
    )


def _rate() -> rx.Component:
    control = rx.cond(
        S.consumable,
        rx.input(
            id="equipment-daily_rate",
            value="0.00",
            disabled=True,
            size="2",
            width="100%",
            custom_attrs={"data-testid": "equipment-daily_rate"},
        ),
        _text_input("daily_rate", 16, input_mode="decimal", placeholder="0.00"),
    )
    return _field(
        "daily_rate",
        "Daily rate (EUR)",
        control,
        hint=rx.cond(S.consumable, "Consumables are not hired by the day.", ""),
    )


def _asset_code() -> rx.Component:
    return rx.cond(
        S.code_editor,
        _field(
            "asset_code",
            "Asset code",
            _text_input("asset_code", 32, placeholder="Generated when empty"),
        ),
    )


def _fields() -> rx.Component:
    return rx.grid(
        _field(
            "name",
            "Name",
            _text_input("name", 100, auto_focus=True),
            required=True,
            full=True,
        ),
        _field(
            "description",
            "Description",
            rx.text_area(
                id="equipment-description",
                name="description",
                default_value=S.values["description"],
                max_length=500,
                rows="2",
                width="100%",
                custom_attrs={"data-testid": "equipment-description"},
            ),
            full=True,
        ),
        *_classification(),
        _counts(),
        _rate(),
        _field(
            "low_stock_threshold",
            "Low-stock threshold",
            _text_input("low_stock_threshold", 12, input_mode="numeric", placeholder="0"),
        ),
        _asset_code(),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
        gap="12px",
        width="100%",
    )


def equipment_form_dialog() -> rx.Component:
    """Create / edit: Enter submits, Escape closes, Save is disabled while saving."""
    return form_dialog(
        S,
        noun="item",
        title_edit="Edit item",
        title_new="New item",
        hint_new="Name, category, location and quantity are required.",
        body=_fields(),
        save_testid="save-equipment",
        form_testid="equipment-form",
        max_width="680px",
    )


def equipment_delete_dialog() -> rx.Component:
    """Confirmation naming the item; an in-use refusal shows the service's reason."""
    return delete_dialog(
        X,
        "Delete item?",
        rx.text.strong(X.delete_name),
        " (",
        rx.text.span(X.delete_code, class_name="avr-mono"),
        ") will be deleted permanently. This can't be undone.",
    )
