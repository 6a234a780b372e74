"""The UI's safety net for handler errors: a database outage gets its own clear message."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
import sqlalchemy.exc as sa_exc

from avrentals.db import is_database_unavailable, make_engine
from avrentals.domain.errors import NotFound
from avrentals.ui.errors import (
    DATABASE_UNAVAILABLE_MESSAGE,
    GENERIC_MESSAGE,
    on_backend_error,
)


def real_connection_error() -> sa_exc.DBAPIError:
    """What psycopg raises when PostgreSQL is down (nothing listens on port 1)."""
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    try:
        with pytest.raises(sa_exc.DBAPIError) as info, engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return info.value
    finally:
        engine.dispose()


def toast_text(specs: list) -> str:
    return repr(specs)


def test_a_database_outage_says_so_and_nothing_else() -> None:
    error = real_connection_error()
    assert is_database_unavailable(error)
    text = toast_text(on_backend_error(error))
    assert DATABASE_UNAVAILABLE_MESSAGE in text and GENERIC_MESSAGE not in text


def test_other_errors_keep_their_messages() -> None:
    assert "No such item" in toast_text(on_backend_error(NotFound("No such item")))
    assert GENERIC_MESSAGE in toast_text(on_backend_error(RuntimeError("boom")))
    assert not is_database_unavailable(RuntimeError("boom"))
