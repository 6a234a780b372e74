"""Demo data: a believable rental house to explore (`avrentals seed-demo`).

The content lives in `avrentals.domain.demo_catalogue`; this module writes it, inserting only
the rows that are missing and never booking more units than are in stock.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from avrentals.domain import demo_catalogue as cat
from avrentals.domain.enums import (
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
from avrentals.domain.pricing import PricedLine, price_quote
from avrentals.domain.services.auth import hash_password

DEMO_PASSWORD = "rentals-demo"  # noqa: S105 - the documented demo sign-in, printed by the CLI

DEMO_USERS: list[tuple[str, str, Role]] = [
    ("admin", "Helena Marques", Role.ADMIN),
    ("manager", "Ricardo Antunes", Role.MANAGER),
    ("tech", "Tiago Carvalho", Role.TECHNICIAN),
    ("employee", "Inês Rodrigues", Role.EMPLOYEE),
    ("viewer", "Pedro Almeida", Role.VIEWER),
]

NOTHING_ADDED = "Demo data already present: nothing added"
NOT_EMPTY = "Demo data not loaded: the database already has users"


def blocked_days(event: Event) -> list[date]:
    """Every day the event blocks its equipment (DESIGN §5)."""
    first = event.start_date - timedelta(days=event.prep_days)
    last = event.end_date + timedelta(days=event.return_days)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _stamp(day: date, hour: int, now: datetime) -> datetime:
    """A UTC timestamp on `day`, never later than now."""
    return min(datetime.combine(day, time(hour), tzinfo=UTC), now)


_LABELS: tuple[tuple[str, str, str], ...] = (
    ("users", "user", "users"),
    ("categories", "category", "categories"),
    ("subcategories", "subcategory", "subcategories"),
    ("items", "item", "items"),
    ("clients", "client", "clients"),
    ("services", "service", "services"),
    ("fees", "fee", "fees"),
    ("events", "event", "events"),
    ("rentals", "rental", "rentals"),
    ("quotes", "quote", "quotes"),
    ("quote_lines", "quote line", "quote lines"),
    ("maintenance", "maintenance log", "maintenance logs"),
    ("notifications", "notification", "notifications"),
)


class _Seeder:
    def __init__(self, session: Session, today: date) -> None:
        self.s = session
        self.today = today
        self.now = datetime.now(UTC)
        self.added: Counter[str] = Counter()
        self.trimmed = 0
        self.settings_added = False
        self.users: dict[str, User] = {}
        self.categories: dict[str, Category] = {}
        self.subcategories: dict[tuple[str, str], Subcategory] = {}
        self.items: dict[str, EquipmentItem] = {}
        self.clients: dict[str, Client] = {}
        self.services: dict[str, Service] = {}
        self.fees: dict[str, Fee] = {}
        self.events: dict[str, Event] = {}
        self.admin_id: uuid.UUID | None = None

    # -- helpers ---------------------------------------------------------------------------

    def _add(self, kind: str, rows: Iterable[object]) -> None:
        n = 0
        for row in rows:
            self.s.add(row)
            n += 1
        if n:
            self.added[kind] += n
            self.s.flush()

    def summary(self) -> str:
        parts = [
            f"{self.added[key]} {one if self.added[key] == 1 else many}"
            for key, one, many in _LABELS
            if self.added[key]
        ]
        if self.settings_added:
            parts.append("company settings")
        if not parts:
            return NOTHING_ADDED
        text = f"Demo data: {', '.join(parts)} added"
        if self.trimmed:
            lines = "rental line" if self.trimmed == 1 else "rental lines"
            text += f" ({self.trimmed} {lines} reduced or left out to avoid overbooking)"
        return text

    # -- steps -----------------------------------------------------------------------------

    def settings(self) -> None:
        if self.s.get(CompanySettings, 1) is None:
            c = cat.COMPANY
            self.s.add(
                CompanySettings(
                    id=1,
                    company_name=c.company_name,
                    tagline=c.tagline,
                    email=c.email,
                    phone=c.phone,
                    address=c.address,
                    website=c.website,
                    tax_id=c.tax_id,
                    currency=c.currency,
                    default_tax_rate=Decimal(c.default_tax_rate),
                    quote_terms=c.quote_terms,
                )
            )
            self.s.flush()
            self.settings_added = True

    def demo_users(self) -> None:
        names = [u for u, _, _ in DEMO_USERS]
        self.users = {
            u.username: u
            for u in self.s.exec(select(User).where(col(User.username).in_(names))).all()
        }
        missing = [spec for spec in DEMO_USERS if spec[0] not in self.users]
        if missing:
            password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow: hash once
            emails = [cat.USER_PROFILES[u].email for u, _, _ in missing]
            taken = set(self.s.exec(select(User.email).where(col(User.email).in_(emails))).all())
            # The admin goes first: every other demo row records it as its creator.
            missing.sort(key=lambda spec: spec[0] != "admin")
            for username, name, role in missing:
                profile = cat.USER_PROFILES[username]
                user = User(
                    username=username,
                    name=name,
                    email=None if profile.email in taken else profile.email,
                    password_hash=password_hash,
                    role=role,
                    job_title=profile.job_title,
                    phone=profile.phone,
                    contact_email=profile.email,
                    is_team_member=profile.is_team_member,
                    created_by=self.users["admin"].id if "admin" in self.users else None,
                )
                self._add("users", [user])
                self.users[username] = user
        self.admin_id = self.users["admin"].id

    def catalogue(self) -> None:
        names = [c.name for c in cat.CATEGORIES]
        self.categories = {
            c.name: c
            for c in self.s.exec(select(Category).where(col(Category.name).in_(names))).all()
        }
        self._add(
            "categories",
            (
                self._remember_category(
                    Category(name=c.name, icon=c.icon, position=i, created_by=self.admin_id)
                )
                for i, c in enumerate(cat.CATEGORIES)
                if c.name not in self.categories
            ),
        )
        by_id = {c.id: name for name, c in self.categories.items()}
        for sub in self.s.exec(
            select(Subcategory).where(col(Subcategory.category_id).in_(list(by_id)))
        ).all():
            self.subcategories[(by_id[sub.category_id], sub.name)] = sub
        new_subs = []
        for c in cat.CATEGORIES:
            for name in c.subcategories:
                if (c.name, name) not in self.subcategories:
                    sub = Subcategory(
                        category_id=self.categories[c.name].id,
                        name=name,
                        created_by=self.admin_id,
                    )
                    self.subcategories[(c.name, name)] = sub
                    new_subs.append(sub)
        self._add("subcategories", new_subs)

        codes = [i.asset_code for i in cat.ITEMS]
        self.items = {
            i.asset_code: i
            for i in self.s.exec(
                select(EquipmentItem).where(col(EquipmentItem.asset_code).in_(codes))
            ).all()
        }
        new_items = []
        for spec in cat.ITEMS:
            if spec.asset_code in self.items:
                continue
            if spec.damaged:
                status = UnitStatus.DAMAGED
            elif spec.maintenance:
                status = UnitStatus.MAINTENANCE
            else:
                status = UnitStatus.GOOD
            item = EquipmentItem(
                name=spec.name,
                description=spec.description,
                category_id=self.categories[spec.category].id,
                subcategory_id=self.subcategories[(spec.category, spec.subcategory)].id,
                item_type=EquipmentType.CONSUMABLE if spec.consumable else EquipmentType.EQUIPMENT,
                quantity=spec.quantity,
                qty_good=spec.quantity - spec.damaged - spec.maintenance,
                qty_damaged=spec.damaged,
                qty_maintenance=spec.maintenance,
                status=status,
                location=spec.location,
                daily_rate=Decimal("0.00") if spec.consumable else Decimal(spec.daily_rate),
                asset_code=spec.asset_code,
                low_stock_threshold=spec.low_stock,
                created_by=self.admin_id,
            )
            self.items[spec.asset_code] = item
            new_items.append(item)
        self._add("items", new_items)

    def _remember_category(self, category: Category) -> Category:
        self.categories[category.name] = category
        return category

    def clients_services_fees(self) -> None:
        names = [c.name for c in cat.CLIENTS]
        for client in self.s.exec(select(Client).where(col(Client.name).in_(names))).all():
            self.clients.setdefault(client.name, client)
        new_clients = []
        for c in cat.CLIENTS:
            if c.name not in self.clients:
                client = Client(
                    name=c.name,
                    contact_person=c.contact_person,
                    email=c.email,
                    phone=c.phone,
                    address=c.address,
                    tax_id=c.tax_id,
                    notes=c.notes,
                    created_by=self.admin_id,
                )
                self.clients[c.name] = client
                new_clients.append(client)
        self._add("clients", new_clients)

        names = [s.name for s in cat.SERVICES]
        self.services = {
            s.name: s
            for s in self.s.exec(select(Service).where(col(Service.name).in_(names))).all()
        }
        new_services = []
        for spec in cat.SERVICES:
            if spec.name not in self.services:
                service = Service(
                    name=spec.name,
                    description=spec.description,
                    unit_price=Decimal(spec.unit_price),
                    unit=spec.unit,
                    category=spec.category,
                    created_by=self.admin_id,
                )
                self.services[spec.name] = service
                new_services.append(service)
        self._add("services", new_services)

        names = [f.name for f in cat.FEES]
        self.fees = {f.name: f for f in self.s.exec(select(Fee).where(col(Fee.name).in_(names)))}
        new_fees = []
        for fspec in cat.FEES:
            if fspec.name not in self.fees:
                fee = Fee(
                    name=fspec.name,
                    description=fspec.description,
                    amount=Decimal(fspec.amount),
                    fee_type=fspec.fee_type,
                    category=fspec.category,
                    is_required=fspec.is_required,
                    created_by=self.admin_id,
                )
                self.fees[fspec.name] = fee
                new_fees.append(fee)
        self._add("fees", new_fees)

    def events_and_rentals(self) -> None:
        names = [e.name for e in cat.EVENTS]
        for event in self.s.exec(select(Event).where(col(Event.name).in_(names))).all():
            self.events.setdefault(event.name, event)
        new: list[tuple[Event, cat.EventSpec]] = []
        for spec in cat.EVENTS:
            if spec.name in self.events:
                continue
            start = self.today + timedelta(days=spec.start_offset)
            assigned = self.users.get(spec.assigned)
            event = Event(
                name=spec.name,
                client_id=self.clients[spec.client].id,
                location=spec.location,
                start_date=start,
                end_date=start + timedelta(days=spec.days - 1),
                prep_days=spec.prep_days,
                return_days=spec.return_days,
                assigned_user_id=assigned.id if assigned else None,
                notes=spec.notes,
                created_by=self.admin_id,
            )
            self.events[spec.name] = event
            new.append((event, spec))
        self._add("events", (event for event, _ in new))
        if not new:
            return  # rentals are only written together with the event they belong to

        usage = self._usage({self.items[code].id for _, spec in new for code, _ in spec.lines})
        rentals = []
        for event, spec in new:
            wanted: Counter[str] = Counter()
            for code, qty in spec.lines:  # an item listed twice adds to its one line
                wanted[code] += qty
            days = blocked_days(event)
            if event.end_date < self.today:
                prep, out_share, in_share = PrepStatus.CHECKED_IN, True, True
            elif event.start_date <= self.today:
                prep, out_share, in_share = PrepStatus.CHECKED_OUT, True, False
            else:
                prep, out_share, in_share = PrepStatus.PENDING, False, False
            for code, qty in wanted.items():
                item = self.items[code]
                per_day = usage[item.id]
                free = item.qty_good - max(per_day[d] for d in days)
                fit = min(qty, free)
                if fit < qty:
                    self.trimmed += 1
                if fit < 1:
                    continue
                for d in days:
                    per_day[d] += fit
                rentals.append(
                    Rental(
                        event_id=event.id,
                        equipment_id=item.id,
                        quantity=fit,
                        prep_status=prep,
                        scanned_out=fit if out_share else 0,
                        scanned_in=fit if in_share else 0,
                        created_by=self.admin_id,
                    )
                )
        self._add("rentals", rentals)

    def _usage(self, item_ids: set[uuid.UUID]) -> defaultdict[uuid.UUID, Counter[date]]:
        """Units of each item already booked per day, from every rental in the database."""
        usage: defaultdict[uuid.UUID, Counter[date]] = defaultdict(Counter)
        rows = self.s.exec(
            select(Rental, Event)
            .join(Event, col(Rental.event_id) == col(Event.id))
            .where(col(Rental.equipment_id).in_(list(item_ids)))
        ).all()
        for rental, event in rows:
            for d in blocked_days(event):
                usage[rental.equipment_id][d] += rental.quantity
        return usage

    def quotes(self) -> None:
        names = [q.name for q in cat.QUOTES]
        present = set(self.s.exec(select(Quote.name).where(col(Quote.name).in_(names))).all())
        todo = sorted(
            (spec for spec in cat.QUOTES if spec.name not in present),
            key=lambda spec: spec.issued_offset,
        )
        if not todo:
            return
        settings = self.s.get(CompanySettings, 1)
        tax_rate = settings.default_tax_rate if settings else Decimal("0.23")
        numbers = self._numbers([(self.today + timedelta(days=q.issued_offset)).year for q in todo])
        new_lines: list[QuoteItem] = []
        for spec, number in zip(todo, numbers, strict=True):
            quote, lines = self._quote(spec, number, tax_rate)
            self._add("quotes", [quote])
            new_lines.extend(
                QuoteItem(
                    quote_id=quote.id,
                    item_type=line.item_type,
                    equipment_id=line.equipment_id,
                    service_id=line.service_id,
                    fee_id=line.fee_id,
                    description=line.description[:200],
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    days=line.days,
                    fee_type=line.fee_type,
                    line_total=line.line_total,
                    position=position,
                )
                for position, line in enumerate(lines)
            )
        self._add("quote_lines", new_lines)

    def _numbers(self, years: list[int]) -> list[str]:
        """Take the next quote numbers for `years` (in order), keeping QuoteSequence rows at
        the highest number used per year."""
        last: dict[int, int] = {}
        sequences: dict[int, QuoteSequence] = {}
        for year in sorted(set(years)):
            seq = self.s.exec(
                select(QuoteSequence).where(QuoteSequence.year == year).with_for_update()
            ).first()
            if seq is None:
                seq = QuoteSequence(year=year, last_number=0)
            sequences[year] = seq
            highest = seq.last_number
            prefix = f"Q{year}-"
            for number in self.s.exec(
                select(Quote.number).where(col(Quote.number).startswith(prefix))
            ).all():
                tail = number.removeprefix(prefix)
                if tail.isdigit():
                    highest = max(highest, int(tail))
            last[year] = highest
        numbers = []
        for year in years:
            last[year] += 1
            numbers.append(f"Q{year}-{last[year]:03d}")
        for year, seq in sequences.items():
            seq.last_number = last[year]
            self.s.add(seq)
        self.s.flush()
        return numbers

    def _quote(
        self, spec: cat.QuoteSpec, number: str, tax_rate: Decimal
    ) -> tuple[Quote, list[PricedLine]]:
        client: Client | None = None
        event: Event | None = None
        equipment: list[tuple[EquipmentItem, int]] = []
        location: str | None
        if spec.event is not None:
            event = self.events[spec.event]
            client = self.s.get(Client, event.client_id)
            start, end, location = event.start_date, event.end_date, event.location
            for rental, item in self.s.exec(
                select(Rental, EquipmentItem)
                .join(EquipmentItem, col(Rental.equipment_id) == col(EquipmentItem.id))
                .where(Rental.event_id == event.id)
                .order_by(col(EquipmentItem.asset_code))
            ).all():
                equipment.append((item, rental.quantity))
        else:
            client = self.clients[spec.client] if spec.client else None
            start = self.today + timedelta(days=spec.start_offset)
            end = start + timedelta(days=spec.days - 1)
            location = spec.location
            equipment = [(self.items[code], qty) for code, qty in spec.equipment]
        days = (end - start).days + 1

        lines = [
            PricedLine(
                QuoteItemType.EQUIPMENT,
                item.name,
                item.daily_rate,
                quantity=qty,
                days=days,
                equipment_id=item.id,
            )
            for item, qty in equipment
            if item.daily_rate > 0
        ]
        for name, qty in spec.services:
            service = self.services[name]
            lines.append(
                PricedLine(
                    QuoteItemType.SERVICE,
                    service.name,
                    service.unit_price,
                    quantity=qty,
                    days=days if service.unit == "day" else 1,
                    service_id=service.id,
                )
            )
        fee_names = list(spec.fees) + sorted(
            name for name, fee in self.fees.items() if fee.is_required and fee.is_active
        )
        for name in dict.fromkeys(fee_names):
            fee = self.fees[name]
            lines.append(
                PricedLine(
                    QuoteItemType.FEE,
                    fee.name,
                    fee.amount,
                    fee_type=fee.fee_type,
                    fee_id=fee.id,
                )
            )
        discount_value = Decimal(spec.discount_value)
        totals = price_quote(lines, discount_value, spec.discount_type, tax_rate)

        issued = self.today + timedelta(days=spec.issued_offset)
        created = _stamp(issued, 10, self.now)
        sent_at = None if spec.status == QuoteStatus.DRAFT else _stamp(issued, 16, self.now)
        quote = Quote(
            number=number,
            name=spec.name,
            location=location,
            client_id=client.id if client else None,
            client_name=client.name if client else (spec.client_name or "Private client"),
            client_email=client.email if client else spec.client_email,
            client_phone=client.phone if client else spec.client_phone,
            client_address=client.address if client else spec.client_address,
            start_date=start,
            end_date=end,
            discount_value=discount_value,
            discount_type=spec.discount_type,
            tax_rate=tax_rate,
            sub_total=totals.sub_total,
            discount_amount=totals.discount_amount,
            fees_total=totals.fees_total,
            tax_amount=totals.tax_amount,
            total=totals.total,
            status=spec.status,
            notes=spec.notes,
            valid_until=issued + timedelta(days=30),
            sent_at=sent_at,
            sent_to=(client.email if client else spec.client_email) if sent_at else None,
            sent_version=1 if sent_at else None,  # as sent: the first version
            event_id=event.id if event and spec.status == QuoteStatus.ACCEPTED else None,
            created_by=self.admin_id,
            created_at=created,
            updated_at=sent_at or created,
        )
        return quote, lines

    def maintenance(self) -> None:
        item_ids = [self.items[m.asset_code].id for m in cat.MAINTENANCE]
        present = set(
            self.s.exec(
                select(MaintenanceLog.equipment_id, MaintenanceLog.description).where(
                    col(MaintenanceLog.equipment_id).in_(item_ids)
                )
            ).all()
        )
        logs = []
        for spec in cat.MAINTENANCE:
            item = self.items[spec.asset_code]
            if (item.id, spec.description) in present:
                continue
            day = self.today + timedelta(days=spec.offset)
            technician = self.users.get(spec.technician)
            event = self.events.get(spec.event) if spec.event else None
            logs.append(
                MaintenanceLog(
                    equipment_id=item.id,
                    log_date=day,
                    description=spec.description,
                    cost=Decimal(spec.cost),
                    units=spec.units,
                    from_status=spec.from_status,
                    to_status=spec.to_status,
                    technician_id=technician.id if technician else None,
                    event_id=event.id if event else None,
                    status=MaintenanceStatus.CLOSED if spec.closed else MaintenanceStatus.OPEN,
                    closed_at=_stamp(day + timedelta(days=2), 17, self.now)
                    if spec.closed
                    else None,
                    created_by=self.admin_id,
                    created_at=_stamp(day, 9, self.now),
                    updated_at=_stamp(day + timedelta(days=2 if spec.closed else 0), 17, self.now),
                )
            )
        self._add("maintenance", logs)

    def notifications(self) -> None:
        user_ids = [u.id for u in self.users.values()]
        present = set(
            self.s.exec(
                select(Notification.user_id, Notification.dedup_key).where(
                    col(Notification.user_id).in_(user_ids),
                    col(Notification.dedup_key).startswith("demo:"),
                )
            ).all()
        )
        rows = []
        for spec in cat.NOTIFICATIONS:
            user = self.users[spec.username]
            key = f"demo:{spec.key}"
            if (user.id, key) in present:
                continue
            at = self.now - timedelta(hours=spec.hours_ago)
            rows.append(
                Notification(
                    user_id=user.id,
                    type=spec.type,
                    title=spec.title,
                    message=spec.message,
                    priority=spec.priority,
                    is_read=spec.is_read,
                    link=spec.link,
                    dedup_key=key,
                    created_at=at,
                    updated_at=at,
                )
            )
        self._add("notifications", rows)


def seed_demo(session: Session, *, only_if_empty: bool = False, today: date | None = None) -> str:
    """Load the demo data set into the caller's transaction and describe what was added.

    Rules:
    - Runs inside the caller's transaction: it flushes but never commits, and writes no audit
      rows and no change-bus messages (seeding is not a user's mutation).
    - Idempotent: every row is keyed by a natural key (username; category name; category +
      subcategory name; asset code; client, event, quote, service and fee names; notification
      dedup key; maintenance item + description) and only missing rows are inserted; existing
      rows are never changed. Rentals and quote lines are written only together with the
      event / quote they belong to. A second run adds nothing and returns
      "Demo data already present: nothing added".
    - `only_if_empty=True` does nothing at all when any user exists.
    - Dates are relative to `today` (default `date.today()`): completed events are checked in
      (scanned in = scanned out = quantity), ongoing ones checked out, upcoming ones pending.
    - Never overbooks (DESIGN §5): per item and day, booked units over the events blocking
      that day (start - prep_days .. end + return_days) stay <= the item's good units,
      counting rentals already in the database; a line that does not fit is reduced, or left
      out when nothing is free.
    - Quotes take the next numbers `Q{YYYY}-{NNN}` of the year they were issued, and the
      QuoteSequence row of that year is set to the highest number used. Totals are computed
      by `price_quote` (Decimal, half-up at cents). Accepted quotes point at their event and
      price its actual rentals.
    - Demo users share one argon2 hash of DEMO_PASSWORD (hashed once, only when a user is
      missing); every other demo row is created_by the `admin` user.
    """
    if only_if_empty and session.exec(select(User.id).limit(1)).first() is not None:
        return NOT_EMPTY
    seeder = _Seeder(session, today or date.today())
    seeder.settings()
    seeder.demo_users()
    seeder.catalogue()
    seeder.clients_services_fees()
    seeder.events_and_rentals()
    seeder.quotes()
    seeder.maintenance()
    seeder.notifications()
    session.flush()
    return seeder.summary()
