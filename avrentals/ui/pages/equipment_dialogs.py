"""The equipment dialogs used by the inventory list and the item page: create/edit form (field
messages, live count check, conflict comparison) and the delete confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui.components.dialogs import delete_dialog, form_dialog
from avrentals.ui.components.forms import field_binder, field_label
from avrentals.ui.i18n import t
from avrentals.ui.state.equipment_delete import EquipmentDeleteState
from avrentals.ui.state.equipment_form import EquipmentFormState
from avrentals.ui.state.equipment_form_values import NO_SUBCATEGORY, TYPES

S = EquipmentFormState
X = EquipmentDeleteState


_field = field_binder("equipment", S.errors)


def _label(field: str, label: str | rx.Var[str], required: bool = False) -> rx.Component:
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


def _select(
    field: str, value: rx.Var, items: rx.Component, placeholder: str | rx.Var[str], **props
):
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
        t("equipment.form.choose_category"),
    )
    subcategory = _select(
        "subcategory_id",
        S.subcategory_value,
        rx.fragment(
            rx.select.item(t("common.state.none"), value=NO_SUBCATEGORY),
            rx.foreach(S.subcategory_options, lambda s: rx.select.item(s["name"], value=s["id"])),
        ),
        t("common.state.none"),
        disabled=S.subcategory_options.length() == 0,
    )
    kind = _select(
        "type",
        S.values["type"],
        rx.fragment(*[rx.select.item(t(label), value=key) for key, label in TYPES.items()]),
        t("equipment.field.type"),
    )
    return [
        _field("category_id", t("common.field.category"), category, required=True),
        _field("subcategory_id", t("equipment.field.subcategory"), subcategory),
        _field("type", t("equipment.field.type"), kind),
        _field("location", t("common.field.location"), _text_input("location", 100), required=True),
    ]


def _counts() -> rx.Component:
    return rx.vstack(
        rx.grid(
            _field("quantity", t("common.field.quantity"), _count_input("quantity"), required=True),
            _field("quantity_good", t("equipment.status.good"), _count_input("quantity_good")),
            _field(
                "quantity_damaged", t("equipment.status.damaged"), _count_input("quantity_damaged")
            ),
            _field(
                "quantity_maintenance",
                t("equipment.status.maintenance"),
                _count_input("quantity_maintenance"),
            ),
            grid_template_columns=rx.breakpoints(initial="1fr 1fr", sm="repeat(4, 1fr)"),
            gap="12px",
            width="100%",
        ),
        rx.text(
            t(
                S.counts_key,
                sum=S.counts_params["sum"],
                rest=S.counts_params["rest"],
                total=S.counts_params["total"],
                quantity=S.counts_params["quantity"],
            ),
            size="1",
            color_scheme=rx.cond(S.counts_ok, "gray", "red"),  # i18n: not text
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
        t("equipment.field.daily_rate_eur"),
        control,
        hint=rx.cond(S.consumable, t("equipment.form.consumable_hint"), ""),
    )


def _asset_code() -> rx.Component:
    return rx.cond(
        S.code_editor,
        _field(
            "asset_code",
            t("equipment.field.asset_code"),
            _text_input("asset_code", 32, placeholder=t("equipment.form.code_placeholder")),
        ),
    )


def _fields() -> rx.Component:
    return rx.grid(
        _field(
            "name",
            t("common.field.name"),
            _text_input("name", 100, auto_focus=True),
            required=True,
            full=True,
        ),
        _field(
            "description",
            t("common.field.description"),
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
            t("equipment.field.low_stock"),
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
        title_edit=t("equipment.form.title_edit"),
        title_new=t("equipment.list.new_item"),
        hint_new=t("equipment.form.hint_new"),
        body=_fields(),
        save_testid="save-equipment",
        form_testid="equipment-form",
        max_width="680px",
    )


def equipment_delete_dialog() -> rx.Component:
    """Confirmation naming the item; an in-use refusal shows the service's reason."""
    return delete_dialog(
        X,
        t("equipment.delete.title"),
        rx.text.strong(X.delete_name),
        " (",
        rx.text.span(X.delete_code, class_name="avr-mono"),
        t("equipment.delete.body_after_code"),
    )
