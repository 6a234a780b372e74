"""Clients: list (search, sort, paging), detail with client value, validation of every rule,
versioned edits, delete refused while used, permissions, audit and the change bus."""

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
from avrentals.domain.enums import QuoteStatus, Role
from avrentals.domain.errors import Forbidden, InUse, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, Client
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as svc
from tests.factories import make_actor
from tests.inventory_factories import CommitCheckingBus, make_client, make_event, make_quote


def create(engine: Engine, actor: Actor, **data: Any) -> Client:
    with transaction(engine) as s:
        return svc.create_client(s, actor, data)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Name is required."),
        ({"name": "A"}, "name", "Name must be at least 2 characters."),
        ({"name": "x" * 101}, "name", "Name must be at most 100 characters."),
        (
            {"email": "not-an-email"},
            "email",
            "Email must be a valid e-mail address (or left empty).",
        ),
        ({"email": "a b@c.pt"}, "email", "Email must be a valid e-mail address (or left empty)."),
        ({"phone": "9" * 31}, "phone", "Phone must be at most 30 characters."),
        ({"address": "a" * 201}, "address", "Address must be at most 200 characters."),
        ({"notes": "n" * 1001}, "notes", "Notes must be at most 1000 characters."),
        ({"tax_id": "1" * 21}, "tax_id", "Tax id must be at most 20 characters."),
        (
            {"contact_person": "c" * 101},
            "contact_person",
            "Contact person must be at most 100 characters.",
        ),
        ({"vip": True}, "vip", "This field cannot be set here."),
        ({"phone": 912345678}, "phone", "Phone must be text."),
    ],
)
def test_every_rule_has_a_field_message(
    engine: Engine, data: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        create(engine, make_actor(engine, Role.EMPLOYEE), **{"name": "Acme", **data})
    assert info.value.fields[field] == [message]
    with Session(engine) as s:
        assert s.exec(select(Client)).all() == []


def test_create_trims_and_stores_blanks_as_null(engine: Engine) -> None:
    client = create(
        engine,
        make_actor(engine, Role.EMPLOYEE),
        name="  Acme Events ",
        email="",
        phone=" ",
        contact_person="Ana Lima",
        tax_id="PT123456789",
    )
    assert (client.name, client.email, client.phone) == ("Acme Events", None, None)
    assert (client.contact_person, client.tax_id, client.version) == ("Ana Lima", "PT123456789", 1)


def test_list_search_sort_paging(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    create(engine, employee, name="Zeta Corp", email="events@zeta.pt")
    create(engine, employee, name="Alpha Ltd", contact_person="Rui Zeta")
    create(engine, employee, name="Mid 50% Co")
    viewer = make_actor(engine, Role.VIEWER)
    with Session(engine) as s:
        names = [r["name"] for r in svc.list_clients(s, viewer, PageRequest()).items]
        assert names == ["Alpha Ltd", "Mid 50% Co", "Zeta Corp"]
        found = svc.list_clients(s, viewer, PageRequest(), search="ZETA")
        assert [r["name"] for r in found.items] == ["Alpha Ltd", "Zeta Corp"]
        assert [
            r["name"] for r in svc.list_clients(s, viewer, PageRequest(), search="%").items
        ] == ["Mid 50% Co"]
        page = svc.list_clients(s, viewer, PageRequest(2, 2), sort="name", descending=True)
        assert [r["name"] for r in page.items] == ["Alpha Ltd"] and page.total == 3
        assert page.items[0]["event_count"] == 0
        with pytest.raises(ValidationFailed) as info:
            svc.list_clients(s, viewer, PageRequest(), sort="tax_id")
        assert list(info.value.fields) == ["sort"]


def test_detail_with_events_quotes_and_client_value(engine: Engine) -> None:
    client = make_client(engine, "Acme Events", email="ops@acme.pt", contact_person="Ana")
    today = date.today()
    make_event(engine, client, today - timedelta(days=10), today - timedelta(days=9), name="Old")
    make_event(engine, client, today + timedelta(days=3), today + timedelta(days=4), name="Next")
    make_quote(engine, client, QuoteStatus.ACCEPTED, "1000.10")
    make_quote(engine, client, QuoteStatus.ACCEPTED, "200.25")
    make_quote(engine, client, QuoteStatus.DECLINED, "999.00")
    make_quote(engine, client, QuoteStatus.DRAFT, "50.00")
    make_quote(engine, make_client(engine, "Other"), QuoteStatus.ACCEPTED, "7.00")
    with Session(engine) as s:
        detail = svc.client_detail(s, make_actor(engine, Role.VIEWER), client.id)
    assert detail["client_value"] == Decimal("1200.35")
    assert isinstance(detail["client_value"], Decimal)
    assert [(e["name"], e["status"]) for e in detail["events"]] == [
        ("Next", "upcoming"),
        ("Old", "completed"),
    ]
    assert sorted(q["status"] for q in detail["quotes"]) == [
        "Accepted",
        "Accepted",
        "Declined",
        "Draft",
    ]
    assert detail["contacts"] == [
        {"kind": "contact_person", "value": "Ana"},
        {"kind": "email", "value": "ops@acme.pt"},
    ]
    with pytest.raises(NotFound), Session(engine) as s:
        svc.client_detail(s, make_actor(engine, Role.VIEWER), uuid.uuid4())


def test_update_is_versioned_audited_and_published_after_commit(engine: Engine) -> None:
    employee = make_actor(engine, Role.EMPLOYEE)
    client = create(engine, employee, name="Acme", phone="123")
    bus = CommitCheckingBus(engine)
    changes.set_bus(bus)
    with transaction(engine) as s:
        svc.update_client(s, employee, client.id, 1, {"phone": "", "notes": "VIP"})
    with pytest.raises(VersionConflict) as info, transaction(engine) as s:
        svc.update_client(s, employee, client.id, 1, {"name": "Late edit"})
    assert info.value.current["notes"] == "VIP" and info.value.current["version"] == 2
    with pytest.raises(ValidationFailed), transaction(engine) as s:
        svc.update_client(s, employee, client.id, 2, {"email": "bad"})
    assert [(c.entity, c.action, c.version, ok) for c, ok in bus.published] == [
        ("client", "update", 2, True)
    ]
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "update")).one()
    assert (audit.old_values, audit.new_values) == (
        {"phone": "123", "notes": None},
        {"phone": None, "notes": "VIP"},
    )


