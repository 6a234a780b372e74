"""The client dialogs used by the list and the client page: create/edit form (field messages,
conflict comparison) and the delete confirmation."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.dialogs import delete_dialog as shared_delete_dialog
from avrentals.ui.components.dialogs import form_dialog
from avrentals.ui.components.forms import form_field
from avrentals.ui.i18n import t
from avrentals.ui.state.client_delete import ClientDeleteState
from avrentals.ui.state.client_form import ClientFormState

S = ClientFormState
X = ClientDeleteState
# (field, label key, max length in the input, full row)
FORM_FIELDS = (
    ("name", "common.field.name", 100, True),
    ("contact_person", "clients.field.contact_person", 100, False),
    ("email", "clients.field.email", 254, False),
    ("phone", "common.field.phone", 30, False),
    ("tax_id", "clients.field.tax_id", 20, False),
    ("address", "common.field.address", 200, True),
)


def _input(field: str, label: str, max_len: int, full: bool) -> rx.Component:
    control = rx.input(
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
    )
    return form_field(
        "client", field, t(label), control, S.errors[field], required=field == "name", full=full
    )


def _notes() -> rx.Component:
    control = rx.text_area(
        id="client-notes",
        name="notes",
        default_value=S.values["notes"],
        max_length=1000,
        rows="3",
        width="100%",
        custom_attrs={"data-testid": "client-notes"},
    )
    return form_field(
        "client", "notes", t("common.field.notes"), control, S.errors["notes"], full=True
    )


def client_form_dialog() -> rx.Component:
    """Create / edit: Enter submits, Escape closes, Save is disabled while saving."""
    return form_dialog(
        S,
        noun="client",
        title_edit=t("clients.form.title_edit"),
        title_new=t("clients.list.new"),
        hint_new=t("clients.form.hint_new"),
        body=rx.grid(
            *[_input(*f) for f in FORM_FIELDS],
            _notes(),
            grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
            gap="12px",
            width="100%",
        ),
        save_testid="save-client",
        form_testid="client-form",
        max_width="620px",
    )


def delete_dialog() -> rx.Component:
    """Confirmation naming the client; an in-use refusal is explained in place."""
    return shared_delete_dialog(
        X,
        t("clients.delete.title"),
        rx.text.strong(X.delete_name),
        t("clients.delete.text"),
    )
