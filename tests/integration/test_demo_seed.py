"""The demo data set (`seed_demo`) on both backends: contents, idempotency, no overbooking,
quote arithmetic and demo sign-ins. Everything is recomputed here from the database rows,
independently of the seeder's own bookkeeping."""

from __future__ import annotations

import re
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from avrentals.domain.enums import (
    DiscountType,
    EquipmentType,
    MaintenanceStatus,
    PrepStatus,
    QuoteItemType,
    QuoteStatus,
    Role,
    UnitStatus,
)
from avrentals.domain.models import (
    Category,
    Client,
    CompanySettings,
    EquipmentItem,
    Event,
    Fee,
    MaintenanceLog,
    Notification,
    Quote,
    QuoteItem,
    QuoteSequence,
    Rental,
    Service,
    Subcategory,
    User,
)
from avrentals.domain.services.auth import verify_password
from avrentals.domain.services.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    NOT_EMPTY,
    NOTHING_ADDED,
    seed_demo,
)
from tests.factories import make_user

# A date early in the year, so that some quotes were issued the year before.
TODAY = date(2026, 1, 10)
CATEGORY_NAMES = {
    "Audio",
    "Video",
    "Lighting",
    "Power",
    "Rigging",
    "Staging",
    "Cables",
    "Accessories",
}
TABLES: list[type[SQLModel]] = [
    User,
    Category,
    Subcategory,
    EquipmentItem,
    Client,
    Event,
    Rental,
    Service,
    Fee,
    Quote,
    QuoteItem,
    QuoteSequence,
    MaintenanceLog,
    Notification,
    CompanySettings,
]


def seed(engine: Engine, *, only_if_empty: bool = False) -> str:
    with Session(engine) as session:
        summary = seed_demo(session, today=TODAY, only_if_empty=only_if_empty)
        session.commit()
    return summary


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: conn.execute(  # type: ignore[misc]
                sa.select(sa.func.count()).select_from(model.__table__)  # type: ignore[attr-defined]
            ).scalar_one()
            for model in TABLES
        }


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def overbooked_days(session: Session) -> list[tuple[str, date, int, int]]:
    """(asset code, day, booked, good units) for every day an item is booked beyond its good
    units, recomputed from the rentals and events in the database."""
    usage: defaultdict[uuid.UUID, Counter[date]] = defaultdict(Counter)
    for rental, event in session.exec(
        select(Rental, Event).join(Event, Rental.event_id == Event.id)  # type: ignore[arg-type]
    ).all():
        day = event.start_date - timedelta(days=event.prep_days)
        last = event.end_date + timedelta(days=event.return_days)
        while day <= last:
            usage[rental.equipment_id][day] += rental.quantity
            day += timedelta(days=1)
    problems = []
    for item_id, per_day in usage.items():
        item = session.get(EquipmentItem, item_id)
        assert item is not None
        for day, booked in per_day.items():
            if booked > item.qty_good:
                problems.append((item.asset_code, day, booked, item.qty_good))
    return sorted(problems)


