"""The event page (/events/<id>): event info (status, client, dates with buffers, assigned
user, notes) and its rental lines.

The id comes from the URL, is parsed as a UUID here and read with `events.get_event_detail`
in a worker thread with the re-verified Actor; an unknown or malformed id shows "not found".
Adding, editing and removing lines live in `event_rentals.py`. Live refreshes arrive through
`_apply_changes` (called by `avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import asyncio
import functools
from datetime import date, timedelta
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound
from avrentals.domain.permissions import Actor
from avrentals.domain.services import events as events_service
from avrentals.domain.services.prep_overdue import overdue_return
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.state.details import (
    DetailStateMixin,
    parse_or_not_found,
    path_id,
    read_detail,
    read_detail_live,
    refresh_pages,
)
from avrentals.ui.state.events import (
    EVENTS_PATH,
    STATUS_LABELS,
    EventsState,
    buffer_parts,
    overdue_text,
)
from avrentals.ui.state.formatting import format_period, text
from avrentals.ui.state.listing import live_context
from avrentals.ui.state.locale import LocaleState

# Prep status -> catalogue key of its label (rendered with `t(...)` in the browser).
PREP_LABELS = {
    "pending": "events.prep.pending",
    "checked-out": "events.prep.checked_out",
    "checked-in": "events.prep.checked_in",
}
# Rentals and items change what the page lists; clients change the client's name.
LIVE_ENTITIES = frozenset({"event", "rental", "equipment", "client"})


def blocked_text(
    start: str, end: str, prep: int, ret: int, language: str = DEFAULT_LANGUAGE
) -> str:
    """ "Gear blocked 8-16 Jun 2030 (2 prep days, 1 return day)" or "" without buffers."""
    if not prep and not ret:
        return ""
    try:
        first = date.fromisoformat(start) - timedelta(days=prep)
        last = date.fromisoformat(end) + timedelta(days=ret)
    except (TypeError, ValueError):
        return ""
    parts = buffer_parts(prep, ret, language)
    period = format_period(first.isoformat(), last.isoformat(), language)
    return translate("events.detail.blocked", language, period=period, parts=", ".join(parts))


def display_detail(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """`get_event_detail` output (plus `overdue_units`) as the display-ready strings the
    page shows (in `language`; status and prep labels are catalogue keys)."""
    status = text(row.get("status"))
    prep, ret = int(row.get("prep_days") or 0), int(row.get("return_days") or 0)
    start, end = text(row.get("start_date")), text(row.get("end_date"))
    event = {
        "id": text(row.get("id")),
        "name": text(row.get("name")),
        "client_id": text(row.get("client_id")),
        "client": text(row.get("client_name")),
        "location": text(row.get("location")),
        "start_date": start,
        "end_date": end,
        "period": format_period(start, end, language),
        "blocked": blocked_text(start, end, prep, ret, language),
        "prep_days": str(prep),
        "return_days": str(ret),
        "assigned": text(row.get("assigned_user_name")),
        "notes": text(row.get("notes")),
        "status": status,
        "status_label": STATUS_LABELS.get(status, status.title()),
        "overdue": overdue_text(row.get("overdue_units"), language),
        "version": text(row.get("version")),
    }
    quote = row.get("quote") or {}
    event["quote_id"] = text(quote.get("id"))
    event["quote_label"] = (
        f"{text(quote.get('number'))} · {text(quote.get('name'))}" if quote else ""
    )
    rentals = [
        {
            "id": text(r.get("id")),
            "equipment_id": text(r.get("equipment_id")),
            "name": text(r.get("equipment_name")),
            "category": text(r.get("category_name")),
            "quantity": text(r.get("quantity")),
            "prep_status": text(r.get("prep_status")),
            "prep_label": PREP_LABELS.get(text(r.get("prep_status")), text(r.get("prep_status"))),
            "scanned_out": text(r.get("scanned_out") or 0),
            "scanned_in": text(r.get("scanned_in") or 0),
            "version": text(r.get("version")),
        }
        for r in row.get("rentals") or []
    ]
    return {"event": event, "rentals": rentals}


def parse_id(raw: str) -> Any:
    return parse_or_not_found(raw, "Event not found.")


def _read(
    session: Session, actor: Actor, event_id: str, language: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    parsed = parse_id(event_id)
    detail = events_service.get_event_detail(session, actor, parsed)
    # Read after the permission-checked detail: units out past the return window.
    overdue = overdue_return(session, parsed, date.today())
    return display_detail({**detail, "overdue_units": overdue}, language)


def _reader(language: str) -> Any:
    return functools.partial(_read, language=language)


def _load_detail(actor: Actor, detail_id: str, language: str) -> dict[str, Any]:
    return read_detail(_reader(language), actor, detail_id)


def _live_detail(
    token: str, ip: str | None, user_agent: str | None, detail_id: str, language: str
) -> dict[str, Any]:
    return read_detail_live(_reader(language), token, ip, user_agent, detail_id)


def id_from_path(path: str) -> str:
    """The `<id>` of `/events/<id>` (raw text; validated by `parse_client_id`)."""
    return path_id(path, EVENTS_PATH)


class EventDetailState(DetailStateMixin, rx.State):
    """One event's page. Handlers take no client-supplied arguments: the id is parsed from
    the URL (a UUID, else "not found"); `events.get_event_detail` does the read."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    event: dict[str, str] = {}
    rentals: list[dict[str, str]] = []
    _language: str = DEFAULT_LANGUAGE  # of the tab, read before every (re)load

    @rx.var
    def line_count(self) -> int:
        return len(self.rentals)

    @rx.var
    def unit_count(self) -> int:
        return sum(int(r.get("quantity") or 0) for r in self.rentals)

    def _apply(self, shown: dict[str, Any]) -> None:
        self.event = shown["event"]
        self.rentals = shown["rentals"]
        self.not_found = False
        self.loaded = True

    def _id_from_path(self, path: str) -> str:
        return id_from_path(path)

    def _load_detail(self, actor: Actor, detail_id: str) -> dict[str, Any]:
        return _load_detail(actor, detail_id, self._language)

    async def _follow_language(self) -> str:
        self._language = (await self.get_state(LocaleState)).language
        return self._language

    async def _reload(self, actor: Actor) -> None:
        await self._follow_language()
        await super()._reload(actor)

    def _forget(self) -> None:
        self.event = {}
        self.rentals = []

    def _gone(self) -> None:
        self.not_found = True
        self.loaded = True
        self.event = {}
        self.rentals = []

    @rx.event
    async def load(self):
        """on_load of /events/<id>: re-verify the token, take the id from the URL (a UUID of
        at most 64 characters, else "not found") and read `events.get_event_detail`."""
        async for update in self._open_from_url():
            yield update

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the event after committed event/rental/item/client changes, if this tab
        shows it, and name who changed the event or its equipment (own changes are quiet)."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        on_page = id_from_path(self.router.url.path) == self.detail_id
        if not relevant or not self.loaded or not self.detail_id or not on_page:
            return
        token, ip, user_agent, own = await live_context(self)
        if not token:
            return
        before = {r["id"] for r in self.rentals}
        lang = await self._follow_language()
        name = self.event.get("name") or translate("events.live.this_event", lang)
        try:
            shown = await asyncio.to_thread(
                _live_detail, token, ip, user_agent, self.detail_id, lang
            )
        except NotFound:
            shown = None
        except DomainError:
            return
        if shown is None:
            self._gone()
        else:
            self._apply(shown)
        lines = before | {r["id"] for r in self.rentals}
        for change in reversed(relevant):
            if change.actor and change.actor == own:
                continue
            who = change.actorName or change.actor or translate("events.live.someone", lang)
            if change.entity == "event" and change.id == self.detail_id:
                key = "events.live.deleted" if change.action == "delete" else "events.live.updated"
                self.live_notice = translate(key, lang, name=name, who=who)
                break
            if change.entity == "rental" and change.id in lines:
                self.live_notice = translate(
                    "events.live.equipment_changed", lang, name=name, who=who
                )
                break


async def refresh_event_pages(state: rx.State, actor: Actor, event_id: str) -> None:
    """After a write from this tab: re-query the events list (if loaded) and the event page
    (if it shows `event_id`); the live push follows for everyone else."""
    await refresh_pages(state, actor, event_id, EventsState, EventDetailState)
