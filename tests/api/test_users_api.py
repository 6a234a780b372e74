"""`/api/users`: the role matrix of every admin action, self-protection (409), tokens revoked
after deactivation / password reset / sign-out-everywhere (401 on the next call), delete of
users with history refused (409 IN_USE), and no password hash or other user's NIF/IBAN in any
response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.domain.enums import Role
from avrentals.domain.models import User
from tests.api.conftest import assert_envelope, assert_error, bearer, token_for
from tests.factories import make_user

ROLES = list(Role)
PRIVATE = ("123456789", "PT50000201231234567890154")


def admin_headers(engine: Engine) -> tuple[User, dict[str, str]]:
    user = make_user(engine, Role.ADMIN)
    return user, bearer(token_for(user))


def target(engine: Engine, **fields: Any) -> User:
    return make_user(engine, Role.EMPLOYEE, nif=PRIVATE[0], iban=PRIVATE[1], **fields)


def stored(engine: Engine, user: User) -> User:
    with Session(engine) as s:
        row = s.get(User, user.id)
        assert row is not None
        return row


def no_secrets(text: str) -> None:
    assert "passwordHash" not in text and "password_hash" not in text and "$argon2" not in text


# Each admin action: (method, path for target id, JSON body, success status).
ACTIONS: dict[str, Callable[[User], tuple[str, str, Any, int]]] = {
    "list": lambda u: ("GET", "/api/users", None, 200),
    "read": lambda u: ("GET", f"/api/users/{u.id}", None, 200),
    "create": lambda u: (
        "POST",
        "/api/users",
        {"username": "hired", "name": "Hired", "password": "long-enough-pass", "role": "viewer"},
        201,
    ),
    "edit": lambda u: ("PATCH", f"/api/users/{u.id}", {"version": 1, "jobTitle": "Rigger"}, 200),
    "deactivate": lambda u: ("POST", f"/api/users/{u.id}/deactivate", None, 200),
    "activate": lambda u: ("POST", f"/api/users/{u.id}/activate", None, 200),
    "reset": lambda u: (
        "POST",
        f"/api/users/{u.id}/reset-password",
        {"password": "brand-new-secret"},
        200,
    ),
    "sign_out": lambda u: ("POST", f"/api/users/{u.id}/sign-out-everywhere", None, 200),
    "delete": lambda u: ("DELETE", f"/api/users/{u.id}", None, 204),
}
ALLOWED = {
    "list": {Role.ADMIN, Role.MANAGER},
    "read": {Role.ADMIN, Role.MANAGER},
}


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_matrix(client: TestClient, engine: Engine, action: str, role: Role) -> None:
    actor = make_user(engine, role)
    other = target(engine, is_active=action != "activate")
    method, path, body, status = ACTIONS[action](other)
    before = stored(engine, other)
    response = client.request(method, path, json=body, headers=bearer(token_for(actor)))
    if role in ALLOWED.get(action, {Role.ADMIN}):
        assert response.status_code == status, response.text
        no_secrets(response.text)
        if role is not Role.ADMIN:
            assert PRIVATE[0] not in response.text and PRIVATE[1] not in response.text
    else:
        assert_error(response, 403, "FORBIDDEN")
        after = stored(engine, other)
        assert (after.version, after.is_active, after.token_version) == (
            before.version,
            before.is_active,
            before.token_version,
        )


def test_list_and_read_show_private_fields_only_to_admins(
    client: TestClient, engine: Engine
) -> None:
    other = target(engine)
    _admin, headers = admin_headers(engine)
    manager = bearer(token_for(make_user(engine, Role.MANAGER)))
    body = client.get("/api/users", headers=headers, params={"role": "employee"}).json()
    assert_envelope(body, success=True)
    assert body["data"][0]["nif"] == PRIVATE[0] and body["pagination"]["total"] == 1
    for path in ("/api/users?pageSize=100", f"/api/users/{other.id}"):
        response = client.get(path, headers=manager)
        assert response.status_code == 200
        assert PRIVATE[0] not in response.text and PRIVATE[1] not in response.text
        no_secrets(response.text)
    assert_error(
        client.get("/api/users", headers=headers, params={"active": "x"}), 422, "VALIDATION_ERROR"
    )


def test_self_protection_is_refused_with_clear_messages(client: TestClient, engine: Engine) -> None:
    me, headers = admin_headers(engine)
    demote = client.patch(
        f"/api/users/{me.id}", json={"version": 1, "role": "viewer"}, headers=headers
    )
    assert "own role" in assert_error(demote, 409, "INVALID_STATE")["error"]
    assert_error(
        client.post(f"/api/users/{me.id}/deactivate", headers=headers), 409, "INVALID_STATE"
    )
    assert_error(client.delete(f"/api/users/{me.id}", headers=headers), 409, "INVALID_STATE")
    assert_error(
        client.post(
            f"/api/users/{me.id}/reset-password", json={"password": "x" * 12}, headers=headers
        ),
        409,
        "INVALID_STATE",
    )
    saved = stored(engine, me)
    assert (saved.role, saved.is_active, saved.version) == (Role.ADMIN, True, 1)
    manager = make_user(engine, Role.MANAGER)
    raise_own = client.patch(
        f"/api/users/{manager.id}",
        json={"version": 1, "role": "admin"},
        headers=bearer(token_for(manager)),
    )
    assert_error(raise_own, 403, "FORBIDDEN")
    assert stored(engine, manager).role is Role.MANAGER


@pytest.mark.parametrize("action", ["deactivate", "reset-password", "sign-out-everywhere"])
def test_revoking_actions_make_the_next_call_401(
    client: TestClient, engine: Engine, action: str
) -> None:
    _admin, headers = admin_headers(engine)
    victim = make_user(engine, Role.EMPLOYEE)
    their = bearer(token_for(victim))
    assert client.get("/api/auth/me", headers=their).status_code == 200
    body = {"password": "brand-new-secret"} if action == "reset-password" else None
    response = client.post(f"/api/users/{victim.id}/{action}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert_error(client.get("/api/auth/me", headers=their), 401, "UNAUTHORIZED")
    assert_error(client.get("/api/equipment", headers=their), 401, "UNAUTHORIZED")


def test_edit_conflict_and_validation(client: TestClient, engine: Engine) -> None:
    _admin, headers = admin_headers(engine)
    other = target(engine)
    ok = client.patch(
        f"/api/users/{other.id}", json={"version": 1, "name": "Renamed"}, headers=headers
    )
    assert ok.json()["data"]["version"] == 2
    stale = client.patch(
        f"/api/users/{other.id}", json={"version": 1, "name": "Old"}, headers=headers
    )
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert current["name"] == "Renamed" and "passwordHash" not in current
    bad = client.patch(
        f"/api/users/{other.id}",
        json={"version": 2, "email": "nope", "role": "boss"},
        headers=headers,
    )
    assert set(assert_error(bad, 422, "VALIDATION_ERROR")["details"]) == {"email", "role"}
    extra = client.patch(
        f"/api/users/{other.id}", json={"version": 2, "isActive": False}, headers=headers
    )
    assert_error(extra, 422, "VALIDATION_ERROR")
    weak = client.post(
        "/api/users",
        json={"username": "weakling", "name": "W", "password": "qwerty123", "role": "viewer"},
        headers=headers,
    )
    assert assert_error(weak, 422, "VALIDATION_ERROR")["details"]["password"] == [
        "This password is too common."
    ]


def test_delete_refuses_users_with_history(client: TestClient, engine: Engine) -> None:
    _admin, headers = admin_headers(engine)
    worker = make_user(engine, Role.EMPLOYEE)
    login = client.post(
        "/api/auth/login", json={"username": worker.username, "password": "correct-horse-battery"}
    )
    assert login.status_code == 200
    refused = assert_error(client.delete(f"/api/users/{worker.id}", headers=headers), 409, "IN_USE")
    assert "deactivate" in refused["error"]
    assert stored(engine, worker).is_active
    assert_error(
        client.delete("/api/users/00000000-0000-0000-0000-000000000000", headers=headers),
        404,
        "NOT_FOUND",
    )


def test_roles_endpoint_describes_each_role(client: TestClient, engine: Engine) -> None:
    _admin, headers = admin_headers(engine)
    data = client.get("/api/users/roles", headers=headers).json()["data"]
    assert [r["value"] for r in data] == [r.value for r in Role]
    assert all(r["description"] for r in data)
