"""`/api/auth/login|logout|me` and token verification on every request (DESIGN §7)."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.domain.enums import Role
from avrentals.domain.models import AuditLog, User
from avrentals.settings import get_settings
from tests.api.conftest import (
    assert_envelope,
    assert_error,
    bearer,
    forge_unsigned,
    token_for,
)
from tests.factories import TEST_PASSWORD, make_user

PUBLIC_USER_KEYS = {"id", "username", "name", "role", "email"}


def audit_rows(engine: Engine, action: str) -> list[AuditLog]:
    with Session(engine) as s:
        return list(s.exec(select(AuditLog).where(AuditLog.action == action)).all())


def set_user(engine: Engine, user: User, **fields: object) -> None:
    with Session(engine) as s:
        row = s.get(User, user.id)
        assert row is not None
        for name, value in fields.items():
            setattr(row, name, value)
        s.add(row)
        s.commit()


def test_login_returns_token_and_public_user_and_audits(client: TestClient, engine: Engine) -> None:
    user = make_user(
        engine,
        Role.TECHNICIAN,
        username="tess",
        email="tess@example.com",
        nif="123456789",
        iban="PT50000201231234567890154",
    )
    response = client.post(
        "/api/auth/login",
        json={"username": "tess", "password": TEST_PASSWORD},
        headers={"User-Agent": "scanner-tablet/1.0"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert set(data) == {"token", "user", "expiresIn"}
    assert data["expiresIn"] == get_settings().jwt_ttl_hours * 3600
    assert data["user"] == {
        "id": str(user.id),
        "username": "tess",
        "name": user.name,
        "role": "technician",
        "email": "tess@example.com",
    }
    for secret in ("123456789", "PT50000201231234567890154", "argon2", "password"):
        assert secret not in response.text.replace(data["token"], "")
    claims = jwt.decode(data["token"], get_settings().jwt_secret, algorithms=["HS256"])
    assert claims["sub"] == str(user.id) and claims["role"] == "technician"

    [row] = audit_rows(engine, "login")
    assert row.actor_id == user.id
    assert row.ip == "testclient" and row.user_agent == "scanner-tablet/1.0"
    # The token works on the API straight away.
    me = client.get("/api/auth/me", headers=bearer(data["token"]))
    assert me.status_code == 200 and me.json()["data"]["id"] == str(user.id)


def test_failed_logins_share_one_body_and_are_audited(client: TestClient, engine: Engine) -> None:
    make_user(engine, username="casey")
    make_user(engine, username="gone", is_active=False)
    attempts = [("casey", "wrong-password"), ("nobody", TEST_PASSWORD), ("gone", TEST_PASSWORD)]
    bodies = []
    for username, password in attempts:
        response = client.post("/api/auth/login", json={"username": username, "password": password})
        body = assert_error(response, 401, "UNAUTHORIZED")
        assert response.headers["www-authenticate"] == "Bearer"
        body.pop("timestamp")
        bodies.append(body)
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["error"] == "Invalid username or password."
    rows = audit_rows(engine, "login_failed")
    assert sorted(r.actor_username or "" for r in rows) == sorted(u for u, _ in attempts)
    assert all(r.actor_id is None and r.ip == "testclient" for r in rows)
    assert audit_rows(engine, "login") == []


def test_me_returns_the_public_user(client: TestClient, engine: Engine) -> None:
    user = make_user(engine, Role.VIEWER, nif="999999990")
    response = client.get("/api/auth/me", headers=bearer(token_for(user)))
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == PUBLIC_USER_KEYS
    assert data["username"] == user.username and data["role"] == "viewer"
    assert "999999990" not in response.text


def test_logout_audits_and_needs_a_token(client: TestClient, engine: Engine) -> None:
    user = make_user(engine)
    assert_error(client.post("/api/auth/logout"), 401, "UNAUTHORIZED")
    assert audit_rows(engine, "logout") == []
    response = client.post("/api/auth/logout", headers=bearer(token_for(user)))
    assert response.status_code == 200
    body = response.json()
    assert_envelope(body, success=True)
    assert body["data"] is None
    [row] = audit_rows(engine, "logout")
    assert row.actor_id == user.id and row.entity_id == str(user.id)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _bad_headers(engine: Engine, case: str) -> dict[str, str]:
    """An Authorization header (or none) for one rejection case."""
    user = make_user(engine, Role.VIEWER)
    token = token_for(user)
    secret = get_settings().jwt_secret
    claims = jwt.decode(token, secret, algorithms=["HS256"])
    head, _, signature = token.split(".")
    now = int(time.time())
    if case == "missing header":
        return {}
    if case == "not bearer":
        return {"Authorization": f"Basic {token}"}
    if case == "malformed":
        return bearer("not.a.token")
    if case == "tampered signature":
        return bearer(f"{head}.{_b64({**claims, 'role': 'admin'})}.{signature}")
    if case == "alg none":
        return bearer(forge_unsigned({**claims, "role": "admin"}))
    if case == "wrong key":
        return bearer(jwt.encode(claims, "w" * 64, algorithm="HS256"))
    if case == "HS512 with the right key":
        return bearer(jwt.encode(claims, secret, algorithm="HS512"))
    if case == "expired":
        expired = {**claims, "iat": now - 7200, "exp": now - 60}
        return bearer(jwt.encode(expired, secret, algorithm="HS256"))
    if case == "stale ver":
        set_user(engine, user, token_version=user.token_version + 1)
        return bearer(token)
    if case == "deactivated":
        set_user(engine, user, is_active=False)
        return bearer(token)
    if case == "deleted user":
        with Session(engine) as s:
            s.delete(s.get(User, user.id))
            s.commit()
        return bearer(token)
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case",
    [
        "missing header",
        "not bearer",
        "malformed",
        "tampered signature",
        "alg none",
        "wrong key",
        "HS512 with the right key",
        "expired",
        "stale ver",
        "deactivated",
        "deleted user",
    ],
)
def test_rejected_tokens_are_401(client: TestClient, engine: Engine, case: str) -> None:
    headers = _bad_headers(engine, case)
    for method, path in (("GET", "/api/auth/me"), ("GET", "/api/equipment")):
        response = client.request(method, path, headers=headers)
        assert_error(response, 401, "UNAUTHORIZED")
        assert response.headers["www-authenticate"] == "Bearer"


def test_revocation_applies_to_the_very_next_request(client: TestClient, engine: Engine) -> None:
    user = make_user(engine, Role.MANAGER)
    headers = bearer(token_for(user, ttl=timedelta(hours=24)))
    assert client.get("/api/equipment", headers=headers).status_code == 200
    set_user(engine, user, token_version=user.token_version + 1)
    assert_error(client.get("/api/equipment", headers=headers), 401, "UNAUTHORIZED")


def test_audit_ip_comes_from_the_connection_not_forwarded_headers(
    client: TestClient, engine: Engine
) -> None:
    user = make_user(engine)
    response = client.post(
        "/api/auth/logout",
        headers={**bearer(token_for(user)), "X-Forwarded-For": "203.0.113.7"},
    )
    assert response.status_code == 200
    [row] = audit_rows(engine, "logout")
    assert row.ip == "testclient"
