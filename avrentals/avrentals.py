"""Reflex entry point: builds the app, registers the pages, mounts the REST API and the
live-update task. Wiring only; behaviour lives in `avrentals.ui` and the domain services."""

from pathlib import Path

import reflex as rx

from avrentals.api.app import create_api
from avrentals.ui import live, routes
from avrentals.ui.components.pwa import pwa_head
from avrentals.ui.errors import on_backend_error
from avrentals.ui.i18n import t, write_catalogue_module
from avrentals.ui.live import live_updates
from avrentals.ui.notification_task import scheduled_notifications
from avrentals.ui.pages.audit import audit_page
from avrentals.ui.pages.calendar import calendar_page
from avrentals.ui.pages.catalogue import catalogue_page
from avrentals.ui.pages.categories import categories_page
from avrentals.ui.pages.client_detail import client_detail_page
from avrentals.ui.pages.clients import clients_page
from avrentals.ui.pages.conflicts import conflicts_page
from avrentals.ui.pages.dashboard import dashboard_page
from avrentals.ui.pages.equipment import equipment_page
from avrentals.ui.pages.equipment_detail import equipment_detail_page
from avrentals.ui.pages.equipment_import import equipment_import_page
from avrentals.ui.pages.event_detail import event_detail_page
from avrentals.ui.pages.events import events_page
from avrentals.ui.pages.login import login_page
from avrentals.ui.pages.maintenance import maintenance_page
from avrentals.ui.pages.notifications import notifications_page
from avrentals.ui.pages.prep import prep_page
from avrentals.ui.pages.prep_checklist import prep_checklist_page
from avrentals.ui.pages.profile import profile_page
from avrentals.ui.pages.quote_builder import quote_builder_page
from avrentals.ui.pages.quotes import quotes_page
from avrentals.ui.pages.reports import reports_page
from avrentals.ui.pages.settings import settings_page
from avrentals.ui.pages.team import team_page
from avrentals.ui.pages.timeline import timeline_page
from avrentals.ui.pages.users import users_page
from avrentals.ui.state.audit import AuditState
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.calendar import CalendarState
from avrentals.ui.state.catalogue import CatalogueToggleState, FeesState, ServicesState
from avrentals.ui.state.catalogue_form import FeeFormState, ServiceFormState
from avrentals.ui.state.categories import CategoriesState
from avrentals.ui.state.client_delete import ClientDeleteState
from avrentals.ui.state.client_detail import ClientDetailState
from avrentals.ui.state.client_form import ClientFormState
from avrentals.ui.state.clients import ClientsState
from avrentals.ui.state.conflicts import ConflictsState
from avrentals.ui.state.dashboard import DashboardState
from avrentals.ui.state.equipment import EquipmentState
from avrentals.ui.state.equipment_delete import EquipmentDeleteState
from avrentals.ui.state.equipment_detail import EquipmentDetailState
from avrentals.ui.state.equipment_form import EquipmentFormState
from avrentals.ui.state.equipment_import import EquipmentImportState
from avrentals.ui.state.event_detail import EventDetailState
from avrentals.ui.state.event_form import EventDeleteState, EventFormState
from avrentals.ui.state.event_rentals import EventRentalsState
from avrentals.ui.state.events import EventsState
from avrentals.ui.state.maintenance import MaintenanceState
from avrentals.ui.state.maintenance_log_form import MaintenanceLogFormState
from avrentals.ui.state.notifications import NotificationBellState, NotificationsState
from avrentals.ui.state.prep import PrepChecklistState, PrepListState
from avrentals.ui.state.profile import ProfileState
from avrentals.ui.state.quote_builder import QuoteBuilderState
from avrentals.ui.state.quotes import QuotesState
from avrentals.ui.state.reports import ReportsState
from avrentals.ui.state.settings import BrandingState, SettingsState
from avrentals.ui.state.team import TeamState
from avrentals.ui.state.timeline import TimelineState
from avrentals.ui.state.user_actions import UserActionState
from avrentals.ui.state.user_form import UserFormState
from avrentals.ui.state.users import UsersState

PRODUCT = "AV Rentals"


def page_title(key: str) -> rx.Var[str]:
    """The browser tab's title, "Inventory · AV Rentals", in the tab's language."""
    return t("shell.title.page", page=t(key), product=PRODUCT)


# The browser's catalogue module is generated from avrentals/i18n before Reflex copies the
# assets into the web build.
write_catalogue_module(Path(__file__).resolve().parent.parent / "assets")

