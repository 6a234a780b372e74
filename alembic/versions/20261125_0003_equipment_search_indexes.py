"""equipment search indexes

The indexes behind the equipment list at 20,000 items (issue 3 "Performance"):

- `ix_equipment_asset_code_trgm`: a trigram GIN index (`pg_trgm`) on `asset_code`, so the
  service's case-insensitive code match (`asset_code ILIKE '%0042%'`, or `'AU%'` for short
  input) is an index lookup. With both sides of the search's OR indexed (the full-text side
  has `ix_equipment_fulltext` since 0001), PostgreSQL combines the two indexes (BitmapOr)
  instead of computing the full-text vector of every row. PostgreSQL only (`pg_trgm` is a
  trusted extension from PostgreSQL 13, so the database owner may create it); SQLite
  searches with LIKE. The downgrade keeps the extension: other objects may use it.
- `ix_equipment_name_id` on `(name, id)`: the list's default order (name, then id as the
  tie-break). The service picks a page by id and sort key first, so a deep page by name is
  an index-only scan instead of a sort of the whole table. Both backends.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 21:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.create_index("ix_equipment_name_id", "equipment_item", ["name", "id"])
    if not _postgresql():
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_equipment_asset_code_trgm ON equipment_item "
        "USING gin (asset_code gin_trgm_ops)"
    )


def downgrade() -> None:
    if _postgresql():
        op.execute("DROP INDEX IF EXISTS ix_equipment_asset_code_trgm")
    op.drop_index("ix_equipment_name_id", table_name="equipment_item")
