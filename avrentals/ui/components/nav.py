"""Navigation: the side navigation (icon rail on tablets, sidebar on desktops) and the bottom
bar on phones. Entries a role cannot use are hidden (`Route.permission`); the services refuse
them anyway."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.i18n import t
from avrentals.ui.routes import ROUTES, Route
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.settings import BrandingState


def _visible(route: Route, component: rx.Component) -> rx.Component:
    if route.permission is None:
        return component
    return rx.cond(AuthState.permissions.contains(route.permission), component)


def brand_mark(size: str = "32px") -> rx.Component:
    return rx.center(
        rx.icon("audio-lines", size=18, color="white"),
        width=size,
        height=size,
        min_width=size,
        border_radius="var(--radius-3)",
        background="var(--accent-9)",
    )


def _side_link(route: Route, active: bool) -> rx.Component:
    return _visible(
        route,
        rx.link(
            rx.el.div(
                rx.icon(route.icon, size=20),
                rx.el.span(route.label, class_name="avr-nav-label"),
                class_name="avr-nav-link",
                custom_attrs={"data-active": "true" if active else "false"},
            ),
            href=route.path,
            underline="none",
            title=route.label,
            custom_attrs={"data-testid": f"nav-{route.path.strip('/') or 'dashboard'}"},
        ),
    )


def side_nav(current: str) -> rx.Component:
    """Icon rail (768-1023 px) or sidebar with labels (≥ 1024 px); hidden on phones."""
    return rx.el.aside(
        rx.hstack(
            brand_mark(),
            rx.text(
                BrandingState.company_name,
                weight="bold",
                size="4",
                class_name="avr-side-brand-text",
                custom_attrs={"data-testid": "brand-name"},
            ),
            align="center",
            spacing="3",
            padding_x="6px",
            padding_bottom="20px",
            justify="center",
        ),
        rx.vstack(
            *[_side_link(route, route.path == current) for route in ROUTES],
            spacing="1",
            width="100%",
            align="stretch",
        ),
        class_name="avr-side",
        aria_label=t("shell.nav.main"),
    )


def _bottom_link(route: Route, active: bool) -> rx.Component:
    return rx.link(
        rx.el.div(
            rx.icon(route.icon, size=22),
            rx.el.span(route.label, class_name="avr-nav-label"),
            class_name="avr-bottom-link",
            custom_attrs={"data-active": "true" if active else "false"},
            height="100%",
        ),
        href=route.path,
        underline="none",
        flex="1 1 0",
        min_width="0",
    )


def _more_menu(current: str) -> rx.Component:
    others = [r for r in ROUTES if not r.mobile]
    active = any(r.path == current for r in others)
    return rx.menu.root(
        rx.menu.trigger(
            rx.el.button(
                rx.icon("ellipsis", size=22),
                rx.el.span(t("shell.nav.more"), class_name="avr-nav-label"),
                class_name="avr-bottom-link",
                custom_attrs={"data-active": "true" if active else "false"},
                type="button",
                aria_label=t("shell.nav.more_pages"),
            ),
        ),
        rx.menu.content(
            *[
                _visible(
                    route,
                    rx.menu.item(
                        rx.hstack(rx.icon(route.icon, size=16), rx.text(route.label)),
                        on_click=rx.redirect(route.path),
                    ),
                )
                for route in others
            ],
            side="top",
            align="end",
        ),
    )


def bottom_nav(current: str) -> rx.Component:
    """Phones (< 768 px): the main pages plus a "More" menu with the rest."""
    return rx.el.nav(
        *[_bottom_link(r, r.path == current) for r in ROUTES if r.mobile],
        _more_menu(current),
        class_name="avr-bottom-nav",
        aria_label=t("shell.nav.main"),
    )
