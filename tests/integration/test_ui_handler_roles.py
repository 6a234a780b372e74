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
from decimal import Decimal
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
from avrentals.domain.enums import NotificationType, Role
from avrentals.domain.models import (
    Category,
    Client,
    EquipmentItem,
    Event,
    Fee,
    MaintenanceLog,
    Rental,
    Service,
    User,
)
from avrentals.domain.permissions import has_permission
from avrentals.domain.services import (
    equipment_images,
    ics_feed,
    maintenance,
    profile,
    settings_admin,
)
from avrentals.domain.services.auth import actor_of, issue_token
from avrentals.domain.services.notifications import notify
from avrentals.settings import get_settings
from tests.factories import TEST_PASSWORD, make_item, make_user
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


# Service / fee catalogues: the rows are made on first use (in `prepare`, as Admin).
def _catalogue_row(w: World, model: type[Service] | type[Fee]) -> Service | Fee:
    key = f"_{model.__tablename__}"
    row = getattr(w, key, None)
    if row is None:
        with Session(w.engine, expire_on_commit=False) as s:
            if model is Service:
                row = Service(name="Sound Engineer", unit_price=Decimal("380.00"))
            else:
                row = Fee(name="Insurance", amount=Decimal("3.00"), is_required=True)
            s.add(row)
            s.commit()
        setattr(w, key, row)
    return row


async def _new_service(tab: Tab, w: World) -> None:
    await tab.call(S("ServiceFormState"), "open_create")


async def _create_service(tab: Tab, w: World) -> None:
    values = _form_values(tab, "ServiceFormState", name="Rigger", unit_price="150")
    await tab.call(S("ServiceFormState"), "save", values)


async def _new_fee(tab: Tab, w: World) -> None:
    await tab.call(S("FeeFormState"), "open_create")
    await tab.call(S("FeeFormState"), "set_required", True)


async def _create_fee(tab: Tab, w: World) -> None:
    values = _form_values(tab, "FeeFormState", name="Delivery", amount="120")
    await tab.call(S("FeeFormState"), "save", values)


def _ask_toggle(model: type[Service] | type[Fee]) -> Step:
    async def ask(tab: Tab, w: World) -> None:
        kind = "service" if model is Service else "fee"
        row_id = str(_catalogue_row(w, model).id)
        await tab.call(S("CatalogueToggleState"), "ask_toggle", kind, row_id)
        assert tab.state(S("CatalogueToggleState")).toggle_open

    return ask


async def _confirm_toggle(tab: Tab, w: World) -> None:
    await tab.call(S("CatalogueToggleState"), "confirm_toggle")


# Maintenance: request / repair dialog (opened as Admin), closing a log after confirmation
MAINTENANCE_FORM = {"log_date": "", "description": "Annual service", "cost": "", "units": "1"}


async def _open_request(tab: Tab, w: World) -> None:
    await tab.call(S("MaintenanceFormState"), "open_request", str(w.spare_item.id))


async def _open_repair(tab: Tab, w: World) -> None:
    with avrentals.db.transaction(w.engine) as s:
        maintenance.report_damage(
            s, actor_of(w.admin), w.spare_item.id, {"description": "Lens cracked", "units": 1}
        )
    await tab.call(S("MaintenanceFormState"), "open_repair", str(w.spare_item.id))


async def _save_maintenance(tab: Tab, w: World) -> None:
    await tab.call(S("MaintenanceFormState"), "save", MAINTENANCE_FORM)


async def _ask_close_log(tab: Tab, w: World) -> None:
    with avrentals.db.transaction(w.engine) as s:
        log = maintenance.raise_request(
            s, actor_of(w.admin), w.spare_item.id, {"description": "Fan noise", "units": 1}
        )
    await tab.call(S("MaintenanceState"), "ask_close", str(log.id))
    assert tab.state(S("MaintenanceState")).close_open


async def _confirm_close_log(tab: Tab, w: World) -> None:
    await tab.call(S("MaintenanceState"), "confirm_close")


