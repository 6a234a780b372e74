"""Alembic environment over our SQLModel metadata; URL from settings (or -x url=...)."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlmodel import SQLModel

import avrentals.domain.models  # noqa: F401  (registers every table)
from avrentals.db import make_engine
from avrentals.domain.models.base import UTCDateTime
from avrentals.settings import get_settings

config = context.config
target_metadata = SQLModel.metadata


def database_url() -> str:
    override = context.get_x_argument(as_dictionary=True).get("url")
    return override or config.attributes.get("url") or get_settings().database_url


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    # Migrations stay independent of our Python types: UTC timestamps are plain
    # timezone-aware DateTime columns in the database.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Expression and operator-class indexes autogenerate can't compare (PostgreSQL rewrites them
# on reflection, or the models can't declare them);
# they are created by hand in the migrations and checked by tests/integration/test_migrations.
HAND_MANAGED_INDEXES = frozenset(
    {
        "ix_equipment_fulltext",
        "ix_event_blocked_window",
        "ix_equipment_asset_code_trgm",
        "ix_equipment_name_id",
    }
)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    return not (type_ == "index" and name in HAND_MANAGED_INDEXES)


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


def _run(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
