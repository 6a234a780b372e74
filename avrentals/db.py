"""Engines, sessions and the one transaction helper every write goes through."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.domain import changes, idempotency
from avrentals.domain.errors import DomainError
from avrentals.settings import get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` with our per-backend settings.

    SQLite: foreign keys on, WAL, a busy timeout, and write transactions opened with
    `BEGIN IMMEDIATE` so that writers serialise at the start of the transaction instead of
    failing half-way when they upgrade a read lock.
    """
    if url.startswith("sqlite"):
        engine = sa.create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )

        @sa.event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.close()

        @sa.event.listens_for(engine, "begin")
        def _sqlite_begin(conn: sa.Connection) -> None:
            immediate = conn.get_execution_options().get("avr_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return sa.create_engine(url, **kwargs)


@lru_cache(maxsize=8)
def _cached_engine(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The process-wide engine for DATABASE_URL."""
    return _cached_engine(get_settings().database_url)


@contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any error.

    Changes recorded with `changes.record` are published on the change bus only after the
    commit succeeds (DESIGN §9). A DomainError with `keep_writes` (a refused sign-in and its
    audit row) commits what was written and is then re-raised. The Idempotency-Key of the
    request being handled, if any, is inserted in this transaction just before the commit
    (`idempotency.claim_pending`), so it exists exactly when the write does.
    """
    bind = (engine or get_engine()).execution_options(avr_write=True)
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            idempotency.claim_pending(session)
            session.commit()
        except DomainError as exc:
            if exc.keep_writes:
                session.commit()
            else:
                session.rollback()
            changes.discard_pending(session)
            raise
        except BaseException:
            session.rollback()
            raise
    changes.publish_pending(session)


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for reads only (nothing is committed)."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


def is_database_unavailable(exc: BaseException) -> bool:
    """True when the database could not be reached or dropped the connection (as opposed to
    a statement the database refused, which is a bug). Both adapters answer it the same way:
    503 in the API, a "database unavailable" message in the UI; nothing was written."""
    if not isinstance(exc, sa_exc.DBAPIError):
        return False
    return (
        exc.connection_invalidated
        or exc.statement is None  # raised while connecting, before any statement ran
        or isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)
    )


@contextmanager
def captured_statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The (SQL, parameters) pairs `engine` sends to the driver while inside — how the
    benches take a service's own statements as their raw floor and tests count queries."""
    sent: list[tuple[str, Any]] = []

    def hook(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        sent.append((statement, params))

    sa.event.listen(engine, "before_cursor_execute", hook)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", hook)