def _maintenance_log(w: World) -> MaintenanceLog:
    """An open log on the spare item, made on first use (in `prepare`, as Admin)."""
    log = getattr(w, "_maintenance_log", None)
    if log is None:
        with avrentals.db.transaction(w.engine) as s:
            log = maintenance.raise_request(
                s, actor_of(w.admin), w.spare_item.id, {"description": "Fan noise", "units": 1}
            )
        setattr(w, "_maintenance_log", log)
    return log


# Prep checklist (/prep/<event>): the page loaded as Admin, then scans, +/-, reports
async def _prep_page(tab: Tab, w: World, tab_name: str = "checkout") -> None:
    state = tab.state(S("PrepChecklistState"))
    state.event_id, state.not_found, state.tab = str(w.event.id), False, tab_name
    await state._reload(actor_of(w.admin))


async def _prep_scanned_out(tab: Tab, w: World) -> None:
    from avrentals.domain.services import prep

    with avrentals.db.transaction(w.engine) as s:
        prep.scan(s, actor_of(w.admin), w.event.id, w.item.asset_code, "checkout")
    await _prep_page(tab, w, "checkin")


async def _prep_not_on_event(tab: Tab, w: World) -> None:
    await _prep_page(tab, w)
    await tab.call(S("PrepChecklistState"), "submit_scan", {"code": w.spare_item.asset_code})
    assert tab.state(S("PrepChecklistState")).outcome_can_add


async def _prep_report_open(tab: Tab, w: World) -> None:
    await _prep_scanned_out(tab, w)
    state = S("PrepChecklistState")
    await tab.call(state, "open_report", tab.state(state).lines[0]["id"])
    await tab.call(state, "set_report_note", "Cracked lens")


async def _prep_consumable_out(tab: Tab, w: World) -> None:
    from avrentals.domain.enums import EquipmentType
    from avrentals.domain.services import prep

    with Session(w.engine) as s:
        item = s.get(EquipmentItem, w.item.id)
        assert item is not None
        item.item_type, item.daily_rate = EquipmentType.CONSUMABLE, Decimal("0.00")
        s.add(item)
        s.commit()
    with avrentals.db.transaction(w.engine) as s:
        prep.adjust(s, actor_of(w.admin), w.rental.id, "checkout", 2, 1)
    await _prep_page(tab, w, "checkin")


async def _prep_report_with_photo(tab: Tab, w: World) -> None:
    """Take a photo for the open report, then send it: only a `rentals:write` role gets the
    photo stored (and the log with its `photo` audit row)."""
    state = S("PrepChecklistState")
    await tab.call(state, "upload_report_photo", [rx.UploadFile(file=io.BytesIO(png()))])
    assert w.user is not None
    kept = tab.state(state)._report_photo
    assert bool(kept) == has_permission(w.user.role, "rentals:write")
    await tab.call(state, "submit_report")


def _prep_call(handler: str, *args: Any) -> Step:
    async def act(tab: Tab, w: World) -> None:
        state = tab.state(S("PrepChecklistState"))
        values = [a(w, state) if callable(a) else a for a in args]
        await tab.call(S("PrepChecklistState"), handler, *values)

    return act


PREP_CASES: dict[str, Case] = {
    "PrepChecklistState.submit_scan": Case(
        ("rentals:write",),
        _prep_page,
        _prep_call("submit_scan", lambda w, _: {"code": w.item.asset_code}),
    ),
    "PrepChecklistState.camera_scan": Case(
        ("rentals:write",), _prep_page, _prep_call("camera_scan", lambda w, _: w.item.asset_code)
    ),
    "PrepChecklistState.adjust_line": Case(
        ("rentals:write",),
        _prep_page,
        _prep_call("adjust_line", lambda _, st: st.lines[0]["id"], 1),
    ),
    "PrepChecklistState.add_scanned_item": Case(
        ("rentals:write",), _prep_not_on_event, _prep_call("add_scanned_item")
    ),
    "PrepChecklistState.submit_report": Case(
        ("rentals:write",), _prep_report_open, _prep_call("submit_report")
    ),
    "PrepChecklistState.upload_report_photo": Case(
        ("rentals:write",), _prep_report_open, _prep_report_with_photo
    ),
    "PrepChecklistState.finish": Case(
        ("rentals:write",), _prep_consumable_out, _prep_call("finish")
    ),
}


