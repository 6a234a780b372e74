"""Service and fee catalogues: every field rule with its message, duplicate names (also
racing), list search / filters / sort / paging, versioned edits, deactivate / reactivate,
permissions, audit rows, changes published after commit, and the required fees of new
quotes."""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain import changes
from avrentals.domain.enums import DiscountType, Role
from avrentals.domain.errors import Forbidden, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, Fee, Service
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import fee_catalogue as fees
from avrentals.domain.services import service_catalogue as services
from tests.factories import make_actor
from tests.inventory_factories import CommitCheckingBus


class CatalogueBus(CommitCheckingBus):
    MODELS = {**CommitCheckingBus.MODELS, "service": Service, "fee": Fee}


def new_service(engine: Engine, actor: Actor, **data: Any) -> Service:
    with transaction(engine) as s:
        return services.create_service(
            s, actor, {"name": "Sound Engineer", "unit_price": "380", **data}
        )


def new_fee(engine: Engine, actor: Actor, **data: Any) -> Fee:
    with transaction(engine) as s:
        return fees.create_fee(s, actor, {"name": "Insurance", "amount": "3", **data})


def names(page: Any) -> list[str]:
    return [r["name"] for r in page.items]


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Name is required."),
        ({"name": "  "}, "name", "Name is required."),
        ({"name": "x" * 101}, "name", "Name must be at most 100 characters."),
        ({"name": 7}, "name", "Name must be text."),
        ({"description": "d" * 501}, "description", "Description must be at most 500 characters."),
        ({"category": "c" * 51}, "category", "Category must be at most 50 characters."),
        ({"unit_price": "-1"}, "unit_price", "Price must be 0 or more."),
        ({"unit_price": "1.005"}, "unit_price", "Price can have at most 2 decimals."),
        ({"unit_price": "abc"}, "unit_price", "Price must be an amount such as 45.00."),
        ({"unit_price": None}, "unit_price", "Price must be an amount such as 45.00."),
        ({"unit": "week"}, "unit", "Unit must be one of: day, hour, unit, event, km."),
        ({"unit": 3}, "unit", "Unit must be one of: day, hour, unit, event, km."),
        ({"is_active": "yes"}, "is_active", "Active must be true or false."),
        ({"amount": "3"}, "amount", "This field cannot be set here."),
    ],
)
def test_service_rules_have_field_messages(
    engine: Engine, data: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        new_service(engine, make_actor(engine, Role.EMPLOYEE), **data)
    assert info.value.fields == {field: [message]}
    with Session(engine) as s:
        assert s.exec(select(Service)).all() == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "-0.01"}, "amount", "Amount must be 0 or more."),
        ({"amount": 1.234}, "amount", "Amount can have at most 2 decimals."),
        (
            {"amount": "100.01", "fee_type": "percentage"},
            "amount",
            "A percentage fee can be at most 100.",
        ),
        ({"fee_type": "ratio"}, "fee_type", "Type must be one of: fixed, percentage."),
        ({"is_required": 1}, "is_required", "Required must be true or false."),
        ({"unit": "day"}, "unit", "This field cannot be set here."),
    ],
)
def test_fee_rules_have_field_messages(
    engine: Engine, data: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        new_fee(engine, make_actor(engine, Role.EMPLOYEE), **data)
    assert info.value.fields == {field: [message]}


def test_create_defaults_trims_and_money_forms(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    crew = new_service(
        engine, employee, name="  Setup Crew ", unit_price=180, description=" ", category="Crew"
    )
    assert (crew.name, crew.description, crew.category) == ("Setup Crew", None, "Crew")
    assert (crew.unit, crew.is_active, crew.version) == ("day", True, 1)
    assert crew.unit_price == Decimal("180.00")
    per_km = new_service(engine, employee, name="Truck", unit_price=1.35, unit=" KM ")
    assert (per_km.unit_price, per_km.unit) == (Decimal("1.35"), "km")
    fee = new_fee(engine, employee, amount="100", fee_type="percentage", is_required=True)
    assert (fee.amount, fee.fee_type, fee.is_required) == (
        Decimal("100.00"),
        DiscountType.PERCENTAGE,
        True,
    )
    free = new_fee(engine, employee, name="Free delivery", amount="0", is_active=False)
    assert (free.fee_type, free.is_required, free.is_active) == (DiscountType.FIXED, False, False)
    assert services.service_row(per_km)["unit_price"] == "1.35"


def test_duplicate_names_are_field_errors_case_insensitively(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    new_service(engine, employee)
    with pytest.raises(ValidationFailed) as info:
        new_service(engine, employee, name="sound engineer")
    assert info.value.fields == {"name": ["A service named 'sound engineer' already exists."]}
    other = new_service(engine, employee, name="Video Operator")
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        services.update_service(s, employee, other.id, 1, {"name": "SOUND ENGINEER"})
    assert list(info.value.fields) == ["name"]
    # A fee may share a service's name: the catalogues are separate.
    new_fee(engine, employee, name="Sound Engineer")
    with pytest.raises(ValidationFailed) as info:
        new_fee(engine, employee, name="Sound Engineer")
    assert info.value.fields == {"name": ["A fee named 'Sound Engineer' already exists."]}


def test_racing_creates_of_one_name_leave_one_row_and_a_field_error(pg_engine: Engine) -> None:
    employee = make_actor(pg_engine, Role.EMPLOYEE)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def run() -> None:
        barrier.wait()
        try:
            new_service(pg_engine, employee, name="Stage Manager")
            outcomes.append("created")
        except ValidationFailed as exc:
            outcomes.append(f"refused:{','.join(exc.fields)}")

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["created"] + ["refused:name"] * 3
    with Session(pg_engine) as s:
        assert len(s.exec(select(Service)).all()) == 1


# --- list ------------------------------------------------------------------------------------


def test_list_search_status_category_sort_and_paging(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    new_service(engine, employee, name="Sound Engineer", unit_price="380", category="Crew")
    new_service(
        engine, employee, name="Van", unit_price="220", category="Transport", description="3.5 t"
    )
    truck = new_service(engine, employee, name="Truck 100%", unit_price="1.35", unit="km")
    new_service(engine, employee, name="Lighting Tech", unit_price="320", category="Crew")
    with transaction(engine) as s:
        services.deactivate_service(s, employee, truck.id, 1)
    viewer = make_actor(engine, Role.VIEWER)
    with Session(engine) as s:
        every = services.list_services(s, viewer, PageRequest())
        assert names(every) == ["Lighting Tech", "Sound Engineer", "Truck 100%", "Van"]
        assert every.items[0]["unit_price"] == "320.00" and every.items[0]["version"] == 1
        active = services.list_services(s, viewer, PageRequest(), status="active")
        assert names(active) == ["Lighting Tech", "Sound Engineer", "Van"]
        inactive = services.list_services(s, viewer, PageRequest(), status="inactive")
        assert names(inactive) == ["Truck 100%"]
        assert names(services.list_services(s, viewer, PageRequest(), search="CREW")) == [
            "Lighting Tech",
            "Sound Engineer",
        ]
        assert names(services.list_services(s, viewer, PageRequest(), search="3.5 T")) == ["Van"]
        assert names(services.list_services(s, viewer, PageRequest(), search="%")) == ["Truck 100%"]
        assert names(services.list_services(s, viewer, PageRequest(), category="CREW")) == [
            "Lighting Tech",
            "Sound Engineer",
        ]
        by_price = services.list_services(
            s, viewer, PageRequest(1, 2), sort="unitPrice", descending=True
        )
        assert names(by_price) == ["Sound Engineer", "Lighting Tech"]
        assert (by_price.total, by_price.total_pages) == (4, 2)
        second = services.list_services(s, viewer, PageRequest(2, 2), sort="unitPrice")
        assert names(second) == ["Lighting Tech", "Sound Engineer"]
        assert services.service_categories(s, viewer) == ["Crew", "Transport"]
        for bad in ({"sort": "unit_price"}, {"status": "gone"}):
            with pytest.raises(ValidationFailed) as info:
                services.list_services(s, viewer, PageRequest(), **bad)
            assert list(info.value.fields) == list(bad)


def test_fee_list_filters_required(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    new_fee(engine, employee, name="Insurance", amount="3", fee_type="percentage", is_required=True)
    new_fee(engine, employee, name="Delivery", amount="120")
    viewer = make_actor(engine, Role.VIEWER)
    with Session(engine) as s:
        assert names(fees.list_fees(s, viewer, PageRequest(), required=True)) == ["Insurance"]
        assert names(fees.list_fees(s, viewer, PageRequest(), required=False)) == ["Delivery"]
        by_amount = fees.list_fees(s, viewer, PageRequest(), sort="amount", descending=True)
        assert names(by_amount) == ["Delivery", "Insurance"]
        row = by_amount.items[1]
        assert (row["amount"], row["fee_type"], row["is_required"]) == ("3.00", "percentage", True)


# --- versioned writes ------------------------------------------------------------------------


def test_update_is_versioned_audited_and_published_after_commit(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    crew = new_service(engine, employee, category="Crew", description="Up to 10 h")
    bus = CatalogueBus(engine)
    changes.set_bus(bus)
    with transaction(engine) as s:
        saved = services.update_service(
            s, employee, crew.id, 1, {"unit_price": "400.5", "description": ""}
        )
        assert (saved.version, saved.unit_price, saved.description) == (
            2,
            Decimal("400.50"),
            None,
        )
    with transaction(engine) as s:  # nothing changed: nothing written
        assert services.update_service(s, employee, crew.id, 2, {"unit": "day"}).version == 2
    with pytest.raises(VersionConflict) as info, transaction(engine) as s:
        services.update_service(s, employee, crew.id, 1, {"name": "Late"})
    assert (info.value.current["unit_price"], info.value.current["version"]) == ("400.50", 2)
    with pytest.raises(ValidationFailed) as bad, transaction(engine) as s:
        services.update_service(s, employee, crew.id, 2, {"is_active": False})
    assert bad.value.fields == {
        "is_active": ["Use deactivate / activate to change whether a service is offered."]
    }
    with pytest.raises(NotFound), transaction(engine) as s:
        services.update_service(s, employee, uuid.uuid4(), 1, {"name": "Ghost"})
    assert [(c.entity, c.action, c.version, ok) for c, ok in bus.published] == [
        ("service", "update", 2, True)
    ]
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "update")).one()
        created = s.exec(select(AuditLog).where(AuditLog.action == "create")).one()
    assert audit.entity_type == "service" and audit.entity_id == str(crew.id)
    assert (audit.old_values, audit.new_values) == (
        {"unit_price": "380.00", "description": "Up to 10 h"},
        {"unit_price": "400.50", "description": None},
    )
    assert created.new_values is not None and created.new_values["name"] == "Sound Engineer"


def test_percentage_limit_applies_to_the_resulting_fee(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    delivery = new_fee(engine, employee, name="Delivery", amount="150")
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        fees.update_fee(s, employee, delivery.id, 1, {"fee_type": "percentage"})
    assert info.value.fields == {"amount": ["A percentage fee can be at most 100."]}
    with transaction(engine) as s:
        fee = fees.update_fee(
            s, employee, delivery.id, 1, {"fee_type": "percentage", "amount": "12.5"}
        )
        assert (fee.fee_type, fee.amount, fee.version) == (
            DiscountType.PERCENTAGE,
            Decimal("12.50"),
            2,
        )
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        fees.update_fee(s, employee, delivery.id, 2, {"amount": "101"})
    with transaction(engine) as s:
        assert fees.update_fee(s, employee, delivery.id, 2, {"is_required": True}).is_required


def test_deactivate_and_reactivate_are_versioned_and_keep_the_row(engine: Engine) -> None:
    manager = make_actor(engine, Role.MANAGER)
    fee = new_fee(engine, manager, is_required=True)
    bus = CatalogueBus(engine)
    changes.set_bus(bus)
    with pytest.raises(VersionConflict), transaction(engine) as s:
        fees.deactivate_fee(s, manager, fee.id, 2)
    with transaction(engine) as s:
        assert fees.deactivate_fee(s, manager, fee.id, 1).is_active is False
    with transaction(engine) as s:  # already inactive: a no-op, not a new version
        assert fees.deactivate_fee(s, manager, fee.id, 2).version == 2
    with Session(engine) as s:
        assert fees.required_fees(s) == []
    with transaction(engine) as s:
        back = fees.activate_fee(s, manager, fee.id, 2)
        assert (back.is_active, back.version) == (True, 3)
    with Session(engine) as s:
        assert [f.name for f in fees.required_fees(s)] == ["Insurance"]
        audits = s.exec(select(AuditLog).where(AuditLog.entity_type == "fee")).all()
    assert sorted((a.action, str(a.new_values)) for a in audits if a.action == "update") == [
        ("update", "{'is_active': False}"),
        ("update", "{'is_active': True}"),
    ]
    assert [(c.entity, c.version, ok) for c, ok in bus.published] == [
        ("fee", 2, True),
        ("fee", 3, True),
    ]


def test_racing_edits_of_one_version_let_exactly_one_win(pg_engine: Engine) -> None:
    employee = make_actor(pg_engine, Role.EMPLOYEE)
    crew = new_service(pg_engine, employee)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(price: str) -> None:
        barrier.wait()
        try:
            with transaction(pg_engine) as s:
                services.update_service(s, employee, crew.id, 1, {"unit_price": price})
            outcomes.append("saved")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(p,)) for p in ("400", "410")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    with Session(pg_engine) as s:
        row = s.get(Service, crew.id)
        assert row is not None and row.version == 2


def test_required_fees_are_active_and_required_only(engine: Engine) -> None:
    admin = make_actor(engine, Role.ADMIN)
    new_fee(engine, admin, name="Zone fee", amount="10", is_required=True)
    new_fee(
        engine, admin, name="Insurance 3 %", amount="3", fee_type="percentage", is_required=True
    )
    new_fee(engine, admin, name="Optional", amount="5")
    new_fee(engine, admin, name="Retired", amount="5", is_required=True, is_active=False)
    with Session(engine) as s:
        assert [f.name for f in fees.required_fees(s)] == ["Insurance 3 %", "Zone fee"]


def test_permissions(engine: Engine) -> None:
    admin = make_actor(engine, Role.ADMIN)
    crew = new_service(engine, admin)
    fee = new_fee(engine, admin)
    for role in (Role.TECHNICIAN, Role.VIEWER):
        actor = make_actor(engine, role)
        with pytest.raises(Forbidden):
            new_service(engine, actor, name="Nope")
        with pytest.raises(Forbidden):
            new_fee(engine, actor, name="Nope")
        with pytest.raises(Forbidden), transaction(engine) as s:
            services.update_service(s, actor, crew.id, 1, {"name": "Nope"})
        with pytest.raises(Forbidden), transaction(engine) as s:
            services.deactivate_service(s, actor, crew.id, 1)
        with pytest.raises(Forbidden), transaction(engine) as s:
            fees.deactivate_fee(s, actor, fee.id, 1)
        with Session(engine) as s:
            assert services.get_service(s, actor, crew.id).name == "Sound Engineer"
            assert fees.get_fee(s, actor, fee.id).is_active
            assert fees.list_fees(s, actor, PageRequest()).total == 1
    for role in (Role.MANAGER, Role.EMPLOYEE):
        actor = make_actor(engine, role)
        with transaction(engine) as s:
            version = services.get_service(s, actor, crew.id).version
            services.update_service(s, actor, crew.id, version, {"category": role.value})
    with Session(engine) as s:
        assert s.get(Service, crew.id).version == 3  # type: ignore[union-attr]
        with pytest.raises(NotFound):
            fees.get_fee(s, admin, uuid.uuid4())
