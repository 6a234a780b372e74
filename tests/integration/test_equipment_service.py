"""Equipment services: create (generated asset codes), validation of every DESIGN §4 rule,
versioned edits, delete rules, detail, filters, permissions, audit and the change bus."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain import changes
from avrentals.domain.enums import Role, UnitStatus
from avrentals.domain.errors import Forbidden, InUse, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, EquipmentItem
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as svc
from tests.factories import make_actor
from tests.inventory_factories import (
    CommitCheckingBus,
    make_category,
    make_client,
    make_event,
    make_maintenance,
    make_rental,
)

TODAY = date.today()


@pytest.fixture
def audio(engine: Engine):
    category, subs = make_category(engine, "Audio", "Microphones", "Loudspeakers")
    return category, subs


def create(engine: Engine, actor: Actor, **data: Any) -> EquipmentItem:
    with transaction(engine) as s:
        return svc.create_equipment(s, actor, data)


def base(category, **extra: Any) -> dict[str, Any]:
    return {"name": "Shure SM58", "category_id": category.id, "location": "Aisle A", **extra}


def saved(engine: Engine, item_id: uuid.UUID) -> EquipmentItem:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        return item


def test_create_with_only_quantity_has_every_unit_good_and_a_generated_code(
    engine: Engine, audio
) -> None:
    category, (mics, _) = audio
    manager = make_actor(engine, Role.MANAGER)
    item = create(engine, manager, **base(category, quantity=12, subcategory_id=mics.id))
    row = saved(engine, item.id)
    assert (row.quantity, row.qty_good, row.qty_damaged, row.qty_maintenance) == (12, 12, 0, 0)
    assert row.status == UnitStatus.GOOD and row.version == 1
    assert row.asset_code == "AUD-0001" and row.daily_rate == Decimal("0.00")
    assert row.created_by == manager.user_id
    second = create(engine, manager, **base(category, quantity=1))
    assert second.asset_code == "AUD-0002"


def test_asset_code_continues_after_the_highest_number_and_uses_the_category_prefix(
    engine: Engine, audio
) -> None:
    category, _ = audio
    admin = make_actor(engine, Role.ADMIN)
    create(engine, admin, **base(category, quantity=1, asset_code="aud-0041"))
    create(engine, admin, **base(category, quantity=1, asset_code="AUD-SPARE"))
    assert create(engine, admin, **base(category, quantity=1)).asset_code == "AUD-0042"
    fx, _ = make_category(engine, "Special FX")
    assert create(engine, admin, **base(fx, quantity=1)).asset_code == "SPE-0001"
    assert svc.category_prefix("Lighting") == "LGT"
    assert svc.category_prefix("Écrans") == "ECR"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "Name is required."),
        ({"name": "x" * 101}, "name", "Name must be at most 100 characters."),
        ({"description": "d" * 501}, "description", "Description must be at most 500 characters."),
        ({"quantity": -1}, "quantity", "Quantity must be 0 or more."),
        ({"quantity": 1.5}, "quantity", "Quantity must be a whole number."),
        ({"quantity": "ten"}, "quantity", "Quantity must be a whole number."),
        ({"quantity": True}, "quantity", "Quantity must be a whole number."),
        ({"quantity": 10**12}, "quantity", "Quantity must be at most 1000000000."),
        ({"quantity_damaged": -1}, "quantity_damaged", "Damaged units must be 0 or more."),
        (
            {"quantity_maintenance": 0.5},
            "quantity_maintenance",
            "Units in maintenance must be a whole number.",
        ),
        ({"quantity_good": -2}, "quantity_good", "Good units must be 0 or more."),
        (
            {"quantity": 5, "quantity_good": 3, "quantity_damaged": 1},
            "quantity",
            "Good + damaged + maintenance units (4) must equal the quantity (5).",
        ),
        (
            {"quantity": 2, "quantity_damaged": 3},
            "quantity",
            "Quantity (2) is less than the damaged and maintenance units (3); adjust those "
            "counts too.",
        ),
        ({"daily_rate": "-1"}, "daily_rate", "Daily rate must be 0 or more."),
        ({"daily_rate": "1.234"}, "daily_rate", "Daily rate can have at most 2 decimals."),
        ({"daily_rate": "abc"}, "daily_rate", "Daily rate must be an amount such as 45.00."),
        ({"location": ""}, "location", "This field is required."),
        ({"location": "  "}, "location", "Location is required."),
        ({"location": "L" * 101}, "location", "Location must be at most 100 characters."),
        (
            {"low_stock_threshold": -1},
            "low_stock_threshold",
            "Low-stock threshold must be 0 or more.",
        ),
        ({"type": "rental"}, "type", "Type must be one of: equipment, consumable."),
        ({"category_id": uuid.uuid4()}, "category_id", "Category not found."),
        ({"category_id": "nope"}, "category_id", "Category is not a valid id."),
        ({"subcategory_id": uuid.uuid4()}, "subcategory_id", "Subcategory not found."),
        ({"status": "good"}, "status", "This field cannot be set here."),
        ({"image": "x.png"}, "image", "This field cannot be set here."),
        (
            {"asset_code": "bad code!"},
            "asset_code",
            "Asset code must be 1-32 letters, digits or dashes (e.g. AUD-0042).",
        ),
    ],
)
def test_every_rule_has_a_field_message(
    engine: Engine, audio, data: dict[str, Any], field: str, message: str
) -> None:
    category, _ = audio
    admin = make_actor(engine, Role.ADMIN)
    with pytest.raises(ValidationFailed) as info:
        create(engine, admin, **{**base(category, quantity=5), **data})
    assert info.value.fields[field] == [message]
    with Session(engine) as s:
        assert s.exec(select(EquipmentItem)).all() == []


def test_missing_required_fields_are_all_reported(engine: Engine) -> None:
    admin = make_actor(engine, Role.ADMIN)
    with pytest.raises(ValidationFailed) as info:
        create(engine, admin)
    assert set(info.value.fields) == {"name", "category_id", "location", "quantity"}


def test_subcategory_must_belong_to_the_category(engine: Engine, audio) -> None:
    category, _ = audio
    _video, (cameras,) = make_category(engine, "Video", "Cameras")
    admin = make_actor(engine, Role.ADMIN)
    with pytest.raises(ValidationFailed) as info:
        create(engine, admin, **base(category, quantity=1, subcategory_id=cameras.id))
    assert info.value.fields["subcategory_id"] == [
        "Subcategory 'Cameras' does not belong to category 'Audio'."
    ]


def test_consumable_rate_is_forced_to_zero_and_money_is_decimal(engine: Engine, audio) -> None:
    category, _ = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    tape = create(
        engine,
        tech,
        **base(category, name="Gaffer tape", type="consumable", quantity=50, daily_rate="3.50"),
    )
    assert saved(engine, tape.id).daily_rate == Decimal("0.00")
    mic = create(engine, tech, **base(category, quantity=1, daily_rate=45))
    assert saved(engine, mic.id).daily_rate == Decimal("45.00")
    rate = create(engine, tech, **base(category, quantity=1, daily_rate=0.1))
    assert saved(engine, rate.id).daily_rate == Decimal("0.10")


@pytest.mark.parametrize(
    ("counts", "status"),
    [
        ((10, 0, 0), UnitStatus.GOOD),
        ((8, 0, 2), UnitStatus.MAINTENANCE),
        ((8, 1, 1), UnitStatus.DAMAGED),
        ((0, 3, 0), UnitStatus.DAMAGED),
        ((0, 0, 0), UnitStatus.GOOD),
    ],
)
def test_headline_status_is_derived_from_the_counts(
    engine: Engine, audio, counts: tuple[int, int, int], status: UnitStatus
) -> None:
    category, _ = audio
    good, damaged, maintenance = counts
    item = create(
        engine,
        make_actor(engine, Role.ADMIN),
        **base(
            category,
            quantity=sum(counts),
            quantity_good=good,
            quantity_damaged=damaged,
            quantity_maintenance=maintenance,
        ),
    )
    assert saved(engine, item.id).status == status


def test_permissions_for_create_update_delete(engine: Engine, audio) -> None:
    category, _ = audio
    for role in (Role.EMPLOYEE, Role.VIEWER):
        with pytest.raises(Forbidden):
            create(engine, make_actor(engine, role), **base(category, quantity=1))
    tech = make_actor(engine, Role.TECHNICIAN)
    item = create(engine, tech, **base(category, quantity=1))
    with transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"name": "Renamed"})
    with pytest.raises(Forbidden), transaction(engine) as s:
        svc.delete_equipment(s, tech, item.id)
    for role in (Role.EMPLOYEE, Role.VIEWER):
        with pytest.raises(Forbidden), transaction(engine) as s:
            svc.update_equipment(s, make_actor(engine, role), item.id, 2, {"name": "No"})
    assert saved(engine, item.id).name == "Renamed"


def test_only_managers_and_admins_set_asset_codes(engine: Engine, audio) -> None:
    category, _ = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    manager = make_actor(engine, Role.MANAGER)
    with pytest.raises(Forbidden):
        create(engine, tech, **base(category, quantity=1, asset_code="MIC-1"))
    item = create(engine, tech, **base(category, quantity=1))
    with pytest.raises(Forbidden), transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"asset_code": "MIC-1"})
    with transaction(engine) as s:  # sending the unchanged code is fine
        svc.update_equipment(s, tech, item.id, 1, {"asset_code": item.asset_code, "name": "X"})
    with transaction(engine) as s:
        svc.update_equipment(s, manager, item.id, 2, {"asset_code": "mic-1"})
    assert saved(engine, item.id).asset_code == "MIC-1"
    other = create(engine, manager, **base(category, quantity=1))
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.update_equipment(s, manager, other.id, 1, {"asset_code": "MIC-1"})
    assert info.value.fields["asset_code"] == ["Asset code MIC-1 is already used by another item."]
    with pytest.raises(ValidationFailed) as info:
        create(engine, manager, **base(category, quantity=1, asset_code="MIC-1"))
    assert "asset_code" in info.value.fields


def test_partial_update_adjusts_good_units_and_rechecks_counts(engine: Engine, audio) -> None:
    category, _ = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    item = create(engine, tech, **base(category, quantity=10, quantity_damaged=2))
    assert (item.qty_good, item.status) == (8, UnitStatus.DAMAGED)
    with transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"quantity": 12})
    row = saved(engine, item.id)
    assert (row.quantity, row.qty_good, row.qty_damaged, row.version) == (12, 10, 2, 2)
    with transaction(engine) as s:  # the damaged units were repaired
        svc.update_equipment(s, tech, item.id, 2, {"quantity_damaged": 0})
    row = saved(engine, item.id)
    assert (row.qty_good, row.qty_damaged, row.status) == (12, 0, UnitStatus.GOOD)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 3, {"quantity_good": 5})
    assert "quantity" in info.value.fields
    with transaction(engine) as s:  # a consumable's rate drops to zero
        svc.update_equipment(s, tech, item.id, 3, {"type": "consumable", "daily_rate": "9.99"})
    assert saved(engine, item.id).daily_rate == Decimal("0.00")


def test_put_replaces_the_item_keeping_the_asset_code(engine: Engine, audio) -> None:
    category, (mics, _) = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    item = create(
        engine,
        tech,
        **base(category, quantity=4, subcategory_id=mics.id, description="Old", daily_rate="5"),
    )
    with transaction(engine) as s:
        svc.update_equipment(
            s, tech, item.id, 1, base(category, name="New", quantity=6), replace=True
        )
    row = saved(engine, item.id)
    assert (row.name, row.description, row.subcategory_id, row.daily_rate) == (
        "New",
        None,
        None,
        Decimal("0.00"),
    )
    assert (row.quantity, row.qty_good, row.asset_code) == (6, 6, item.asset_code)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 2, {"name": "Only"}, replace=True)
    assert set(info.value.fields) == {"category_id", "location", "quantity"}


def test_stale_version_raises_conflict_with_the_saved_row(engine: Engine, audio) -> None:
    category, _ = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    item = create(engine, tech, **base(category, quantity=1))
    with transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"name": "First"})
    with pytest.raises(VersionConflict) as info, transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"name": "Second"})
    assert info.value.current["name"] == "First" and info.value.current["version"] == 2
    with pytest.raises(NotFound), transaction(engine) as s:
        svc.update_equipment(s, tech, uuid.uuid4(), 1, {"name": "Ghost"})


def test_no_op_update_writes_nothing(engine: Engine, audio) -> None:
    category, _ = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    item = create(engine, tech, **base(category, quantity=1))
    with transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"name": "Shure SM58", "location": "Aisle A"})
    assert saved(engine, item.id).version == 1
    with Session(engine) as s:
        assert [a.action for a in s.exec(select(AuditLog)).all()] == ["create"]


def test_delete_refused_with_current_or_future_rentals(engine: Engine, audio) -> None:
    category, _ = audio
    manager = make_actor(engine, Role.MANAGER)
    item = create(engine, manager, **base(category, quantity=4))
    client = make_client(engine)
    # Ends tomorrow: still current even when the run crosses midnight after TODAY was taken.
    event = make_event(
        engine, client, TODAY - timedelta(days=2), TODAY + timedelta(days=1), name="Gala Night"
    )
    make_rental(engine, event, item, 2)
    with pytest.raises(InUse) as info, transaction(engine) as s:
        svc.delete_equipment(s, manager, item.id)
    assert "has rentals on current or future events (Gala Night)" in info.value.message
    assert info.value.details == {"events": ["Gala Night"]}
    assert saved(engine, item.id).version == 1


def test_delete_refused_with_only_past_rentals_history_is_kept(engine: Engine, audio) -> None:
    category, _ = audio
    manager = make_actor(engine, Role.MANAGER)
    item = create(engine, manager, **base(category, quantity=4))
    past = make_event(
        engine, make_client(engine), TODAY - timedelta(days=30), TODAY - timedelta(days=28)
    )
    make_rental(engine, past, item, 1)
    with pytest.raises(InUse) as info, transaction(engine) as s:
        svc.delete_equipment(s, manager, item.id)
    assert "past event(s); their history must be kept" in info.value.message
    assert info.value.details == {"pastEvents": 1}


def test_return_buffer_keeps_an_event_current(engine: Engine, audio) -> None:
    category, _ = audio
    manager = make_actor(engine, Role.MANAGER)
    item = create(engine, manager, **base(category, quantity=4))
    ended = make_event(
        engine,
        make_client(engine),
        TODAY - timedelta(days=3),
        TODAY - timedelta(days=1),
        return_days=2,
        name="Still returning",
    )
    make_rental(engine, ended, item, 1)
    with pytest.raises(InUse) as info, transaction(engine) as s:
        svc.delete_equipment(s, manager, item.id)
    assert "current or future" in info.value.message


def test_delete_audits_publishes_after_commit_and_checks_version(engine: Engine, audio) -> None:
    category, _ = audio
    manager = make_actor(engine, Role.MANAGER)
    item = create(engine, manager, **base(category, quantity=4))
    make_maintenance(engine, item, TODAY, "Replaced grille")
    with pytest.raises(VersionConflict), transaction(engine) as s:
        svc.delete_equipment(s, manager, item.id, version=7)
    bus = CommitCheckingBus(engine)
    changes.set_bus(bus)
    with transaction(engine) as s:
        svc.delete_equipment(s, manager, item.id, version=1)
    assert [(c.entity, c.action, c.id, ok) for c, ok in bus.published] == [
        ("equipment", "delete", str(item.id), True)
    ]
    with Session(engine) as s:
        assert s.get(EquipmentItem, item.id) is None
        audit = s.exec(select(AuditLog).where(AuditLog.action == "delete")).one()
    assert audit.entity_type == "equipment" and audit.new_values is None
    assert audit.old_values is not None and audit.old_values["name"] == "Shure SM58"
    with pytest.raises(NotFound), transaction(engine) as s:
        svc.delete_equipment(s, manager, item.id)


def test_create_and_update_audit_old_new_and_publish_after_commit(engine: Engine, audio) -> None:
    category, _ = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    bus = CommitCheckingBus(engine)
    changes.set_bus(bus)
    item = create(engine, tech, **base(category, quantity=3, daily_rate="10"))
    with transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"daily_rate": "12.5", "quantity_damaged": 1})
    # A refused write publishes nothing.
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 2, {"name": ""})
    assert [(c.action, c.version, c.actor, ok) for c, ok in bus.published] == [
        ("create", 1, tech.username, True),
        ("update", 2, tech.username, True),
    ]
    with Session(engine) as s:
        rows = s.exec(select(AuditLog).order_by(AuditLog.at)).all()
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[0].old_values is None and rows[0].new_values["asset_code"] == "AUD-0001"
    assert rows[1].old_values == {
        "daily_rate": "10.00",
        "qty_good": 3,
        "qty_damaged": 0,
        "status": "good",
    }
    assert rows[1].new_values == {
        "daily_rate": "12.50",
        "qty_good": 2,
        "qty_damaged": 1,
        "status": "damaged",
    }


def test_detail_has_counts_bookings_maintenance_and_history(engine: Engine, audio) -> None:
    category, _ = audio
    tech = make_actor(engine, Role.TECHNICIAN)
    item = create(engine, tech, **base(category, quantity=6, quantity_maintenance=1))
    with transaction(engine) as s:
        svc.update_equipment(s, tech, item.id, 1, {"location": "Truck"})
    client = make_client(engine)
    future = make_event(
        engine, client, TODAY + timedelta(days=5), TODAY + timedelta(days=6), name="Expo"
    )
    past = make_event(engine, client, TODAY - timedelta(days=9), TODAY - timedelta(days=8))
    make_rental(engine, future, item, 3)
    make_rental(engine, past, item, 1)
    make_maintenance(engine, item, TODAY - timedelta(days=1), "Cleaned contacts")
    viewer = make_actor(engine, Role.VIEWER)
    with Session(engine) as s:
        detail = svc.equipment_detail(s, viewer, item.id)
    assert detail["counts"] == {"good": 5, "damaged": 0, "maintenance": 1}
    assert [(b["event_name"], b["quantity"]) for b in detail["upcoming_bookings"]] == [("Expo", 3)]
    assert detail["upcoming_bookings"][0]["start_date"] == (TODAY + timedelta(days=5)).isoformat()
    assert [m["description"] for m in detail["maintenance"]] == ["Cleaned contacts"]
    assert [h["action"] for h in detail["history"]] == ["update", "create"]
    assert detail["history"][0]["new"] == {"location": "Truck"}
    assert detail["item"]["category_name"] == "Audio"
    with pytest.raises(NotFound), Session(engine) as s:
        svc.equipment_detail(s, viewer, uuid.uuid4())


def test_list_filters_and_sorts(engine: Engine, audio) -> None:
    category, (mics, speakers) = audio
    admin = make_actor(engine, Role.ADMIN)
    create(engine, admin, **base(category, name="Mic", quantity=2, subcategory_id=mics.id))
    create(
        engine,
        admin,
        **base(
            category,
            name="Speaker",
            quantity=2,
            quantity_damaged=1,
            subcategory_id=speakers.id,
            location="Aisle B · Bay 1",
        ),
    )
    create(engine, admin, **base(category, name="Tape", type="consumable", quantity=9))
    viewer = make_actor(engine, Role.VIEWER)

    def names(**kw: Any) -> list[str]:
        with Session(engine) as s:
            return [r["name"] for r in svc.list_equipment(s, viewer, PageRequest(), **kw).items]

    assert names(subcategory_id=mics.id) == ["Mic"]
    assert names(status="damaged") == ["Speaker"]
    assert names(item_type="consumable") == ["Tape"]
    assert names(location="aisle b") == ["Speaker"]
    assert names(location="%") == []
    assert names(sort="status")[0] == "Speaker"  # "damaged" sorts before "good"
    with pytest.raises(ValidationFailed) as info, Session(engine) as s:
        svc.list_equipment(s, viewer, PageRequest(), status="broken", item_type="x", sort="id")
    assert set(info.value.fields) == {"status", "type", "sort"}
    with Session(engine) as s:
        assert svc.list_locations(s, viewer) == ["Aisle A", "Aisle B · Bay 1"]
