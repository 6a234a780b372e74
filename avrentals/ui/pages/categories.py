"""/categories: categories with icon and item count, subcategories nested; create, rename, icon
picker (fixed list), delete with confirmation (refused while in use, with the reason)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.dialogs import delete_dialog as shared_delete_dialog
from avrentals.ui.components.forms import conflict_resolution, field_error
from avrentals.ui.components.listing import error_callout, live_banner, message_box
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.categories import CATEGORIES_PATH, ICONS, CategoriesState

S = CategoriesState
CAN_WRITE = AuthState.permissions.contains("categories:write")
CAN_DELETE = AuthState.permissions.contains("categories:delete")


def category_icon(name: rx.Var, size: int = 18) -> rx.Component:
    """A Lucide icon from the allow-list by (variable) name; "package" otherwise."""
    return rx.match(
        name, *[(icon, rx.icon(icon, size=size)) for icon in ICONS], rx.icon("package", size=size)
    )


def _icon_button(icon: str, label: str | rx.Var[str], on_click, testid: str, color: str = "gray"):
    return rx.icon_button(
        rx.icon(icon, size=14),
        on_click=on_click,
        variant="ghost",
        color_scheme=color,
        size="1",
        aria_label=label,
        title=label,
        custom_attrs={"data-testid": testid},
    )


def item_count(items: rx.Var) -> rx.Var:
    """ "1 item" / "n items" in the tab's language (`items` is the count as a string)."""
    return rx.cond(
        items == "1",
        t("categories.list.items_one", count=items),
        t("categories.list.items_other", count=items),
    )


def _actions(kind: str, row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            CAN_WRITE,
            _icon_button(
                "pencil",
                t("categories.action.rename", name=row["name"]),
                S.open_editor(kind, row["id"], ""),
                f"rename-{kind}",
            ),
        ),
        rx.cond(
            CAN_DELETE,
            _icon_button(
                "trash-2",
                t("categories.action.delete", name=row["name"]),
                S.ask_delete(kind, row["id"]),
                f"delete-{kind}",
                "red",
            ),
        ),
        spacing="3",
    )


def subcategory_row(sub: rx.Var) -> rx.Component:
    return rx.flex(
        rx.text(sub["name"], size="2", custom_attrs={"data-field": "name"}),
        rx.text(item_count(sub["items"]), size="1", color_scheme="gray"),
        rx.spacer(),
        _actions("subcategory", sub),
        align="center",
        gap="12px",
        width="100%",
        padding="6px 0 6px 32px",
        border_top="1px solid var(--gray-a3)",
        custom_attrs={"data-testid": "subcategory-row", "data-id": sub["id"]},
    )


def category_card(cat: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.box(category_icon(cat["icon"]), color="var(--accent-11)", flex_shrink="0"),
                rx.text(cat["name"], weight="bold", size="3", custom_attrs={"data-field": "name"}),
                rx.badge(
                    item_count(cat["items"]), variant="soft", color_scheme="gray", radius="full"
                ),
                rx.spacer(),
                rx.cond(
                    CAN_WRITE,
                    rx.button(
                        rx.icon("plus", size=14),
                        t("categories.action.subcategory"),
                        on_click=S.open_editor("subcategory", "", cat["id"]),
                        variant="ghost",
                        size="1",
                        custom_attrs={"data-testid": "new-subcategory"},
                    ),
                ),
                _actions("category", cat),
                align="center",
                gap="12px",
                wrap="wrap",
                width="100%",
            ),
            rx.vstack(
                rx.foreach(S.subcategories[cat["id"]], subcategory_row),
                spacing="0",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "category-row", "data-id": cat["id"]},
    )


