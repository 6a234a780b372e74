"""The client dialogs used by the list and the client page: create/edit form (field messages,
conflict comparison) and the delete confirmation."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.forms import conflict_resolution, field_error
from avrentals.ui.state.client_delete import ClientDeleteState
from avrentals.ui.state.client_form import ClientFormState

S = ClientFormState
X = ClientDeleteState
# (field, label, max length in the input, full row)
FORM_FIELDS = (
    ("name", "Name", 100, True),
    ("contact_person", "Contact person", 100, False),
    ("email", "Email", 254, False),
    ("phone", "Phone", 30, False),
    ("tax_id", "Tax id", 20, False),
    ("address", "Address", 200, True),
)


def _label(field: str, label: str, required: bool = False) -> rx.Component:
    return rx.text(
        label,
        rx.cond(required, rx.text.span(" *", color="var(--red-11)")),
        as_="label",
        size="2",
        weight="medium",
        html_for=f"client-{field}",
    )


def _input(field: str, label: str, max_len: int, full: bool) -> rx.Component:
    return rx.vstack(
        _label(field, label, field == "name"),
        rx.input(
            id=f"client-{field}",
            name=field,
            default_value=S.values[field],
            max_length=max_len,
            type="text",  # no browser validation: the service's message is the one shown
            input_mode="email" if field == "email" else "text",
            auto_focus=field == "name",
            auto_complete="off",
            size="2",
            width="100%",
            custom_attrs={"data-testid": f"client-{field}"},
        ),
        field_error(S.errors[field], f"error-{field}"),
        spacing="1",
        width="100%",
        grid_column="1 / -1" if full else "auto",
    )


def _notes() -> rx.Component:
    return rx.vstack(
        _label("notes", "Notes"),
        rx.text_area(
            id="client-notes",
            name="notes",
            default_value=S.values["notes"],
            max_length=1000,
            rows="3",
            width="100%",
            custom_attrs={"data-testid": "client-notes"},
        ),
        field_error(S.errors["notes"], "error-notes"),
        spacing="1",
        width="100%",
        grid_column="1 / -1",
    )


def client_form_dialog() -> rx.Component:
    """Create / edit: Enter submits, Escape closes, Save is disabled while saving."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.mode == "edit", "Edit client", "New client")),
            rx.dialog.description(
                rx.cond(
                    S.mode == "edit",
                    "Change the details and save.",
                    "Only the name is required.",
                ),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.cond(
                S.stale_notice != "",
                rx.callout(
                    S.stale_notice,
                    icon="radio",
                    color_scheme="blue",
                    size="1",
                    margin_bottom="12px",
                    custom_attrs={"data-testid": "form-stale"},
                ),
            ),
            conflict_resolution(S, "client"),
            rx.form(
                rx.grid(
                    *[_input(*f) for f in FORM_FIELDS],
                    _notes(),
                    grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
                    gap="12px",
                    width="100%",
                ),
                rx.cond(
                    S.form_error != "",
                    rx.callout(
                        S.form_error,
                        icon="circle-alert",
                        color_scheme="red",
                        size="1",
                        margin_top="12px",
                        custom_attrs={"data-testid": "form-error"},
                    ),
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                    ),
                    rx.cond(
                        S.conflict == "",
                        rx.button(
                            "Save",
                            type="submit",
                            loading=S.saving,
                            disabled=S.saving,
                            custom_attrs={"data-testid": "save-client"},
                        ),
                    ),
                    justify="end",
                    gap="3",
                    margin_top="16px",
                ),
                key=S.form_key,
                on_submit=S.save,
                reset_on_submit=False,
                custom_attrs={"data-testid": "client-form"},
            ),
            max_width="620px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def delete_dialog() -> rx.Component:
    """Confirmation naming the client; an in-use refusal is explained in place."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete client?"),
            rx.alert_dialog.description(
                rx.text.strong(X.delete_name),
                " will be deleted permanently. This can't be undone.",
                size="2",
            ),
            rx.cond(
                X.delete_error != "",
                rx.callout(
                    X.delete_error,
                    icon="ban",
                    color_scheme="red",
                    size="1",
                    margin_top="12px",
                    custom_attrs={"data-testid": "delete-error"},
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        rx.cond(X.delete_blocked, "Close", "Cancel"),
                        variant="soft",
                        color_scheme="gray",
                    )
                ),
                rx.cond(
                    ~X.delete_blocked,
                    rx.button(
                        "Delete",
                        on_click=X.confirm_delete,
                        loading=X.deleting,
                        disabled=X.deleting,
                        color_scheme="red",
                        custom_attrs={"data-testid": "confirm-delete"},
                    ),
                ),
                justify="end",
                gap="3",
                margin_top="16px",
            ),
            max_width="440px",
        ),
        open=X.delete_open,
        on_open_change=X.set_delete_open,
    )
