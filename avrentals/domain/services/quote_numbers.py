"""Quote numbers `Q{YYYY}-{NNN}`: a gap-free sequence per calendar year."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from avrentals.domain.models.quotes import QuoteSequence


def format_quote_number(year: int, number: int) -> str:
    """`Q2026-001`; at least three digits, more once a year passes 999 quotes."""
    return f"Q{year}-{number:03d}"


def number_order(column: Any) -> tuple[Any, ...]:
    """Expressions that sort quote numbers as numbers: by year ("Q2026-"), then by how many
    digits, then the digits — so Q2026-1000 follows Q2026-999 and precedes Q2027-001 (text
    order alone would put Q2026-1000 before Q2026-999)."""
    return (sa.func.substr(column, 1, 6), sa.func.length(column), column)


def next_quote_number(session: Session, year: int) -> str:
    """Take the next number of `year` inside the caller's write transaction.

    One atomic upsert on `quote_sequence` (row per year, created at 1): PostgreSQL row-locks
    the year's row until the transaction ends, and SQLite's write transaction is already
    exclusive (BEGIN IMMEDIATE), so concurrent callers never get the same number. The counter
    is part of the caller's transaction: a rollback returns the number, so committed numbers
    have no gaps.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = QuoteSequence.__table__  # type: ignore[attr-defined]
    upsert = insert(table).values(year=year, last_number=1)
    stmt = upsert.on_conflict_do_update(
        index_elements=[table.c.year],
        set_={"last_number": table.c.last_number + 1},
    ).returning(table.c.last_number)
    number = session.execute(stmt).scalar_one()
    return format_quote_number(year, int(number))
