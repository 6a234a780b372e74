"""The app's pages as data: path, label, icon, who sees it in the navigation, and what it holds.

Navigation only hides what a role cannot use; the services refuse it anyway (DESIGN §6).
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from avrentals.ui.i18n import t

LOGIN = "/login"
HOME = "/"
EQUIPMENT = "/equipment"
CLIENTS = "/clients"
CATEGORIES = "/categories"
EQUIPMENT_IMPORT = "/equipment/import"
EVENTS = "/events"
CALENDAR = "/calendar"
AVAILABILITY = "/availability"
CONFLICTS = "/conflicts"
MAINTENANCE = "/maintenance"
CATALOGUE = "/catalogue"
USERS = "/users"
SETTINGS = "/settings"
PROFILE = "/profile"
TEAM = "/team"
QUOTES = "/quotes"
QUOTES_NEW = "/quotes/new"
PREP = "/prep"
NOTIFICATIONS = "/notifications"
REPORTS = "/reports"
AUDIT = "/audit"


@dataclass(frozen=True)
class Route:
    """A page: its texts are the catalogue's `nav.<key>.label` and `nav.<key>.description`
    (what the page holds, shown as its subtitle)."""

    path: str
    key: str
    icon: str  # a lucide icon name
    permission: str | None = None  # needed to see the entry; None = every signed-in user
    mobile: bool = False  # one of the few entries of the phone's bottom bar

    @property
    def label(self) -> rx.Var[str]:
        return t(f"nav.{self.key}.label")

    @property
    def description(self) -> rx.Var[str]:
        return t(f"nav.{self.key}.description")


ROUTES: tuple[Route, ...] = (
    Route(
        HOME,
        "dashboard",
        "layout-dashboard",
        mobile=True,
    ),
    Route(
        EQUIPMENT,
        "equipment",
        "package",
        mobile=True,
    ),
    Route(
        CATEGORIES,
        "categories",
        "folder-tree",
        permission="categories:write",
    ),
    Route(
        CLIENTS,
        "clients",
        "users",
    ),
    Route(
        EVENTS,
        "events",
        "calendar-check",
        mobile=True,
    ),
    Route(
        CALENDAR,
        "calendar",
        "calendar-days",
    ),
    Route(
        AVAILABILITY,
        "availability",
        "chart-gantt",
    ),
    Route(
        CONFLICTS,
        "conflicts",
        "triangle-alert",
    ),
    Route(
        QUOTES,
        "quotes",
        "file-text",
    ),
    Route(
        CATALOGUE,
        "catalogue",
        "book-open",
    ),
    Route(
        PREP,
        "prep",
        "scan-barcode",
        mobile=True,
    ),
    Route(
        MAINTENANCE,
        "maintenance",
        "wrench",
    ),
    Route(
        REPORTS,
        "reports",
        "chart-column",
        permission="reports:read",
    ),
    Route(
        TEAM,
        "team",
        "contact",
    ),
    Route(
        USERS,
        "users",
        "user-cog",
        permission="users:write",
    ),
    Route(
        SETTINGS,
        "settings",
        "settings",
        permission="settings:write",
    ),
    Route(
        AUDIT,
        "audit",
        "history",
        permission="audit:read",
    ),
)

# Pages reached from elsewhere (the user menu), not from the navigation.
OUTSIDE_NAV: tuple[Route, ...] = (
    Route(
        PROFILE,
        "profile",
        "circle-user",
    ),
    Route(
        NOTIFICATIONS,
        "notifications",
        "bell",
    ),
)

BY_PATH: dict[str, Route] = {r.path: r for r in (*ROUTES, *OUTSIDE_NAV)}
