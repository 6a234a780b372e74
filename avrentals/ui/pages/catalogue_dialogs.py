"""The catalogue dialogs: new / edit service, new / edit fee (field messages, conflict
comparison) and the deactivate / reactivate confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui.components.dialogs import form_dialog
from avrentals.ui.components.forms import form_field, text_input
from avrentals.ui.state.catalogue import FEE_TYPE_LABELS, UNIT_LABELS, CatalogueToggleState
from avrentals.ui.state.catalogue_form import REQUIRED, FeeFormState, ServiceFormState

T = CatalogueToggleState
GRID = {
    "grid_template_columns": rx.breakpoints(initial="1fr", sm="1fr 1fr"),
    "gap": "12px",
    "width": "100%",
}


def _text(
    state: Any, prefix: str, field: str, label: str, max_len: int, **props: Any
) -> rx.Component:
    full = props.pop("full", False)
    # type "text": no browser validation, the service's message is the one shown
    control = text_input(state, prefix, field, max_len, size="2", **props)
    return form_field(
        prefix, field, label, control, state.errors[field], required=field == "name", full=full
    )


def _money(state: Any, prefix: str, field: str, label: str, hint: Any = "") -> rx.Component:
    control = text_input(
        state, prefix, field, 16, input_mode="decimal", placeholder="0.00", size="2"
    )
    return form_field(prefix, field, label, control, state.errors[field], required=True, hint=hint)


def _choice(
    state: Any, prefix: str, field: str, label: str, options: dict[str, str]
) -> rx.Component:
    control = rx.select.root(
        rx.select.trigger(
            width="100%",
            id=f"{prefix}-{field}",
            custom_attrs={"data-testid": f"{prefix}-{field}"},
        ),
        rx.select.content(*[rx.select.item(text, value=key) for key, text in options.items()]),
        value=state.values[field],
        on_change=lambda value: state.set_choice(field, value),
        size="2",
    )
    return form_field(prefix, field, label, control, state.errors[field])


def _description(state: Any, prefix: str) -> rx.Component:
    control = rx.text_area(
        id=f"{prefix}-description",
        name="description",
        default_value=state.values["description"],
        max_length=500,
        rows="3",
        width="100%",
        custom_attrs={"data-testid": f"{prefix}-description"},
    )
    return form_field(
        prefix, "description", "Description", control, state.errors["description"], full=True
    )


def service_form_dialog() -> rx.Component:
    S = ServiceFormState
    return form_dialog(
        S,
        noun="service",
        title_edit="Edit service",
        title_new="New service",
        hint_new="A service is charged per unit (day, hour, km …) on a quote.",
        body=rx.grid(
            _text(S, "service", "name", "Name", 100, auto_focus=True, full=True),
            _money(S, "service", "unit_price", "Price (€)"),
            _choice(S, "service", "unit", "Charged", UNIT_LABELS),
            _text(S, "service", "category", "Category", 50, placeholder="Crew, Transport …"),
            _description(S, "service"),
            **GRID,
        ),
        save_testid="save-service",
        form_testid="service-form",
        max_width="560px",
    )


def _required_box() -> rx.Component:
    S = FeeFormState
    control = rx.text(
        rx.flex(
            rx.checkbox(
                checked=S.values["is_required"] == REQUIRED,
                on_change=S.set_required,
                custom_attrs={"data-testid": "fee-is_required"},
            ),
            "Add to every new quote",
            spacing="2",
            align="center",
        ),
        as_="label",
        size="2",
        weight="medium",
    )
    # Beside the category on wider screens, level with its input.
    return rx.flex(control, align="center", min_height="32px", align_self="end")


def fee_form_dialog() -> rx.Component:
    S = FeeFormState
    hint = rx.cond(
        S.values["fee_type"] == "percentage",
        "Percent of the discounted sub-total, 0 to 100.",
        "Euros added to the quote.",
    )
    return form_dialog(
        S,
        noun="fee",
        title_edit="Edit fee",
        title_new="New fee",
        hint_new="A fixed amount or a percentage of the discounted sub-total.",
        body=rx.grid(
            _text(S, "fee", "name", "Name", 100, auto_focus=True, full=True),
            _choice(S, "fee", "fee_type", "Type", FEE_TYPE_LABELS),
            _money(S, "fee", "amount", "Amount", hint),
            _text(S, "fee", "category", "Category", 50, placeholder="Insurance, Logistics …"),
            _required_box(),
            _description(S, "fee"),
            **GRID,
        ),
        save_testid="save-fee",
        form_testid="fee-form",
        max_width="560px",
    )


def toggle_dialog() -> rx.Component:
    """Deactivate / reactivate confirmation naming the row and what it means for quotes."""
    deactivate_text = rx.cond(
        T.toggle_required,
        " will no longer be offered or added to new quotes. Quotes that already have it "
        "keep it. You can reactivate it later.",
        " will no longer be offered on new quotes. Quotes that already have it keep it. "
        "You can reactivate it later.",
    )
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.cond(T.toggle_activate, "Reactivate ", "Deactivate "), T.toggle_kind, "?"
            ),
            rx.alert_dialog.description(
                rx.text.strong(T.toggle_name),
                rx.cond(
                    T.toggle_activate, " will be offered on new quotes again.", deactivate_text
                ),
                size="2",
            ),
            rx.cond(
                T.toggle_error != "",
                rx.callout(
                    T.toggle_error,
                    icon="circle-alert",
                    color_scheme="amber",
                    size="1",
                    margin_top="12px",
                    custom_attrs={"data-testid": "toggle-error"},
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.button(
                    rx.cond(T.toggle_activate, "Reactivate", "Deactivate"),
                    on_click=T.confirm_toggle,
                    loading=T.toggling,
                    disabled=T.toggling,
                    color_scheme=rx.cond(T.toggle_activate, "green", "red"),
                    custom_attrs={"data-testid": "confirm-toggle"},
                ),
                justify="end",
                gap="3",
                margin_top="16px",
            ),
            max_width="440px",
        ),
        open=T.toggle_open,
        on_open_change=T.set_toggle_open,
    )
