"""Quote service: creation with numbers and required fees, server-side pricing, field
validation, versioned whole-document saves, the status workflow, duplicate, delete, list,
detail, and approval into an event (all or nothing). Both backends unless noted."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import captured_statements, read_session, transaction
from avrentals.domain import changes
from avrentals.domain.enums import DiscountType, Role
from avrentals.domain.errors import (
    Forbidden,
    InvalidState,
    NotFound,
    RentalConflict,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.models import (
    AuditLog,
    Client,
    CompanySettings,
    Event,
    Fee,
    Quote,
    QuoteItem,
    Rental,
    Service,
)
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services import events as ev
from avrentals.domain.services import quotes as qs
from tests.booking_factories import count, day, make_client, make_event, raw_rental, rentals_of
from tests.factories import make_actor, make_item

D = Decimal


class RecordingBus:
    """Keeps every published change (published only after commit)."""

    def __init__(self) -> None:
        self.published: list[changes.Change] = []

    def publish(self, change: changes.Change) -> None:
        self.published.append(change)

    async def subscribe(self):  # pragma: no cover - never subscribed here
        raise NotImplementedError
        yield


@pytest.fixture
def bus() -> RecordingBus:
    recording = RecordingBus()
    changes.set_bus(recording)  # type: ignore[arg-type]
    return recording


def insert(engine: Engine, row: Any) -> Any:
    with Session(engine, expire_on_commit=False) as s:
        s.add(row)
        s.commit()
        return row


def equipment_line(item: Any, quantity: int = 1, **over: Any) -> dict[str, Any]:
    return {"item_type": "equipment", "equipment_id": item.id, "quantity": quantity} | over


def values(*lines: dict[str, Any], **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": "Summer Festival",
        "location": "Lisbon Arena",
        "client_name": "Acme Events",
        "client_email": "bookings@acme.example",
        "start_date": day(0),
        "end_date": day(2),
        "items": list(lines),
    }
    return base | over


def create(engine: Engine, actor: Any, data: dict[str, Any], **kw: Any) -> Quote:
    with transaction(engine) as s:
        return qs.create_quote(s, actor, data, **kw)


def payload(engine: Engine, quote_id: uuid.UUID) -> dict[str, Any]:
    with read_session(engine) as s:
        quote = s.get(Quote, quote_id)
        assert quote is not None
        return qs.quote_payload(s, quote)


# --- Create ------------------------------------------------------------------------------


def test_create_numbers_prices_and_adds_required_fees(engine: Engine, bus: RecordingBus) -> None:
    actor = make_actor(engine)
    item = make_item(engine, "Moving head")  # daily rate 12.50
    insert(engine, Fee(name="Insurance", amount=D("5"), fee_type="percentage", is_required=True))
    insert(engine, Fee(name="Transport", amount=D("25.00"), is_required=True))
    insert(engine, Fee(name="Old fee", amount=D("9"), is_required=True, is_active=False))
    insert(engine, Fee(name="Optional", amount=D("9"), is_required=False))
    first = create(engine, actor, values(equipment_line(item, 2)))
    second = create(engine, actor, values(equipment_line(item, 1)))
    year = date.today().year
    assert (first.number, second.number) == (f"Q{year}-001", f"Q{year}-002")
    data = payload(engine, first.id)
    assert data["status"] == "Draft" and data["version"] == 1
    lines = [(i["description"], i["days"], i["unit_price"], i["line_total"]) for i in data["items"]]
    # 2 x 12.50 x 3 days = 75.00; insurance 5 % of 75.00 = 3.75; transport 25.00
    assert lines == [
        ("Moving head", 3, "12.50", "75.00"),
        ("Insurance", 1, "5.00", "3.75"),
        ("Transport", 1, "25.00", "25.00"),
    ]
    assert [i["position"] for i in data["items"]] == [0, 1, 2]
    assert data["tax_rate"] == "0.23"  # no settings row: the 23 % fallback
    # tax 23 % of (75.00 + 28.75 = 103.75) = 23.8625 -> 23.86
    assert (data["sub_total"], data["fees_total"], data["tax_amount"], data["total"]) == (
        "75.00",
        "28.75",
        "23.86",
        "127.61",
    )
    with read_session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.entity_id == str(first.id))).all()
    assert [(a.action, a.entity_type) for a in audit] == [("create", "quote")]
    assert [(c.entity, c.action, c.id) for c in bus.published] == [
        ("quote", "create", str(first.id)),
        ("quote", "create", str(second.id)),
    ]


def test_required_fee_already_on_the_quote_is_not_added_twice(engine: Engine) -> None:
    actor = make_actor(engine)
    fee = insert(engine, Fee(name="Transport", amount=D("25.00"), is_required=True))
    quote = create(
        engine,
        actor,
        values({"item_type": "fee", "fee_id": fee.id, "unit_price": "30", "quantity": 2}),
    )
    items = payload(engine, quote.id)["items"]
    assert [(i["description"], i["line_total"]) for i in items] == [("Transport", "60.00")]


def test_default_tax_rate_comes_from_settings(engine: Engine) -> None:
    actor = make_actor(engine)
    insert(engine, CompanySettings(id=1, default_tax_rate=D("0.06")))
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    assert payload(engine, quote.id)["tax_rate"] == "0.06"
    explicit = create(engine, actor, values(equipment_line(item), tax_rate="0"))
    assert payload(engine, explicit.id)["tax_amount"] == "0.00"


def test_server_ignores_totals_sent_by_the_client(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    forged = values(
        equipment_line(item, 1, unit_price="10.00", line_total="0.01", days=99, id="x"),
        sub_total="1.00",
        discount_amount="0.00",
        fees_total="0.00",
        tax_amount="0.00",
        total="1.00",
        tax_rate="0.23",
    )
    quote = create(engine, actor, forged)
    data = payload(engine, quote.id)
    assert data["items"][0]["line_total"] == "30.00"  # 10.00 x 3 days
    assert data["items"][0]["days"] == 3
    assert (data["sub_total"], data["tax_amount"], data["total"]) == ("30.00", "6.90", "36.90")


def test_catalogue_defaults_for_prices_descriptions_and_fee_type(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine, "Mixer")
    service = insert(engine, Service(name="Technician", unit_price=D("150.00")))
    fee = insert(engine, Fee(name="Cleaning", amount=D("10"), fee_type="percentage"))
    quote = create(
        engine,
        actor,
        values(
            equipment_line(item),
            {"item_type": "service", "service_id": str(service.id)},
            {"item_type": "fee", "fee_id": str(fee.id)},
            {"item_type": "service", "description": "Custom rigging", "unit_price": 40},
            start_date=day(0),
            end_date=day(0),
        ),
    )
    items = payload(engine, quote.id)["items"]
    assert [(i["description"], i["unit_price"], i["fee_type"], i["line_total"]) for i in items] == [
        ("Mixer", "12.50", None, "12.50"),
        ("Technician", "150.00", None, "150.00"),
        ("Cleaning", "10.00", "percentage", "20.25"),  # 10 % of 202.50
        ("Custom rigging", "40.00", None, "40.00"),
    ]


def test_linked_client_fills_contact_fields_unless_typed(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    with transaction(engine) as s:
        client = Client(name="Teatro Nacional", email="info@teatro.example", phone="+351 1")
        s.add(client)
    quote = create(
        engine,
        actor,
        values(
            equipment_line(item),
            client_id=str(client.id),
            client_name="",
            client_email=None,
            client_phone="+351 999",
        ),
    )
    data = payload(engine, quote.id)
    assert data["client_id"] == str(client.id)
    assert (data["client_name"], data["client_email"], data["client_phone"]) == (
        "Teatro Nacional",
        "info@teatro.example",
        "+351 999",
    )
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        qs.create_quote(s, actor, values(equipment_line(item), client_id=str(uuid.uuid4())))
    assert info.value.fields == {"client_id": ["Client not found."]}


BAD_INPUTS = [
    ({"items": []}, "items"),
    ({"name": ""}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"client_name": ""}, "client_name"),
    ({"client_name": "x" * 101}, "client_name"),
    ({"client_email": "not-an-email"}, "client_email"),
    ({"discount_value": "-1"}, "discount_value"),
    ({"discount_value": "100.01", "discount_type": "percentage"}, "discount_value"),
    ({"discount_type": "bogus"}, "discount_type"),
    ({"tax_rate": "1.01"}, "tax_rate"),
    ({"tax_rate": "-0.01"}, "tax_rate"),
    ({"start_date": day(3), "end_date": day(2)}, "end_date"),
    ({"start_date": "not a date"}, "start_date"),
    ({"notes": "x" * 1001}, "notes"),
    ({"location": "x" * 201}, "location"),
    ({"surprise": 1}, "surprise"),
]


@pytest.mark.parametrize(("change", "field"), BAD_INPUTS)
def test_header_rules_report_the_field(engine: Engine, change: dict[str, Any], field: str) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    data = values(equipment_line(item)) | change
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        qs.create_quote(s, actor, data)
    assert field in info.value.fields
    assert count(engine, Quote) == 0


BAD_LINES = [
    ({"quantity": 0}, "items[0].quantity"),
    ({"quantity": 1.5}, "items[0].quantity"),
    ({"quantity": True}, "items[0].quantity"),
    ({"quantity": "two"}, "items[0].quantity"),
    ({"unit_price": "-0.01"}, "items[0].unit_price"),
    ({"unit_price": "1.005"}, "items[0].unit_price"),
    ({"item_type": "gadget"}, "items[0].item_type"),
    ({"equipment_id": None}, "items[0].equipment_id"),
    ({"equipment_id": "nope"}, "items[0].equipment_id"),
    ({"equipment_id": str(uuid.uuid4())}, "items[0].equipment_id"),
    ({"fee_type": "fixed"}, "items[0].fee_type"),
    ({"description": "x" * 201}, "items[0].description"),
    ({"colour": "red"}, "items[0].colour"),
]


@pytest.mark.parametrize(("change", "field"), BAD_LINES)
def test_line_rules_report_the_indexed_field(
    engine: Engine, change: dict[str, Any], field: str
) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        qs.create_quote(s, actor, values(equipment_line(item) | change))
    assert field in info.value.fields, info.value.fields


def test_percentage_fee_over_100_and_every_error_at_once(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    data = values(
        equipment_line(item, 0),
        {"item_type": "fee", "description": "Cut", "unit_price": 101, "fee_type": "percentage"},
        name="",
        tax_rate="2",
    )
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        qs.create_quote(s, actor, data)
    assert set(info.value.fields) == {
        "name",
        "tax_rate",
        "items[0].quantity",
        "items[1].unit_price",
    }


def test_autosave_may_start_without_lines_but_not_the_normal_save(engine: Engine) -> None:
    actor = make_actor(engine)
    quote = create(engine, actor, values(), allow_empty=True)
    assert payload(engine, quote.id)["items"] == []
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        qs.update_quote(s, actor, quote.id, values(), 1)
    assert "items" in info.value.fields


def test_roles_for_writes(engine: Engine) -> None:
    item = make_item(engine)
    for role in (Role.TECHNICIAN, Role.VIEWER):
        with pytest.raises(Forbidden), transaction(engine) as s:
            qs.create_quote(s, make_actor(engine, role), values(equipment_line(item)))
    quote = create(engine, make_actor(engine, Role.EMPLOYEE), values(equipment_line(item)))
    with pytest.raises(Forbidden), transaction(engine) as s:
        qs.delete_quote(s, make_actor(engine, Role.EMPLOYEE), quote.id, 1)
    with read_session(engine) as s:
        assert qs.get_quote(s, make_actor(engine, Role.VIEWER), quote.id).id == quote.id


# --- Update ------------------------------------------------------------------------------


def test_update_replaces_lines_reprices_and_bumps_version(
    engine: Engine, bus: RecordingBus
) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    new = values(
        equipment_line(item, 4, unit_price="20"),
        discount_value="10",
        discount_type="percentage",
        name="Renamed",
    )
    with transaction(engine) as s:
        updated = qs.update_quote(s, actor, quote.id, new, 1)
        assert updated.version == 2
    data = payload(engine, quote.id)
    # 4 x 20 x 3 = 240; 10 % discount = 24 -> 216; tax 49.68
    assert (data["name"], data["sub_total"], data["discount_amount"], data["total"]) == (
        "Renamed",
        "240.00",
        "24.00",
        "265.68",
    )
    assert [i["quantity"] for i in data["items"]] == [4]
    with read_session(engine) as s:
        assert len(s.exec(select(QuoteItem)).all()) == 1
        audit = s.exec(
            select(AuditLog).where(AuditLog.action == "update", AuditLog.entity_type == "quote")
        ).one()
    assert audit.new_values is not None and audit.new_values["name"] == "Renamed"
    assert ("quote", "update") in [(c.entity, c.action) for c in bus.published]


def test_saving_the_same_document_writes_nothing(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    data = values(equipment_line(item))
    quote = create(engine, actor, data)
    with transaction(engine) as s:
        assert qs.update_quote(s, actor, quote.id, data | {"tax_rate": "0.23"}, 1).version == 1
    with read_session(engine) as s:
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "update")).all()) == 0


def test_stale_version_is_a_conflict_carrying_the_saved_quote(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    with transaction(engine) as s:
        qs.update_quote(s, actor, quote.id, values(equipment_line(item, 2)), 1)
    with pytest.raises(VersionConflict) as info, transaction(engine) as s:
        qs.update_quote(s, actor, quote.id, values(equipment_line(item, 3)), 1)
    current = info.value.current
    assert current["version"] == 2 and current["items"][0]["quantity"] == 2
    assert payload(engine, quote.id)["items"][0]["quantity"] == 2


def test_only_draft_and_sent_quotes_are_editable(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    with transaction(engine) as s:
        qs.change_status(s, actor, quote.id, "Sent", 1)
    with transaction(engine) as s:
        qs.update_quote(s, actor, quote.id, values(equipment_line(item, 2)), 2)
    with transaction(engine) as s:
        qs.change_status(s, actor, quote.id, "Declined", 3)
    with pytest.raises(InvalidState), transaction(engine) as s:
        qs.update_quote(s, actor, quote.id, values(equipment_line(item, 5)), 4)


# --- Workflow ----------------------------------------------------------------------------

TRANSITIONS = [
    (["Sent"], True),
    (["Sent", "Accepted"], True),
    (["Sent", "Declined"], True),
    (["Archived"], True),
    (["Sent", "Accepted", "Archived"], True),
    (["Accepted"], False),
    (["Declined"], False),
    (["Draft"], False),
    (["Sent", "Draft"], False),
    (["Sent", "Accepted", "Declined"], False),
    (["Archived", "Draft"], False),
]


@pytest.mark.parametrize(("steps", "allowed"), TRANSITIONS)
def test_status_workflow(engine: Engine, steps: list[str], allowed: bool) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    *before, last = steps
    version = 1
    for step in before:
        with transaction(engine) as s:
            version = qs.change_status(s, actor, quote.id, step, version).version
    if allowed:
        with transaction(engine) as s:
            assert qs.change_status(s, actor, quote.id, last, version).status == last
    else:
        with pytest.raises(InvalidState), transaction(engine) as s:
            qs.change_status(s, actor, quote.id, last, version)
        assert payload(engine, quote.id)["version"] == version


def test_sent_version_tells_what_the_client_has(engine: Engine) -> None:
    """Marking as sent records the version the client was given; a later save leaves it
    behind (the quote changed since), sending again catches up."""
    actor = make_actor(engine)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    assert payload(engine, quote.id)["sent_version"] is None
    with transaction(engine) as s:
        assert qs.change_status(s, actor, quote.id, "Sent", 1).sent_version == 2
    with transaction(engine) as s:
        edit = values(equipment_line(item), location="Porto")
        changed = qs.update_quote(s, actor, quote.id, edit, 2)
    assert (changed.version, changed.sent_version) == (3, 2)
    with transaction(engine) as s:  # archiving is no new version for the client
        assert qs.change_status(s, actor, quote.id, "Archived", 3).sent_version == 2


def test_status_change_checks_version_and_value(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    with pytest.raises(VersionConflict), transaction(engine) as s:
        qs.change_status(s, actor, quote.id, "Sent", 7)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        qs.change_status(s, actor, quote.id, "Won", 1)
    assert "status" in info.value.fields
    with pytest.raises(NotFound), transaction(engine) as s:
        qs.change_status(s, actor, uuid.uuid4(), "Sent", 1)


# --- Duplicate, delete, list, detail -----------------------------------------------------


def test_duplicate_gets_a_new_number_and_the_same_lines(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item, 2, unit_price="30")))
    with transaction(engine) as s:
        qs.change_status(s, actor, quote.id, "Sent", 1)
    with transaction(engine) as s:
        copy = qs.duplicate_quote(s, actor, quote.id)
    original, dup = payload(engine, quote.id), payload(engine, copy.id)
    assert dup["number"] != original["number"]
    assert (dup["status"], dup["name"], dup["version"]) == ("Draft", "Summer Festival (copy)", 1)
    strip = ("id", "created_at", "updated_at", "quote_id")
    assert [{k: v for k, v in i.items() if k not in strip} for i in dup["items"]] == [
        {k: v for k, v in i.items() if k not in strip} for i in original["items"]
    ]
    assert dup["total"] == original["total"]


def test_delete_removes_quote_and_lines(engine: Engine) -> None:
    actor = make_actor(engine, Role.MANAGER)
    item = make_item(engine)
    quote = create(engine, actor, values(equipment_line(item)))
    with pytest.raises(VersionConflict), transaction(engine) as s:
        qs.delete_quote(s, actor, quote.id, 5)
    with transaction(engine) as s:
        qs.delete_quote(s, actor, quote.id, 1)
    assert (count(engine, Quote), count(engine, QuoteItem)) == (0, 0)
    with read_session(engine) as s:
        deleted = s.exec(select(AuditLog).where(AuditLog.action == "delete")).one()
    assert deleted.old_values is not None and deleted.old_values["number"] == quote.number
    with pytest.raises(NotFound), transaction(engine) as s:
        qs.delete_quote(s, actor, quote.id, None)


def test_number_sort_is_numeric_within_and_across_years(engine: Engine) -> None:
    """Past 999 quotes a year the numbers grow a digit: Q2026-1000 sorts after Q2026-999
    and before the next year's Q2027-001, not between Q2026-099 and Q2026-101 as text."""
    actor = make_actor(engine)
    item = make_item(engine)
    made = [create(engine, actor, values(equipment_line(item), name=f"Q{i}")) for i in range(5)]
    given = ["Q2026-999", "Q2027-001", "Q2026-1000", "Q2026-099", "Q2026-101"]
    with transaction(engine) as s:
        for quote, number in zip(made, given, strict=True):
            s.execute(sa.update(Quote).where(Quote.id == quote.id).values(number=number))
    expected = ["Q2026-099", "Q2026-101", "Q2026-999", "Q2026-1000", "Q2027-001"]
    with read_session(engine) as s:
        listed = qs.list_quotes(s, actor, sort="number", descending=False).items
        assert [r["number"] for r in listed] == expected
        listed = qs.list_quotes(s, actor, sort="number").items
        assert [r["number"] for r in listed] == expected[::-1]