app = rx.App(
    head_components=[
        rx.el.meta(
            name="viewport", content="width=device-width, initial-scale=1, viewport-fit=cover"
        ),
        rx.el.meta(name="theme-color", content="#3e63dd", media="(prefers-color-scheme: light)"),
        rx.el.meta(name="theme-color", content="#111113", media="(prefers-color-scheme: dark)"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(
            name="description",
            content="Inventory, events, quotes and warehouse prep for an AV rental house.",
        ),
        *pwa_head(),
    ],
    stylesheets=["/avrentals.css"],
    html_lang="en",
    toaster=rx.toast.provider(position="top-center", close_button=True, rich_colors=True),
    backend_exception_handler=on_backend_error,
    api_transformer=create_api(),
)

app.add_page(
    login_page,
    route=routes.LOGIN,
    title=page_title("shell.title.sign_in"),
    on_load=AuthState.open_login,
)
app.add_page(
    equipment_page,
    route=routes.EQUIPMENT,
    title=page_title("nav.equipment.label"),
    on_load=EquipmentState.load,
)
app.add_page(
    equipment_detail_page,
    route=f"{routes.EQUIPMENT}/[item_id]",
    title=page_title("shell.title.item"),
    on_load=EquipmentDetailState.load,
)
app.add_page(
    clients_page,
    route=routes.CLIENTS,
    title=page_title("nav.clients.label"),
    on_load=ClientsState.load,
)
app.add_page(
    client_detail_page,
    route=f"{routes.CLIENTS}/[client_id]",
    title=page_title("shell.title.client"),
    on_load=ClientDetailState.load,
)
app.add_page(
    categories_page,
    route=routes.CATEGORIES,
    title=page_title("nav.categories.label"),
    on_load=CategoriesState.load,
)
app.add_page(
    timeline_page,
    route=routes.AVAILABILITY,
    title=page_title("nav.availability.label"),
    on_load=TimelineState.load,
)
app.add_page(
    conflicts_page,
    route=routes.CONFLICTS,
    title=page_title("nav.conflicts.label"),
    on_load=ConflictsState.load,
)
app.add_page(
    events_page, route=routes.EVENTS, title=page_title("nav.events.label"), on_load=EventsState.load
)
app.add_page(
    event_detail_page,
    route=f"{routes.EVENTS}/[event_id]",
    title=page_title("shell.title.event"),
    on_load=EventDetailState.load,
)
app.add_page(
    calendar_page,
    route=routes.CALENDAR,
    title=page_title("nav.calendar.label"),
    on_load=CalendarState.load,
)
app.add_page(
    equipment_import_page,
    route=routes.EQUIPMENT_IMPORT,
    title=page_title("shell.title.import_equipment"),
    on_load=EquipmentImportState.load,
)
app.add_page(
    catalogue_page,
    route=routes.CATALOGUE,
    title=page_title("nav.catalogue.label"),
    on_load=[ServicesState.load, FeesState.load],
)
app.add_page(
    maintenance_page,
    route=routes.MAINTENANCE,
    title=page_title("nav.maintenance.label"),
    on_load=MaintenanceState.load,
)
app.add_page(
    users_page, route=routes.USERS, title=page_title("nav.users.label"), on_load=UsersState.load
)
app.add_page(
    profile_page,
    route=routes.PROFILE,
    title=page_title("nav.profile.label"),
    on_load=ProfileState.load,
)
app.add_page(
    settings_page,
    route=routes.SETTINGS,
    title=page_title("nav.settings.label"),
    on_load=SettingsState.load,
)
app.add_page(
    team_page, route=routes.TEAM, title=page_title("nav.team.label"), on_load=TeamState.load
)
app.add_page(
    quotes_page, route=routes.QUOTES, title=page_title("nav.quotes.label"), on_load=QuotesState.load
)
app.add_page(
    quote_builder_page,
    route=routes.QUOTES_NEW,
    title=page_title("shell.title.new_quote"),
    on_load=QuoteBuilderState.load,
)
app.add_page(
    quote_builder_page,
    route=f"{routes.QUOTES}/[quote_id]",
    title=page_title("shell.title.quote"),
    on_load=QuoteBuilderState.load,
)
app.add_page(
    prep_page, route=routes.PREP, title=page_title("nav.prep.label"), on_load=PrepListState.load
)
app.add_page(
    prep_checklist_page,
    route=f"{routes.PREP}/[event_id]",
    title=page_title("shell.title.prep_checklist"),
    on_load=PrepChecklistState.load,
)
app.add_page(
    notifications_page,
    route=routes.NOTIFICATIONS,
    title=page_title("nav.notifications.label"),
    on_load=NotificationsState.load,
)
app.add_page(
    dashboard_page,
    route=routes.HOME,
    title=page_title("nav.dashboard.label"),
    on_load=DashboardState.load,
)
app.add_page(
    reports_page,
    route=routes.REPORTS,
    title=page_title("nav.reports.label"),
    on_load=ReportsState.load,
)
app.add_page(
    audit_page, route=routes.AUDIT, title=page_title("nav.audit.label"), on_load=AuditState.load
)

live.register(
    ClientsState,
    ClientDetailState,
    ClientFormState,
    ClientDeleteState,
    EquipmentDetailState,
    EquipmentFormState,
    EquipmentDeleteState,
    CategoriesState,
)
live.register(TimelineState, ConflictsState)
live.register(EventsState, EventDetailState, EventFormState, EventDeleteState, EventRentalsState)
live.register(CalendarState)
live.register(ServicesState, FeesState, ServiceFormState, FeeFormState, CatalogueToggleState)
live.register(MaintenanceState, MaintenanceLogFormState)
live.register(UsersState, UserFormState, UserActionState, ProfileState, TeamState)
live.register(SettingsState, BrandingState)
live.register(QuotesState, QuoteBuilderState)
live.register(PrepListState, PrepChecklistState)
live.register(NotificationBellState, NotificationsState)
live.register(DashboardState, ReportsState, AuditState)
app.register_lifespan_task(live_updates)
app.register_lifespan_task(scheduled_notifications)
