"""`Idempotency-Key` on API writes: a retried POST applies once and gets the first answer."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from tests.api.conftest import assert_error, bearer, token_for
from tests.factories import make_user

Headers = Callable[[Role], dict[str, str]]


def clients_named(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                sa.text("SELECT count(*) FROM client WHERE name = :n"), {"n": name}
            ).scalar_one()
        )


def test_a_retry_with_the_same_key_is_applied_once_and_replayed(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    headers = {**headers_for(Role.EMPLOYEE), "Idempotency-Key": "create-client-1"}
    first = client.post("/api/clients", headers=headers, json={"name": "Once Only Ltd"})
    assert first.status_code == 201, first.text
    assert "idempotency-replayed" not in first.headers
    again = client.post("/api/clients", headers=headers, json={"name": "Once Only Ltd"})
    assert again.status_code == 201
    assert again.headers["idempotency-replayed"] == "true"
    assert again.json() == first.json()
    assert clients_named(engine, "Once Only Ltd") == 1


def test_the_same_key_on_a_different_request_is_refused(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    headers = {**headers_for(Role.EMPLOYEE), "Idempotency-Key": "k-2"}
    assert client.post("/api/clients", headers=headers, json={"name": "First"}).status_code == 201
    other = client.post("/api/clients", headers=headers, json={"name": "Second"})
    body = assert_error(other, 422, "VALIDATION_ERROR")
    assert "different request" in body["details"]["idempotencyKey"][0]
    assert clients_named(engine, "Second") == 0


def test_keys_are_per_user_and_refused_writes_keep_no_key(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    ana = {**headers_for(Role.EMPLOYEE), "Idempotency-Key": "shared"}
    bob = {**headers_for(Role.MANAGER), "Idempotency-Key": "shared"}
    assert client.post("/api/clients", headers=ana, json={"name": "Ana Co"}).status_code == 201
    assert client.post("/api/clients", headers=bob, json={"name": "Bob Co"}).status_code == 201
    # A refused write (422) stores nothing: the corrected request may reuse the key.
    carla = {**headers_for(Role.EMPLOYEE), "Idempotency-Key": "fix-and-retry"}
    assert client.post("/api/clients", headers=carla, json={"name": ""}).status_code == 422
    assert client.post("/api/clients", headers=carla, json={"name": "Carla"}).status_code == 201
    assert [clients_named(engine, n) for n in ("Ana Co", "Bob Co", "Carla")] == [1, 1, 1]


def test_a_malformed_key_is_a_field_error(client: TestClient, headers_for: Headers) -> None:
    headers = {**headers_for(Role.EMPLOYEE), "Idempotency-Key": "spaces are not ok"}
    body = assert_error(
        client.post("/api/clients", headers=headers, json={"name": "X"}), 422, "VALIDATION_ERROR"
    )
    assert "idempotencyKey" in body["details"]


def test_a_committed_write_whose_answer_was_lost_is_never_applied_again(
    client: TestClient, engine: Engine, headers_for: Headers
) -> None:
    headers = {**headers_for(Role.EMPLOYEE), "Idempotency-Key": "lost-answer"}
    assert client.post("/api/clients", headers=headers, json={"name": "Lost"}).status_code == 201
    # As if the instance died between the commit and storing the answer.
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE idempotency_key SET status_code = NULL, response_body = NULL"))
    retry = client.post("/api/clients", headers=headers, json={"name": "Lost"})
    body = assert_error(retry, 409, "IDEMPOTENCY_CONFLICT")
    assert "already applied" in body["error"]
    assert clients_named(engine, "Lost") == 1


@pytest.fixture
def headers_for_pg(pg_engine: Engine) -> Headers:
    return lambda role: bearer(token_for(make_user(pg_engine, role)))


@pytest.mark.postgres
def test_concurrent_duplicates_write_once(pg_engine: Engine, headers_for_pg: Headers) -> None:
    from avrentals.api import create_api

    headers = {**headers_for_pg(Role.EMPLOYEE), "Idempotency-Key": "burst"}
    statuses: list[int] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        with TestClient(create_api(pg_engine)) as http:
            barrier.wait()
            r = http.post("/api/clients", headers=headers, json={"name": "Burst Ltd"})
            statuses.append(r.status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(statuses) == 8
    assert set(statuses) <= {201, 409}, statuses
    assert 201 in statuses
    assert clients_named(pg_engine, "Burst Ltd") == 1
