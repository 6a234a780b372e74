"""The app's pages as data: path, label, icon, who sees it in the navigation, and what it holds.

Navigation only hides what a role cannot use; the services refuse it anyway (DESIGN §6).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Route:
    path: str
    label: str
    icon: str  # a lucide icon name
    description: str  # what the page holds (shown on placeholders and as the page subtitle)
    permission: str | None = None  # needed to see the entry; None = every signed-in user
    mobile: bool = False  # one of the few entries of the phone's bottom bar


ROUTES: tuple[Route, ...] = (
    Route(
        HOME,
        "Dashboard",
        "layout-dashboard",
        "Today's jobs, gear going out and coming back, conflicts and low stock at a glance.",
        mobile=True,
    ),
    Route(
        EQUIPMENT,
        "Inventory",
        "package",
        "Every item in the warehouse: quantities by condition, location and daily rate.",
        mobile=True,
    ),
    Route(
        CATEGORIES,
        "Categories",
        "folder-tree",
        "Inventory categories and subcategories, with their icons and how many items each holds.",
        permission="categories:write",
    ),
    Route(
        CLIENTS,
        "Clients",
        "users",
        "The companies and people you rent to, with their contacts, events and quotes.",
    ),
    Route(
        EVENTS,
        "Events",
        "calendar-check",
        "Jobs with their dates, venue, client and the equipment booked onto each one.",
        mobile=True,
    ),
    Route(
        CALENDAR,
        "Calendar",
        "calendar-days",
        "Events and bookings by day, week and month, with availability conflicts in red.",
    ),
    Route(
        AVAILABILITY,
        "Availability",
        "chart-gantt",
        "Items by day for a date range: booked against bookable units, conflicts highlighted.",
    ),
    Route(
        CONFLICTS,
        "Conflicts",
        "triangle-alert",
        "Every day where bookings exceed the units in good condition, with the events involved.",
    ),
    Route(
        "/quotes",
        "Quotes",
        "file-text",
        "Quotes for clients with equipment, services and fees; approve one into an event.",
    ),
    Route(
        "/prep",
        "Prep",
        "scan-barcode",
        "Warehouse checklists: scan gear out before a show and back in after it.",
        mobile=True,
    ),
    Route(
        "/maintenance",
        "Maintenance",
        "wrench",
        "Damaged and in-repair gear, with repair logs, costs and technicians.",
    ),
    Route(
        "/reports",
        "Reports",
        "chart-column",
        "Revenue and utilisation by period, category and client.",
        permission="reports:read",
    ),
    Route(
        "/users",
        "Users",
        "user-cog",
        "Staff accounts, their roles, and signing people out everywhere.",
        permission="users:write",
    ),
    Route(
        "/settings",
        "Settings",
        "settings",
        "Company details, currency, default tax rate, language and branding.",
        permission="settings:write",
    ),
)

BY_PATH: dict[str, Route] = {r.path: r for r in ROUTES}
