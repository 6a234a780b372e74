"""The user dialogs of /users: create / edit (role picker with each role's description,
team-page switch, field messages, conflict comparison) and the account-action confirmation
(deactivate, re-activate, reset password, sign out everywhere, delete)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.dialogs import form_dialog
from avrentals.ui.components.forms import field_error, field_label, form_field, text_input
from avrentals.ui.i18n import t
from avrentals.ui.state.user_actions import UserActionState
from avrentals.ui.state.user_form import UserFormState

S = UserFormState
X = UserActionState
# (field, label key, max length, input type, full row, only when creating)
TEXT_INPUTS = (
    ("username", "users.field.username", 50, "text", False, True),
    ("name", "common.field.name", 100, "text", False, False),
    ("email", "users.field.login_email", 254, "text", False, False),
    ("phone", "common.field.phone", 30, "tel", False, False),
    ("job_title", "users.field.job_title", 100, "text", True, False),
)


def _input(field: str, label: str, max_len: int, kind: str, full: bool) -> rx.Component:
    control = text_input(
        S, "user", field, max_len, kind=kind, auto_focus=field == "username", size="2"
    )
    required = field in ("username", "name")
    return form_field(
        "user", field, t(label), control, S.errors[field], required=required, full=full
    )


def _text_input(spec: tuple) -> rx.Component:
    field, label, max_len, kind, full, create_only = spec
    shown = _input(field, label, max_len, kind, full)
    return rx.cond(S.mode == "create", shown) if create_only else shown


def _password() -> rx.Component:
    control = rx.input(
        id="user-password",
        name="password",
        type="password",
        auto_complete="new-password",
        max_length=1024,
        size="2",
        width="100%",
        custom_attrs={"data-testid": "user-password"},
    )
    return rx.cond(
        S.mode == "create",
        form_field(
            "user",
            "password",
            t("users.field.password"),
            control,
            S.errors["password"],
            required=True,
            full=True,
            hint=t("users.form.password_hint"),
        ),
    )


def _role_picker() -> rx.Component:
    def option(choice: rx.Var) -> rx.Component:
        return rx.select.item(t(choice["label"]), value=choice["value"])

    picker = rx.select.root(
        rx.select.trigger(id="user-role", width="100%", aria_label=t("users.field.role")),
        rx.select.content(rx.foreach(S.roles, option)),
        value=S.values["role"],
        on_change=lambda value: S.set_choice("role", value),
        disabled=S.own_account,
        size="2",
    )
    return rx.vstack(
        field_label("user-role", t("users.field.role"), True),
        rx.box(picker, width="100%", custom_attrs={"data-testid": "user-role"}),
        rx.text(
            t(S.role_description),
            size="1",
            color_scheme="gray",
            custom_attrs={"data-testid": "role-description"},
        ),
        rx.cond(
            S.own_account,
            rx.text(t("users.form.own_role"), size="1", color_scheme="amber"),
        ),
        field_error(S.errors["role"], "error-role"),
        spacing="1",
        width="100%",
        grid_column="1 / -1",
    )


def _team_switch() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.hstack(
                rx.switch(
                    checked=S.values["is_team_member"] == "yes",
                    on_change=lambda value: S.set_choice("is_team_member", value),
                    custom_attrs={"data-testid": "user-team"},
                ),
                rx.text(t("users.form.team_switch"), size="2"),
                align="center",
                spacing="2",
            ),
        ),
        field_error(S.errors["is_team_member"], "error-is_team_member"),
        spacing="1",
        grid_column="1 / -1",
    )


def _bio() -> rx.Component:
    control = rx.text_area(
        id="user-bio",
        name="bio",
        default_value=S.values["bio"],
        max_length=1000,
        rows="3",
        width="100%",
        custom_attrs={"data-testid": "user-bio"},
    )
    return form_field("user", "bio", t("users.form.bio"), control, S.errors["bio"], full=True)


def user_form_dialog() -> rx.Component:
    """Create / edit a user: Enter submits, Escape closes."""
    return form_dialog(
        S,
        noun="user",
        title_edit=t("users.form.title_edit"),
        title_new=t("users.list.new"),
        hint_new=t("users.form.hint_new"),
        body=rx.grid(
            *[_text_input(spec) for spec in TEXT_INPUTS],
            _role_picker(),
            _password(),
            _bio(),
            _team_switch(),
            grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
            gap="12px",
            width="100%",
        ),
        save_testid="save-user",
        form_testid="user-form",
        max_width="620px",
    )


def action_dialog() -> rx.Component:
    """The confirmation of an account action, naming the user; a reset asks for the new
    password; a refusal is explained in place."""
    password = rx.cond(
        X.action == "reset_password",
        rx.vstack(
            field_label("action-password", t("users.field.new_password"), True),
            rx.input(
                id="action-password",
                name="password",
                type="password",
                auto_complete="new-password",
                max_length=1024,
                auto_focus=True,
                width="100%",
                custom_attrs={"data-testid": "action-password"},
            ),
            field_error(X.password_error, "error-password"),
            spacing="1",
            width="100%",
            margin_top="12px",
        ),
    )
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t(X.title)),
            rx.alert_dialog.description(
                rx.text.strong(X.user_name), ": ", t(X.explanation), size="2"
            ),
            rx.form(
                password,
                rx.cond(
                    X.error != "",
                    rx.callout(
                        X.error,
                        icon="ban",
                        color_scheme="red",
                        size="1",
                        margin_top="12px",
                        custom_attrs={"data-testid": "action-error"},
                    ),
                ),
                rx.flex(
                    rx.alert_dialog.cancel(
                        rx.button(
                            rx.cond(X.blocked, t("common.action.close"), t("common.action.cancel")),
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                        )
                    ),
                    rx.cond(
                        ~X.blocked,
                        rx.button(
                            t(X.button),
                            type="submit",
                            loading=X.busy,
                            disabled=X.busy,
                            color_scheme=X.color,
                            custom_attrs={"data-testid": "confirm-action"},
                        ),
                    ),
                    justify="end",
                    gap="3",
                    margin_top="16px",
                ),
                key=X.form_key,
                on_submit=X.confirm,
                reset_on_submit=False,
            ),
            max_width="460px",
            custom_attrs={"data-testid": "action-dialog"},
        ),
        open=X.open,
        on_open_change=X.set_open,
    )
