"""a user's language may be unset: the interface then follows the browser's language

`app_user.language` becomes nullable; NULL means "no choice made, use the browser's
language". Existing choices are kept.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The column's CHECK constraint (en / pt) stays as it is; only NULL becomes allowed.
_LANGUAGE = sa.String(length=2)


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.alter_column("language", existing_type=_LANGUAGE, nullable=True)


def downgrade() -> None:
    op.execute("UPDATE app_user SET language = 'en' WHERE language IS NULL")
    with op.batch_alter_table("app_user") as batch_op:
        batch_op.alter_column("language", existing_type=_LANGUAGE, nullable=False)
