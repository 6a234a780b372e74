"""Migrations: upgrade -> downgrade -> upgrade on both backends, and models == migrations."""

from __future__ import annotations

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
