"""ICS export and feed tokens on both backends: the file parsed back with `icalendar`
(all-day dates with exclusive end, stable UIDs, filters), tokens stored as digests, rotation,
revocation and deactivated users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import transaction
from avrentals.domain.enums import Role
from avrentals.domain.errors import NotFound
from avrentals.domain.models import AuditLog, User
from avrentals.domain.services import calendar as cal
from avrentals.domain.services import ics_feed
from avrentals.domain.services.auth import actor_of
from tests.booking_factories import day, make_client, make_event, raw_rental
from tests.factories import make_actor, make_item, make_user


def parse(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_events_ics_content(engine: Engine):
    actor = make_actor(engine, Role.VIEWER)
    client = make_client(engine, "Acme Live")
    mic = make_item(engine, "Mic", quantity=5)
    gala = make_event(engine, client, day(1), day(3), name="Gala Night", prep=2, ret=1)
    make_event(engine, client, day(5), name="One Day")
    raw_rental(engine, gala, mic, 4)
    with Session(engine) as s:
        body = ics_feed.events_ics(
            s, actor, start=day(0), end=day(30), base_url="https://rent.example"
        )
        again = ics_feed.events_ics(s, actor, start=day(0), end=day(30))
    events = parse(body)
    assert set(events) == {"Gala Night", "One Day"}
    vevent = events["Gala Night"]
    assert vevent.decoded("DTSTART") == day(1)
    assert vevent.decoded("DTEND") == day(4)  # exclusive end
    assert events["One Day"].decoded("DTEND") - events["One Day"].decoded("DTSTART") == timedelta(
        days=1
    )
    assert str(vevent["UID"]) == f"event-{gala.id}@avrentals"
    assert str(vevent["LOCATION"]) == "Lisbon Arena"
    assert str(vevent["URL"]) == f"https://rent.example/events/{gala.id}"
    description = str(vevent["DESCRIPTION"])
    assert "Client: Acme Live" in description
    assert f"Prep from {(day(-1)).isoformat()}" in description
    assert "4 units on 1 lines" in description
    assert vevent.get("DTSTAMP") is not None
    assert {str(e["UID"]) for e in parse(again).values()} == {
        str(e["UID"]) for e in events.values()
    }


def test_uid_stable_across_moves_and_filters(engine: Engine):
    actor = make_actor(engine, Role.MANAGER)
    acme, other = make_client(engine, "Acme"), make_client(engine, "Other")
    mic = make_item(engine, "Mic", quantity=5)
    gala = make_event(engine, acme, day(1), day(2), name="Gala")
    make_event(engine, other, day(1), day(2), name="Other gig")
    raw_rental(engine, gala, mic, 1)
    with Session(engine) as s:
        before = parse(ics_feed.events_ics(s, actor, start=day(0), end=day(30)))["Gala"]
        only = parse(ics_feed.events_ics(s, actor, start=day(0), end=day(30), item_id=mic.id))
        assert set(only) == {"Gala"}
        by_client = ics_feed.events_ics(s, actor, start=day(0), end=day(30), client_id=other.id)
        assert set(parse(by_client)) == {"Other gig"}
    with transaction(engine) as s:
        cal.move_event(s, actor, gala.id, 1, day(9))
    with Session(engine) as s:
        after = parse(ics_feed.events_ics(s, actor, start=day(0), end=day(30)))["Gala"]
    assert str(after["UID"]) == str(before["UID"])
    assert after.decoded("DTSTART") == day(9) and int(after["SEQUENCE"]) == 1


def test_feed_token_issue_rotate_revoke(engine: Engine):
    user = make_user(engine, Role.EMPLOYEE)
    actor = actor_of(user)
    client = make_client(engine)
    make_event(engine, client, day(1), name="Feed Event")
    today = day(0)
    with transaction(engine) as s:
        token = ics_feed.issue_feed_token(s, actor)
    with Session(engine) as s:
        stored = s.get(User, user.id)
        assert stored is not None and stored.ics_token == ics_feed.token_digest(token)
        assert token not in str(stored.ics_token)  # only the digest is kept
        assert "Feed Event" in parse(ics_feed.feed_for_token(s, token, today=today))
        assert ics_feed.has_feed(s, actor)
    with transaction(engine) as s:
        rotated = ics_feed.issue_feed_token(s, actor)
    assert rotated != token
    with Session(engine) as s:
        with pytest.raises(NotFound):
            ics_feed.feed_for_token(s, token)
        assert parse(ics_feed.feed_for_token(s, rotated, today=today))
    with transaction(engine) as s:
        assert ics_feed.revoke_feed_token(s, actor) is True
    with Session(engine) as s:
        with pytest.raises(NotFound):
            ics_feed.feed_for_token(s, rotated)
        assert not ics_feed.has_feed(s, actor)
        actions = s.exec(
            select(AuditLog.action).where(col(AuditLog.entity_id) == str(user.id))
        ).all()
        assert sorted(actions) == ["feed_token_issue", "feed_token_issue", "feed_token_revoke"]
        for row in s.exec(select(AuditLog).where(col(AuditLog.entity_id) == str(user.id))):
            assert token not in str(row.new_values) and rotated not in str(row.new_values)


def test_deactivated_user_feed_stops(engine: Engine):
    user = make_user(engine, Role.VIEWER)
    with transaction(engine) as s:
        token = ics_feed.issue_feed_token(s, actor_of(user))
    with Session(engine) as s:
        assert ics_feed.feed_for_token(s, token).startswith(b"BEGIN:VCALENDAR")
        row = s.get(User, user.id)
        assert row is not None
        row.is_active = False
        s.add(row)
        s.commit()
    with Session(engine) as s:
        with pytest.raises(NotFound):
            ics_feed.feed_for_token(s, token)
        for bad in ("", "short", "x" * 500, "a" * 43):
            with pytest.raises(NotFound):
                ics_feed.feed_for_token(s, bad)