def test_seed_fills_every_area(engine: Engine) -> None:
    summary = seed(engine)
    assert summary.startswith("Demo data: 5 users, 8 categories, ")
    assert summary.count("\n") == 0

    with Session(engine) as s:
        users = s.exec(select(User)).all()
        assert sorted((u.username, u.role) for u in users) == sorted(
            (username, role) for username, _, role in DEMO_USERS
        )
        assert {u for u, _, _ in DEMO_USERS} == {"admin", "manager", "tech", "employee", "viewer"}
        assert {r for _, _, r in DEMO_USERS} == set(Role)
        admin_id = next(u.id for u in users if u.username == "admin")

        categories = s.exec(select(Category)).all()
        assert {c.name for c in categories} == CATEGORY_NAMES
        assert all(c.icon and c.icon != "" for c in categories)
        subs = s.exec(select(Subcategory)).all()
        per_category = Counter(sub.category_id for sub in subs)
        assert all(2 <= per_category[c.id] <= 4 for c in categories)
        sub_category = {sub.id: sub.category_id for sub in subs}

        items = s.exec(select(EquipmentItem)).all()
        assert len(items) >= 60
        assert len({i.asset_code for i in items}) == len(items)
        for item in items:
            assert re.fullmatch(r"(AUD|VID|LGT|PWR|RIG|STG|CAB|ACC)-\d{4}", item.asset_code)
            assert item.qty_good + item.qty_damaged + item.qty_maintenance == item.quantity
            assert item.subcategory_id is not None
            assert sub_category[item.subcategory_id] == item.category_id
            assert item.description and len(item.description) <= 500
            assert item.location and item.created_by == admin_id
            worst = (
                UnitStatus.DAMAGED
                if item.qty_damaged
                else UnitStatus.MAINTENANCE
                if item.qty_maintenance
                else UnitStatus.GOOD
            )
            assert item.status == worst
            if item.item_type == EquipmentType.CONSUMABLE:
                assert item.daily_rate == 0 and item.low_stock_threshold > 0
            else:
                assert item.daily_rate > 0
        assert sum(i.item_type == EquipmentType.CONSUMABLE for i in items) >= 3
        assert sum(i.qty_damaged > 0 for i in items) >= 2
        assert sum(i.qty_maintenance > 0 for i in items) >= 2

        clients = s.exec(select(Client)).all()
        assert len(clients) >= 10
        for client in clients:
            assert client.contact_person and client.email and client.phone
            assert client.address and client.tax_id and client.notes

        events = s.exec(select(Event)).all()
        assert len(events) >= 15
        past = [e for e in events if e.end_date < TODAY]
        ongoing = [e for e in events if e.start_date <= TODAY <= e.end_date]
        upcoming = [e for e in events if e.start_date > TODAY]
        assert len(past) >= 3 and len(ongoing) >= 1 and len(upcoming) >= 3
        assert any(e.prep_days > 0 for e in events) and any(e.return_days > 0 for e in events)
        assert all(e.assigned_user_id is not None for e in events)
        rentals = s.exec(select(Rental)).all()
        by_event = defaultdict(list)
        for rental in rentals:
            by_event[rental.event_id].append(rental)
        expected = {
            **{e.id: (PrepStatus.CHECKED_IN, True, True) for e in past},
            **{e.id: (PrepStatus.CHECKED_OUT, True, False) for e in ongoing},
            **{e.id: (PrepStatus.PENDING, False, False) for e in upcoming},
        }
        for event in events:
            lines = by_event[event.id]
            assert 2 <= len(lines) <= 8, event.name
            status, out, back = expected[event.id]
            for r in lines:
                assert r.prep_status == status
                assert r.scanned_out == (r.quantity if out else 0)
                assert r.scanned_in == (r.quantity if back else 0)

        services = s.exec(select(Service)).all()
        assert len(services) >= 6 and all(sv.unit_price > 0 for sv in services)
        fees = s.exec(select(Fee)).all()
        assert len(fees) >= 4
        assert {f.fee_type for f in fees} == set(DiscountType)
        assert any(f.is_required for f in fees)

        quotes = s.exec(select(Quote)).all()
        assert len(quotes) >= 6
        assert {q.status for q in quotes} == set(QuoteStatus)
        event_ids = {e.id for e in events}
        for quote in quotes:
            assert re.fullmatch(r"Q\d{4}-\d{3}", quote.number)
            if quote.status == QuoteStatus.ACCEPTED:
                assert quote.event_id in event_ids
        # Sequences: one row per year used, at the highest number of that year.
        highest: dict[int, int] = {}
        for quote in quotes:
            year, n = int(quote.number[1:5]), int(quote.number[6:])
            highest[year] = max(highest.get(year, 0), n)
        assert {TODAY.year - 1, TODAY.year} <= set(highest)
        sequences = {q.year: q.last_number for q in s.exec(select(QuoteSequence)).all()}
        assert sequences == highest

        logs = s.exec(select(MaintenanceLog)).all()
        assert {log.status for log in logs} == set(MaintenanceStatus)
        # Open logs account exactly for the units that are out of service.
        open_units: Counter[tuple[uuid.UUID, UnitStatus | None]] = Counter()
        for log in logs:
            if log.status == MaintenanceStatus.OPEN:
                open_units[(log.equipment_id, log.to_status)] += log.units
            else:
                assert log.closed_at is not None
        for item in items:
            assert open_units[(item.id, UnitStatus.DAMAGED)] == item.qty_damaged
            assert open_units[(item.id, UnitStatus.MAINTENANCE)] == item.qty_maintenance

        notes = Counter(n.user_id for n in s.exec(select(Notification)).all())
        assert all(notes[u.id] >= 2 for u in users)

        settings = s.get(CompanySettings, 1)
        assert settings is not None
        assert settings.currency == "EUR" and settings.default_tax_rate == Decimal("0.23")
        assert settings.company_name == "Lisbon Stage & Sound"