def icon_picker() -> rx.Component:
    def choice(icon: str) -> rx.Component:
        return rx.icon_button(
            rx.icon(icon, size=16),
            on_click=S.pick_icon(icon),
            type="button",
            size="2",
            variant=rx.cond(S.editor_icon == icon, "solid", "soft"),  # i18n: not text
            color_scheme=rx.cond(S.editor_icon == icon, "indigo", "gray"),  # i18n: not text
            aria_label=icon.replace("_", " "),
            title=icon.replace("_", " "),
            custom_attrs={"data-testid": f"icon-{icon}"},
        )

    return rx.vstack(
        rx.text(t("categories.field.icon"), size="2", weight="medium"),
        rx.flex(*[choice(icon) for icon in ICONS], wrap="wrap", gap="1"),
        field_error(S.icon_error, "error-icon"),
        spacing="1",
        width="100%",
    )


def editor_dialog() -> rx.Component:
    is_category = S.editor_kind == "category"
    title = rx.cond(
        S.editor_id == "",
        rx.cond(
            is_category,
            t("categories.editor.new_category"),
            t("categories.editor.new_subcategory", parent=S.editor_parent_name),
        ),
        rx.cond(
            is_category,
            t("categories.editor.rename_category"),
            t("categories.editor.rename_subcategory"),
        ),
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    rx.text(
                        t("common.field.name"),
                        as_="label",
                        size="2",
                        weight="medium",
                        html_for="cat-name",
                    ),
                    rx.input(
                        id="cat-name",
                        name="name",
                        default_value=S.editor_name,
                        max_length=200,
                        auto_focus=True,
                        width="100%",
                        custom_attrs={"data-testid": "category-name"},
                    ),
                    field_error(S.name_error, "error-name"),
                    rx.cond(is_category, icon_picker()),
                    conflict_resolution(S, "category"),
                    rx.cond(
                        S.editor_error != "",
                        rx.callout(
                            S.editor_error,
                            icon="circle-alert",
                            color_scheme="amber",
                            size="1",
                            custom_attrs={"data-testid": "editor-error"},
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
                        rx.button(
                            t("common.action.save"),
                            type="submit",
                            loading=S.saving,
                            disabled=S.saving | (S.conflict != ""),
                            custom_attrs={"data-testid": "save-category"},
                        ),
                        justify="end",
                        gap="3",
                        width="100%",
                        margin_top="8px",
                    ),
                    spacing="2",
                    width="100%",
                ),
                key=S.editor_key,
                on_submit=S.save,
                reset_on_submit=False,
            ),
            max_width="520px",
        ),
        open=S.editor_open,
        on_open_change=S.set_editor_open,
    )


def delete_dialog() -> rx.Component:
    return shared_delete_dialog(
        S,
        rx.cond(
            S.delete_kind == "category",
            t("categories.delete.title_category"),
            t("categories.delete.title_subcategory"),
        ),
        rx.text.strong(S.delete_name),
        t("categories.delete.body_after_name"),
    )


def categories_page() -> rx.Component:
    return shell(
        CATEGORIES_PATH,
        rx.vstack(
            rx.flex(
                rx.text(
                    routes.BY_PATH[CATEGORIES_PATH].description,
                    size="2",
                    color_scheme="gray",
                    flex="1",
                ),
                rx.cond(
                    CAN_WRITE,
                    rx.button(
                        rx.icon("plus", size=16),
                        t("categories.editor.new_category"),
                        on_click=S.open_editor("category", "", ""),
                        custom_attrs={"data-testid": "new-category"},
                    ),
                ),
                align="center",
                gap="3",
                width="100%",
            ),
            live_banner(S.live_notice, S.dismiss_notice),
            error_callout(S.error),
            rx.cond(
                ~S.loaded,
                rx.skeleton(height="240px", width="100%", loading=True),
                rx.cond(
                    S.categories.length() == 0,
                    message_box(
                        "folder-tree",
                        t("categories.list.empty_title"),
                        t("categories.list.empty_text"),
                        testid="categories-empty",
                    ),
                    rx.vstack(rx.foreach(S.categories, category_card), spacing="2", width="100%"),
                ),
            ),
            editor_dialog(),
            delete_dialog(),
            spacing="4",
            width="100%",
        ),
    )
