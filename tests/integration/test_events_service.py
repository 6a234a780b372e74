"""Events service: validation, permissions, status/search/sort, versioned edits with the
availability check on moves, delete with its rentals, duplicate (both backends)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import read_session, transaction
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.errors import (
    Forbidden,
    NotFound,
    RentalConflict,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.models import AuditLog, Event, Rental
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services import events as ev
from tests.booking_factories import (
    count,
    day,
    make_client,
    make_event,
    raw_rental,
    rentals_of,
)
from tests.factories import make_actor, make_item, make_user


def fields(client_id, **over):
    base = {
        "name": "Summer Festival",
        "client_id": client_id,
        "location": "Lisbon",
        "start_date": day(0),
        "end_date": day(2),
    }
    return base | over


def test_create_validates_every_field_with_messages(engine: Engine) -> None:
    actor = make_actor(engine)
    inactive = make_user(engine, Role.EMPLOYEE, is_active=False)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        ev.create_event(
            s,
            actor,
            {
                "name": "ab",
                "client_id": None,
                "location": "x",
                "start_date": day(5),
                "end_date": day(4),
                "prep_days": -1,
                "return_days": "two",
                "assigned_user_id": inactive.id,
            },
        )
    errors = info.value.fields
    assert set(errors) == {
        "name",
        "client_id",
        "location",
        "end_date",
        "prep_days",
        "return_days",
        "assigned_user_id",
    }
    assert errors["name"] == ["Name must be 3 to 100 characters."]
    assert errors["client_id"] == ["Client is required."]
    assert errors["end_date"] == ["End date must be on or after the start date."]
    assert errors["assigned_user_id"] == ["Assigned user is deactivated."]
    assert count(engine, Event) == 0


def test_create_refuses_unknown_client_user_and_long_name(engine: Engine) -> None:
    actor = make_actor(engine)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        ev.create_event(
            s,
            actor,
            fields(
                "5b0c8e1e-0000-4000-8000-000000000000",
                name="x" * 101,
                assigned_user_id="not-a-uuid",
            ),
        )
    assert info.value.fields["client_id"] == ["Client not found."]
    assert info.value.fields["assigned_user_id"] == ["Assigned user not found."]
    assert "name" in info.value.fields


def test_create_audits_and_publishes_after_commit(
    engine: Engine, fresh_bus: changes.InProcessBus
) -> None:
    actor = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    user = make_user(engine, Role.TECHNICIAN)
    with transaction(engine) as s:
        event = ev.create_event(
            s,
            actor,
            fields(str(client.id), assigned_user_id=str(user.id), prep_days="1", notes="  "),
        )
        assert changes._PENDING_KEY in s.info
    with Session(engine) as s:
        saved = s.get(Event, event.id)
        assert saved is not None
        assert (saved.prep_days, saved.return_days, saved.notes) == (1, 0, None)
        assert saved.assigned_user_id == user.id and saved.version == 1
        audit = s.exec(select(AuditLog).where(AuditLog.entity_type == "event")).one()
        assert audit.action == "create" and audit.actor_id == actor.user_id


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.EMPLOYEE, True),
        (Role.TECHNICIAN, False),
        (Role.VIEWER, False),
    ],
)
def test_write_permission_per_role(engine: Engine, role: Role, allowed: bool) -> None:
    actor = make_actor(engine, role)
    client = make_client(engine)
    if allowed:
        with transaction(engine) as s:
            ev.create_event(s, actor, fields(client.id))
        assert count(engine, Event) == 1
    else:
        with pytest.raises(Forbidden), transaction(engine) as s:
            ev.create_event(s, actor, fields(client.id))
        assert count(engine, Event) == 0


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.MANAGER, True), (Role.EMPLOYEE, False), (Role.VIEWER, False)]
)
def test_delete_permission_per_role(engine: Engine, role: Role, allowed: bool) -> None:
    event = make_event(engine, make_client(engine), day(0))
    actor = make_actor(engine, role)
    if allowed:
        with transaction(engine) as s:
            ev.delete_event(s, actor, event.id)
        assert count(engine, Event) == 0
    else:
        with pytest.raises(Forbidden), transaction(engine) as s:
            ev.delete_event(s, actor, event.id)
        assert count(engine, Event) == 1


def test_list_search_status_client_sort_and_paging(engine: Engine) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    acme, zeta = make_client(engine, "Acme"), make_client(engine, "Zeta Productions")
    today = date(2030, 6, 10)
    make_event(engine, acme, today - timedelta(5), today - timedelta(3), name="Past Gala")
    make_event(engine, zeta, today - timedelta(1), today + timedelta(1), name="Now Expo")
    future = make_event(engine, acme, today + timedelta(3), name="Future Concert")

    def names(**kw):
        with read_session(engine) as s:
            page = ev.list_events(s, viewer, PageRequest(1, 20), today=today, **kw)
        return [r["name"] for r in page.items]

    assert names() == ["Past Gala", "Now Expo", "Future Concert"]
    assert names(sort="name") == ["Future Concert", "Now Expo", "Past Gala"]
    assert names(sort="startDate", descending=True)[0] == "Future Concert"
    assert names(status="upcoming") == ["Future Concert"]
    assert names(status="ongoing") == ["Now Expo"]
    assert names(status="completed") == ["Past Gala"]
    assert names(client_id=acme.id) == ["Past Gala", "Future Concert"]
    assert names(search="zeta") == ["Now Expo"]  # client name
    assert names(search="GALA") == ["Past Gala"]
    assert names(search="arena") == ["Past Gala", "Now Expo", "Future Concert"]  # location
    with read_session(engine) as s:
        page = ev.list_events(s, viewer, PageRequest(2, 2), today=today)
        assert [r["id"] for r in page.items] == [str(future.id)]
        assert page.total == 3 and page.items[0]["status"] == "upcoming"
        assert page.items[0]["client_name"] == "Acme"
        with pytest.raises(ValidationFailed) as info:
            ev.list_events(s, viewer, PageRequest(), sort="name;drop", status="soon")
        assert set(info.value.fields) == {"sort", "status"}


def test_detail_includes_rentals(engine: Engine) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    event = make_event(engine, make_client(engine), day(0))
    item = make_item(engine, name="Shure SM58", quantity=10)
    raw_rental(engine, event, item, 4)
    with read_session(engine) as s:
        detail = ev.get_event_detail(s, viewer, event.id)
        with pytest.raises(NotFound):
            ev.get_event_detail(s, viewer, item.id)
    [line] = detail["rentals"]
    assert (line["equipment_name"], line["quantity"], line["prep_status"]) == (
        "Shure SM58",
        4,
        "pending",
    )
    assert line["category_name"].startswith("Audio")


def test_update_is_versioned(engine: Engine) -> None:
    actor = make_actor(engine, Role.MANAGER)
    event = make_event(engine, make_client(engine), day(0))
    with transaction(engine) as s:
        updated = ev.update_event(s, actor, event.id, 1, {"name": "Renamed Show"})
    assert updated.version == 2 and updated.name == "Renamed Show"
    with pytest.raises(VersionConflict) as info, transaction(engine) as s:
        ev.update_event(s, actor, event.id, 1, {"name": "Stale Edit"})
    assert info.value.current["name"] == "Renamed Show"
    with pytest.raises(ValidationFailed) as bad, transaction(engine) as s:
        ev.update_event(s, actor, event.id, 2, {"end_date": day(-1), "version": 3})
    assert bad.value.fields == {"version": ["This field cannot be set here."]}


def test_move_or_extend_into_a_booked_period_is_refused(engine: Engine) -> None:
    actor = make_actor(engine, Role.MANAGER)
    client = make_client(engine)
    item = make_item(engine, name="Robe Spot", quantity=5)
    mine = make_event(engine, client, day(0), day(1), name="Mine")
    other = make_event(engine, client, day(5), day(6), name="Other")
    raw_rental(engine, mine, item, 3)
    raw_rental(engine, other, item, 3)
    for change in (
        {"start_date": day(5), "end_date": day(6)},  # move
        {"end_date": day(5)},  # extend
        {"return_days": 4},  # buffer grows into day 5
    ):
        with pytest.raises(RentalConflict) as info, transaction(engine) as s:
            ev.update_event(s, actor, mine.id, 1, change)
        [line] = info.value.details["lines"]
        assert line["equipmentName"] == "Robe Spot"
        assert (line["requested"], line["available"]) == (3, 2)
        assert line["peakDays"][0] == day(5).isoformat()
        assert [c["eventName"] for c in line["consumedBy"]] == ["Other"]
    with Session(engine) as s:
        saved = s.get(Event, mine.id)
        assert saved is not None
        assert (saved.start_date, saved.end_date, saved.version) == (day(0), day(1), 1)
    # moving within its own blocked days, or where there is room, is fine
    with transaction(engine) as s:
        ev.update_event(s, actor, mine.id, 1, {"start_date": day(1)})
    with transaction(engine) as s:
        ev.update_event(s, actor, mine.id, 2, {"start_date": day(10), "end_date": day(11)})


def test_move_excludes_the_event_itself(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine, quantity=4)
    mine = make_event(engine, make_client(engine), day(0), day(2))
    raw_rental(engine, mine, item, 4)
    with transaction(engine) as s:  # overlaps its old dates: only 4 exist, all its own
        moved = ev.update_event(s, actor, mine.id, 1, {"start_date": day(1), "end_date": day(4)})
    assert moved.end_date == day(4)


def test_shrinking_is_allowed_even_when_overbooked(engine: Engine) -> None:
    from tests.booking_factories import set_good

    actor = make_actor(engine)
    item = make_item(engine, quantity=4)
    mine = make_event(engine, make_client(engine), day(0), day(4))
    raw_rental(engine, mine, item, 4)
    set_good(engine, item, 2)  # reality changed: overbooked now
    with transaction(engine) as s:
        ev.update_event(s, actor, mine.id, 1, {"end_date": day(2)})


def test_delete_removes_rentals_and_audits(engine: Engine, fresh_bus: changes.InProcessBus) -> None:
    actor = make_actor(engine, Role.ADMIN)
    event = make_event(engine, make_client(engine), day(0))
    raw_rental(engine, event, make_item(engine, name="A"), 1)
    raw_rental(engine, event, make_item(engine, name="B"), 2)
    with pytest.raises(VersionConflict), transaction(engine) as s:
        ev.delete_event(s, actor, event.id, version=7)
    with transaction(engine) as s:
        ev.delete_event(s, actor, event.id, version=1)
        pending = list(s.info[changes._PENDING_KEY])
    assert count(engine, Event) == 0 and count(engine, Rental) == 0
    entities = sorted((c.entity, c.action) for c in pending)
    assert entities.count(("rental", "delete")) == 2
    assert entities.count(("availability", "update")) == 2
    assert ("event", "delete") in entities
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "delete")).one()
        assert audit.old_values is not None and len(audit.old_values["rentals"]) == 2
    with pytest.raises(NotFound), transaction(engine) as s:
        ev.delete_event(s, actor, event.id)


def test_duplicate_copies_lines_or_refuses_with_nothing_written(engine: Engine) -> None:
    actor = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    a, b = (
        make_item(engine, name="Mixer", quantity=2),
        make_item(engine, name="Speaker", quantity=8),
    )
    source = make_event(engine, client, day(0), day(2), name="Tour Stop", prep=1)
    raw_rental(engine, source, a, 2)
    raw_rental(engine, source, b, 5)
    with transaction(engine) as s:  # after the source: fits
        copy = ev.duplicate_event(s, actor, source.id, day(10))
    assert (copy.name, copy.start_date, copy.end_date, copy.prep_days) == (
        "Tour Stop (copy)",
        day(10),
        day(12),
        1,
    )
    assert rentals_of(engine, copy.id) == {a.id: 2, b.id: 5}
    events_before, rentals_before = count(engine, Event), count(engine, Rental)
    with pytest.raises(RentalConflict) as info, transaction(engine) as s:  # overlaps both
        ev.duplicate_event(s, actor, source.id, day(1), day(11), name="Clash")
    assert {line["equipmentName"] for line in info.value.details["lines"]} == {
        "Mixer",
        "Speaker",
    }
    assert (count(engine, Event), count(engine, Rental)) == (events_before, rentals_before)
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        ev.duplicate_event(s, actor, source.id, "not a date")


def test_editing_keeps_a_since_deactivated_assigned_user(engine: Engine) -> None:
    actor = make_actor(engine)
    crew = make_user(engine, Role.EMPLOYEE)
    event = make_event(engine, make_client(engine), day(0), assigned_user_id=crew.id)
    with Session(engine) as s:
        row = s.get(type(crew), crew.id)
        assert row is not None
        row.is_active = False
        s.add(row)
        s.commit()
    with transaction(engine) as s:
        ev.update_event(s, actor, event.id, 1, {"name": "Still Fine"})
    other = make_user(engine, Role.EMPLOYEE, is_active=False)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        ev.update_event(s, actor, event.id, 2, {"assigned_user_id": other.id})
    assert info.value.fields == {"assigned_user_id": ["Assigned user is deactivated."]}