def test_a_second_run_adds_nothing(engine: Engine) -> None:
    seed(engine)
    first = row_counts(engine)
    assert seed(engine) == NOTHING_ADDED
    # Another day, same data set: still nothing new (rows are keyed by name, not by date).
    with Session(engine) as session:
        assert seed_demo(session, today=TODAY + timedelta(days=40)) == NOTHING_ADDED
        session.commit()
    assert row_counts(engine) == first
    assert seed(engine, only_if_empty=True) == NOT_EMPTY


def test_only_if_empty_leaves_a_database_with_users_alone(engine: Engine) -> None:
    make_user(engine, Role.ADMIN, username="owner")
    assert seed(engine, only_if_empty=True) == NOT_EMPTY
    counts = row_counts(engine)
    assert counts.pop("app_user") == 1 and set(counts.values()) == {0}
    # Without the flag the demo data goes in next to the existing user.
    assert seed(engine).startswith("Demo data: 5 users")
    assert row_counts(engine)["app_user"] == 6


def test_seeding_completes_a_partial_demo_without_duplicates(engine: Engine) -> None:
    seed(engine)
    full = row_counts(engine)
    with Session(engine) as s:
        quote = s.exec(select(Quote).where(Quote.status == QuoteStatus.DRAFT)).first()
        viewer = s.exec(select(User).where(User.username == "viewer")).one()
        assert quote is not None
        s.delete(quote)
        s.delete(viewer)
        s.commit()
    summary = seed(engine)
    assert summary.startswith("Demo data: 1 user, 1 quote, ")
    assert row_counts(engine) == full
    with Session(engine) as s:
        numbers = [q.number for q in s.exec(select(Quote)).all()]
        assert len(numbers) == len(set(numbers))
        year = TODAY.year
        last = s.get(QuoteSequence, year)
        assert last is not None
        assert last.last_number == max(int(n[6:]) for n in numbers if n[1:5] == str(year))


def test_no_item_is_ever_overbooked(engine: Engine) -> None:
    summary = seed(engine)
    with Session(engine) as s:
        assert overbooked_days(s) == []
        # The catalogue asks for more than there is on purpose: the seeder trimmed it.
        assert "reduced or left out to avoid overbooking" in summary
        usage_peaks = [
            (event.name, rental.quantity, item.qty_good)
            for rental, event, item in s.exec(
                select(Rental, Event, EquipmentItem)
                .join(Event, Rental.event_id == Event.id)  # type: ignore[arg-type]
                .join(EquipmentItem, Rental.equipment_id == EquipmentItem.id)  # type: ignore[arg-type]
            ).all()
        ]
        assert all(qty <= good for _, qty, good in usage_peaks)


def test_existing_bookings_are_counted_before_demo_rentals(engine: Engine) -> None:
    # A real booking already holds 3 of the 4 good MegaPointes for months around TODAY.
    with Session(engine) as s:
        owner = User(username="owner", name="Owner", password_hash="x", role=Role.ADMIN)
        category = Category(name="Existing lights")
        s.add_all([owner, category])
        s.flush()
        item = EquipmentItem(
            name="Robe MegaPointe (own stock)",
            category_id=category.id,
            quantity=5,
            qty_good=4,
            qty_damaged=1,
            status=UnitStatus.DAMAGED,
            location="Aisle Z",
            daily_rate=Decimal("80.00"),
            asset_code="LGT-0001",
        )
        client = Client(name="Existing Client")
        s.add_all([item, client])
        s.flush()
        event = Event(
            name="Residency",
            client_id=client.id,
            location="Somewhere",
            start_date=TODAY - timedelta(days=120),
            end_date=TODAY + timedelta(days=120),
        )
        s.add(event)
        s.flush()
        s.add(Rental(event_id=event.id, equipment_id=item.id, quantity=3))
        s.commit()
        item_id = item.id

    seed(engine)
    with Session(engine) as s:
        assert overbooked_days(s) == []
        demo_lines = s.exec(
            select(Rental).where(Rental.equipment_id == item_id, Rental.quantity < 3)
        ).all()
        assert demo_lines and all(r.quantity == 1 for r in demo_lines)
        existing = s.get(EquipmentItem, item_id)
        assert existing is not None and existing.name == "Robe MegaPointe (own stock)"


