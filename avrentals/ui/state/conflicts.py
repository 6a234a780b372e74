"""The conflicts panel (/conflicts): every overbooked day in a range, grouped by item with
consecutive days collapsed into spans, each with the events involved.

Reads `timeline.conflict_groups` (over `availability.conflicts`) in a worker thread with the
re-verified Actor. Handlers validate their arguments (ISO dates, range length). Live
refreshes arrive through `_apply_changes` (called by `avrentals.ui.live`, never by a client).
`conflict_badge_count` is the small number a navigation badge can show.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session
from avrentals.domain import availability as av
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.permissions import Actor
from avrentals.domain.services import availability as avs
from avrentals.domain.services import timeline as timeline_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.state.formatting import count_text, format_period, tab_language
from avrentals.ui.state.listing import live_context, verified_actor, verified_reload
from avrentals.ui.state.timeline import parse_day, range_problem, read_range

LIVE_ENTITIES = frozenset({"rental", "event", "equipment", "availability"})


def display_groups(
    groups: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    """`conflict_groups` output as the strings the panel shows (pure), in `language`: one
    entry per item, its spans, and per span the events involved."""
    items, spans, events = [], [], []
    for group in groups:
        items.append(
            {
                "id": group["item"]["id"],
                "name": group["item"]["name"],
                "summary": translate(
                    "conflicts.item.summary",
                    language,
                    days=count_text(group["days"], "conflicts.count.days", language),
                    worst=group["worst"],
                ),
            }
        )
        spans.append(
            [
                {
                    "period": format_period(s["startDate"], s["endDate"], language),
                    "start": s["startDate"],
                    "days": count_text(s["days"], "conflicts.count.days", language),
                    "booked": str(s["booked"]),
                    "bookable": str(s["bookable"]),
                    "short": str(s["short"]),
                }
                for s in group["spans"]
            ]
        )
        events.append(
            [
                [
                    {
                        "id": e["eventId"],
                        "name": e["eventName"],
                        "quantity": str(e["quantity"]),
                        "blocked": format_period(e["blockedFrom"], e["blockedTo"], language),
                    }
                    for e in s["events"]
                ]
                for s in group["spans"]
            ]
        )
    return {"items": items, "spans": spans, "events": events}


def _load(actor: Actor, window: av.Window) -> list[dict[str, Any]]:
    with read_session() as session:
        return timeline_service.conflict_groups(session, actor, window)


def _live_load(token: str, ip: str | None, user_agent: str | None, window: av.Window):
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        return timeline_service.conflict_groups(session, actor, window)


def _count(actor: Actor) -> int:
    with read_session() as session:
        return timeline_service.conflict_item_count(session, actor)


async def conflict_badge_count(actor: Actor) -> int:
    """How many items are overbooked from today to 90 days ahead (for a navigation badge);
    runs in a worker thread. Needs `rentals:read` (raises PermissionDenied otherwise)."""
    return await asyncio.to_thread(_count, actor)


class ConflictsState(rx.State):
    """The conflicts panel of one tab: the range and the grouped conflicts."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    start: str = ""
    end: str = ""
    items: list[dict[str, str]] = []
    spans: list[list[dict[str, str]]] = []
    events: list[list[list[dict[str, str]]]] = []
    total_days: int = 0
    loading: bool = False
    loaded: bool = False
    error: str = ""
    range_error: str = ""
    live_notice: str = ""
    count_label: str = ""  # "2 items overbooked on 5 days", in the tab's language
    _language: str = DEFAULT_LANGUAGE  # the language the shown labels were built in

    def _window(self) -> av.Window:
        first, last = parse_day(self.start), parse_day(self.end)
        if first is None or last is None or last < first:
            return timeline_service.default_conflict_window()
        return av.Window(first, last)

    def _apply(self, groups: list[dict[str, Any]], language: str) -> None:
        shown = display_groups(groups, language)
        self._language = language
        self.items, self.spans, self.events = shown["items"], shown["spans"], shown["events"]
        self.total_days = sum(g["days"] for g in groups)
        self.count_label = (
            translate(
                "conflicts.count.label",
                language,
                items=count_text(len(self.items), "conflicts.count.items", language),
                days=count_text(self.total_days, "conflicts.count.days", language),
            )
            if self.items
            else translate("conflicts.empty.title", language)
        )
        self.loaded = True

    async def _reload(self, actor: Actor) -> None:
        groups = await read_range(self, _load, actor, self._window())
        if groups is not None:
            self._apply(groups, await tab_language(self))

    async def _reload_verified(self):
        async for update in verified_reload(self, self._reload):
            yield update

    @rx.event
    async def load(self):
        """on_load of /conflicts: re-verify the token, then read the conflicts (default:
        today to 90 days ahead). No arguments."""
        if not parse_day(self.start) or not parse_day(self.end):
            window = timeline_service.default_conflict_window()
            self.start, self.end = window.start.isoformat(), window.end.isoformat()
        self.live_notice = ""
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def relabel(self):
        """The tab's language changed (or the page mounted): rebuild the labels in it when
        they were built in another one. No arguments."""
        if not self.loaded or await tab_language(self) == self._language:
            return
        async for update in self._reload_verified():
            yield update

    async def _show(self, start: Any, end: Any):
        problem = range_problem(start, end, avs.read_window, await tab_language(self))
        if problem:
            self.range_error = problem
            return
        self.start, self.end = str(parse_day(start)), str(parse_day(end))
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_start(self, value: str):
        """Start of the range (ISO date)."""
        async for update in self._show(value, self.end):
            yield update

    @rx.event
    async def set_end(self, value: str):
        """End of the range (ISO date; at most two years after the start)."""
        async for update in self._show(self.start, value):
            yield update

    @rx.event
    async def reset_range(self):
        """Back to today and the next 90 days. No arguments."""
        window = timeline_service.default_conflict_window()
        async for update in self._show(window.start.isoformat(), window.end.isoformat()):
            yield update

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the conflicts after committed rental / event / equipment changes, if this
        tab has the panel open; announce new or resolved conflicts."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        on_page = self.router.url.path.rstrip("/") == routes.CONFLICTS
        if not relevant or not self.loaded or not on_page:
            return
        token, ip, user_agent, _own = await live_context(self)
        if not token:
            return
        before = len(self.items)
        try:
            groups = await asyncio.to_thread(_live_load, token, ip, user_agent, self._window())
        except DomainError:
            return
        language = await tab_language(self)
        self._apply(groups, language)
        after = len(self.items)
        if after > before:
            self.live_notice = translate(
                "conflicts.live.new",
                language,
                items=count_text(after, "conflicts.count.items", language),
            )
        elif after < before:
            self.live_notice = translate("conflicts.live.resolved", language)