def test_list_searches_filters_and_sorts(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    a = create(engine, actor, values(equipment_line(item), name="Jazz night", client_name="Blue"))
    b = create(engine, actor, values(equipment_line(item, 9), name="Rock gig", client_name="Red"))
    with transaction(engine) as s:
        qs.change_status(s, actor, b.id, "Sent", 1)
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:

        def numbers(**kw: Any) -> list[str]:
            return [r["number"] for r in qs.list_quotes(s, viewer, **kw).items]

        assert numbers(search="JAZZ") == [a.number]
        assert numbers(search="red") == [b.number]
        assert numbers(search=b.number) == [b.number]
        assert numbers(status="Sent") == [b.number]
        assert numbers(sort="total", descending=False) == [a.number, b.number]
        assert numbers(sort="total") == [b.number, a.number]
        assert numbers(search="100%_") == []
        page = qs.list_quotes(s, viewer, paging=PageRequest(1, 1), sort="name", descending=False)
        assert [r["name"] for r in page.items] == ["Jazz night"] and page.total == 2
        assert page.items[0]["item_count"] == 1
        with pytest.raises(ValidationFailed):
            qs.list_quotes(s, viewer, sort="password_hash")
        with pytest.raises(ValidationFailed):
            qs.list_quotes(s, viewer, status="Lost")


def test_detail_shows_availability_of_equipment_lines(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine, quantity=10)
    client = make_client(engine)
    raw_rental(engine, make_event(engine, client, day(1)), item, 4)
    quote = create(
        engine,
        actor,
        values(
            equipment_line(item, 3),
            {"item_type": "service", "description": "Crew", "unit_price": 1},
        ),
    )
    with read_session(engine) as s:
        detail = qs.quote_detail(s, make_actor(engine, Role.VIEWER), quote.id)
    assert [(i["available"], i["bookable"]) for i in detail["items"]] == [(6, 10), (None, None)]
    assert detail["event_name"] is None and detail["linked_client_name"] is None


def test_preview_prices_without_saving(engine: Engine) -> None:
    preview = qs.preview_totals(
        {
            "name": "",
            "start_date": "2030-06-01",
            "end_date": "2030-06-01",
            "discount_value": "500",
            "discount_type": DiscountType.FIXED,
            "total": "0.01",
            "items": [
                {"item_type": "equipment", "equipment_id": str(uuid.uuid4()), "unit_price": 100},
                {"item_type": "fee", "description": "Transport", "unit_price": 20},
            ],
        }
    )
    # discount capped at the sub-total; tax on the fee only
    assert (preview["sub_total"], preview["discount_amount"], preview["total"]) == (
        D("100.00"),
        D("100.00"),
        D("24.60"),
    )
    with pytest.raises(ValidationFailed) as info:
        qs.preview_totals({"items": [{"item_type": "service", "description": "Crew"}]})
    assert set(info.value.fields) == {"start_date", "end_date", "items[0].unit_price"}
    assert count(engine, Quote) == 0


# --- Approval ----------------------------------------------------------------------------


def sent_quote(engine: Engine, actor: Any, client: Client | None, *lines: dict[str, Any]) -> Quote:
    extra = {"client_id": client.id} if client else {}
    quote = create(engine, actor, values(*lines, notes="Stage left", **extra))
    with transaction(engine) as s:
        return qs.change_status(s, actor, quote.id, "Sent", 1)


def test_approve_creates_event_rentals_and_links_both_ways(
    engine: Engine, bus: RecordingBus
) -> None:
    actor = make_actor(engine, Role.EMPLOYEE)
    mics, desk = make_item(engine, "Mic"), make_item(engine, "Desk")
    client = make_client(engine)
    quote = sent_quote(
        engine,
        actor,
        client,
        equipment_line(mics, 4),
        equipment_line(desk, 1),
        {"item_type": "service", "description": "Crew", "unit_price": 100},
    )
    bus.published.clear()
    with transaction(engine) as s:
        event = qs.approve_quote(s, actor, quote.id, 2)
    with read_session(engine) as s:
        saved = s.get(Event, event.id)
        assert saved is not None
        assert (saved.name, saved.client_id, saved.location, saved.notes) == (
            "Summer Festival",
            client.id,
            "Lisbon Arena",
            "Stage left",
        )
        assert (saved.start_date, saved.end_date) == (day(0), day(2))
        # The event's page finds the quote it came from.
        linked = ev.get_event_detail(s, actor, event.id)["quote"]
        assert linked == {
            "id": quote.id,
            "number": quote.number,
            "name": "Summer Festival",
            "status": "Accepted",
        }
        detail = qs.quote_detail(s, actor, quote.id)
    assert rentals_of(engine, event.id) == {mics.id: 4, desk.id: 1}
    data = payload(engine, quote.id)
    assert (data["status"], data["event_id"], data["version"]) == ("Accepted", str(event.id), 3)
    assert detail["event_name"] == "Summer Festival"
    assert detail["linked_client_name"] == "Acme Events"
    published = {(c.entity, c.action) for c in bus.published}
    assert {("quote", "update"), ("event", "create"), ("rental", "create")} <= published
    with read_session(engine) as s:
        approve = s.exec(select(AuditLog).where(AuditLog.action == "approve")).one()
    assert approve.new_values == {"status": "Accepted", "event_id": str(event.id)}


def snapshot_everything(engine: Engine) -> dict[str, Any]:
    with read_session(engine) as s:
        return {
            "quotes": [
                (q.id, q.status, q.version, q.event_id) for q in s.exec(select(Quote)).all()
            ],
            "events": sorted(str(e.id) for e in s.exec(select(Event)).all()),
            "rentals": sorted(
                (str(r.event_id), str(r.equipment_id), r.quantity)
                for r in s.exec(select(Rental)).all()
            ),
            "audit": len(s.exec(select(AuditLog)).all()),
        }


def test_approval_conflict_leaves_everything_unchanged(
    pg_engine: Engine, bus: RecordingBus
) -> None:
    engine = pg_engine
    actor = make_actor(engine)
    fits, short = make_item(engine, "Fits", quantity=10), make_item(engine, "Short", quantity=5)
    client = make_client(engine)
    raw_rental(engine, make_event(engine, client, day(1)), short, 3)  # 2 of 5 left on day 1
    quote = sent_quote(engine, actor, client, equipment_line(fits, 2), equipment_line(short, 4))
    before = snapshot_everything(engine)
    bus.published.clear()
    with pytest.raises(RentalConflict) as info, transaction(engine) as s:
        qs.approve_quote(s, actor, quote.id, 2)
    lines = info.value.details["lines"]
    assert [(ln["equipmentId"], ln["requested"], ln["available"]) for ln in lines] == [
        (str(short.id), 4, 2)
    ]
    assert snapshot_everything(engine) == before
    assert bus.published == []


def test_approval_needs_a_linked_client_and_a_sent_quote(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = sent_quote(engine, actor, None, equipment_line(item))
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        qs.approve_quote(s, actor, quote.id, 2)
    assert "client_id" in info.value.fields
    draft = create(engine, actor, values(equipment_line(item), client_id=make_client(engine).id))
    with pytest.raises(InvalidState), transaction(engine) as s:
        qs.approve_quote(s, actor, draft.id, 1)
    with pytest.raises(VersionConflict), transaction(engine) as s:
        qs.approve_quote(s, actor, draft.id, 9)
    with pytest.raises(Forbidden), transaction(engine) as s:
        qs.approve_quote(s, make_actor(engine, Role.TECHNICIAN), draft.id, 1)
    assert count(engine, Event) == 0


def test_second_approval_is_refused(engine: Engine) -> None:
    actor = make_actor(engine)
    item = make_item(engine)
    quote = sent_quote(engine, actor, make_client(engine), equipment_line(item))
    with transaction(engine) as s:
        qs.approve_quote(s, actor, quote.id, 2)
    with pytest.raises(InvalidState), transaction(engine) as s:
        qs.approve_quote(s, actor, quote.id, 3)
    assert count(engine, Event) == 1
    with read_session(engine) as s:
        assert len(s.exec(select(Rental).where(col(Rental.equipment_id) == item.id)).all()) == 1


def test_event_without_a_quote_and_one_quote_per_event(engine: Engine) -> None:
    """An event made by hand has no quote; the database refuses a second quote on one event
    (an approval always creates its own)."""
    actor = make_actor(engine, Role.EMPLOYEE)
    client = make_client(engine)
    first = sent_quote(engine, actor, client, equipment_line(make_item(engine, "Mic"), 1))
    other = sent_quote(engine, actor, client, equipment_line(make_item(engine, "Desk"), 1))
    with transaction(engine) as s:
        event = qs.approve_quote(s, actor, first.id, 2)
    with transaction(engine) as s:
        hand_made = ev.create_event(
            s,
            actor,
            {
                "name": "Walk-in booking",
                "client_id": client.id,
                "location": "Lisbon",
                "start_date": day(10),
                "end_date": day(11),
            },
        )
    with read_session(engine) as s:
        assert ev.get_event_detail(s, actor, hand_made.id)["quote"] is None
    with pytest.raises(sa.exc.IntegrityError), transaction(engine) as s:
        s.execute(sa.update(Quote).where(Quote.id == other.id).values(event_id=event.id))


def test_a_save_reads_its_catalogue_rows_in_one_query_per_kind(engine: Engine) -> None:
    """30 lines naming 30 items are priced from one read of the items, not 30."""
    actor = make_actor(engine)
    items = [make_item(engine, f"Item {i}") for i in range(30)]
    quote = create(engine, actor, values(*(equipment_line(item) for item in items)))
    with captured_statements(engine) as sent, transaction(engine) as s:
        edit = values(*(equipment_line(item, 2) for item in items))
        qs.update_quote(s, actor, quote.id, edit, 1)
    statements = [statement for statement, _params in sent]
    item_reads = [
        q
        for q in statements
        if q.lstrip().upper().startswith("SELECT") and "FROM equipment_item" in q
    ]
    assert len(item_reads) == 1, item_reads
    assert payload(engine, quote.id)["items"][29]["quantity"] == 2