def test_quote_totals_match_their_lines(engine: Engine) -> None:
    seed(engine)
    with Session(engine) as s:
        quotes = s.exec(select(Quote)).all()
        required = {f.id for f in s.exec(select(Fee).where(Fee.is_required)).all()}
        for quote in quotes:
            lines = s.exec(
                select(QuoteItem).where(QuoteItem.quote_id == quote.id).order_by(QuoteItem.position)  # type: ignore[arg-type]
            ).all()
            days = (quote.end_date - quote.start_date).days + 1
            sub_total = Decimal("0")
            for line in lines:
                if line.item_type == QuoteItemType.FEE:
                    continue
                assert line.line_total == cents(line.quantity * line.unit_price * line.days)
                if line.item_type == QuoteItemType.EQUIPMENT:
                    assert line.days == days and line.equipment_id is not None
                sub_total += line.line_total
            assert quote.sub_total == sub_total
            if quote.discount_type == DiscountType.PERCENTAGE:
                discount = cents(sub_total * quote.discount_value / 100)
            else:
                discount = quote.discount_value
            discount = min(discount, sub_total)
            assert quote.discount_amount == discount
            discounted = sub_total - discount
            fees = Decimal("0")
            for line in lines:
                if line.item_type != QuoteItemType.FEE:
                    continue
                if line.fee_type == DiscountType.PERCENTAGE:
                    amount = cents(discounted * line.unit_price / 100)
                else:
                    amount = cents(line.unit_price * line.quantity)
                assert line.line_total == amount
                fees += amount
            assert quote.fees_total == fees
            assert quote.tax_rate == Decimal("0.23")
            tax = cents(quote.tax_rate * (discounted + fees))
            assert quote.tax_amount == tax
            assert quote.total == discounted + fees + tax
            assert quote.total > 0
            assert required <= {line.fee_id for line in lines}
        # Accepted quotes price the equipment actually booked on their event.
        for quote in quotes:
            if quote.status != QuoteStatus.ACCEPTED:
                continue
            event = s.get(Event, quote.event_id)
            assert event is not None
            assert (quote.start_date, quote.end_date) == (event.start_date, event.end_date)
            booked: dict[uuid.UUID | None, int] = {
                rental.equipment_id: rental.quantity
                for rental, item in s.exec(
                    select(Rental, EquipmentItem)
                    .join(EquipmentItem, Rental.equipment_id == EquipmentItem.id)  # type: ignore[arg-type]
                    .where(Rental.event_id == event.id, EquipmentItem.daily_rate > 0)
                ).all()
            }
            quoted = {
                line.equipment_id: line.quantity
                for line in s.exec(
                    select(QuoteItem).where(
                        QuoteItem.quote_id == quote.id,
                        QuoteItem.item_type == QuoteItemType.EQUIPMENT,
                    )
                ).all()
            }
            # Every chargeable rental, at its booked quantity (consumables are not charged).
            assert quoted and quoted == booked


def test_demo_users_can_sign_in_with_the_demo_password(engine: Engine) -> None:
    seed(engine)
    with Session(engine) as s:
        users = s.exec(select(User)).all()
        assert len(users) == len(DEMO_USERS) and all(u.is_active for u in users)
        # One argon2 hash shared by every demo user (hashed once); verify each distinct hash.
        hashes = {u.password_hash for u in users}
        assert len(hashes) == 1
        for password_hash in hashes:
            assert password_hash.startswith("$argon2")
            assert verify_password(DEMO_PASSWORD, password_hash)
            assert not verify_password("wrong-password", password_hash)
