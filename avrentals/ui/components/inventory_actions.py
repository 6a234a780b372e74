"""The inventory toolbar's "Actions" menu: export the current filter as CSV, import a CSV
(equipment:write only), print QR labels for the current filter."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.i18n import t
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.inventory_actions import InventoryActionsState

CAN_WRITE = AuthState.permissions.contains("equipment:write")


def _item(icon: str, label: str | rx.Var[str], testid: str, **props) -> rx.Component:
    return rx.menu.item(
        rx.hstack(rx.icon(icon, size=16), rx.text(label), spacing="2", align="center"),
        custom_attrs={"data-testid": testid},
        **props,
    )


def inventory_actions_menu() -> rx.Component:
    """A button opening the menu; shows a spinner while a file is being made."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.cond(
                    InventoryActionsState.busy != "",
                    rx.spinner(size="1"),
                    rx.icon("file-down", size=16),
                ),
                rx.text(
                    t("common.field.actions"), display=rx.breakpoints(initial="none", sm="inline")
                ),
                rx.icon("chevron-down", size=14),
                variant="soft",
                color_scheme="gray",
                size="2",
                aria_label=t("ui.inventory_actions.menu"),
                custom_attrs={
                    "data-testid": "inventory-actions",
                    "data-busy": InventoryActionsState.busy,
                },
            ),
        ),
        rx.menu.content(
            _item(
                "file-spreadsheet",
                t("common.action.export_csv"),
                "export-csv",
                on_click=InventoryActionsState.export_csv,
            ),
            rx.cond(
                CAN_WRITE,
                _item(
                    "upload",
                    t("ui.inventory_actions.import_csv"),
                    "import-csv",
                    on_click=rx.redirect(routes.EQUIPMENT_IMPORT),
                ),
            ),
            rx.menu.separator(),
            _item(
                "qr-code",
                t("ui.inventory_actions.print_labels"),
                "print-labels",
                on_click=InventoryActionsState.print_labels,
            ),
            align="end",
            min_width="200px",
        ),
    )