# Quotes: a quote made as Admin through the service (one line of the spare item, far ahead).
async def _make_quote(tab: Tab, w: World, *, sent: bool = False) -> str:
    from avrentals.domain.services import quotes

    start = date.today() + timedelta(days=200)
    values = {
        "name": "Autumn Fair",
        "location": "Lisboa",
        "client_id": str(w.client.id),
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=1)).isoformat(),
        "items": [{"item_type": "equipment", "equipment_id": str(w.spare_item.id)}],
    }
    with avrentals.db.transaction(w.engine) as s:
        quote = quotes.create_quote(s, actor_of(w.admin), values)
        if sent:
            quote = quotes.change_status(s, actor_of(w.admin), quote.id, "Sent", quote.version)
        quote_id = str(quote.id)
    tab.quote_id = quote_id  # type: ignore[attr-defined]
    return quote_id


async def _quote_builder(tab: Tab, w: World) -> Any:
    """The builder of this tab showing a new quote, loaded as Admin."""
    builder = tab.state(S("QuoteBuilderState"))
    builder.quote_id = await _make_quote(tab, w)
    builder.can_write = True
    await builder._reload_saved(actor_of(w.admin))
    builder.loaded = True
    return builder


async def _quote_edited(tab: Tab, w: World) -> None:
    await _quote_builder(tab, w)
    await tab.call(S("QuoteBuilderState"), "set_field", "name", "Autumn Fair 2")


async def _quote_save_now(tab: Tab, w: World) -> None:
    await tab.call(S("QuoteBuilderState"), "save_now")


async def _quote_autosave(tab: Tab, w: World) -> None:
    await tab.call(S("QuoteBuilderState"), "autosave")


async def _new_quote(tab: Tab, w: World) -> None:
    builder = tab.state(S("QuoteBuilderState"))
    builder.can_write = True
    await builder._open_new(actor_of(w.admin))
    builder.loaded = True
    await tab.call(S("QuoteBuilderState"), "set_field", "name", "Winter Show")
    await tab.call(S("QuoteBuilderState"), "set_field", "client_name", "Walk-in Client")


def _ask_quote(kind: str, *, sent: bool = False) -> Step:
    async def ask(tab: Tab, w: World) -> None:
        quote_id = await _make_quote(tab, w, sent=sent)
        await tab.call(S("QuoteActionsState"), "ask", kind, quote_id)
        assert tab.state(S("QuoteActionsState")).confirm_open

    return ask


async def _confirm_quote_action(tab: Tab, w: World) -> None:
    await tab.call(S("QuoteActionsState"), "confirm")


async def _duplicate_quote(tab: Tab, w: World) -> None:
    await tab.call(S("QuoteActionsState"), "duplicate", tab.quote_id)  # type: ignore[attr-defined]


async def _open_send(tab: Tab, w: World) -> None:
    from tests.smtp_server import configure, start_server

    smtp = start_server()
    tab.smtp = smtp  # type: ignore[attr-defined]
    configure(w.engine, smtp.port)
    builder = await _quote_builder(tab, w)
    assert builder.save_status == "saved"
    await tab.call(S("QuoteSendState"), "open_send")
    await tab.call(S("QuoteSendState"), "set_recipient", "events@acme.example")


async def _send(tab: Tab, w: World) -> None:
    try:
        await tab.call(S("QuoteSendState"), "send")
    finally:
        tab.smtp.controller.stop()  # type: ignore[attr-defined]


