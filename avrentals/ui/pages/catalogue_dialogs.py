"""The catalogue dialogs: new / edit service, new / edit fee (field messages, conflict
comparison) and the deactivate / reactivate confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui.components.dialogs import form_dialog
from avrentals.ui.components.forms import form_field, text_input
from avrentals.ui.i18n import t
from avrentals.ui.state.catalogue import FEE_TYPE_KEYS, UNIT_KEYS, CatalogueToggleState
from avrentals.ui.state.catalogue_form import REQUIRED, FeeFormState, ServiceFormState

T = CatalogueToggleState
GRID = {
    "grid_template_columns": rx.breakpoints(initial="1fr", sm="1fr 1fr"),
    "gap": "12px",
    "width": "100%",
}


def _text(
    state: Any, prefix: str, field: str, label: str | rx.Var[str], max_len: int, **props: Any
) -> rx.Component:
    full = props.pop("full", False)
    # type "text": no browser validation, the service's message is the one shown
    control = text_input(state, prefix, field, max_len, size="2", **props)
    return form_field(
        prefix, field, label, control, state.errors[field], required=field == "name", full=full
    )


def _money(
    state: Any, prefix: str, field: str, label: str | rx.Var[str], hint: Any = ""
) -> rx.Component:
    control = text_input(
        state,
        prefix,
        field,
        16,
        input_mode="decimal",
        placeholder="0.00",
        size="2",
    )
    return form_field(prefix, field, label, control, state.errors[field], required=True, hint=hint)


def _choice(
    state: Any, prefix: str, field: str, label: str | rx.Var[str], options: dict[str, str]
) -> rx.Component:
    """A controlled select; `options` maps each value to the catalogue key of its label."""
    control = rx.select.root(
        rx.select.trigger(
            width="100%",
            id=f"{prefix}-{field}",
            custom_attrs={"data-testid": f"{prefix}-{field}"},
        ),
        rx.select.content(*[rx.select.item(t(text), value=key) for key, text in options.items()]),
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
        prefix,
        "description",
        t("common.field.description"),
        control,
        state.errors["description"],
        full=True,
    )


def service_form_dialog() -> rx.Component:
    S = ServiceFormState
    return form_dialog(
        S,
        noun="service",
        title_edit=t("catalogue.service.edit_title"),
        title_new=t("catalogue.service.new"),
        hint_new=t("catalogue.service.hint_new"),
        body=rx.grid(
            _text(S, "service", "name", t("common.field.name"), 100, auto_focus=True, full=True),
            _money(S, "service", "unit_price", t("catalogue.service.price_label")),
            _choice(S, "service", "unit", t("catalogue.service.charged"), UNIT_KEYS),
            _text(
                S,
                "service",
                "category",
                t("common.field.category"),
                50,
                placeholder=t("catalogue.service.category_placeholder"),
            ),
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
            t("catalogue.fee.add_to_every_quote"),
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
        t("catalogue.fee.hint_percentage"),
        t("catalogue.fee.hint_fixed"),
    )
    return form_dialog(
        S,
        noun="fee",
        title_edit=t("catalogue.fee.edit_title"),
        title_new=t("catalogue.fee.new"),
        hint_new=t("catalogue.fee.hint_new"),
        body=rx.grid(
            _text(S, "fee", "name", t("common.field.name"), 100, auto_focus=True, full=True),
            _choice(S, "fee", "fee_type", t("catalogue.field.type"), FEE_TYPE_KEYS),
            _money(S, "fee", "amount", t("catalogue.field.amount"), hint),
            _text(
                S,
                "fee",
                "category",
                t("common.field.category"),
                50,
                placeholder=t("catalogue.fee.category_placeholder"),
            ),
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
        t("catalogue.toggle.deactivate_required"),
        t("catalogue.toggle.deactivate"),
    )
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.cond(
                    T.toggle_activate,
                    t("catalogue.toggle.reactivate_title_" + T.toggle_kind),
                    t("catalogue.toggle.deactivate_title_" + T.toggle_kind),
                )
            ),
            rx.alert_dialog.description(
                rx.text.strong(T.toggle_name),
                rx.cond(T.toggle_activate, t("catalogue.toggle.reactivate"), deactivate_text),
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
                rx.alert_dialog.cancel(
                    rx.button(t("common.action.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.button(
                    rx.cond(
                        T.toggle_activate,
                        t("catalogue.row.reactivate"),
                        t("common.action.deactivate"),
                    ),
                    on_click=T.confirm_toggle,
                    loading=T.toggling,
                    disabled=T.toggling,
                    color_scheme=rx.cond(T.toggle_activate, "green", "red"),  # i18n: not text
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