def test_delete_refused_while_client_has_events_or_quotes(engine: Engine) -> None:
    manager = make_actor(engine, Role.MANAGER)
    with_event = make_client(engine, "With event")
    make_event(engine, with_event, date(2030, 1, 1), date(2030, 1, 2))
    with_quote = make_client(engine, "With quote")
    make_quote(engine, with_quote, QuoteStatus.DRAFT, "10.00")
    for client, expected in ((with_event, (1, 0)), (with_quote, (0, 1))):
        with pytest.raises(InUse) as info, transaction(engine) as s:
            svc.delete_client(s, manager, client.id)
        assert (info.value.details["events"], info.value.details["quotes"]) == expected
    free = make_client(engine, "Free")
    bus = CommitCheckingBus(engine)
    changes.set_bus(bus)
    with pytest.raises(VersionConflict), transaction(engine) as s:
        svc.delete_client(s, manager, free.id, version=3)
    with transaction(engine) as s:
        svc.delete_client(s, manager, free.id, version=1)
    assert [(c.action, ok) for c, ok in bus.published] == [("delete", True)]
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "delete")).one()
    assert audit.entity_type == "client" and audit.old_values["name"] == "Free"


def test_permissions(engine: Engine) -> None:
    client = make_client(engine, "Acme")
    for role in (Role.TECHNICIAN, Role.VIEWER):
        actor = make_actor(engine, role)
        with pytest.raises(Forbidden):
            create(engine, actor, name="Nope")
        with pytest.raises(Forbidden), transaction(engine) as s:
            svc.update_client(s, actor, client.id, 1, {"name": "Nope"})
        with Session(engine) as s:
            assert svc.get_client(s, actor, client.id).name == "Acme"
    employee = make_actor(engine, Role.EMPLOYEE)
    with transaction(engine) as s:
        svc.update_client(s, employee, client.id, 1, {"name": "Acme Ltd"})
    with pytest.raises(Forbidden), transaction(engine) as s:
        svc.delete_client(s, employee, client.id)
    with transaction(engine) as s:
        svc.delete_client(s, make_actor(engine, Role.ADMIN), client.id)


def test_list_rows_carry_client_value_and_sort_by_it(engine) -> None:
    """Σ Accepted quote totals per row, from the list query itself (no per-row reads)."""
    from datetime import date as _date
    from decimal import Decimal as _D

    from sqlmodel import Session as _S

    from avrentals.domain.enums import QuoteStatus as _QS
    from avrentals.domain.enums import Role as _R
    from avrentals.domain.models import Client as _C
    from avrentals.domain.models import Quote as _Q
    from avrentals.domain.pagination import PageRequest as _PR
    from avrentals.domain.services.clients import list_clients as _list
    from tests.factories import make_actor as _actor

    viewer = _actor(engine, _R.VIEWER)
    with _S(engine) as s:
        rich, poor = _C(name="Rich Client"), _C(name="Poor Client")
        s.add_all([rich, poor])
        s.flush()
        for n, (status, total) in enumerate(
            [(_QS.ACCEPTED, "100.10"), (_QS.ACCEPTED, "50.05"), (_QS.DRAFT, "999.00")]
        ):
            s.add(
                _Q(
                    number=f"Q2026-9{n:02d}",
                    name="Show",
                    client_id=rich.id,
                    client_name="Rich Client",
                    start_date=_date(2026, 1, 1),
                    end_date=_date(2026, 1, 2),
                    status=status,
                    total=_D(total),
                )
            )
        s.commit()
        page = _list(s, viewer, _PR(1, 20), sort="value", descending=True)
    values = {r["name"]: r["client_value"] for r in page.items}
    assert values == {"Rich Client": _D("150.15"), "Poor Client": _D("0.00")}
    assert [r["name"] for r in page.items] == ["Rich Client", "Poor Client"]
