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
        QUOTES,
        "Quotes",
        "file-text",
        "Quotes for clients with equipment, services and fees; approve one into an event.",
    ),
    Route(
        CATALOGUE,
        "Catalogue",
        "book-open",
        "Services and fees you put on quotes: crew, transport, delivery, insurance.",
    ),
    Route(
        PREP,
        "Prep",
        "scan-barcode",
        "Warehouse checklists: scan gear out before a show and back in after it.",
        mobile=True,
    ),
    Route(
        MAINTENANCE,
        "Maintenance",
        "wrench",
        "Damaged and in-repair gear, with repair logs, costs and technicians.",
    ),
    Route(
        REPORTS,
        "Reports",
        "chart-column",
        "Revenue and utilisation by period, category and client.",
        permission="reports:read",
    ),
    Route(
        TEAM,
        "Team",
        "contact",
        "The people behind the jobs: photos, roles and a few words about each team member.",
    ),
    Route(
        USERS,
        "Users",
        "user-cog",
        "Staff accounts, their roles, and signing people out everywhere.",
        permission="users:write",
    ),
    Route(
        SETTINGS,
        "Settings",
        "settings",
        "Company details, currency, default tax rate, language and branding.",
        permission="settings:write",
    ),
    Route(
        AUDIT,
        "Audit log",
        "history",
        "Who changed what and when: every change with its old and new values, exportable.",
        permission="audit:read",
    ),
)

# Pages reached from elsewhere (the user menu), not from the navigation.
OUTSIDE_NAV: tuple[Route, ...] = (
    Route(
        PROFILE,
        "My profile",
        "circle-user",
        "Your name, photo, contacts, payment details, language and password.",
    ),
    Route(
        NOTIFICATIONS,
        "Notifications",
        "bell",
        "Reminders, alerts and changes that concern you, and the kinds you chose to mute.",
    ),
)

BY_PATH: dict[str, Route] = {r.path: r for r in (*ROUTES, *OUTSIDE_NAV)}
