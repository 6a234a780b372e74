"""quotes remember the version the client was given, and the event they were approved into

- `quote.sent_version`: the version e-mailed or marked as sent, so a Sent quote changed
  since then can say so (before it is approved into an event the client has not seen).
  Quotes already Sent or beyond get their current version: nothing says they changed.
- A unique index on `quote.event_id`: the event page finds its quote by it, and an approval
  always creates its own event, so two quotes never share one (NULLs are not compared).
- An index on `quote.created_at`: the list opens newest first, one page at a time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 09:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("quote") as batch_op:
        batch_op.add_column(sa.Column("sent_version", sa.Integer(), nullable=True))
    op.execute("UPDATE quote SET sent_version = version WHERE status <> 'Draft'")
    op.create_index("ix_quote_event_id", "quote", ["event_id"], unique=True)
    op.create_index("ix_quote_created_at", "quote", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_quote_created_at", table_name="quote")
    op.drop_index("ix_quote_event_id", table_name="quote")
    with op.batch_alter_table("quote") as batch_op:
        batch_op.drop_column("sent_version")
