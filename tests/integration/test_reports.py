"""Dashboard and report figures against hand-computed fixtures, on SQLite and PostgreSQL.

Utilisation fixture (period 1-10 Mar 2030, 10 days):

    Audio   A "Speaker"  4 units, 4 good                 -> 40 bookable unit-days
            B "Mic"      5 units, 3 good, 1 dmg, 1 maint -> 30
    Light   C "Spot"     2 units, 2 good                 -> 20
            D "Fog"      1 unit,  0 good, 1 maint        ->  0

    E1  2-3 Mar, prep 1, return 1 -> blocks 1-4 Mar     A x2, B x2
    E2  4-5 Mar, return 2         -> blocks 4-7 Mar     A x3, C x1   (A on 4 Mar: 5 > 4)
    E3  25 Feb-1 Mar              -> blocks 25 Feb-1 Mar C x2        (1 Mar inside)
    E4  9-12 Mar, prep 1          -> blocks 8-12 Mar    B x4, D x1   (B: 4 > 3, D: 0 good)
    E5  15-16 Mar, prep 2         -> blocks 13-16 Mar   C x2         (outside)
    E6  20-26 Feb, return 3       -> blocks 20 Feb-1 Mar B x1        (return buffer: 1 Mar)

    A: 1:2 2:2 3:2 4:min(5,4)=4 5:3 6:3 7:3                = 19 / 40 = 0.4750
    B: 1:2+1=3 2:2 3:2 4:2 8:min(4,3)=3 9:3 10:3            = 18 / 30 = 0.6000
    C: 1:2 4:1 5:1 6:1 7:1                                  =  6 / 20 = 0.3000
    D: 8..10: min(1,0)=0                                    =  0 /  0 = none
    Audio 37/70 = 0.5286, Light 6/20 = 0.3000, overall 43/90 = 0.4778

Top items over the same 10 days (event days only, no buffers): B = 2x2 (E1) + 4x2 (E4, 9-10
Mar) = 12; A = 2x2 + 3x2 = 10; C = 1x2 (E2) + 2x1 (E3, 1 Mar) = 4; D = 1x2 = 2.

Revenue, today = 15 Jun 2030, 6 months (Jan-Jun): Accepted quotes by start date only.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.domain import availability as av
from avrentals.domain.enums import QuoteStatus, Role, UnitStatus
from avrentals.domain.errors import Forbidden, ValidationFailed
from avrentals.domain.models import Category, Client, EquipmentItem, Quote
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services import dashboard, reports, utilisation
from avrentals.domain.services.auth import actor_of
from tests.booking_factories import make_event, raw_rental
from tests.factories import make_actor, make_user
from tests.inventory_factories import insert, make_client

PERIOD = av.Window(date(2030, 3, 1), date(2030, 3, 10))
TODAY = date(2030, 6, 15)


def add_item(
    engine: Engine, category: Category, name: str, good: int, damaged: int = 0, maint: int = 0
) -> EquipmentItem:
    status = UnitStatus.GOOD if good else UnitStatus.MAINTENANCE
    return insert(
        engine,
        EquipmentItem(
            name=name,
            category_id=category.id,
            quantity=good + damaged + maint,
            qty_good=good,
            qty_damaged=damaged,
            qty_maintenance=maint,
            status=status,
            location="Aisle A",
            daily_rate=Decimal("10.00"),
            asset_code=f"T-{uuid.uuid4().hex[:8]}",
        ),
    )


def build_stock(engine: Engine) -> dict[str, Any]:
    """The utilisation fixture of the module docstring; `me` (a Manager) has E1, E2, E4."""
    audio = insert(engine, Category(name="Audio"))
    light = insert(engine, Category(name="Light"))
    a = add_item(engine, audio, "Speaker", 4)
    b = add_item(engine, audio, "Mic", 3, damaged=1, maint=1)
    c = add_item(engine, light, "Spot", 2)
    d = add_item(engine, light, "Fog", 0, maint=1)
    client = make_client(engine, "Acme Events")
    me = make_user(engine, Role.MANAGER)
    other = make_user(engine, Role.EMPLOYEE)

    def event(name: str, start: date, end: date, prep: int = 0, ret: int = 0, who=None):
        return make_event(
            engine,
            client,
            start,
            end,
            name=name,
            prep=prep,
            ret=ret,
            assigned_user_id=who.id if who else None,
        )

    e1 = event("E1 Gala", date(2030, 3, 2), date(2030, 3, 3), prep=1, ret=1, who=me)
    e2 = event("E2 Launch", date(2030, 3, 4), date(2030, 3, 5), ret=2, who=me)
    e3 = event("E3 Fair", date(2030, 2, 25), date(2030, 3, 1), who=other)
    e4 = event("E4 Tour", date(2030, 3, 9), date(2030, 3, 12), prep=1, who=me)
    e5 = event("E5 Later", date(2030, 3, 15), date(2030, 3, 16), prep=2)
    e6 = event("E6 Before", date(2030, 2, 20), date(2030, 2, 26), ret=3)
    for ev, item, qty in [
        (e1, a, 2),
        (e1, b, 2),
        (e2, a, 3),
        (e2, c, 1),
        (e3, c, 2),
        (e4, b, 4),
        (e4, d, 1),
        (e5, c, 2),
        (e6, b, 1),
    ]:
        raw_rental(engine, ev, item, qty)
    return {
        "audio": audio,
        "light": light,
        "items": {"A": a, "B": b, "C": c, "D": d},
        "events": {"E1": e1, "E2": e2, "E4": e4},
        "me": actor_of(me),
        "me_user": me,
    }


@pytest.fixture
def stock(engine: Engine) -> dict[str, Any]:
    return build_stock(engine)


def figures(row: dict[str, Any]) -> tuple[int, int, str | None]:
    return row["bookedUnitDays"], row["bookableUnitDays"], row["utilisation"]


# --- utilisation ---------------------------------------------------------------------------


def test_utilisation_per_item_category_and_overall(engine: Engine, stock: dict) -> None:
    with Session(engine) as s:
        data = utilisation.utilisation(s, stock["me"], PERIOD)
    assert data["days"] == 10
    assert figures(data["overall"]) == (43, 90, "0.4778")
    by_category = {c["categoryName"]: (c["items"], *figures(c)) for c in data["categories"]}
    assert by_category == {"Audio": (2, 37, 70, "0.5286"), "Light": (2, 6, 20, "0.3000")}
    assert [c["categoryName"] for c in data["categories"]] == ["Audio", "Light"]
    items = [(i["name"], i["good"], *figures(i)) for i in data["items"]]
    # Highest utilisation first; the item with nothing bookable last.
    assert items == [
        ("Mic", 3, 18, 30, "0.6000"),
        ("Speaker", 4, 19, 40, "0.4750"),
        ("Spot", 2, 6, 20, "0.3000"),
        ("Fog", 0, 0, 0, None),
    ]
    assert data["total"] == 4 and data["totalPages"] == 1


def test_utilisation_of_one_category_and_paging(engine: Engine, stock: dict) -> None:
    with Session(engine) as s:
        light = utilisation.utilisation(s, stock["me"], PERIOD, category_id=stock["light"].id)
        first = utilisation.utilisation(s, stock["me"], PERIOD, paging=PageRequest(1, 2))
        second = utilisation.utilisation(s, stock["me"], PERIOD, paging=PageRequest(2, 2))
        past = utilisation.utilisation(s, stock["me"], PERIOD, paging=PageRequest(9, 2))
    assert figures(light["overall"]) == (6, 20, "0.3000")
    assert [i["name"] for i in light["items"]] == ["Spot", "Fog"]
    assert [i["name"] for i in first["items"]] == ["Mic", "Speaker"]
    assert [i["name"] for i in second["items"]] == ["Spot", "Fog"]
    assert first["total"] == second["total"] == past["total"] == 4
    assert past["items"] == [] and figures(past["overall"]) == (43, 90, "0.4778")


def test_buffers_count_and_peaks_are_capped(engine: Engine, stock: dict) -> None:
    """Single days isolate each rule: 4 Mar (A 5 booked of 4), 1 Mar (E6's return buffer on
    B, E3's last day on C), 8 Mar (E4's prep day)."""
    with Session(engine) as s:

        def item_figures(day: date) -> dict[str, tuple[int, int, str | None]]:
            data = utilisation.utilisation(s, stock["me"], av.Window(day, day))
            return {i["name"]: figures(i) for i in data["items"]}

        assert item_figures(date(2030, 3, 4))["Speaker"] == (4, 4, "1.0000")
        first = item_figures(date(2030, 3, 1))
        assert first["Mic"] == (3, 3, "1.0000")  # E1 prep (2) + E6 return buffer (1)
        assert first["Spot"] == (2, 2, "1.0000")
        eighth = item_figures(date(2030, 3, 8))
        assert eighth["Mic"] == (3, 3, "1.0000")  # E4's prep day, 4 capped at 3 good
        assert eighth["Speaker"] == (0, 4, "0.0000")
        assert item_figures(date(2030, 3, 14))["Spot"] == (2, 2, "1.0000")  # E5 prep


def test_utilisation_with_no_stock_and_period_limits(engine: Engine) -> None:
    actor = make_actor(engine, Role.ADMIN)
    with Session(engine) as s:
        data = utilisation.utilisation(s, actor, PERIOD)
        assert data["items"] == [] and data["categories"] == []
        assert figures(data["overall"]) == (0, 0, None)
        with pytest.raises(ValidationFailed) as exc:
            utilisation.utilisation(s, actor, av.Window(date(2030, 1, 1), date(2031, 1, 2)))
    assert "end_date" in exc.value.fields


# --- revenue and top lists -----------------------------------------------------------------


def quote(engine: Engine, client: Client | None, status: QuoteStatus, start: date, total: str):
    return insert(
        engine,
        Quote(
            number=f"Q{start.year}-{uuid.uuid4().hex[:6]}",
            name="Quote",
            client_id=client.id if client else None,
            client_name=client.name if client else "Walk-in",
            start_date=start,
            end_date=start,
            status=status,
            total=Decimal(total),
        ),
    )


def build_quotes(engine: Engine) -> dict[str, Client]:
    """Accepted and other quotes of the revenue tests (see their expected figures)."""
    acme, beta, gamma = (make_client(engine, n) for n in ("Acme", "Beta", "Gamma"))
    smalls = [make_client(engine, f"Small {n}") for n in (1, 2, 3, 4)]
    ok = QuoteStatus.ACCEPTED
    quote(engine, acme, ok, date(2030, 1, 10), "1000.00")
    quote(engine, acme, ok, date(2030, 3, 31), "250.50")
    quote(engine, beta, ok, date(2030, 3, 1), "99.99")
    quote(engine, beta, QuoteStatus.SENT, date(2030, 3, 5), "5000.00")
    quote(engine, acme, QuoteStatus.DECLINED, date(2030, 4, 1), "7000.00")
    quote(engine, acme, QuoteStatus.DRAFT, date(2030, 5, 1), "7000.00")
    quote(engine, gamma, QuoteStatus.ARCHIVED, date(2030, 5, 2), "7000.00")
    quote(engine, gamma, ok, date(2029, 12, 31), "800.00")  # before the window
    quote(engine, None, ok, date(2030, 6, 15), "40.00")  # walk-in: revenue, no client
    quote(engine, gamma, ok, date(2030, 7, 1), "300.00")  # after the window
    quote(engine, beta, ok, date(2030, 6, 30), "1200.00")
    for small, amount in zip(smalls, ("10.00", "20.00", "30.00", "40.00"), strict=True):
        quote(engine, small, ok, date(2030, 2, 14), amount)
    return {"acme": acme, "beta": beta}


@pytest.fixture
def quotes(engine: Engine) -> dict[str, Client]:
    return build_quotes(engine)


def test_monthly_revenue_counts_accepted_quotes_by_start_month(
    engine: Engine, quotes: dict
) -> None:
    actor = make_actor(engine, Role.MANAGER)
    with Session(engine) as s:
        months = reports.monthly_revenue(s, actor, 6, today=TODAY)
        three = reports.monthly_revenue(s, actor, 3, today=TODAY)
    assert [(m["month"], m["revenue"], m["quotes"]) for m in months] == [
        ("2030-01", "1000.00", 1),
        ("2030-02", "100.00", 4),
        ("2030-03", "350.49", 2),
        ("2030-04", "0.00", 0),
        ("2030-05", "0.00", 0),
        ("2030-06", "1240.00", 2),
    ]
    assert months[0]["label"] == "Jan 2030"
    assert [m["month"] for m in three] == ["2030-04", "2030-05", "2030-06"]


def test_top_clients_by_accepted_revenue(engine: Engine, quotes: dict) -> None:
    actor = make_actor(engine, Role.ADMIN)
    window = reports.default_period(6, TODAY)
    assert window == av.Window(date(2030, 1, 1), date(2030, 6, 30))
    with Session(engine) as s:
        top = reports.top_clients(s, actor, window)
        march = reports.top_clients(s, actor, av.Window(date(2030, 3, 1), date(2030, 3, 31)))
    assert [(c["name"], c["revenue"], c["quotes"]) for c in top] == [
        ("Beta", "1299.99", 2),
        ("Acme", "1250.50", 2),
        ("Small 4", "40.00", 1),
        ("Small 3", "30.00", 1),
        ("Small 2", "20.00", 1),
    ]
    assert top[0]["id"] == str(quotes["beta"].id)
    assert [(c["name"], c["revenue"]) for c in march] == [("Acme", "250.50"), ("Beta", "99.99")]


def test_top_items_by_rented_unit_days(engine: Engine, stock: dict) -> None:
    with Session(engine) as s:
        top = reports.top_items(s, stock["me"], PERIOD)
        three = reports.top_items(s, stock["me"], PERIOD, limit=3)
    assert [(i["name"], i["unitDays"], i["rentals"]) for i in top] == [
        ("Mic", 12, 2),
        ("Speaker", 10, 2),
        ("Spot", 4, 2),
        ("Fog", 2, 1),
    ]
    assert top[0]["categoryName"] == "Audio"
    assert [i["name"] for i in three] == ["Mic", "Speaker", "Spot"]


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER])
def test_reports_need_reports_read(engine: Engine, role: Role) -> None:
    actor = make_actor(engine, role)
    with Session(engine) as s:
        for call in (
            lambda: reports.monthly_revenue(s, actor),
            lambda: reports.top_clients(s, actor, PERIOD),
            lambda: reports.top_items(s, actor, PERIOD),
            lambda: utilisation.utilisation(s, actor, PERIOD),
        ):
            with pytest.raises(Forbidden):
                call()
        assert dashboard.dashboard(s, actor, TODAY)["reports"] is None


def test_bad_report_arguments(engine: Engine) -> None:
    actor = make_actor(engine, Role.ADMIN)
    with Session(engine) as s:
        for months in (0, 37, "x", None):
            with pytest.raises(ValidationFailed):
                reports.monthly_revenue(s, actor, months)  # type: ignore[arg-type]
        with pytest.raises(ValidationFailed):
            reports.top_items(s, actor, PERIOD, limit=0)


# --- dashboard -----------------------------------------------------------------------------


def test_dashboard_cards_and_my_events(engine: Engine, stock: dict) -> None:
    today = date(2030, 3, 6)  # a Wednesday: the week is 4-10 Mar
    with Session(engine) as s:
        data = dashboard.dashboard(s, stock["me"], today, period=PERIOD)
    assert data["cards"] == {
        "equipmentUnits": 12,
        "equipmentItems": 4,
        "clients": 1,
        "upcomingEvents": 1,  # E4 starts 9 Mar; E5 (15 Mar) is past the 7 days
        "maintenanceUnits": 3,
        "maintenanceItems": 2,
    }
    # E1 (2-3 Mar) is last week; E3 is someone else's.
    assert [(e["name"], e["status"], e["clientName"]) for e in data["myEvents"]] == [
        ("E2 Launch", "completed", "Acme Events"),
        ("E4 Tour", "upcoming", "Acme Events"),
    ]
    panels = data["reports"]
    assert figures(panels["utilisation"]["overall"]) == (43, 90, "0.4778")
    assert [r["month"] for r in panels["revenue"]] == [
        "2029-10",
        "2029-11",
        "2029-12",
        "2030-01",
        "2030-02",
        "2030-03",
    ]
    # Oct 2029 - Mar 2030 holds every event: Mic 2x2 + 4x4 + 1x7, Spot 1x2 + 2x5 + 2x2.
    assert [(i["name"], i["unitDays"]) for i in panels["topItems"]][:3] == [
        ("Mic", 27),
        ("Spot", 16),
        ("Speaker", 10),
    ]


# --- the Reflex states (in-process tab, PostgreSQL) ----------------------------------------


def test_states_show_reports_only_to_roles_that_may_read_them(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Viewer's dashboard tab never holds a report figure and the reports / audit pages
    refuse them; an Admin's tab gets the figures. Handler arguments are validated."""
    import asyncio

    import avrentals.db
    from avrentals.ui.state.audit import AuditState
    from avrentals.ui.state.dashboard import DashboardState
    from avrentals.ui.state.reports import ReportsState
    from tests.integration.test_ui_handler_roles import Tab

    monkeypatch.setattr(avrentals.db, "get_engine", lambda: pg_engine)
    build_stock(pg_engine)
    viewer = make_user(pg_engine, Role.VIEWER)
    manager = make_user(pg_engine, Role.MANAGER)
    admin = make_user(pg_engine, Role.ADMIN)

    async def run() -> None:
        tab = Tab()
        tab.sign_in(viewer)
        await tab.call(DashboardState, "load")
        dash = tab.state(DashboardState)
        assert dash.loaded and dash.cards["equipment"] == "12"
        assert not dash.has_reports and dash.revenue == [] and dash.items == []
        await tab.call(DashboardState, "last_days", 7)
        assert dash.items == [] and "may not" in dash.error
        await tab.call(ReportsState, "load")
        reports_tab = tab.state(ReportsState)
        assert "may not" in reports_tab.error and reports_tab.items == []
        await tab.call(AuditState, "load")
        assert "may not" in tab.state(AuditState).error

        managers = Tab()
        managers.sign_in(manager)
        await managers.call(AuditState, "load")
        assert managers.state(AuditState).rows == []
        assert "may not" in managers.state(AuditState).error

        admins = Tab()
        admins.sign_in(admin)
        await admins.call(DashboardState, "load")
        shown = admins.state(DashboardState)
        assert shown.has_reports and shown.categories and shown.items
        await admins.call(DashboardState, "set_hour", 9)
        await admins.call(DashboardState, "set_hour", "9; alert(1)")
        assert shown.greeting == "Good morning"
        await admins.call(DashboardState, "set_start", "2020-01-01")
        assert "366" in shown.range_error
        await admins.call(ReportsState, "load")
        page = admins.state(ReportsState)
        assert page.items and page.error == ""
        await admins.call(ReportsState, "set_category", "not-a-category")
        await admins.call(ReportsState, "set_months", "1000")
        assert page.category == "all" and page.months == "6"
        light = next(c for c in page.category_options if c["name"] == "Light")
        await admins.call(ReportsState, "set_category", light["id"])
        assert [c["name"] for c in page.categories] == ["Light"]
        await admins.call(AuditState, "load")
        audit = admins.state(AuditState)
        assert audit.error == ""
        await admins.call(AuditState, "set_action", "no-such-action")
        assert audit.action == "all"

    asyncio.run(run())
