"""Role x mutating Reflex handler matrix (DESIGN §6; issue 3 "Tests").

Every public handler of every AV Rentals state is callable by any client, so:

1. `test_every_public_handler_is_classified`: the public handlers found on the registered
   states (every module of `avrentals.ui` imported) must each appear in MUTATING (with the
   permission the write needs and a scenario), READ_ONLY or IDENTITY (sign-in/out) below.
   A new handler fails this test until someone decides which it is.
2. `test_mutating_handler_for_role`: for each MUTATING handler and each role, a tab is
   brought to the point of the write by an Admin (dialog opened, form loaded: the same
   public handlers the page uses), then signed in as a user of the role and the handler is
   called. A role holding the permission must change the database; any other role must be
   refused with the database exactly as it was (every row of every table compared).

Handlers run in-process on the real state tree (`Handler.fn(state, ...)`) against
PostgreSQL; the states reach the database through `avrentals.db.get_engine`, pointed at the
test database here.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import io
import pkgutil
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from PIL import Image
from reflex.state import BaseState, State
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import avrentals.db
import avrentals.ui
from avrentals.domain.enums import Role
from avrentals.domain.models import Category, Client, EquipmentItem, Event, Rental, User
from avrentals.domain.permissions import has_permission
from avrentals.domain.services import equipment_images, ics_feed
from avrentals.domain.services.auth import actor_of, issue_token
from avrentals.settings import get_settings
from tests.factories import make_item, make_user
from tests.inventory_factories import make_category, make_client, make_event, make_rental

ROLES = list(Role)

# Handlers every state inherits from Reflex; `setvar` only sets client-side vars.
FRAMEWORK = frozenset({"setvar"})


def _import_ui() -> list[type[BaseState]]:
    """Import every module under `avrentals.ui` and return our registered states."""
    for module in pkgutil.walk_packages(avrentals.ui.__path__, "avrentals.ui."):
        importlib.import_module(module.name)

    def walk(cls: type[BaseState]) -> Iterator[type[BaseState]]:
        for sub in cls.get_substates():
            yield sub
            yield from walk(sub)

    return [cls for cls in walk(State) if cls.__module__.startswith("avrentals.")]


def public_handlers() -> set[str]:
    return {
        f"{cls.__name__}.{name}"
        for cls in _import_ui()
        for name in cls.event_handlers
        if not name.startswith("_") and name not in FRAMEWORK
    }


# --- the world a scenario works on ---------------------------------------------------------


@dataclass
class World:
    engine: Engine
    admin: User
    item: EquipmentItem  # booked on `event`
    spare_item: EquipmentItem  # no rentals: deletable
    client: Client  # has `event`
    spare_client: Client  # deletable
    event: Event
    rental: Rental
    spare_category_id: uuid.UUID
    user: User | None = None  # who acts (set by the test)


def build_world(engine: Engine) -> World:
    admin = make_user(engine, Role.ADMIN)
    item = make_item(engine, name="Shure SM58", quantity=10)
    spare = make_item(engine, name="Robe Spot", quantity=4)
    client = make_client(engine, "Acme Events")
    spare_client = make_client(engine, "Spare Client")
    start = date.today() + timedelta(days=10)
    event = make_event(engine, client, start, start + timedelta(days=2), name="Summer Gala")
    rental = make_rental(engine, event, item, 2)
    category, _subs = make_category(engine, "Unused Category")
    return World(engine, admin, item, spare, client, spare_client, event, rental, category.id)


class Tab:
    """One browser tab's state tree, in memory."""

    def __init__(self) -> None:
        _import_ui()  # the root builds its tree from the states registered so far
        self.root = State(_reflex_internal_init=True)  # type: ignore[call-arg]

    def state(self, cls: type[BaseState]) -> Any:
        return self.root.get_substate(cls.get_full_name().split(".")[1:])

    def sign_in(self, user: User) -> None:
        from avrentals.ui.state.auth import AuthState

        auth = self.state(AuthState)
        auth.token = issue_token(user, get_settings().jwt_secret)
        auth._actor = None

    async def call(self, cls: type[BaseState], name: str, *args: Any) -> list[Any]:
        """Run a public handler as the Reflex event loop would (all yields drained)."""
        result = cls.event_handlers[name].fn(self.state(cls), *args)
        if inspect.isasyncgen(result):
            return [update async for update in result]
        if inspect.isawaitable(result):
            return [await result]
        return [result]


