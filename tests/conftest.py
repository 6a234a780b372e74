"""Shared fixtures: real databases (SQLite file and PostgreSQL), real Redis.

Nothing is skipped because a service is missing: a fixture that cannot reach PostgreSQL or
Redis fails with a message saying how to start it.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Settings are read once per process: pin the test environment before anything imports them.
_TEST_DATA = Path(tempfile.mkdtemp(prefix="avrentals-test-"))
os.environ["APP_ENV"] = "test"
os.environ["JWT_SECRET"] = "test-secret-" + "x" * 40
os.environ["DATA_DIR"] = str(_TEST_DATA)
os.environ.pop("REDIS_URL", None)
os.environ["DATABASE_URL"] = f"sqlite:///{_TEST_DATA / 'default.db'}"

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import avrentals.domain.models  # noqa: E402,F401
from avrentals import migrations  # noqa: E402
from avrentals.db import make_engine  # noqa: E402
from avrentals.domain import changes, rate_limits  # noqa: E402

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
START_HINT = (
    "start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` "
    "or set TEST_DATABASE_URL"
)


def ensure_postgres_database(url: str) -> str:
    """Create the test database if needed; fail loudly when PostgreSQL is unreachable."""
    target = make_url(url)
    admin = make_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            ).first()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL at {target.host}:{target.port} is not reachable ({exc}); {START_HINT}",
            pytrace=False,
        )
    finally:
        admin.dispose()
    return url


def reset_schema(url: str) -> None:
    """Drop everything and migrate to head, so each session starts from the migrations."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    migrations.upgrade(url)


def truncate_all(engine: Engine) -> None:
    """Empty every table, children first, in one transaction. DELETE rather than TRUNCATE: on
    tables of a few rows it is ~1 ms where TRUNCATE (new files for every table) is 30-60 ms,
    and it runs before every database test."""
    statements = [f'DELETE FROM "{t.name}"' for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("; ".join(statements))  # one round trip
        else:
            for statement in statements:
                conn.exec_driver_sql(statement)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return ensure_postgres_database(TEST_DATABASE_URL)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"


_migrated: dict[str, Engine] = {}


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A migrated database on each backend, emptied before every test."""
    url = request.getfixturevalue(f"{request.param}_url")
    if url not in _migrated:
        reset_schema(url)
        _migrated[url] = make_engine(url)
    eng = _migrated[url]
    truncate_all(eng)
    yield eng


@pytest.fixture
def pg_engine(postgres_url: str) -> Iterator[Engine]:
    """PostgreSQL only (for tests of PostgreSQL-specific behaviour)."""
    if postgres_url not in _migrated:
        reset_schema(postgres_url)
        _migrated[postgres_url] = make_engine(postgres_url)
    eng = _migrated[postgres_url]
    truncate_all(eng)
    yield eng


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(
            f"Redis at {TEST_REDIS_URL} is not reachable ({exc}); start it with `redis-server "
            '--daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` '
            "or set TEST_REDIS_URL",
            pytrace=False,
        )
    finally:
        client.close()
    return TEST_REDIS_URL


@pytest.fixture(autouse=True)
def fresh_bus() -> Iterator[changes.InProcessBus]:
    """Each test gets its own in-process change bus."""
    bus = changes.InProcessBus()
    changes.set_bus(bus)
    yield bus
    changes.set_bus(None)


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[rate_limits.InProcessCounters]:
    """Each test counts sign-in failures, API requests and uploads from zero."""
    store = rate_limits.InProcessCounters()
    rate_limits.set_counters(store)
    yield store
    rate_limits.set_counters(None)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]
