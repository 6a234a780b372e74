"""An app instance killed in the middle of a booking: nothing is half-written, and the client's
retry with the same Idempotency-Key on another instance books exactly once."""

from __future__ import annotations

import secrets
import threading
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from avrentals.db import make_engine
from avrentals.domain.enums import Role
from avrentals.domain.services.auth import issue_token
from tests.api.conftest import bearer
from tests.booking_factories import day, make_client, make_event
from tests.conftest import TEST_DATABASE_URL, ensure_postgres_database, reset_schema
from tests.factories import make_item, make_user
from tests.servers import api_server, wait_until

pytestmark = pytest.mark.postgres

JWT_SECRET = secrets.token_urlsafe(48)


def scalar(engine: sa.Engine, sql: str, **params: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text(sql), params).scalar_one())


def test_killed_mid_booking_writes_nothing_and_the_retry_books_once(tmp_path: Path) -> None:
    url = ensure_postgres_database(f"{TEST_DATABASE_URL}_killed")
    reset_schema(url)
    engine = make_engine(url)
    user = make_user(engine, Role.EMPLOYEE)
    item = make_item(engine, quantity=5)
    event = make_event(engine, make_client(engine), day(10), day(12))
    headers = {**bearer(issue_token(user, JWT_SECRET)), "Idempotency-Key": f"book-{uuid.uuid4()}"}
    booking = {"eventId": str(event.id), "equipmentId": str(item.id), "quantity": 2}
    env = {"DATABASE_URL": url, "REDIS_URL": "", "JWT_SECRET": JWT_SECRET}
    env["DATA_DIR"] = str(tmp_path)
    database = url.rsplit("/", 1)[1]

    # Hold the item's row lock so the booking stops inside its transaction.
    blocker = engine.connect()
    blocker.begin()
    blocker.execute(
        sa.text("SELECT id FROM equipment_item WHERE id = :id FOR UPDATE"), {"id": item.id}
    )
    outcome: list[object] = []
    with api_server(env, tmp_path / "first.log") as first:

        def book() -> None:
            try:
                outcome.append(httpx.post(f"{first}/api/rentals", json=booking, headers=headers))
            except httpx.HTTPError as exc:
                outcome.append(exc)

        sender = threading.Thread(target=book)
        sender.start()
        wait_until(
            lambda: (
                scalar(
                    engine,
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                    "AND wait_event_type = 'Lock'",
                    db=database,
                )
                == 1
            ),
            20,
            "the booking never reached the item lock",
        )
    # Leaving the block killed the instance (SIGKILL) while the booking waited on the lock.
    sender.join(timeout=30)
    assert isinstance(outcome[0], httpx.HTTPError), outcome
    blocker.rollback()
    blocker.close()
    wait_until(
        lambda: (
            scalar(
                engine,
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db "
                "AND pid <> pg_backend_pid() AND state <> 'idle'",
                db=database,
            )
            == 0
        ),
        20,
        "the dead instance's transaction did not end",
    )
    for table in ("rental", "idempotency_key"):
        assert scalar(engine, f"SELECT count(*) FROM {table}") == 0, table
    assert scalar(engine, "SELECT count(*) FROM audit_log WHERE entity_type = 'rental'") == 0

    # The client retries the same request on another instance: booked once, then replayed.
    with api_server(env, tmp_path / "second.log") as second:
        retry = httpx.post(f"{second}/api/rentals", json=booking, headers=headers, timeout=30)
        assert retry.status_code == 201, retry.text
        again = httpx.post(f"{second}/api/rentals", json=booking, headers=headers, timeout=30)
        assert again.status_code == 201 and again.headers["idempotency-replayed"] == "true"
        assert again.json()["data"] == retry.json()["data"]
    assert scalar(engine, "SELECT count(*) FROM rental") == 1
    assert scalar(engine, "SELECT sum(quantity) FROM rental") == 2
    engine.dispose()
