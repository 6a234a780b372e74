"""The item page (/equipment/<id>): all fields, per-status unit counts, upcoming bookings,
maintenance history and audit history (who, when, what changed).

The id comes from the URL, is parsed as a UUID here and read with
`equipment.equipment_detail` in a worker thread with the re-verified Actor. An unknown or
malformed id shows "not found". Live refreshes arrive through `_apply_changes` (called by
`avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.ui import routes
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.clients import (
    format_eur,
    format_period,
    parse_client_id,
    text,
    verified_actor,
)
from avrentals.ui.state.details import apply_detail_changes, refresh_pages
from avrentals.ui.state.equipment import STATUS_LABELS, EquipmentState

LIVE_ENTITIES = frozenset({"equipment", "rental", "event", "category", "subcategory"})
TYPE_LABELS = {"equipment": "Equipment", "consumable": "Consumable"}
PREP_LABELS = {"pending": "Pending", "checked-out": "Out", "checked-in": "Returned"}
# Audit column names as people read them.
AUDIT_LABELS = {
    "name": "Name",
    "description": "Description",
    "category_id": "Category",
    "subcategory_id": "Subcategory",
    "item_type": "Type",
    "quantity": "Quantity",
    "qty_good": "Good",
    "qty_damaged": "Damaged",
    "qty_maintenance": "Maintenance",
    "status": "Status",
    "location": "Location",
    "daily_rate": "Daily rate",
    "asset_code": "Asset code",
    "low_stock_threshold": "Low-stock threshold",
}
ACTION_LABELS = {"create": "Created", "update": "Changed", "delete": "Deleted"}
HIDDEN_AUDIT = {"id", "version", "created_at", "updated_at", "created_by", "updated_by"}


def format_when(iso: str) -> str:
    try:
        at = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return text(iso)
    return f"{at:%d %b %Y %H:%M} UTC"


def _short(value: Any) -> str:
    shown = "—" if value in (None, "") else str(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def describe_audit(entry: dict[str, Any]) -> str:
    """ "Location: Shelf A → Shelf B; Quantity: 4 → 5" for an update; the key fields for a
    create/delete."""
    old, new = entry.get("old") or {}, entry.get("new") or {}
    parts = []
    for key, label in AUDIT_LABELS.items():
        if key not in old and key not in new:
            continue
        before, after = old.get(key), new.get(key)
        if entry.get("action") == "update":
            if before != after:
                parts.append(f"{label}: {_short(before)} → {_short(after)}")
        elif key in ("name", "quantity", "location", "asset_code"):
            parts.append(f"{label}: {_short(after if after is not None else before)}")
    return "; ".join(parts)


def display_detail(detail: dict[str, Any]) -> dict[str, Any]:
    """`equipment_detail` output as the display-ready strings the page shows."""
    row = detail["item"]
    status = text(row.get("status"))
    kind = text(row.get("item_type"))
    item = {
        "id": text(row.get("id")),
        "name": text(row.get("name")),
        "description": text(row.get("description")),
        "asset_code": text(row.get("asset_code")),
        "category": text(row.get("category_name")),
        "subcategory": text(row.get("subcategory_name")),
        "type": TYPE_LABELS.get(kind, kind),
        "status": status,
        "status_label": STATUS_LABELS.get(status, status.title()),
        "quantity": text(row.get("quantity")),
        "location": text(row.get("location")),
        "rate": format_eur(row.get("daily_rate")),
        "low_stock": text(row.get("low_stock_threshold")),
        "version": text(row.get("version")),
    }
    counts = {k: text(v) for k, v in detail["counts"].items()}
    bookings = [
        {
            "event_id": b["event_id"],
            "event_name": text(b.get("event_name")),
            "period": format_period(b.get("start_date", ""), b.get("end_date", "")),
            "quantity": text(b.get("quantity")),
            "prep": PREP_LABELS.get(text(b.get("prep_status")), text(b.get("prep_status"))),
        }
        for b in detail["upcoming_bookings"]
    ]
    maintenance = [
        {
            "id": m["id"],
            "date": text(m.get("date")),
            "description": text(m.get("description")),
            "cost": format_eur(m.get("cost")) if m.get("cost") is not None else "—",
            "units": text(m.get("units")),
            "status": text(m.get("status")),
            "technician": text(m.get("technician_name")) or "—",
        }
        for m in detail["maintenance"]
    ]
    history = [
        {
            "at": format_when(h.get("at", "")),
            "action": ACTION_LABELS.get(h.get("action"), text(h.get("action"))),
            "actor": text(h.get("actor")) or "system",
            "summary": describe_audit(h),
        }
        for h in detail["history"]
    ]
    return {
        "item": item,
        "counts": counts,
        "bookings": bookings,
        "maintenance": maintenance,
        "history": history,
    }


def id_from_path(path: str) -> str:
    """The `<id>` of `/equipment/<id>` (raw text; validated by `parse_client_id`)."""
    prefix = routes.EQUIPMENT + "/"
    if not isinstance(path, str) or not path.startswith(prefix):
        return ""
    return path[len(prefix) :].strip("/")


def _parse(raw: str) -> Any:
    item_id = parse_client_id(raw)
    if item_id is None:
        raise NotFound("Equipment item not found.")
    return item_id


def _load_detail(actor: Actor, item_id: str) -> dict[str, Any]:
    with read_session() as session:
        return display_detail(equipment_service.equipment_detail(session, actor, _parse(item_id)))


def _live_detail(token: str, ip: str | None, user_agent: str | None, item_id: str) -> dict:
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        return display_detail(equipment_service.equipment_detail(session, actor, _parse(item_id)))


class EquipmentDetailState(rx.State):
    """One item's page. Handlers take no client-supplied arguments: the id is parsed from
    the URL (a UUID, else "not found"); `equipment.equipment_detail` does the read."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    detail_id: str = ""
    loaded: bool = False
    not_found: bool = False
    error: str = ""
    item: dict[str, str] = {}
    counts: dict[str, str] = {}
    bookings: list[dict[str, str]] = []
    maintenance: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    live_notice: str = ""

    def _apply(self, shown: dict[str, Any]) -> None:
        self.item = shown["item"]
        self.counts = shown["counts"]
        self.bookings = shown["bookings"]
        self.maintenance = shown["maintenance"]
        self.history = shown["history"]
        self.not_found = False
        self.loaded = True

    def _gone(self) -> None:
        self.not_found = True
        self.loaded = True
        self.item, self.counts = {}, {}
        self.bookings, self.maintenance, self.history = [], [], []

    async def _reload(self, actor: Actor) -> None:
        try:
            shown = await asyncio.to_thread(_load_detail, actor, self.detail_id)
        except NotFound:
            self._gone()
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._apply(shown)

    @rx.event
    async def load(self):
        """on_load of /equipment/<id>: re-verify the token, take the id from the URL (a UUID
        of at most 64 characters, else "not found") and read `equipment.equipment_detail`."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        raw = id_from_path(self.router.url.path)
        if raw != self.detail_id:
            self.loaded = False
            self.item = {}
        self.detail_id = raw if parse_client_id(raw) is not None else ""
        self.live_notice = ""
        if not self.detail_id:
            self._gone()
            return
        yield
        await self._reload(actor)

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the item after a committed change to it, its category or any rental or
        event (they may be its bookings), if this tab shows it; name who changed it."""
        await apply_detail_changes(
            self,
            changes,
            live_entities=LIVE_ENTITIES,
            entity="equipment",
            name=self.item.get("name") or "This item",
            id_from_path=id_from_path,
            live_detail=_live_detail,
        )


async def refresh_equipment_pages(state: rx.State, actor: Actor, item_id: str) -> None:
    """After a write from this tab: re-query the inventory list (if loaded) and the item
    page (if it shows `item_id`), so the user sees the result with the save's answer (the
    live push follows too)."""
    await refresh_pages(state, actor, item_id, EquipmentState, EquipmentDetailState)
