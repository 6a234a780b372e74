"""The list search of the services: a case-insensitive substring match over some columns.

The same on SQLite and PostgreSQL (`lower(...) LIKE ... ESCAPE '\\'`); `%`, `_` and `\\` in
what people type match themselves; a NULL column counts as empty text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

SEARCH_MAX = 100


def like_pattern(search: str, max_len: int = SEARCH_MAX) -> str:
    """`%term%` for LIKE with ESCAPE '\\': the trimmed, lower-cased `search`, cut to
    `max_len` characters, with its wildcards escaped."""
    term = search.strip()[:max_len].lower()
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_any(search: str, columns: Iterable[Any], max_len: int = SEARCH_MAX) -> Any:
    """The condition "one of `columns` contains `search`" (case-insensitive)."""
    pattern = like_pattern(search, max_len)
    return sa.or_(
        *(
            sa.func.lower(sa.func.coalesce(column, "")).like(pattern, escape="\\")
            for column in columns
        )
    )
