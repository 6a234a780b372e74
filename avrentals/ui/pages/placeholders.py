"""Pages that are not built yet: the page's icon and title, "coming soon", and one sentence on
what the page will hold. No sample data."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.shell import shell
from avrentals.ui.routes import BY_PATH


def placeholder_page(path: str):
    """The page function for a not-yet-built route."""
    route = BY_PATH[path]

    def page() -> rx.Component:
        return shell(
            path,
            rx.center(
                rx.vstack(
                    rx.center(
                        rx.icon(route.icon, size=28),
                        width="64px",
                        height="64px",
                        border_radius="var(--radius-5)",
                        background="var(--accent-a3)",
                        color="var(--accent-11)",
                    ),
                    rx.heading(route.label, size="6", as_="h2"),
                    rx.badge("Coming soon", variant="soft", color_scheme="gray", size="2"),
                    rx.text(
                        route.description,
                        size="3",
                        color_scheme="gray",
                        text_align="center",
                        max_width="440px",
                    ),
                    align="center",
                    spacing="3",
                    padding="48px 24px",
                ),
                min_height="60vh",
                custom_attrs={"data-testid": "placeholder"},
            ),
        )

    page.__name__ = f"{route.label.lower()}_page"
    return page
