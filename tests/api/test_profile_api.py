"""`/api/profile`: every role reads and edits only itself, NIF/IBAN checked and never shown
to others, the password change (current password, policy) answers a fresh token and the old
one is refused on the next call, the photo upload."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from tests.api.conftest import assert_envelope, assert_error, bearer, token_for
from tests.factories import TEST_PASSWORD, make_user

ROLES = list(Role)
NIF, IBAN = "123456789", "PT50000201231234567890154"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_role_edits_its_own_profile_only(
    client: TestClient, engine: Engine, role: Role
) -> None:
    me = make_user(engine, role)
    headers = bearer(token_for(me))
    response = client.patch(
        "/api/profile",
        json={"version": 1, "nif": "123 456 789", "iban": "PT50 0002 0123 1234 5678 9015 4",
              "contactEmail": "me@example.pt", "language": "pt"},
        headers=headers,
    )  # fmt: skip
    body = response.json()
    assert_envelope(body, success=True)
    assert (body["data"]["nif"], body["data"]["iban"], body["data"]["language"]) == (
        NIF,
        IBAN,
        "pt",
    )
    assert body["data"]["id"] == str(me.id) and "passwordHash" not in response.text
    assert client.get("/api/profile", headers=headers).json()["data"]["version"] == 2


def test_another_users_nif_and_iban_never_reach_others(client: TestClient, engine: Engine) -> None:
    owner = make_user(engine, Role.EMPLOYEE, nif=NIF, iban=IBAN, is_team_member=True)
    for role in (Role.MANAGER, Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER):
        headers = bearer(token_for(make_user(engine, role)))
        for path in ("/api/profile", "/api/users", f"/api/users/{owner.id}", "/api/auth/me"):
            response = client.get(path, headers=headers)
            assert NIF not in response.text and IBAN not in response.text, (role, path)
    admin = bearer(token_for(make_user(engine, Role.ADMIN)))
    assert client.get(f"/api/users/{owner.id}", headers=admin).json()["data"]["nif"] == NIF


def test_bad_nif_iban_and_unknown_fields_are_field_errors(
    client: TestClient, engine: Engine
) -> None:
    headers = bearer(token_for(make_user(engine, Role.VIEWER)))
    bad = client.patch(
        "/api/profile",
        json={"version": 1, "nif": "123456780", "iban": "PT50000201231234567890155",
              "contactEmail": "x"},
        headers=headers,
    )  # fmt: skip
    assert set(assert_error(bad, 422, "VALIDATION_ERROR")["details"]) == {
        "nif",
        "iban",
        "contactEmail",
    }
    sneaky = client.patch("/api/profile", json={"version": 1, "role": "admin"}, headers=headers)
    assert_error(sneaky, 422, "VALIDATION_ERROR")
    stale = client.patch("/api/profile", json={"version": 7, "phone": "1"}, headers=headers)
    assert "current" in assert_error(stale, 409, "VERSION_CONFLICT")["details"]


def test_password_change_returns_a_fresh_token_and_revokes_the_old(
    client: TestClient, engine: Engine
) -> None:
    me = make_user(engine, Role.TECHNICIAN)
    old = bearer(token_for(me))
    wrong = client.post(
        "/api/profile/password",
        json={"currentPassword": "nope-nope-nope", "newPassword": "fresh-long-secret"},
        headers=old,
    )
    assert "currentPassword" in assert_error(wrong, 422, "VALIDATION_ERROR")["details"]
    common = client.post(
        "/api/profile/password",
        json={"currentPassword": TEST_PASSWORD, "newPassword": "password1"},
        headers=old,
    )
    assert "newPassword" in assert_error(common, 422, "VALIDATION_ERROR")["details"]
    assert client.get("/api/profile", headers=old).status_code == 200  # nothing changed yet
    changed = client.post(
        "/api/profile/password",
        json={"currentPassword": TEST_PASSWORD, "newPassword": "fresh-long-secret"},
        headers=old,
    )
    assert changed.status_code == 200, changed.text
    fresh = bearer(changed.json()["data"]["token"])
    assert_error(client.get("/api/profile", headers=old), 401, "UNAUTHORIZED")
    assert client.get("/api/profile", headers=fresh).status_code == 200
    login = client.post(
        "/api/auth/login", json={"username": me.username, "password": "fresh-long-secret"}
    )
    assert login.status_code == 200


def test_photo_upload_and_removal(client: TestClient, engine: Engine) -> None:
    headers = bearer(token_for(make_user(engine, Role.VIEWER)))
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 0, 0)).save(buffer, format="JPEG")
    up = client.post(
        "/api/profile/photo", files={"file": ("me.jpg", buffer.getvalue())}, headers=headers
    )
    assert up.status_code == 201, up.text
    url = up.json()["data"]["photoUrl"]
    assert url.startswith("/api/media/") and client.get(url).status_code == 200
    bad = client.post("/api/profile/photo", files={"file": ("x.jpg", b"nope")}, headers=headers)
    assert "photo" in assert_error(bad, 422, "VALIDATION_ERROR")["details"]
    assert client.delete("/api/profile/photo", headers=headers).json()["data"]["photoUrl"] is None
    assert_error(client.get("/api/profile"), 401, "UNAUTHORIZED")
