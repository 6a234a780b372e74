"""/users (Admin): staff accounts with role and status, search and filters, and per account
edit / deactivate / re-activate / reset password / sign out everywhere / delete, each behind
a confirmation. Table on tablets and desktops, cards on phones."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import (
    header_cell,
    list_card,
    list_cards,
    list_page,
    list_states,
    list_table,
    live_attrs,
    message_box,
    new_button,
    no_results_box,
    search_box,
    status_pill,
)
from avrentals.ui.i18n import t
from avrentals.ui.pages.user_dialogs import action_dialog, user_form_dialog
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.user_actions import UserActionState
from avrentals.ui.state.user_form import UserFormState
from avrentals.ui.state.users import ACTIVE_FILTERS, ROLE_FILTERS, SORT_OPTIONS, UsersState

S = UsersState
X = UserActionState
CAN_WRITE = AuthState.permissions.contains("users:write")
CAN_DELETE = AuthState.permissions.contains("users:delete")
ROLE_COLORS = {
    "admin": "crimson",
    "manager": "violet",
    "technician": "amber",
    "employee": "blue",
    "viewer": "gray",
}


def _select(options: dict[str, str], value: rx.Var, on_change, label: rx.Var, testid: str):
    """A picker of `options` (value -> label key)."""
    return rx.box(
        rx.select.root(
            rx.select.trigger(width="100%", aria_label=label),
            rx.select.content(
                *[rx.select.item(t(text), value=key) for key, text in options.items()]
            ),
            value=value,
            on_change=on_change,
            size="2",
        ),
        min_width="0",
        custom_attrs={"data-testid": testid},
    )


def toolbar() -> rx.Component:
    return rx.grid(
        search_box(
            value=S.search,
            key=S.filters_key,
            on_change=S.set_search.debounce(300),
            placeholder=t("users.list.search_placeholder"),
            label=t("users.list.search_label"),
            testid="user-search",
        ),
        _select(
            ROLE_FILTERS,
            S.role_filter,
            S.set_role_filter,
            t("users.field.role"),
            "user-role-filter",
        ),
        _select(
            ACTIVE_FILTERS,
            S.active_filter,
            S.set_active_filter,
            t("common.field.status"),
            "user-active-filter",
        ),
        _select(
            {k: label for k, (_s, _d, label) in SORT_OPTIONS.items()},
            S.sort,
            S.set_sort,
            t("clients.list.sort"),
            "user-sort",
        ),
        grid_template_columns=rx.breakpoints(initial="1fr 1fr", md="2fr 1fr 1fr 1fr"),
        gap="12px",
        width="100%",
    )


def _item(icon: str, label: rx.Var, on_click, testid: str, color: str = "gray") -> rx.Component:
    return rx.menu.item(
        rx.hstack(rx.icon(icon, size=16), rx.text(label), spacing="2", align="center"),
        on_click=on_click,
        color_scheme=color,
        custom_attrs={"data-testid": testid},
    )


def row_menu(row: rx.Var) -> rx.Component:
    """Edit plus the account actions; one's own account offers no self-destructive action
    (the services refuse them anyway)."""
    own = row["id"] == S.own_id
    return rx.cond(
        CAN_WRITE,
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(
                    rx.icon("ellipsis-vertical", size=16),
                    variant="ghost",
                    color_scheme="gray",
                    size="2",
                    aria_label=t("users.list.actions_for", name=row["name"]),
                    custom_attrs={"data-testid": "user-actions"},
                )
            ),
            rx.menu.content(
                _item(
                    "pencil",
                    t("common.action.edit"),
                    UserFormState.open_edit(row["id"]),
                    "edit-user",
                ),
                rx.cond(
                    ~own,
                    _item(
                        "key-round",
                        t("users.action.reset_password"),
                        X.ask("reset_password", row["id"]),
                        "reset-password",
                    ),
                ),
                _item(
                    "log-out",
                    t("users.action.sign_out"),
                    X.ask("sign_out", row["id"]),
                    "sign-out-user",
                ),
                rx.cond(
                    ~own,
                    rx.cond(
                        row["active"] == "yes",
                        _item(
                            "user-x",
                            t("common.action.deactivate"),
                            X.ask("deactivate", row["id"]),
                            "deactivate-user",
                            "red",
                        ),
                        _item(
                            "user-check",
                            t("users.action.activate"),
                            X.ask("activate", row["id"]),
                            "activate-user",
                            "green",
                        ),
                    ),
                ),
                rx.cond(
                    CAN_DELETE & ~own,
                    rx.fragment(
                        rx.menu.separator(),
                        _item(
                            "trash-2",
                            t("common.action.delete"),
                            X.ask("delete", row["id"]),
                            "delete-user",
                            "red",
                        ),
                    ),
                ),
                align="end",
            ),
        ),
    )


def _avatar(row: rx.Var) -> rx.Component:
    return rx.avatar(
        src=row["photo"], fallback=row["initials"], size="2", radius="full", variant="soft"
    )


def _status(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["active"] == "yes",
        rx.badge(t("common.state.active"), color_scheme="green", variant="soft", radius="full"),
        rx.badge(
            t("users.status.deactivated"),
            color_scheme="gray",
            variant="outline",
            radius="full",
            custom_attrs={"data-testid": "user-inactive"},
        ),
    )


def table_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                _avatar(row),
                rx.vstack(
                    rx.text(row["name"], weight="medium", custom_attrs={"data-field": "name"}),
                    rx.text(row["job_title"], size="1", color_scheme="gray"),
                    spacing="0",
                    min_width="0",
                ),
                align="center",
                spacing="3",
            )
        ),
        rx.table.cell(row["username"], custom_attrs={"data-field": "username"}),
        rx.table.cell(row["email"], class_name="avr-col-desktop"),
        rx.table.cell(
            status_pill(row["role"], t(row["role_label"]), ROLE_COLORS, "user-role-badge")
        ),
        rx.table.cell(_status(row), custom_attrs={"data-field": "status"}),
        rx.table.cell(row["last_login"], class_name="avr-col-desktop", white_space="nowrap"),
        rx.table.cell(row_menu(row)),
        **live_attrs(row, S, "user-row"),
        align="center",
    )


def users_table() -> rx.Component:
    headers = [
        header_cell(t("common.field.name")),
        header_cell(t("users.field.username")),
        header_cell(t("common.field.email"), desktop_only=True),
        header_cell(t("users.field.role")),
        header_cell(t("common.field.status")),
        header_cell(t("users.sort.last_login"), desktop_only=True),
    ]
    return list_table(headers, S.rows, table_row, "user-table")


def user_card(row: rx.Var) -> rx.Component:
    return list_card(
        row,
        S,
        "user-card",
        rx.hstack(
            _avatar(row),
            rx.vstack(
                rx.text(row["name"], weight="bold"),
                rx.text("@" + row["username"], size="1", color_scheme="gray"),
                rx.hstack(
                    status_pill(row["role"], t(row["role_label"]), ROLE_COLORS),
                    _status(row),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="1",
                min_width="0",
                flex="1",
            ),
            row_menu(row),
            align="start",
            spacing="3",
            width="100%",
        ),
    )


def new_user_button() -> rx.Component:
    return new_button(CAN_WRITE, t("users.list.new"), UserFormState.open_create, "new-user")


def list_body() -> rx.Component:
    return list_states(
        S,
        loading_testid="user-loading",
        empty=message_box(
            "users",
            t("users.list.empty_title"),
            t("users.list.empty_text"),
            testid="user-empty",
        ),
        no_results=no_results_box(
            t("users.list.no_results_title"),
            t("users.list.no_results_text"),
            t("users.list.clear_filters"),
            S.clear_filters,
            "user-no-results",
        ),
        content=rx.fragment(users_table(), list_cards(S.rows, user_card)),
    )


def users_page() -> rx.Component:
    return list_page(
        routes.USERS,
        routes.BY_PATH[routes.USERS].description,
        S,
        new=new_user_button(),
        toolbar=toolbar(),
        body=list_body(),
        dialogs=[user_form_dialog(), action_dialog()],
    )
