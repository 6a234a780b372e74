"""availability indexes

The two indexes behind the availability queries (DESIGN §5; issue 4 "Performance"):

- `ix_rental_equipment_id` becomes covering on PostgreSQL: `(equipment_id) INCLUDE (event_id,
  quantity, id)`, so an item's rentals are read by an index-only scan instead of one heap
  page per rental.
- `ix_event_blocked_window`: a GiST index on the event's blocked window
  `daterange(start_date - prep_days, end_date + return_days, '[]')`; the services query it with
  `&&`, so the events overlapping a window are found without scanning the table.

PostgreSQL only: SQLite keeps the plain `ix_rental_equipment_id` of 0001 and its queries fall
back to plain date comparisons.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 19:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must stay the exact expression the services query (`services.availability.blocks_window`),
# or PostgreSQL won't use the index.
BLOCKED_WINDOW = "daterange(start_date - prep_days, end_date + return_days, '[]')"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if not _postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_rental_equipment_id")
    op.execute(
        "CREATE INDEX ix_rental_equipment_id ON rental (equipment_id) "
        "INCLUDE (event_id, quantity, id)"
    )
    op.execute(f"CREATE INDEX ix_event_blocked_window ON event USING gist ({BLOCKED_WINDOW})")


def downgrade() -> None:
    if not _postgresql():
        return
    op.execute("DROP INDEX IF EXISTS ix_event_blocked_window")
    op.execute("DROP INDEX IF EXISTS ix_rental_equipment_id")
    op.execute("CREATE INDEX ix_rental_equipment_id ON rental (equipment_id)")
