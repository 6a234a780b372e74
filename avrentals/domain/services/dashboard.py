"""The dashboard: stat cards, the actor's events this week and, for Admins and Managers, the
report panels (revenue, top clients, top items, utilisation).

Rules:
- **Equipment**: Σ `quantity` over all items (units owned) and the number of items.
- **Clients**: the number of client records.
- **Upcoming events**: events whose start date lies from today to today + 6 (the next 7
  calendar days, today included).
- **Needing maintenance**: Σ damaged + in-maintenance units, and the items with any.
- **Your events this week**: events assigned to the actor that overlap this week (Monday to
  Sunday of today), earliest first (at most MAX_MY_EVENTS).
- The report panels follow `services.reports` and `services.utilisation` and are present only
  for roles with `reports:read` (`reports` is None otherwise).

Every number is a SQL aggregate (the cards are one statement of scalar subqueries). Reads
only: no locks. Needs a signed-in actor with `equipment:read`, `clients:read`,
`events:read` and `maintenance:read` (every role; raises Unauthorized / Forbidden).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from avrentals.domain import availability as av
from avrentals.domain.models import Client, EquipmentItem, Event
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services import reports, utilisation
from avrentals.domain.services.events import event_status

UPCOMING_DAYS = 7
MAX_MY_EVENTS = 10
DASHBOARD_UTILISATION_ITEMS = 10


def week_of(today: date) -> av.Window:
    """Monday to Sunday of the week holding `today`."""
    monday = today - timedelta(days=today.weekday())
    return av.Window(monday, monday + timedelta(days=6))


def _param(dialect: str, value: date) -> Any:
    if dialect == "sqlite":
        return sa.literal(value.isoformat(), sa.String)
    return sa.literal(value, sa.Date)


def stat_cards(session: Session, actor: Actor, today: date | None = None) -> dict[str, int]:
    """`{equipmentUnits, equipmentItems, clients, upcomingEvents, maintenanceUnits,
    maintenanceItems}` (see the module rules). One query."""
    for permission in ("equipment:read", "clients:read", "events:read", "maintenance:read"):
        require(actor, permission)
    today = today or date.today()
    dialect = session.get_bind().dialect.name
    out_of_service = col(EquipmentItem.qty_damaged) + col(EquipmentItem.qty_maintenance)

    def scalar(stmt: Any) -> Any:
        return stmt.scalar_subquery()

    row = session.execute(
        sa.select(
            scalar(sa.select(sa.func.coalesce(sa.func.sum(col(EquipmentItem.quantity)), 0))),
            scalar(sa.select(sa.func.count()).select_from(EquipmentItem)),
            scalar(sa.select(sa.func.count()).select_from(Client)),
            scalar(
                sa.select(sa.func.count())
                .select_from(Event)
                .where(
                    col(Event.start_date) >= _param(dialect, today),
                    col(Event.start_date)
                    <= _param(dialect, today + timedelta(days=UPCOMING_DAYS - 1)),
                )
            ),
            scalar(sa.select(sa.func.coalesce(sa.func.sum(out_of_service), 0))),
            scalar(sa.select(sa.func.count()).select_from(EquipmentItem).where(out_of_service > 0)),
        )
    ).one()
    keys = (
        "equipmentUnits",
        "equipmentItems",
        "clients",
        "upcomingEvents",
        "maintenanceUnits",
        "maintenanceItems",
    )
    return {key: int(value) for key, value in zip(keys, row, strict=True)}


def my_events_this_week(
    session: Session, actor: Actor, today: date | None = None
) -> list[dict[str, Any]]:
    """`[{id, name, clientName, location, startDate, endDate, status}]`: events assigned to
    the actor overlapping this week, earliest first. One query. Needs `events:read`."""
    require(actor, "events:read")
    today = today or date.today()
    week = week_of(today)
    dialect = session.get_bind().dialect.name
    rows = session.execute(
        sa.select(
            col(Event.id),
            col(Event.name),
            col(Client.name),
            col(Event.location),
            col(Event.start_date),
            col(Event.end_date),
        )
        .join(Client, col(Client.id) == col(Event.client_id))
        .where(
            col(Event.assigned_user_id) == actor.user_id,
            col(Event.start_date) <= _param(dialect, week.end),
            col(Event.end_date) >= _param(dialect, week.start),
        )
        .order_by(col(Event.start_date), col(Event.name), col(Event.id))
        .limit(MAX_MY_EVENTS)
    ).all()
    return [
        {
            "id": str(event_id),
            "name": name,
            "clientName": client,
            "location": location,
            "startDate": start.isoformat(),
            "endDate": end.isoformat(),
            "status": event_status(start, end, today),
        }
        for event_id, name, client, location, start, end in rows
    ]


def report_panels(
    session: Session,
    actor: Actor,
    today: date | None = None,
    period: av.Window | None = None,
) -> dict[str, Any]:
    """The Admin/Manager panels: `{revenue, topClients, topItems, utilisation}`. Revenue is
    the last `reports.DEFAULT_MONTHS` months; the top lists cover the same months; the
    utilisation covers `period` (default: the last 30 days), its 10 busiest items. Needs
    `reports:read`."""
    require(actor, "reports:read")
    today = today or date.today()
    window = reports.default_period(reports.DEFAULT_MONTHS, today)
    return {
        "revenue": reports.monthly_revenue(session, actor, reports.DEFAULT_MONTHS, today),
        "topClients": reports.top_clients(session, actor, window),
        "topItems": reports.top_items(session, actor, window),
        "utilisation": utilisation.utilisation(
            session,
            actor,
            period or utilisation.default_period(today),
            paging=PageRequest(1, DASHBOARD_UTILISATION_ITEMS),
        ),
    }


def dashboard(
    session: Session,
    actor: Actor,
    today: date | None = None,
    period: av.Window | None = None,
) -> dict[str, Any]:
    """Everything the dashboard shows: `{today, cards, myEvents, reports}` where `reports` is
    `report_panels(...)` for roles with `reports:read` and None otherwise."""
    today = today or date.today()
    return {
        "today": today.isoformat(),
        "cards": stat_cards(session, actor, today),
        "myEvents": my_events_this_week(session, actor, today),
        "reports": report_panels(session, actor, today, period)
        if actor.can("reports:read")
        else None,
    }