QUOTE_CASES: dict[str, Case] = {
    "QuoteBuilderState.save_now": Case(("quotes:write",), _quote_edited, _quote_save_now),
    "QuoteBuilderState.autosave": Case(("quotes:write",), _quote_edited, _quote_autosave),
    "QuoteActionsState.confirm": Case(
        ("quotes:write",), _ask_quote("archive"), _confirm_quote_action
    ),
    "QuoteActionsState.duplicate": Case(("quotes:write",), _make_quote, _duplicate_quote),
    "QuoteSendState.send": Case(("quotes:write",), _open_send, _send),
}
QUOTE_CREATE_CASES: dict[str, Case] = {
    "QuoteBuilderState.save_now[create]": Case(("quotes:write",), _new_quote, _quote_save_now),
    "QuoteActionsState.confirm[approve]": Case(
        ("quotes:write", "events:write"), _ask_quote("approve", sent=True), _confirm_quote_action
    ),
    "QuoteActionsState.confirm[delete]": Case(
        ("quotes:delete",), _ask_quote("delete"), _confirm_quote_action
    ),
    "QuoteActionsState.confirm[mark_sent]": Case(
        ("quotes:write",), _ask_quote("mark_sent"), _confirm_quote_action
    ),
    "QuoteActionsState.confirm[decline]": Case(
        ("quotes:write",), _ask_quote("decline", sent=True), _confirm_quote_action
    ),
}


# --- Users (Admin), own profile (every role, for themselves), settings (Admin) -------------
EVERY_ROLE = "events:read"  # held by every signed-in role: one's own profile
NEW_PASSWORD = "brand-new-long-secret"


def _target(w: World) -> User:
    """Another user for the Admin actions (made on first use)."""
    found = getattr(w, "target", None)
    if found is None:
        found = make_user(w.engine, Role.VIEWER)
        w.target = found  # type: ignore[attr-defined]
    return found


def _ask_user_action(action: str) -> Step:
    async def prepare(tab: Tab, w: World) -> None:
        target = _target(w)
        if action == "activate":
            with Session(w.engine) as s:
                s.exec(
                    sa.update(User)  # type: ignore[call-overload]
                    .where(User.id == target.id)  # type: ignore[arg-type]
                    .values(is_active=False)
                )
                s.commit()
        await tab.call(S("UserActionState"), "ask", action, str(target.id))
        assert tab.state(S("UserActionState")).open

    return prepare


async def _confirm_user_action(tab: Tab, w: World) -> None:
    await tab.call(S("UserActionState"), "confirm", {"password": NEW_PASSWORD})


async def _new_user(tab: Tab, w: World) -> None:
    await tab.call(S("UserFormState"), "open_create")


async def _create_user(tab: Tab, w: World) -> None:
    form = {"username": "new-hire", "name": "New Hire", "password": NEW_PASSWORD}
    await tab.call(S("UserFormState"), "save", form)


def _as_user(tab: Tab, w: World) -> None:
    assert w.user is not None
    tab.sign_in(w.user)


async def _profile_save(tab: Tab, w: World) -> None:
    await tab.call(S("ProfileState"), "load")
    await tab.call(S("ProfileState"), "save", _form_values(tab, "ProfileState", nif="123456789"))


async def _profile_conflicted(tab: Tab, w: World) -> None:
    _as_user(tab, w)
    await tab.call(S("ProfileState"), "load")
    assert w.user is not None
    with Session(w.engine) as s:  # an Admin saves the account first
        s.exec(
            sa.update(User)  # type: ignore[call-overload]
            .where(User.id == w.user.id)  # type: ignore[arg-type]
            .values(job_title="Rigger", version=User.version + 1)
        )
        s.commit()
    await tab.call(S("ProfileState"), "save", _form_values(tab, "ProfileState", phone="+351 1"))
    assert tab.state(S("ProfileState")).conflict


async def _profile_apply(tab: Tab, w: World) -> None:
    await tab.call(S("ProfileState"), "apply_mine")


