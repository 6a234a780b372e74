"""Migrations: upgrade -> downgrade -> upgrade on both backends, and models == migrations."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import SQLModel

from avrentals import migrations
from avrentals.db import make_engine
from tests.conftest import ensure_postgres_database, reset_schema


def _roundtrip(url: str) -> None:
    migrations.upgrade(url)
    migrations.check(url)  # raises when models and migrations disagree
    engine = make_engine(url)
    try:
        tables = set(sa.inspect(engine).get_table_names())
        assert set(SQLModel.metadata.tables) <= tables
        migrations.downgrade(url, "base")
        assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    migrations.upgrade(url)
    migrations.check(url)


def test_sqlite_roundtrip(tmp_path) -> None:
    _roundtrip(f"sqlite:///{tmp_path / 'm.db'}")


def _indexdef(conn: sa.Connection, name: str) -> str:
    return conn.execute(
        sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": name}
    ).scalar_one()


def _plan(conn: sa.Connection, query: str, **params: object) -> str:
    return "\n".join(conn.execute(sa.text("EXPLAIN " + query), params).scalars())


def test_postgres_roundtrip_and_fulltext_index(postgres_url: str) -> None:
    url = ensure_postgres_database(postgres_url + "_migrations")
    reset_schema(url)
    _roundtrip(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            indexdef = conn.execute(
                sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_equipment_fulltext'")
            ).scalar_one()
            assert "gin" in indexdef and "to_tsvector" in indexdef
            # The service's search expression must be the indexed one, or the index is dead.
            conn.execute(sa.text("SET enable_seqscan = off"))
            query = (
                "EXPLAIN SELECT id FROM equipment_item WHERE to_tsvector('simple', "
                "name || ' ' || coalesce(description, '')) @@ plainto_tsquery('simple', 'mixer')"
            )
            plan = "\n".join(conn.execute(sa.text(query)).scalars())
            assert "ix_equipment_fulltext" in plan, plan
    finally:
        engine.dispose()


def test_postgres_availability_indexes(postgres_url: str) -> None:
    """Migration 0002: the covering rental index and the GiST index on the event's blocked
    window exist after upgrade, and the services' availability query uses both."""
    from datetime import date

    from sqlalchemy.dialects import postgresql

    from avrentals.domain import availability as av
    from avrentals.domain.models import Event, Rental
    from avrentals.domain.services.availability import blocks_window

    url = ensure_postgres_database(postgres_url + "_migrations")
    reset_schema(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            covering = _indexdef(conn, "ix_rental_equipment_id")
            assert "(equipment_id) INCLUDE (event_id, quantity, id)" in covering, covering
            blocked = _indexdef(conn, "ix_event_blocked_window")
            assert "gist" in blocked and "daterange" in blocked, blocked
            # The service's overlap condition must be the indexed expression (and the rental
            # side readable from the index alone), or the indexes are dead weight.
            window = av.Window(date(2031, 6, 1), date(2031, 6, 7))
            stmt = (
                sa.select(Rental.id, Rental.quantity, Event.id)
                .join(Event, Event.id == Rental.event_id)
                .where(blocks_window("postgresql", window))
                .where(Rental.equipment_id == sa.literal(uuid.uuid4()))
            )
            sql = str(
                stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            )
            conn.execute(sa.text("SET enable_seqscan = off"))
            conn.execute(sa.text("SET enable_bitmapscan = off"))
            plan = _plan(conn, sql)
            assert "ix_event_blocked_window" in plan or "event_pkey" in plan, plan
            assert "Index Only Scan using ix_rental_equipment_id" in plan, plan
            events_only = _plan(
                conn,
                "SELECT id FROM event WHERE "
                + str(
                    blocks_window("postgresql", window).compile(
                        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                    )
                ),
            )
            assert "ix_event_blocked_window" in events_only, events_only
    finally:
        engine.dispose()


def test_0006_gives_quotes_already_with_the_client_their_sent_version(tmp_path) -> None:
    """Quotes Sent or beyond before 0006 count as unchanged since sent (their version);
    Drafts have no sent version."""
    url = f"sqlite:///{tmp_path / 'm6.db'}"
    migrations.upgrade(url, "0005")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            for number, status, version in (("Q2026-001", "Draft", 4), ("Q2026-002", "Sent", 3)):
                conn.execute(
                    sa.text(
                        "INSERT INTO quote (id, version, created_at, updated_at, number, name, "
                        "client_name, start_date, end_date, discount_value, discount_type, "
                        "tax_rate, sub_total, discount_amount, fees_total, tax_amount, total, "
                        "status) VALUES (:id, :version, '2026-01-01', '2026-01-01', :number, "
                        "'Gala', 'Acme', '2026-02-01', '2026-02-02', 0, 'fixed', 0.23, 0, 0, 0, "
                        "0, 0, :status)"
                    ),
                    {
                        "id": uuid.uuid4().hex,
                        "version": version,
                        "number": number,
                        "status": status,
                    },
                )
        migrations.upgrade(url)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT number, sent_version FROM quote ORDER BY number"))
            assert rows.all() == [("Q2026-001", None), ("Q2026-002", 3)]
    finally:
        engine.dispose()
