"""Abuse limits (DESIGN §7): sign-in blocking, API requests and uploads per minute, counted in
Redis so instances share them, in-process without Redis, and surviving a Redis outage."""

from __future__ import annotations

import io
import uuid

import pytest
import redis
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.engine import Engine

from avrentals.api import create_api
from avrentals.db import transaction
from avrentals.domain import rate_limits
from avrentals.domain.enums import Role
from avrentals.domain.errors import LoginFailed, RateLimited
from avrentals.domain.services.auth import login
from avrentals.domain.services.equipment_images import set_equipment_image
from tests.api.conftest import bearer, token_for
from tests.factories import TEST_PASSWORD, make_actor, make_item, make_user

SECRET = "x" * 48


def attempt(engine: Engine, username: str, password: str, ip: str = "10.0.0.1") -> str:
    """One sign-in through the service, committed or rolled back like a real request."""
    try:
        with transaction(engine) as session:
            login(session, username, password, SECRET, ip=ip)
        return "ok"
    except LoginFailed:
        return "failed"
    except RateLimited as exc:
        assert 0 < exc.retry_after <= 15 * 60
        assert "Too many failed sign-in attempts" in exc.message
        return "blocked"


def test_five_failures_block_the_username_and_ip_even_with_the_right_password(
    engine: Engine,
) -> None:
    user = make_user(engine, username=f"u{uuid.uuid4().hex[:6]}")
    results = [attempt(engine, user.username, "wrong") for _ in range(5)]
    assert results == ["failed"] * 5
    assert attempt(engine, user.username, TEST_PASSWORD) == "blocked"
    # Another address, or another username from the same address, is not blocked.
    assert attempt(engine, user.username, TEST_PASSWORD, ip="10.0.0.2") == "ok"
    other = make_user(engine, username=f"v{uuid.uuid4().hex[:6]}")
    assert attempt(engine, other.username, TEST_PASSWORD) == "ok"


def test_a_successful_sign_in_clears_earlier_failures(engine: Engine) -> None:
    user = make_user(engine, username=f"u{uuid.uuid4().hex[:6]}")
    assert [attempt(engine, user.username, "wrong") for _ in range(4)] == ["failed"] * 4
    assert attempt(engine, user.username, TEST_PASSWORD) == "ok"
    assert [attempt(engine, user.username, "wrong") for _ in range(4)] == ["failed"] * 4
    assert attempt(engine, user.username, TEST_PASSWORD) == "ok"


def test_unknown_usernames_are_limited_the_same_way(engine: Engine) -> None:
    assert [attempt(engine, "nobody-here", "x") for _ in range(6)] == ["failed"] * 5 + ["blocked"]


def test_the_api_answers_429_with_retry_after(engine: Engine) -> None:
    make_user(engine, username="apiuser")
    with TestClient(create_api(engine)) as client:
        for _ in range(5):
            r = client.post("/api/auth/login", json={"username": "apiuser", "password": "no"})
            assert r.status_code == 401
        r = client.post("/api/auth/login", json={"username": "apiuser", "password": TEST_PASSWORD})
        assert r.status_code == 429, r.text
        assert r.json()["code"] == "RATE_LIMITED"
        assert 0 < int(r.headers["retry-after"]) <= 900


def test_api_requests_are_limited_per_user_per_minute(engine: Engine) -> None:
    busy, calm = make_user(engine, Role.VIEWER), make_user(engine, Role.VIEWER)
    with TestClient(create_api(engine)) as client:
        codes = [
            client.get("/api/auth/me", headers=bearer(token_for(busy))).status_code
            for _ in range(101)
        ]
        assert codes[:100] == [200] * 100
        refused = client.get("/api/auth/me", headers=bearer(token_for(busy)))
        assert codes[100] == 429 and refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 60
        assert refused.json()["details"]["retryAfter"] == int(refused.headers["retry-after"])
        # Another user is not affected; bad tokens are refused before counting.
        assert client.get("/api/auth/me", headers=bearer(token_for(calm))).status_code == 200
        assert client.get("/api/auth/me", headers=bearer("nonsense")).status_code == 401


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def test_uploads_are_limited_to_five_per_minute(engine: Engine) -> None:
    actor = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine)
    for _ in range(5):
        with transaction(engine) as session:
            set_equipment_image(session, actor, item.id, _png())
    with pytest.raises(RateLimited, match="at most 5 per minute"), transaction(engine) as session:
        set_equipment_image(session, actor, item.id, _png())


@pytest.fixture
def redis_store(redis_url: str):
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{rate_limits.KEY_PREFIX}*"):
        client.delete(key)
    yield redis_url
    for key in client.scan_iter(f"{rate_limits.KEY_PREFIX}*"):
        client.delete(key)
    client.close()


def test_instances_sharing_redis_share_the_counts(engine: Engine, redis_store: str) -> None:
    # Two stores = two app instances; failures on one block sign-in on the other.
    instance_a = rate_limits.RedisCounters(redis_store)
    instance_b = rate_limits.RedisCounters(redis_store)
    user = make_user(engine, username=f"u{uuid.uuid4().hex[:6]}")
    rate_limits.set_counters(instance_a)
    assert [attempt(engine, user.username, "wrong") for _ in range(3)] == ["failed"] * 3
    rate_limits.set_counters(instance_b)
    assert [attempt(engine, user.username, "wrong") for _ in range(2)] == ["failed"] * 2
    rate_limits.set_counters(instance_a)
    assert attempt(engine, user.username, TEST_PASSWORD) == "blocked"
    client = redis.Redis.from_url(redis_store)
    keys = [k.decode() for k in client.scan_iter(f"{rate_limits.KEY_PREFIX}login-block:*")]
    client.close()
    assert len(keys) == 1 and user.username not in keys[0]  # hashed, not in clear text


def test_without_reachable_redis_counting_falls_back_to_the_process(engine: Engine) -> None:
    dead = rate_limits.RedisCounters("redis://127.0.0.1:1/0")  # nothing listens on port 1
    rate_limits.set_counters(dead)
    user = make_user(engine, username=f"u{uuid.uuid4().hex[:6]}")
    assert [attempt(engine, user.username, "wrong") for _ in range(5)] == ["failed"] * 5
    assert attempt(engine, user.username, TEST_PASSWORD) == "blocked"


def test_a_limit_of_zero_switches_it_off(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from avrentals import settings as settings_module

    relaxed = settings_module.load_settings(
        {"RATE_LIMIT_LOGIN_FAILURES": "0", "JWT_SECRET": SECRET}
    )
    monkeypatch.setattr(rate_limits, "get_settings", lambda: relaxed)
    user = make_user(engine, username=f"u{uuid.uuid4().hex[:6]}")
    assert [attempt(engine, user.username, "wrong") for _ in range(8)] == ["failed"] * 8
    assert attempt(engine, user.username, TEST_PASSWORD) == "ok"
    with pytest.raises(settings_module.ConfigError, match="RATE_LIMIT_API_PER_MINUTE"):
        settings_module.load_settings({"RATE_LIMIT_API_PER_MINUTE": "lots", "JWT_SECRET": SECRET})