async def _change_password(tab: Tab, w: World) -> None:
    form = {
        "current_password": TEST_PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    await tab.call(S("ProfileState"), "change_password", form)


async def _profile_photo(tab: Tab, w: World) -> None:
    await tab.call(S("ProfileState"), "load")
    upload = rx.UploadFile(file=io.BytesIO(png()))
    await tab.call(S("ProfileState"), "upload_photo", [upload])


async def _has_photo(tab: Tab, w: World) -> None:
    assert w.user is not None
    with avrentals.db.transaction(w.engine) as s:
        profile.set_profile_photo(s, actor_of(w.user), png())


async def _remove_profile_photo(tab: Tab, w: World) -> None:
    await tab.call(S("ProfileState"), "remove_photo")


async def _settings_open(tab: Tab, w: World) -> None:
    await tab.call(S("SettingsState"), "load")
    assert tab.state(S("SettingsState")).form_open


async def _settings_save(tab: Tab, w: World) -> None:
    values = _form_values(tab, "SettingsState", company_name="Luz e Som", default_tax_rate="6")
    await tab.call(S("SettingsState"), "save", values)


async def _settings_conflicted(tab: Tab, w: World) -> None:
    await _settings_open(tab, w)
    with avrentals.db.transaction(w.engine) as s:  # someone else saves first
        settings_admin.update_settings(s, actor_of(w.admin), 1, {"tagline": "Sound"})
    await _settings_save(tab, w)
    assert tab.state(S("SettingsState")).conflict


async def _settings_apply(tab: Tab, w: World) -> None:
    await tab.call(S("SettingsState"), "apply_mine")


async def _upload_logo(tab: Tab, w: World) -> None:
    upload = rx.UploadFile(file=io.BytesIO(png()))
    await tab.call(S("SettingsState"), "upload_logo", [upload])


async def _logo_set(tab: Tab, w: World) -> None:
    with avrentals.db.transaction(w.engine) as s:
        settings_admin.set_logo(s, actor_of(w.admin), png())
    await _settings_open(tab, w)


async def _remove_logo(tab: Tab, w: World) -> None:
    await tab.call(S("SettingsState"), "remove_logo")


ADMIN_CASES: dict[str, Case] = {
    **_form_cases(
        "UserFormState",
        "users:write",
        User,
        _target,
        {"name": "Renamed Person"},
        {"job_title": "Rigger"},
    ),
    "UserActionState.confirm": Case(
        ("users:write",), _ask_user_action("deactivate"), _confirm_user_action
    ),
    "ProfileState.save": Case((EVERY_ROLE,), _nothing, _profile_save),
    "ProfileState.apply_mine": Case((EVERY_ROLE,), _profile_conflicted, _profile_apply),
    "ProfileState.change_password": Case((EVERY_ROLE,), _nothing, _change_password),
    "ProfileState.upload_photo": Case((EVERY_ROLE,), _nothing, _profile_photo),
    "ProfileState.remove_photo": Case((EVERY_ROLE,), _has_photo, _remove_profile_photo),
    "SettingsState.save": Case(("settings:write",), _settings_open, _settings_save),
    "SettingsState.apply_mine": Case(("settings:write",), _settings_conflicted, _settings_apply),
    "SettingsState.upload_logo": Case(("settings:write",), _settings_open, _upload_logo),
    "SettingsState.remove_logo": Case(("settings:write",), _logo_set, _remove_logo),
}
ADMIN_CREATE_CASES: dict[str, Case] = {
    "UserFormState.save[create]": Case(("users:write",), _new_user, _create_user),
    **{
        f"UserActionState.confirm[{action}]": Case(
            ("users:delete" if action == "delete" else "users:write",),
            _ask_user_action(action),
            _confirm_user_action,
        )
        for action in ("activate", "reset_password", "sign_out", "delete")
    },
}


CREATE_CASES: dict[str, Case] = {
    **ADMIN_CREATE_CASES,
    **QUOTE_CREATE_CASES,
    "ServiceFormState.save[create]": Case(("services:write",), _new_service, _create_service),
    "FeeFormState.save[create]": Case(("fees:write",), _new_fee, _create_fee),
    "CatalogueToggleState.confirm_toggle[fee]": Case(
        ("fees:write",), _ask_toggle(Fee), _confirm_toggle
    ),
    "ClientFormState.save[create]": Case(("clients:write",), _new_client, _create_client),
    "EquipmentFormState.save[create]": Case(("equipment:write",), _new_item, _create_item),
    "EventFormState.save[create]": Case(("events:write",), _new_event, _create_event),
    "MaintenanceFormState.save[repair]": Case(
        ("maintenance:write",), _open_repair, _save_maintenance
    ),
}


def _delete_case(permission: str, ask: Step, state: str) -> Case:
    async def act(tab: Tab, w: World) -> None:
        await _confirm_delete(tab, w, state)

    return Case((permission,), ask, act)


async def _has_notification(tab: Tab, w: World) -> None:
    """One unread notification for the acting user (their own: every role manages it)."""
    assert w.user is not None
    with avrentals.db.transaction(w.engine) as s:
        (note,) = notify(
            s, [w.user.id], NotificationType.SYSTEM, "Hello", "Read me", dedup_key=None
        )
    w.note_id = str(note.id)  # type: ignore[attr-defined]


def _notification_act(state: str, handler: str, *args: Any) -> Step:
    async def act(tab: Tab, w: World) -> None:
        note = getattr(w, "note_id", None)
        await tab.call(S(state), handler, *[note if a is _NOTE else a for a in args])

    return act


_NOTE = object()  # placeholder for the prepared notification's id
NOTIFICATION_CASES: dict[str, Case] = {
    "NotificationBellState.open_item": Case(
        (EVERY_ROLE,),
        _has_notification,
        _notification_act("NotificationBellState", "open_item", _NOTE),
    ),
    "NotificationBellState.mark_all_read": Case(
        (EVERY_ROLE,),
        _has_notification,
        _notification_act("NotificationBellState", "mark_all_read"),
    ),
    "NotificationsState.open_item": Case(
        (EVERY_ROLE,),
        _has_notification,
        _notification_act("NotificationsState", "open_item", _NOTE),
    ),
    "NotificationsState.mark_read": Case(
        (EVERY_ROLE,),
        _has_notification,
        _notification_act("NotificationsState", "mark_read", _NOTE),
    ),
    "NotificationsState.delete_item": Case(
        (EVERY_ROLE,),
        _has_notification,
        _notification_act("NotificationsState", "delete_item", _NOTE),
    ),
    "NotificationsState.mark_all_read": Case(
        (EVERY_ROLE,), _has_notification, _notification_act("NotificationsState", "mark_all_read")
    ),
    "NotificationsState.set_muted": Case(
        (EVERY_ROLE,),
        _nothing,
        _notification_act("NotificationsState", "set_muted", "low_stock", True),
    ),
}


# "State.handler" -> the permission(s) its write needs and how to reach it.
MUTATING: dict[str, Case] = {
    **ADMIN_CASES,
    **QUOTE_CASES,
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
    "MaintenanceFormState.save": Case(("maintenance:write",), _open_request, _save_maintenance),
    **_form_cases(
        "MaintenanceLogFormState",
        "maintenance:write",
        MaintenanceLog,
        _maintenance_log,
        {"description": "Fan replaced", "cost": "25"},
        {"description": "Fan noise, bearings worn"},
    ),
    "MaintenanceState.confirm_close": Case(
        ("maintenance:write",), _ask_close_log, _confirm_close_log
    ),
    "CalendarState.drop_event": Case(("events:write",), _calendar, _drop),
    "CalendarState.confirm_move": Case(("events:write",), _open_move, _confirm_move),
    # A personal calendar-feed token: every signed-in role may issue and revoke its own.
    "CalendarState.issue_feed": Case(("events:read",), _feed_issued, _issue_feed),
    "CalendarState.revoke_feed": Case(("events:read",), _feed_issued, _revoke_feed),
    **_form_cases(
        "ServiceFormState",
        "services:write",
        Service,
        lambda w: _catalogue_row(w, Service),
        {"name": "Sound Engineer (FOH)", "unit_price": "400"},
        {"category": "Crew"},
    ),
    **_form_cases(
        "FeeFormState",
        "fees:write",
        Fee,
        lambda w: _catalogue_row(w, Fee),
        {"amount": "4"},
        {"category": "Insurance"},
    ),
    "CatalogueToggleState.confirm_toggle": Case(
        ("services:write",), _ask_toggle(Service), _confirm_toggle
    ),
    **PREP_CASES,
    **NOTIFICATION_CASES,
}

# Sign-in and sign-out write the login audit for anyone with valid credentials or a valid
# token: identity, not a permission of DESIGN §6 (tests/integration/test_auth.py covers them).
# Sign-in, sign-out, and the interface language (a user's own preference, any role).
IDENTITY = frozenset({"AuthState.sign_in", "AuthState.sign_out", "LocaleState.choose_language"})

# Handlers that read, open/close dialogs or change this tab's view only (no write).
READ_ONLY = frozenset(
    {
        # Dashboard, reports and the audit log only read (the services check reports:read /
        # audit:read); the CSV export is a download.
        "AuditState.clear_filters",
        # Labels rebuilt in the tab's new language after a language switch (re-read only).
        "CalendarState.relabel",
        "TimelineState.relabel",
        "ConflictsState.relabel",
        "AuditState.export_csv",
        "AuditState.load",
        "AuditState.next_page",
        "AuditState.prev_page",
        "AuditState.set_action",
        "AuditState.set_end",
        "AuditState.set_entity",
        "AuditState.set_start",
        "AuditState.set_user",
        "DashboardState.last_days",
        "DashboardState.load",
        "DashboardState.refresh",
        "DashboardState.set_end",
        "DashboardState.set_hour",
        "DashboardState.set_start",
        "ReportsState.load",
        "ReportsState.next_page",
        "ReportsState.prev_page",
        "ReportsState.reset_period",
        "ReportsState.set_category",
        "ReportsState.set_end",
        "ReportsState.set_months",
        "ReportsState.set_start",
        # Quote builder edits change the tab's document only; autosave / save_now write it.
        "QuotesState.clear_filters",
        "QuotesState.dismiss_notice",
        "QuotesState.load",
        "QuotesState.next_page",
        "QuotesState.prev_page",
        "QuotesState.refresh",
        "QuotesState.set_page_size",
        "QuotesState.set_search",
        "QuotesState.set_sort",
        "QuotesState.set_status",
        "QuoteActionsState.ask",
        "QuoteActionsState.set_confirm_open",
        "QuoteActionsState.file_result",
        "QuoteSendState.open_send",
        "QuoteSendState.set_send_open",
        "QuoteSendState.set_recipient",
        "QuoteSendState.set_language",
        "QuoteBuilderState.load",
        "QuoteBuilderState.set_field",
        "QuoteBuilderState.set_discount_type",
        "QuoteBuilderState.set_line",
        "QuoteBuilderState.remove_line",
        "QuoteBuilderState.refresh_availability",
        "QuoteBuilderState.search_clients",
        "QuoteBuilderState.pick_client",
        "QuoteBuilderState.unlink_client",
        "QuoteBuilderState.search_equipment",
        "QuoteBuilderState.open_equipment",
        "QuoteBuilderState.equipment_key",
        "QuoteBuilderState.add_equipment",
        "QuoteBuilderState.add_service",
        "QuoteBuilderState.add_fee",
        "QuoteBuilderState.apply_mine",
        "QuoteBuilderState.discard_mine",
        "QuoteBuilderState.dismiss_notice",
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
        "CatalogueToggleState.ask_toggle",
        "CatalogueToggleState.set_toggle_open",
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
        "FeeFormState.discard_mine",
        "FeeFormState.open_create",
        "FeeFormState.open_edit",
        "FeeFormState.set_choice",
        "FeeFormState.set_form_open",
        "FeeFormState.set_required",
        "FeesState.clear_filters",
        "FeesState.dismiss_notice",
        "FeesState.load",
        "FeesState.next_page",
        "FeesState.prev_page",
        "FeesState.refresh",
        "FeesState.set_category",
        "FeesState.set_page_size",
        "FeesState.set_search",
        "FeesState.set_sort",
        "FeesState.set_status",
        "InventoryActionsState.export_csv",
        "InventoryActionsState.print_labels",
        "MaintenanceFormState.change_item",
        "MaintenanceFormState.open_repair",
        "MaintenanceFormState.open_request",
        "MaintenanceFormState.pick_item",
        "MaintenanceFormState.search_items",
        "MaintenanceFormState.set_choice",
        "MaintenanceFormState.set_form_open",
        "MaintenanceLogFormState.discard_mine",
        "MaintenanceLogFormState.open_edit",
        "MaintenanceLogFormState.set_form_open",
        "MaintenanceState.ask_close",
        "MaintenanceState.clear_filters",
        "MaintenanceState.dismiss_notice",
        "MaintenanceState.load",
        "MaintenanceState.next_page",
        "MaintenanceState.open_history",
        "MaintenanceState.prev_page",
        "MaintenanceState.refresh",
        "MaintenanceState.set_category",
        "MaintenanceState.set_close_open",
        "MaintenanceState.set_history_open",
        "MaintenanceState.set_page_size",
        "MaintenanceState.set_search",
        "MaintenanceState.set_sort",
        "ServiceFormState.discard_mine",
        "ServiceFormState.open_create",
        "ServiceFormState.open_edit",
        "ServiceFormState.set_choice",
        "ServiceFormState.set_form_open",
        "ServicesState.clear_filters",
        "ServicesState.dismiss_notice",
        "ServicesState.load",
        "ServicesState.next_page",
        "ServicesState.prev_page",
        "ServicesState.refresh",
        "ServicesState.set_category",
        "ServicesState.set_page_size",
        "ServicesState.set_search",
        "ServicesState.set_sort",
        "ServicesState.set_status",
        # Prep: reading, this tab's view, the dialog's fields. `heartbeat`/`load` only touch
        # the presence registry; PrepListState.load also runs the idempotent overdue-return
        # notification generator (a system write, the same for every role).
        "PrepChecklistState.camera_failed",
        "PrepChecklistState.dismiss_notice",
        "PrepChecklistState.dismiss_outcome",
        "PrepChecklistState.heartbeat",
        "PrepChecklistState.load",
        "PrepChecklistState.open_report",
        "PrepChecklistState.remove_report_photo",
        "PrepChecklistState.report_photo_rejected",
        "PrepChecklistState.set_report_condition",
        "PrepChecklistState.set_report_note",
        "PrepChecklistState.set_report_open",
        "PrepChecklistState.set_report_units",
        "PrepChecklistState.set_tab",
        "PrepChecklistState.start_report_photo",
        "PrepChecklistState.toggle_camera",
        "PrepListState.load",
        # Notifications: reading one's own, this tab's view and toasts.
        "NotificationBellState.load",
        "NotificationBellState.set_open",
        "NotificationsState.clear_filters",
        "NotificationsState.load",
        "NotificationsState.next_page",
        "NotificationsState.prev_page",
        "NotificationsState.set_kind",
        "NotificationsState.set_show",
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
        # users, profile, settings, team
        "BrandingState.load",
        "ProfileState.discard_mine",
        "ProfileState.load",
        "ProfileState.photo_rejected",
        "ProfileState.set_form_open",
        "ProfileState.set_language",
        "ProfileState.start_photo_upload",
        "SettingsState.discard_mine",
        "SettingsState.load",
        "SettingsState.logo_rejected",
        "SettingsState.set_choice",
        "SettingsState.set_form_open",
        "SettingsState.start_logo_upload",
        "TeamState.load",
        "UserActionState.ask",
        "UserActionState.set_open",
        "UserFormState.discard_mine",
        "UserFormState.open_create",
        "UserFormState.open_edit",
        "UserFormState.set_choice",
        "UserFormState.set_form_open",
        "UsersState.clear_filters",
        "UsersState.dismiss_notice",
        "UsersState.load",
        "UsersState.next_page",
        "UsersState.prev_page",
        "UsersState.refresh",
        "UsersState.set_active_filter",
        "UsersState.set_page_size",
        "UsersState.set_role_filter",
        "UsersState.set_search",
        "UsersState.set_sort",
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
