"""The availability timeline and the grouped conflicts, against a hand-computed fixture on
both backends: buffers (prep and return), back-to-back events, a conflict day after units
were damaged, category filter, search and paging; agreement with `item_availability` and
`conflicts`; a bounded number of queries."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.db import transaction
from avrentals.domain import availability as av
from avrentals.domain.enums import NotificationType, Role
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import Category, EquipmentItem, Notification
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import availability as avs
from avrentals.domain.services import timeline as tl
from avrentals.domain.services.equipment import update_equipment
from tests.booking_factories import day, make_client, make_event, raw_rental, set_good
from tests.factories import make_actor, make_user
from tests.inventory_factories import insert

WINDOW = av.Window(day(0), day(9))


def _item(engine: Engine, category: Category, name: str, quantity: int) -> EquipmentItem:
    return insert(
        engine,
        EquipmentItem(
            name=name,
            category_id=category.id,
            quantity=quantity,
            qty_good=quantity,
            location="Aisle B",
            daily_rate=Decimal("10"),
            asset_code=f"TL-{name.replace(' ', '').upper()}",
        ),
    )


@dataclass
class Fixture:
    actor: Actor
    audio: Category
    video: Category
    mic_a: EquipmentItem
    mic_b: EquipmentItem
    projector: EquipmentItem
    events: dict[str, object]


def build(engine: Engine) -> Fixture:
    """Audio: Mic A (4 good), Mic B (2 good); Video: Projector (2 units, 1 good after damage).

    E1  days 2-3, prep 1, return 1  -> blocks 1..4   Mic A x2, Projector x1
    E2  days 5-6, no buffers        -> blocks 5..6   Mic A x3   (back to back with E1)
    E3  day 4,   return 2           -> blocks 4..6   Mic A x1, Projector x1
    E4  days -3..-2, return 2       -> blocks -3..0  Mic B x1   (return buffer reaches day 0)
    E5  days 12-13                  -> outside the window          Mic A x4
    """
    actor = make_actor(engine, Role.VIEWER)
    audio = insert(engine, Category(name="Audio", position=0))
    video = insert(engine, Category(name="Video", position=1))
    mic_a = _item(engine, audio, "Mic A", 4)
    mic_b = _item(engine, audio, "Mic B", 2)
    projector = _item(engine, video, "Projector", 2)
    client = make_client(engine)
    e1 = make_event(engine, client, day(2), day(3), name="Gala", prep=1, ret=1)
    e2 = make_event(engine, client, day(5), day(6), name="Concert")
    e3 = make_event(engine, client, day(4), name="Launch", ret=2)
    e4 = make_event(engine, client, day(-3), day(-2), name="Expo", ret=2)
    e5 = make_event(engine, client, day(12), day(13), name="Later")
    raw_rental(engine, e1, mic_a, 2)
    raw_rental(engine, e1, projector, 1)
    raw_rental(engine, e2, mic_a, 3)
    raw_rental(engine, e3, mic_a, 1)
    raw_rental(engine, e3, projector, 1)
    raw_rental(engine, e4, mic_b, 1)
    raw_rental(engine, e5, mic_a, 4)
    set_good(engine, projector, 1)  # reality changed under the bookings: day 4 overbooked
    events = {"E1": e1, "E2": e2, "E3": e3, "E4": e4, "E5": e5}
    return Fixture(actor, audio, video, mic_a, mic_b, projector, events)


EXPECTED = {
    "Mic A": [0, 2, 2, 2, 3, 4, 4, 0, 0, 0],
    "Mic B": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    "Projector": [0, 1, 1, 1, 2, 1, 1, 0, 0, 0],
}


def _timeline(engine: Engine, actor: Actor, window: av.Window = WINDOW, **kw) -> dict:
    with Session(engine) as s:
        return tl.timeline(s, actor, window, **kw)


def test_grid_matches_hand_computed_usage(engine: Engine) -> None:
    fx = build(engine)
    data = _timeline(engine, fx.actor)

    assert data["days"] == [d.isoformat() for d in WINDOW.dates()]
    assert [i["name"] for i in data["items"]] == ["Mic A", "Mic B", "Projector"]
    assert {i["name"]: i["booked"] for i in data["items"]} == EXPECTED
    rows = {i["name"]: i for i in data["items"]}
    assert [rows[n]["bookable"] for n in EXPECTED] == [4, 2, 1]
    assert rows["Projector"]["quantity"] == 2
    assert rows["Projector"]["conflictDays"] == [day(4).isoformat()]
    assert rows["Mic A"]["conflictDays"] == [] and rows["Mic A"]["peak"] == 4
    assert rows["Projector"]["categoryName"] == "Video"
    assert (data["total"], data["page"], data["totalPages"]) == (3, 1, 1)


def test_segments_name_the_events_using_each_day(engine: Engine) -> None:
    fx = build(engine)
    rows = {i["name"]: i for i in _timeline(engine, fx.actor)["items"]}

    projector = [
        (s["startDate"], s["endDate"], s["booked"], s["conflict"])
        for s in rows["Projector"]["segments"]
    ]
    assert projector == [
        (day(1).isoformat(), day(3).isoformat(), 1, False),
        (day(4).isoformat(), day(4).isoformat(), 2, True),
        (day(5).isoformat(), day(6).isoformat(), 1, False),
    ]
    conflict = rows["Projector"]["segments"][1]
    assert sorted(e["eventName"] for e in conflict["events"]) == ["Gala", "Launch"]
    # Back to back: Gala's return day (4) and Concert's first day (5) never count together.
    mic_a = {
        s["startDate"]: sorted(e["eventName"] for e in s["events"])
        for s in rows["Mic A"]["segments"]
    }
    assert mic_a[day(4).isoformat()] == ["Gala", "Launch"]
    assert mic_a[day(5).isoformat()] == ["Concert", "Launch"]
    # Mic B is only used through Expo's return buffer.
    assert [(s["startDate"], s["events"][0]["eventName"]) for s in rows["Mic B"]["segments"]] == [
        (day(0).isoformat(), "Expo")
    ]


def test_category_filter_search_and_paging(engine: Engine) -> None:
    fx = build(engine)

    video = _timeline(engine, fx.actor, category_id=fx.video.id)
    assert [i["name"] for i in video["items"]] == ["Projector"]
    assert video["items"][0]["booked"] == EXPECTED["Projector"]

    mics = _timeline(engine, fx.actor, search="mic")
    assert [i["name"] for i in mics["items"]] == ["Mic A", "Mic B"]
    assert _timeline(engine, fx.actor, search="mic", category_id=fx.video.id)["items"] == []

    first = _timeline(engine, fx.actor, paging=PageRequest(1, 2))
    second = _timeline(engine, fx.actor, paging=PageRequest(2, 2))
    assert [i["name"] for i in first["items"]] == ["Mic A", "Mic B"]
    assert [i["name"] for i in second["items"]] == ["Projector"]
    assert (second["total"], second["totalPages"], second["page"]) == (3, 2, 2)
    assert second["items"][0]["booked"] == EXPECTED["Projector"]


def test_agrees_with_item_availability_and_conflicts(engine: Engine) -> None:
    fx = build(engine)
    window = av.Window(day(-4), day(15))  # wider than the fixture, both ends outside events
    data = _timeline(engine, fx.actor, window)
    with Session(engine) as s:
        for item in data["items"]:
            for n, iso in enumerate(data["days"]):
                one_day = av.Window(date.fromisoformat(iso), date.fromisoformat(iso))
                answer = avs.item_availability(s, fx.actor, fx_id(item), one_day)
                assert answer["peakUsage"] == item["booked"][n], (item["name"], iso)
                assert answer["bookable"] == item["bookable"]
        found = avs.conflicts(s, fx.actor, window)
    from_grid = sorted(
        (d, i["id"], i["booked"][data["days"].index(d)])
        for i in data["items"]
        for d in i["conflictDays"]
    )
    from_engine = sorted((c["date"], c["item"]["id"], c["booked"]) for c in found)
    assert from_grid == from_engine == [(day(4).isoformat(), str(fx.projector.id), 2)]


def fx_id(item: dict) -> uuid.UUID:
    return uuid.UUID(item["id"])


def test_query_count_does_not_grow_with_items_or_days(engine: Engine) -> None:
    fx = build(engine)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        _timeline(engine, fx.actor)
        small = len(statements)
        for n in range(30):
            _item(engine, fx.audio, f"Speaker {n:02d}", 3)
        statements.clear()
        data = _timeline(engine, fx.actor, av.Window(day(0), day(91)))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(data["items"]) == 33 and len(data["days"]) == 92
    assert len(statements) == small <= 4


def test_range_limits(engine: Engine) -> None:
    fx = build(engine)
    with pytest.raises(ValidationFailed) as too_long:
        _timeline(engine, fx.actor, av.Window(day(0), day(92)))  # 93 days
    assert "end_date" in too_long.value.fields
    with pytest.raises(ValidationFailed):
        tl.timeline_window(day(3), day(1))
    with pytest.raises(ValidationFailed):
        tl.timeline_window(None, day(1))
    assert tl.timeline_window(day(0), day(91)).days == 92


def test_group_conflicts_collapses_consecutive_days() -> None:
    def conflict(n: int, booked: int, rental: str) -> dict:
        booking = {
            "rentalId": rental,
            "eventId": "e-" + rental,
            "eventName": "Event " + rental,
            "quantity": booked,
            "blockedFrom": day(n).isoformat(),
            "blockedTo": day(n).isoformat(),
        }
        item = {"id": "i1", "name": "Projector"}
        return {
            "date": day(n).isoformat(),
            "item": item,
            "booked": booked,
            "bookable": 1,
            "events": [booking],
        }

    other = {
        "date": day(0).isoformat(),
        "item": {"id": "i2", "name": "Amp"},
        "booked": 3,
        "bookable": 2,
        "events": [],
    }
    groups = tl.group_conflicts(
        [
            conflict(2, 2, "r1"),
            conflict(3, 3, "r2"),
            conflict(4, 2, "r1"),
            conflict(7, 2, "r3"),
            other,
        ]
    )
    assert [g["item"]["name"] for g in groups] == ["Amp", "Projector"]  # by first conflict
    projector = groups[1]
    assert projector["days"] == 4 and projector["worst"] == 2
    spans = [(s["startDate"], s["endDate"], s["days"], s["booked"]) for s in projector["spans"]]
    assert spans == [
        (day(2).isoformat(), day(4).isoformat(), 3, 3),
        (day(7).isoformat(), day(7).isoformat(), 1, 2),
    ]
    assert [e["rentalId"] for e in projector["spans"][0]["events"]] == ["r1", "r2"]


def test_damage_under_bookings_alerts_and_shows_in_the_panel(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    manager = make_user(engine, Role.MANAGER)
    audio = insert(engine, Category(name="Audio"))
    item = _item(engine, audio, "Line array", 4)
    today = date.today()
    client = make_client(engine)
    first = make_event(
        engine, client, today + timedelta(days=5), today + timedelta(days=7), name="Festival"
    )
    second = make_event(
        engine, client, today + timedelta(days=7), today + timedelta(days=8), name="Wedding"
    )
    raw_rental(engine, first, item, 2)
    raw_rental(engine, second, item, 2)
    with Session(engine) as s:
        assert tl.conflict_groups(s, tech, tl.default_conflict_window()) == []
        assert tl.conflict_item_count(s, tech) == 0
        version = s.get(EquipmentItem, item.id).version  # type: ignore[union-attr]

    with transaction(engine) as s:  # one unit damaged: day 7 (4 booked) is now over 3
        update_equipment(
            s,
            tech,
            item.id,
            version,
            {"quantity_good": 3, "quantity_damaged": 1, "quantity_maintenance": 0},
        )

    with Session(engine) as s:
        alerts = (
            s.execute(
                sa.select(Notification).where(Notification.type == NotificationType.CONFLICT_ALERT)
            )
            .scalars()
            .all()
        )
        assert [a.user_id for a in alerts] == [manager.id]
        groups = tl.conflict_groups(s, tech, tl.default_conflict_window())
        assert tl.conflict_item_count(s, tech) == 1
    assert len(groups) == 1
    span = groups[0]["spans"][0]
    assert groups[0]["item"] == {"id": str(item.id), "name": "Line array"}
    assert (span["startDate"], span["endDate"], span["booked"], span["bookable"]) == (
        (today + timedelta(days=7)).isoformat(),
        (today + timedelta(days=7)).isoformat(),
        4,
        3,
    )
    assert sorted(e["eventName"] for e in span["events"]) == ["Festival", "Wedding"]


def test_random_bookings_agree_with_the_engine(engine: Engine) -> None:
    """Seeded random events (buffers, overlaps, damage) over 40 days: every cell equals the
    engine's one-day peak, and the grid's conflict days are exactly `conflicts()`."""
    rng = random.Random(4)
    actor = make_actor(engine, Role.VIEWER)
    category = insert(engine, Category(name="Random"))
    items = [_item(engine, category, f"Item {n}", rng.randint(2, 6)) for n in range(5)]
    client = make_client(engine)
    for n in range(20):
        start = day(rng.randint(-5, 35))
        event = make_event(
            engine,
            client,
            start,
            start + timedelta(days=rng.randint(0, 4)),
            name=f"Random {n}",
            prep=rng.randint(0, 2),
            ret=rng.randint(0, 2),
        )
        for item in rng.sample(items, rng.randint(1, 3)):
            raw_rental(engine, event, item, rng.randint(1, 3))
    for item in items[:3]:
        set_good(engine, item, rng.randint(0, item.quantity - 1))
    window = av.Window(day(0), day(39))
    data = _timeline(engine, actor, window)
    with Session(engine) as s:
        for row in data["items"]:
            for n, iso in enumerate(data["days"]):
                one_day = av.Window(date.fromisoformat(iso), date.fromisoformat(iso))
                peak = avs.item_availability(s, actor, fx_id(row), one_day)["peakUsage"]
                assert peak == row["booked"][n], (row["name"], iso)
        found = avs.conflicts(s, actor, window)
    from_grid = sorted((d, i["id"]) for i in data["items"] for d in i["conflictDays"])
    assert from_grid == sorted((c["date"], c["item"]["id"]) for c in found)
    assert from_grid, "the fixture is meant to contain conflicts"