def snapshot(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table, as text: the database "exactly as it was"."""
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            out[table.name] = sorted(tuple(str(v) for v in row) for row in rows)
    return out


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- scenarios: (prepare as Admin, act as the role) ------------------------------------------

Step = Callable[[Tab, World], Awaitable[Any]]


@dataclass(frozen=True)
class Case:
    permissions: tuple[str, ...]
    prepare: Step
    act: Step


def _states() -> dict[str, type[BaseState]]:
    return {cls.__name__: cls for cls in _import_ui()}


def S(name: str) -> type[BaseState]:
    return _states()[name]


async def _nothing(tab: Tab, w: World) -> None:
    return None


def _form_values(tab: Tab, state: str, **changes: str) -> dict[str, str]:
    return {k: str(v) for k, v in dict(tab.state(S(state)).values).items()} | changes


def _form_cases(
    state: str,
    permission: str,
    model: Any,
    row: Callable[[World], Any],
    mine: dict[str, str],
    theirs: dict[str, str],
) -> dict[str, Case]:
    """`<state>.save` and `<state>.apply_mine` of a versioned edit form: open the `row`'s
    form as Admin, then save `mine`; or, for apply_mine, someone else saves `theirs` first so
    the save ends in a conflict, and then the user keeps their version."""

    async def open_form(tab: Tab, w: World) -> None:
        await tab.call(S(state), "open_edit", str(row(w).id))

    async def save(tab: Tab, w: World) -> None:
        await tab.call(S(state), "save", _form_values(tab, state, **mine))

    async def conflicted(tab: Tab, w: World) -> None:
        await open_form(tab, w)
        with Session(w.engine) as s:  # someone else saves first
            s.exec(
                sa.update(model)
                .where(model.id == row(w).id)
                .values(**theirs, version=model.version + 1)
            )
            s.commit()
        await save(tab, w)
        assert tab.state(S(state)).conflict

    async def apply_mine(tab: Tab, w: World) -> None:
        await tab.call(S(state), "apply_mine")

    return {
        f"{state}.save": Case((permission,), open_form, save),
        f"{state}.apply_mine": Case((permission,), conflicted, apply_mine),
    }


# Event duplicate, delete
async def _open_duplicate(tab: Tab, w: World) -> None:
    await tab.call(S("EventDuplicateState"), "open_duplicate", str(w.event.id))


async def _duplicate(tab: Tab, w: World) -> None:
    start = (w.event.start_date + timedelta(days=60)).isoformat()
    form = {"name": "Summer Gala (copy)", "start_date": start, "end_date": ""}
    await tab.call(S("EventDuplicateState"), "duplicate", form)


async def _ask_delete_event(tab: Tab, w: World) -> None:
    await tab.call(S("EventDeleteState"), "ask_delete", str(w.event.id))


async def _confirm_delete(tab: Tab, w: World, state: str) -> None:
    await tab.call(S(state), "confirm_delete")


# Equipment list (location), detail (photo), delete
async def _open_location(tab: Tab, w: World) -> None:
    await tab.call(S("EquipmentState"), "load")
    await tab.call(S("EquipmentState"), "open_edit", str(w.item.id))


async def _save_location(tab: Tab, w: World) -> None:
    await tab.call(S("EquipmentState"), "save_location", {"location": "Van bay"})


async def _photo_loaded(tab: Tab, w: World) -> None:
    with avrentals.db.transaction(w.engine) as s:
        equipment_images.set_equipment_image(s, actor_of(w.admin), w.item.id, png())
    await _load_detail(tab, w)
    await tab.call(S("EquipmentDetailState"), "ask_remove_photo")


async def _load_detail(tab: Tab, w: World) -> None:
    detail = tab.state(S("EquipmentDetailState"))
    detail.detail_id = str(w.item.id)
    detail.not_found = False
    with Session(w.engine) as s:
        item = s.get(EquipmentItem, w.item.id)
        assert item is not None
        detail.item = dict(detail.item) | {"version": str(item.version), "id": str(item.id)}


async def _remove_photo(tab: Tab, w: World) -> None:
    await tab.call(S("EquipmentDetailState"), "confirm_remove_photo")


async def _upload_photo(tab: Tab, w: World) -> None:
    upload = rx.UploadFile(file=io.BytesIO(png()))
    await tab.call(S("EquipmentDetailState"), "upload_photo", [upload])


async def _ask_delete_item(tab: Tab, w: World) -> None:
    await tab.call(S("EquipmentDeleteState"), "ask_delete", str(w.spare_item.id))


async def _ask_delete_client(tab: Tab, w: World) -> None:
    await tab.call(S("ClientDeleteState"), "ask_delete", str(w.spare_client.id))


# Categories
async def _open_category(tab: Tab, w: World) -> None:
    await tab.call(S("CategoriesState"), "load")
    await tab.call(S("CategoriesState"), "open_editor", "category", str(w.spare_category_id), "")


async def _save_category(tab: Tab, w: World) -> None:
    await tab.call(S("CategoriesState"), "save", {"name": "Renamed Category"})


async def _conflicted_category(tab: Tab, w: World) -> None:
    await _open_category(tab, w)
    with Session(w.engine) as s:
        s.exec(
            sa.update(Category)  # type: ignore[call-overload]
            .where(Category.id == w.spare_category_id)  # type: ignore[arg-type]
            .values(icon="speaker", version=Category.version + 1)
        )
        s.commit()
    await _save_category(tab, w)
    assert tab.state(S("CategoriesState")).conflict


async def _apply_category(tab: Tab, w: World) -> None:
    await tab.call(S("CategoriesState"), "apply_mine")


async def _ask_delete_category(tab: Tab, w: World) -> None:
    await tab.call(S("CategoriesState"), "load")
    await tab.call(S("CategoriesState"), "ask_delete", "category", str(w.spare_category_id))


# CSV import: upload and preview as Admin, import as the role
IMPORT_CSV = "Name,Category,Quantity,Location\nImported Mixer,Unused Category,2,Aisle B\n"


async def _previewed(tab: Tab, w: World) -> None:
    upload = rx.UploadFile(file=io.BytesIO(IMPORT_CSV.encode()))
    await tab.call(S("EquipmentImportState"), "handle_upload", [upload])
    await tab.call(S("EquipmentImportState"), "check_file")
    assert tab.state(S("EquipmentImportState")).can_import


async def _import(tab: Tab, w: World) -> None:
    await tab.call(S("EquipmentImportState"), "start_import")


# Event rentals
async def _event_page(tab: Tab, w: World) -> None:
    detail = tab.state(S("EventDetailState"))
    detail.detail_id = str(w.event.id)
    detail.not_found = False


async def _pick_spare(tab: Tab, w: World) -> None:
    await _event_page(tab, w)
    rentals = S("EventRentalsState")
    await tab.call(rentals, "open_add")
    await tab.call(rentals, "pick_item", str(w.spare_item.id))
    tab.state(rentals).qty_text = "1"


async def _book(tab: Tab, w: World) -> None:
    await tab.call(S("EventRentalsState"), "book")


async def _book_with_enter(tab: Tab, w: World) -> None:
    await tab.call(S("EventRentalsState"), "qty_key", "Enter")


async def _edit_qty(tab: Tab, w: World) -> None:
    await _event_page(tab, w)
    rentals = tab.state(S("EventRentalsState"))
    rentals.qty_edit_id = str(w.rental.id)
    rentals.qty_edit_value = "2"
    rentals._qty_version = w.rental.version


async def _save_qty(tab: Tab, w: World) -> None:
    await tab.call(S("EventRentalsState"), "save_qty", {"quantity": "3"})


async def _ask_remove(tab: Tab, w: World) -> None:
    await _event_page(tab, w)
    rentals = tab.state(S("EventRentalsState"))
    rentals.remove_id = str(w.rental.id)
    rentals.remove_label = "2 x Shure SM58"
    rentals._remove_version = w.rental.version
    rentals.remove_open = True


async def _remove(tab: Tab, w: World) -> None:
    await tab.call(S("EventRentalsState"), "confirm_remove")


# Calendar
async def _calendar(tab: Tab, w: World) -> None:
    cal = tab.state(S("CalendarState"))
    cal.anchor = w.event.start_date.isoformat()
    await tab.call(S("CalendarState"), "load")
    assert str(w.event.id) in cal._events


def _new_day(tab: Tab, w: World) -> str:
    cal = tab.state(S("CalendarState"))
    days = [d.iso for d in cal.days if d.iso != w.event.start_date.isoformat()]
    return days[len(days) // 2]


async def _drop(tab: Tab, w: World) -> None:
    await tab.call(S("CalendarState"), "drop_event", _new_day(tab, w), str(w.event.id))


async def _open_move(tab: Tab, w: World) -> None:
    await _calendar(tab, w)
    await tab.call(S("CalendarState"), "open_move", str(w.event.id))
    await tab.call(S("CalendarState"), "set_move_date", _new_day(tab, w))


async def _confirm_move(tab: Tab, w: World) -> None:
    await tab.call(S("CalendarState"), "confirm_move")


async def _issue_feed(tab: Tab, w: World) -> None:
    await tab.call(S("CalendarState"), "issue_feed")


async def _feed_issued(tab: Tab, w: World) -> None:
    # The feed is the acting user's own: give them one to rotate or revoke.
    assert w.user is not None
    with avrentals.db.transaction(w.engine) as s:
        ics_feed.issue_feed_token(s, actor_of(w.user))
    await _calendar(tab, w)


async def _revoke_feed(tab: Tab, w: World) -> None:
    await tab.call(S("CalendarState"), "ask_revoke", True)
    await tab.call(S("CalendarState"), "revoke_feed")


# Create paths of the form handlers (the same public `save`, another branch).
async def _new_client(tab: Tab, w: World) -> None:
    await tab.call(S("ClientFormState"), "open_create")


async def _create_client(tab: Tab, w: World) -> None:
    await tab.call(S("ClientFormState"), "save", {"name": "Brand New Client"})


async def _new_item(tab: Tab, w: World) -> None:
    form = S("EquipmentFormState")
    await tab.call(form, "open_create")
    await tab.call(form, "set_choice", "category_id", str(w.spare_category_id))
    await tab.call(form, "set_choice", "quantity", "4")  # counts are controlled inputs


async def _create_item(tab: Tab, w: World) -> None:
    values = _form_values(tab, "EquipmentFormState", name="Astera Tube", location="Aisle C")
    await tab.call(S("EquipmentFormState"), "save", values)


async def _new_event(tab: Tab, w: World) -> None:
    form = S("EventFormState")
    await tab.call(form, "open_create")
    await tab.call(form, "set_choice", "client_id", str(w.client.id))


async def _create_event(tab: Tab, w: World) -> None:
    start = date.today() + timedelta(days=40)
    values = _form_values(
        tab,
        "EventFormState",
        name="Winter Expo",
        location="Porto",
        start_date=start.isoformat(),
        end_date=(start + timedelta(days=1)).isoformat(),
    )
    await tab.call(S("EventFormState"), "save", values)


CREATE_CASES: dict[str, Case] = {
    "ClientFormState.save[create]": Case(("clients:write",), _new_client, _create_client),
    "EquipmentFormState.save[create]": Case(("equipment:write",), _new_item, _create_item),
    "EventFormState.save[create]": Case(("events:write",), _new_event, _create_event),
}


def _delete_case(permission: str, ask: Step, state: str) -> Case:
    async def act(tab: Tab, w: World) -> None:
        await _confirm_delete(tab, w, state)

    return Case((permission,), ask, act)


# "State.handler" -> the permission(s) its write needs and how to reach it.
MUTATING: dict[str, Case] = {
    **_form_cases(
        "ClientFormState",
        "clients:write",
        Client,
        lambda w: w.client,
        {"name": "Acme"},
        {"phone": "+351 1"},
    ),
    "ClientDeleteState.confirm_delete": _delete_case(
        "clients:delete", _ask_delete_client, "ClientDeleteState"
    ),
    **_form_cases(
        "EquipmentFormState",
        "equipment:write",
        EquipmentItem,
        lambda w: w.item,
        {"name": "Shure SM58 Beta"},
        {"location": "Aisle Z"},
    ),
    "EquipmentState.save_location": Case(("equipment:write",), _open_location, _save_location),
    "EquipmentDetailState.confirm_remove_photo": Case(
        ("equipment:write",), _photo_loaded, _remove_photo
    ),
    "EquipmentDetailState.upload_photo": Case(("equipment:write",), _load_detail, _upload_photo),
    "EquipmentImportState.start_import": Case(("equipment:write",), _previewed, _import),
    "EquipmentDeleteState.confirm_delete": _delete_case(
        "equipment:delete", _ask_delete_item, "EquipmentDeleteState"
    ),
    "CategoriesState.save": Case(("categories:write",), _open_category, _save_category),
    "CategoriesState.apply_mine": Case(
        ("categories:write",), _conflicted_category, _apply_category
    ),
    "CategoriesState.confirm_delete": _delete_case(
        "categories:delete", _ask_delete_category, "CategoriesState"
    ),
    **_form_cases(
        "EventFormState",
        "events:write",
        Event,
        lambda w: w.event,
        {"name": "Summer Gala 2"},
        {"location": "Porto"},
    ),
    "EventDuplicateState.duplicate": Case(
        ("events:write", "rentals:write"), _open_duplicate, _duplicate
    ),
    "EventDeleteState.confirm_delete": _delete_case(
        "events:delete", _ask_delete_event, "EventDeleteState"
    ),
    "EventRentalsState.book": Case(("rentals:write",), _pick_spare, _book),
    "EventRentalsState.qty_key": Case(("rentals:write",), _pick_spare, _book_with_enter),
    "EventRentalsState.save_qty": Case(("rentals:write",), _edit_qty, _save_qty),
    "EventRentalsState.confirm_remove": Case(("rentals:delete",), _ask_remove, _remove),
    "CalendarState.drop_event": Case(("events:write",), _calendar, _drop),
    "CalendarState.confirm_move": Case(("events:write",), _open_move, _confirm_move),
    # A personal calendar-feed token: every signed-in role may issue and revoke its own.
    "CalendarState.issue_feed": Case(("events:read",), _feed_issued, _issue_feed),
    "CalendarState.revoke_feed": Case(("events:read",), _feed_issued, _revoke_feed),
}

# Sign-in and sign-out write the login audit for anyone with valid credentials or a valid
# token: identity, not a permission of DESIGN §6 (tests/integration/test_auth.py covers them).
IDENTITY = frozenset({"AuthState.sign_in", "AuthState.sign_out"})

# Handlers that read, open/close dialogs or change this tab's view only (no write).
READ_ONLY = frozenset(
    {
        "AuthState.open_login",
        "AuthState.require_login",
        "CalendarState.ask_revoke",
        "CalendarState.clear_filters",
        "CalendarState.dismiss_notice",
        "CalendarState.export_ics",
        "CalendarState.go_today",
        "CalendarState.load",
        "CalendarState.open_day",
        "CalendarState.open_move",
        "CalendarState.set_category_filter",
        "CalendarState.set_client_filter",
        "CalendarState.set_day_open",
        "CalendarState.set_feed_open",
        "CalendarState.set_item_filter",
        "CalendarState.set_move_date",
        "CalendarState.set_move_open",
        "CalendarState.set_view",
        "CalendarState.step",
        "CategoriesState.ask_delete",
        "CategoriesState.discard_mine",
        "CategoriesState.dismiss_notice",
        "CategoriesState.load",
        "CategoriesState.open_editor",
        "CategoriesState.pick_icon",
        "CategoriesState.set_delete_open",
        "CategoriesState.set_editor_open",
        "ClientDeleteState.ask_delete",
        "ClientDeleteState.set_delete_open",
        "ClientDetailState.dismiss_notice",
        "ClientDetailState.load",
        "ClientDetailState.refresh",
        "ClientFormState.discard_mine",
        "ClientFormState.open_create",
        "ClientFormState.open_edit",
        "ClientFormState.set_form_open",
        "ClientsState.clear_filters",
        "ClientsState.dismiss_notice",
        "ClientsState.load",
        "ClientsState.next_page",
        "ClientsState.prev_page",
        "ClientsState.refresh",
        "ClientsState.set_page_size",
        "ClientsState.set_search",
        "ClientsState.set_sort",
        "ConflictsState.dismiss_notice",
        "ConflictsState.load",
        "ConflictsState.reset_range",
        "ConflictsState.set_end",
        "ConflictsState.set_start",
        "EquipmentDeleteState.ask_delete",
        "EquipmentDeleteState.set_delete_open",
        "EquipmentDetailState.ask_remove_photo",
        "EquipmentDetailState.dismiss_notice",
        "EquipmentDetailState.download_label",
        "EquipmentDetailState.download_label_sheet",
        "EquipmentDetailState.load",
        "EquipmentDetailState.photo_rejected",
        "EquipmentDetailState.set_remove_open",
        "EquipmentDetailState.start_photo_upload",
        "EquipmentFormState.discard_mine",
        "EquipmentFormState.open_create",
        "EquipmentFormState.open_edit",
        "EquipmentFormState.set_choice",
        "EquipmentFormState.set_form_open",
        "EquipmentImportState.check_file",  # preview only: parses and validates, writes nothing
        "EquipmentImportState.download_template",
        "EquipmentImportState.handle_upload",  # keeps the upload in the tab for the preview
        "EquipmentImportState.load",
        "EquipmentImportState.start_over",
        "EquipmentState.clear_filters",
        "EquipmentState.dismiss_notice",
        "EquipmentState.load",
        "EquipmentState.next_page",
        "EquipmentState.open_edit",
        "EquipmentState.prev_page",
        "EquipmentState.refresh",
        "EquipmentState.set_category",
        "EquipmentState.set_edit_open",
        "EquipmentState.set_item_type",
        "EquipmentState.set_location",
        "EquipmentState.set_page_size",
        "EquipmentState.set_search",
        "EquipmentState.set_sort",
        "EquipmentState.set_status",
        "EquipmentState.set_subcategory",
        "EquipmentState.set_view",
        "EquipmentState.toggle_filters",
        "EventDeleteState.ask_delete",
        "EventDeleteState.set_delete_open",
        "EventDetailState.dismiss_notice",
        "EventDetailState.load",
        "EventDuplicateState.open_duplicate",
        "EventDuplicateState.set_dup_open",
        "EventFormState.discard_mine",
        "EventFormState.open_create",
        "EventFormState.open_edit",
        "EventFormState.search_clients",
        "EventFormState.set_choice",
        "EventFormState.set_form_open",
        "EventRentalsState.ask_remove",
        "EventRentalsState.cancel_qty_edit",
        "EventRentalsState.open_add",
        "EventRentalsState.pick_item",
        "EventRentalsState.queue_line",
        "EventRentalsState.search_items",
        "EventRentalsState.set_add_open",
        "EventRentalsState.set_qty",
        "EventRentalsState.set_remove_open",
        "EventRentalsState.start_qty_edit",
        "EventRentalsState.toggle_explain",
        "EventRentalsState.unqueue_line",
        "EventsState.clear_filters",
        "EventsState.dismiss_notice",
        "EventsState.load",
        "EventsState.next_page",
        "EventsState.prev_page",
        "EventsState.refresh",
        "EventsState.set_client",
        "EventsState.set_page_size",
        "EventsState.set_search",
        "EventsState.set_sort",
        "EventsState.set_status",
        "EventsState.set_view",
        "InventoryActionsState.export_csv",
        "InventoryActionsState.print_labels",
        "TimelineState.clear_filters",
        "TimelineState.dismiss_notice",
        "TimelineState.load",
        "TimelineState.next_page",
        "TimelineState.open_cell",
        "TimelineState.prev_page",
        "TimelineState.reset_range",
        "TimelineState.set_category",
        "TimelineState.set_cell_open",
        "TimelineState.set_end",
        "TimelineState.set_range",
        "TimelineState.set_search",
        "TimelineState.set_start",
        "TimelineState.shift",
    }
)


def unclassified(found: set[str]) -> list[str]:
    return sorted(found - (set(MUTATING) | IDENTITY | READ_ONLY))


def test_every_public_handler_is_classified() -> None:
    found = public_handlers()
    assert len(found) > 50  # the discovery really walked the app's states
    missing = unclassified(found)
    assert not missing, (
        "New public Reflex handlers: add each to MUTATING (with the permission its write "
        f"needs and a scenario) or READ_ONLY in {__name__}: {missing}"
    )
    gone = sorted((set(MUTATING) | IDENTITY | READ_ONLY) - found)
    assert not gone, f"Classified handlers that no longer exist (remove them): {gone}"
    assert not set(MUTATING) & READ_ONLY and not IDENTITY & READ_ONLY
    # The check cannot pass vacuously: a handler nobody classified is reported.
    assert unclassified(found | {"EquipmentState.wipe_everything"}) == [
        "EquipmentState.wipe_everything"
    ]


@pytest.fixture
def world(pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> World:
    # The states open their own sessions on the process-wide engine: make it the test one.
    monkeypatch.setattr(avrentals.db, "get_engine", lambda: pg_engine)
    return build_world(pg_engine)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("handler", sorted(MUTATING) + sorted(CREATE_CASES))
def test_mutating_handler_for_role(world: World, handler: str, role: Role) -> None:
    case = MUTATING.get(handler) or CREATE_CASES[handler]
    allowed = all(has_permission(role, p) for p in case.permissions)
    user = world.admin if role is Role.ADMIN else make_user(world.engine, role)
    world.user = user
    tab = Tab()

    async def run() -> tuple[Any, Any]:
        tab.sign_in(world.admin)
        await case.prepare(tab, world)
        before = snapshot(world.engine)
        tab.sign_in(user)
        await case.act(tab, world)
        return before, snapshot(world.engine)

    before, after = asyncio.run(run())
    if allowed:
        wrote = after != before
        assert wrote, f"{handler} as {role.value}: nothing was written"
    else:
        changed = {t for t in before if before[t] != after[t]}
        assert not changed, f"{handler} as {role.value} changed {sorted(changed)}"
