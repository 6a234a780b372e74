"""Faults survived, with real processes (issue: hardening): the API keeps its promises when
PostgreSQL drops every connection and refuses new ones for a while (as during a restart), and
when Redis is killed and restarted. The API runs under uvicorn in its own process; PostgreSQL
is the machine's server, but only this test's database goes away; Redis is a private instance.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
import sqlalchemy as sa

from avrentals.db import make_engine
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.services.auth import issue_token
from tests.api.conftest import bearer
from tests.conftest import TEST_DATABASE_URL, ensure_postgres_database, reset_schema
from tests.factories import TEST_PASSWORD, make_user
from tests.servers import PrivateRedis, api_server, set_database_available, wait_until

pytestmark = pytest.mark.postgres

JWT_SECRET = secrets.token_urlsafe(48)


def fresh_database(suffix: str) -> str:
    url = ensure_postgres_database(f"{TEST_DATABASE_URL}_{suffix}")
    reset_schema(url)
    return url


def count_clients(url: str, name: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text("SELECT count(*) FROM client WHERE name = :n"), {"n": name}
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.fixture
def outage_db() -> Iterator[str]:
    url = fresh_database("outage")
    yield url
    set_database_available(url, True)


def test_postgres_outage_gives_clean_503s_and_recovers_without_a_restart(
    outage_db: str, tmp_path: Path
) -> None:
    engine = make_engine(outage_db)
    admin = make_user(engine, Role.ADMIN, username="outage-admin")
    engine.dispose()
    headers = bearer(issue_token(admin, JWT_SECRET))
    env = {"DATABASE_URL": outage_db, "REDIS_URL": "", "JWT_SECRET": JWT_SECRET}
    env["DATA_DIR"] = str(tmp_path)
    with api_server(env, tmp_path / "api.log") as base, httpx.Client(base_url=base) as http:
        assert http.get("/api/clients", headers=headers).status_code == 200

        set_database_available(outage_db, False)
        for _ in range(3):  # the pool's dead connections and new ones both fail cleanly
            r = http.get("/api/clients", headers=headers)
            assert r.status_code == 503, r.text
            body = r.json()
            assert body["code"] == "SERVICE_UNAVAILABLE" and body["success"] is False
            assert int(r.headers["retry-after"]) > 0
        r = http.post("/api/clients", headers=headers, json={"name": "Outage Client"})
        assert r.status_code == 503, r.text
        assert http.get("/api/health").status_code == 503
        sign_in = {"username": "outage-admin", "password": TEST_PASSWORD}
        assert http.post("/api/auth/login", json=sign_in).status_code == 503

        set_database_available(outage_db, True)
        wait_until(
            lambda: http.get("/api/clients", headers=headers).status_code == 200,
            15,
            "the API did not recover after the database came back",
        )
        r = http.post("/api/clients", headers=headers, json={"name": "Outage Client"})
        assert r.status_code == 201, r.text
        assert http.post("/api/auth/login", json=sign_in).status_code == 200
    log = (tmp_path / "api.log").read_text()
    assert "Traceback" not in log, log[-3000:]
    assert count_clients(outage_db, "Outage Client") == 1  # the refused write left nothing


class ChangeListener:
    """Collects the change bus messages of one Redis, re-subscribing after it restarts."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.seen: list[dict] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                client = redis.Redis.from_url(self.url, socket_timeout=0.5)
                pubsub = client.pubsub()
                pubsub.subscribe(changes.RedisBus(self.url).channel)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=0.2)
                    if message and message["type"] == "message":
                        self.seen.append(json.loads(message["data"]))
            except (redis.RedisError, OSError):
                time.sleep(0.2)

    def names_of(self, entity: str) -> list[str]:
        return [str(m.get("id")) for m in self.seen if m.get("entity") == entity]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def test_redis_restart_keeps_the_api_serving_and_the_change_bus_recovers(
    tmp_path: Path,
) -> None:
    url = fresh_database("redis_restart")
    engine = make_engine(url)
    admin = make_user(engine, Role.ADMIN, username="redis-admin")
    engine.dispose()
    headers = bearer(issue_token(admin, JWT_SECRET))
    private = PrivateRedis()
    private.start()
    listener = ChangeListener(private.url)
    env = {"DATABASE_URL": url, "REDIS_URL": private.url, "JWT_SECRET": JWT_SECRET}
    env["DATA_DIR"] = str(tmp_path)
    try:
        with api_server(env, tmp_path / "api.log") as base, httpx.Client(base_url=base) as http:
            time.sleep(0.5)  # the listener is subscribed
            first = http.post("/api/clients", headers=headers, json={"name": "Before"})
            assert first.status_code == 201, first.text
            wait_until(
                lambda: first.json()["data"]["id"] in listener.names_of("client"),
                5,
                "the change was not published",
            )

            private.stop()
            # Reads, writes and sign-ins go on; the token issued before stays valid.
            during = http.post("/api/clients", headers=headers, json={"name": "During"})
            assert during.status_code == 201, during.text
            assert http.get("/api/clients", headers=headers).status_code == 200
            sign_in = {"username": "redis-admin", "password": TEST_PASSWORD}
            assert http.post("/api/auth/login", json=sign_in).status_code == 200

            private.start()  # same port, empty (nothing is kept on disk)
            time.sleep(0.5)
            after = http.post("/api/clients", headers=headers, json={"name": "After"})
            assert after.status_code == 201, after.text
            wait_until(
                lambda: after.json()["data"]["id"] in listener.names_of("client"),
                5,
                "changes were not published after Redis came back",
            )
    finally:
        listener.close()
        private.stop()
    for name in ("Before", "During", "After"):
        assert count_clients(url, name) == 1
