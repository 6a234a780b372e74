"""Dialogs shared by the list and detail pages: the create / edit form dialog (stale notice,
conflict comparison, form error, Cancel / Save) and the delete confirmation.

They take the page's state class as an argument; the vars and events they use are the ones
the form / delete states of clients, equipment and categories all define.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui.components.forms import conflict_resolution, save_button, stale_notice
from avrentals.ui.i18n import t

Text = str | rx.Var[str]


def form_dialog(
    state: Any,
    *,
    noun: Text,
    title_edit: Text,
    title_new: Text,
    hint_new: Text,
    body: rx.Component,
    save_testid: str,
    form_testid: str,
    max_width: str,
) -> rx.Component:
    """Create / edit: Enter submits, Escape closes, Save is disabled while saving."""
    S = state
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.mode == "edit", title_edit, title_new)),
            rx.dialog.description(
                rx.cond(S.mode == "edit", t("ui.dialog.edit_hint"), hint_new),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            stale_notice(S),
            conflict_resolution(S, noun),
            rx.form(
                body,
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
                        rx.button(
                            t("common.action.cancel"),
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                        )
                    ),
                    save_button(S, t("common.action.save"), save_testid),
                    justify="end",
                    gap="3",
                    margin_top="16px",
                ),
                key=S.form_key,
                on_submit=S.save,
                reset_on_submit=False,
                custom_attrs={"data-testid": form_testid},
            ),
            max_width=max_width,
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def delete_dialog(
    state: Any, title: Text | rx.Component, *description: Text | rx.Component
) -> rx.Component:
    """Confirmation naming what goes; an in-use refusal is explained in place (and then the
    only way out is Close)."""
    X = state
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(*description, size="2"),
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
                        rx.cond(
                            X.delete_blocked,
                            t("common.action.close"),
                            t("common.action.cancel"),
                        ),
                        variant="soft",
                        color_scheme="gray",
                    )
                ),
                rx.cond(
                    ~X.delete_blocked,
                    rx.button(
                        t("common.action.delete"),
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
