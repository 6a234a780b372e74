"""The rules the database itself holds (DESIGN §4), checked with real inserts on both
backends. Each case must be refused by the database, not by Python."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tests.factories import make_item, make_user


def _refused(engine: Engine, sql: str, **params: object) -> None:
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _ok(engine: Engine, sql: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _id() -> str:
    # Uuid columns are CHAR(32) hex on SQLite and native uuid on PostgreSQL.
    return uuid.uuid4().hex


def _uuid(engine: Engine, value: uuid.UUID) -> str:
    return value.hex if engine.dialect.name == "sqlite" else str(value)


ITEM_SQL = (
    "INSERT INTO equipment_item (id, name, category_id, item_type, quantity, qty_good, "
    "qty_damaged, qty_maintenance, status, location, daily_rate, asset_code, "
    "low_stock_threshold, version, created_at, updated_at) VALUES (:id, :name, :cat, :type, "
    ":q, :g, :d, :m, 'good', :loc, :rate, :code, 0, 1, :now, :now)"
)


def _item_params(engine: Engine, cat: uuid.UUID, **over: object) -> dict[str, object]:
    params: dict[str, object] = {
        "id": _id(),
        "name": "Mixer",
        "cat": _uuid(engine, cat),
        "type": "equipment",
        "q": 4,
        "g": 4,
        "d": 0,
        "m": 0,
        "loc": "A1",
        "rate": 10,
        "code": uuid.uuid4().hex[:10],
        "now": "2026-01-01 00:00:00+00:00",
    }
    params.update(over)
    return params


@pytest.mark.parametrize(
    "override",
    [
        {"q": -1, "g": -1},  # quantity >= 0
        {"q": 4, "g": 3},  # per-status counts sum to quantity
        {"q": 4, "g": 5, "d": -1},  # counts non-negative
        {"rate": -1},  # daily rate >= 0
        {"type": "consumable", "rate": 5},  # consumables cost nothing per day
        {"type": "gizmo"},  # enum
        {"name": ""},  # name 1..100
        {"loc": ""},  # location required
    ],
)
def test_equipment_checks(engine: Engine, override: dict[str, object]) -> None:
    item = make_item(engine)
    _refused(engine, ITEM_SQL, **_item_params(engine, item.category_id, **override))


def test_equipment_valid_row_and_unique_asset_code(engine: Engine) -> None:
    item = make_item(engine)
    _ok(engine, ITEM_SQL, **_item_params(engine, item.category_id, code="DUP-1"))
    _refused(engine, ITEM_SQL, **_item_params(engine, item.category_id, code="DUP-1"))


def test_subcategory_must_belong_to_the_items_category(engine: Engine) -> None:
    item = make_item(engine)
    other = make_item(engine, name="Other")
    now = "2026-01-01 00:00:00+00:00"
    sub = _id()
    _ok(
        engine,
        "INSERT INTO subcategory (id, category_id, name, version, created_at, updated_at)"
        " VALUES (:id, :cat, 'Wireless', 1, :now, :now)",
        id=sub,
        cat=_uuid(engine, other.category_id),
        now=now,
    )
    sub_value = sub if engine.dialect.name == "sqlite" else str(uuid.UUID(sub))
    _refused(
        engine,
        "UPDATE equipment_item SET subcategory_id = :s WHERE id = :i",
        s=sub_value,
        i=_uuid(engine, item.id),
    )
    _ok(
        engine,
        "UPDATE equipment_item SET subcategory_id = :s WHERE id = :i",
        s=sub_value,
        i=_uuid(engine, other.id),
    )
    # A used category or subcategory cannot be deleted.
    _refused(engine, "DELETE FROM subcategory WHERE id = :s", s=sub_value)
    _refused(engine, "DELETE FROM category WHERE id = :c", c=_uuid(engine, item.category_id))


def _event(engine: Engine, start: date, end: date, **over: object) -> str:
    user = make_user(engine)
    client = _id()
    now = "2026-01-01 00:00:00+00:00"
    _ok(
        engine,
        "INSERT INTO client (id, name, version, created_at, updated_at) "
        "VALUES (:id, 'Client Co', 1, :now, :now)",
        id=client,
        now=now,
    )
    params = {
        "id": _id(),
        "client": client,
        "s": start,
        "e": end,
        "p": 0,
        "r": 0,
        "now": now,
        "u": _uuid(engine, user.id),
    }
    params.update(over)
    sql = (
        "INSERT INTO event (id, name, client_id, location, start_date, end_date, prep_days, "
        "return_days, assigned_user_id, version, created_at, updated_at) VALUES "
        "(:id, 'Festival', :client, 'Lisbon', :s, :e, :p, :r, :u, 1, :now, :now)"
    )
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)
    return str(params["id"])


def test_event_dates_and_buffers(engine: Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        _event(engine, date(2026, 5, 2), date(2026, 5, 1))
    with pytest.raises(sa.exc.IntegrityError):
        _event(engine, date(2026, 5, 1), date(2026, 5, 2), p=-1)
    assert _event(engine, date(2026, 5, 1), date(2026, 5, 1))


def test_rental_rules_and_cascade(engine: Engine) -> None:
    item = make_item(engine)
    event = _event(engine, date(2026, 5, 1), date(2026, 5, 3))
    now = "2026-01-01 00:00:00+00:00"
    sql = (
        "INSERT INTO rental (id, event_id, equipment_id, quantity, prep_status, scanned_out, "
        "scanned_in, version, created_at, updated_at) VALUES (:id, :e, :i, :q, :st, :so, :si,"
        " 1, :now, :now)"
    )
    base = {"e": event, "i": _uuid(engine, item.id), "now": now, "st": "pending", "so": 0, "si": 0}
    _refused(engine, sql, id=_id(), **{**base, "q": 0})  # quantity > 0
    _refused(engine, sql, id=_id(), **{**base, "q": 2, "so": 3})  # scanned_out <= quantity
    _refused(engine, sql, id=_id(), **{**base, "q": 2, "so": 1, "si": 2})  # in <= out
    _refused(engine, sql, id=_id(), **{**base, "q": 2, "st": "lost"})  # enum
    _ok(engine, sql, id=_id(), **{**base, "q": 2, "st": "checked-out", "so": 2})
    _refused(engine, sql, id=_id(), **{**base, "q": 1})  # one line per event + item
    # The item is booked: it cannot be deleted; deleting the event removes its rentals.
    _refused(engine, "DELETE FROM equipment_item WHERE id = :i", i=_uuid(engine, item.id))
    _ok(engine, "DELETE FROM event WHERE id = :e", e=event)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM rental")).scalar_one() == 0


def test_client_with_events_cannot_be_deleted(engine: Engine) -> None:
    _event(engine, date(2026, 5, 1), date(2026, 5, 1))
    _refused(engine, "DELETE FROM client")


def test_usernames_unique_and_settings_single_row(engine: Engine) -> None:
    make_user(engine, username="sam")
    with pytest.raises(sa.exc.IntegrityError):
        make_user(engine, username="sam")
    _ok(
        engine,
        "INSERT INTO company_settings (id, company_name, currency, default_tax_rate, "
        "default_language, primary_color, smtp_use_tls, version, updated_at) VALUES (1, 'X', "
        "'EUR', 0.23, 'en', '#000000', true, 1, '2026-01-01 00:00:00+00:00')",
    )
    _refused(
        engine,
        "INSERT INTO company_settings (id, company_name, currency, "
        "default_tax_rate, default_language, primary_color, smtp_use_tls, version, "
        "updated_at) VALUES (2, 'Y', 'EUR', 0.23, 'en', '#000000', true, 1, "
        "'2026-01-01 00:00:00+00:00')",
    )
