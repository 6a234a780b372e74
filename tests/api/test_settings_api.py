"""`/api/settings`: every signed-in role reads the public part, only Admins see the rest and
change it (role matrix), the SMTP password is write-only, percent/fraction, validation and
version conflicts, the logo upload."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from tests.api.conftest import assert_error, bearer, token_for
from tests.factories import make_user

ROLES = list(Role)
ADMIN_KEYS = {"smtpHost", "smtpPort", "smtpUsername", "smtpFrom", "smtpUseTls", "taxId"}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 10), (0, 0, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_role_matrix(client: TestClient, engine: Engine, role: Role) -> None:
    headers = bearer(token_for(make_user(engine, role)))
    read = client.get("/api/settings", headers=headers)
    assert read.status_code == 200
    data = read.json()["data"]
    assert data["companyName"] and data["defaultTaxRate"] == 0.23
    patch = client.patch("/api/settings", json={"version": 1, "tagline": "Hi"}, headers=headers)
    logo = client.post("/api/settings/logo", files={"file": ("l.png", png())}, headers=headers)
    remove = client.delete("/api/settings/logo", headers=headers)
    if role is Role.ADMIN:
        assert set(data) >= ADMIN_KEYS
        assert patch.status_code == 200 and patch.json()["data"]["tagline"] == "Hi"
        assert logo.status_code == 201 and logo.json()["data"]["logoUrl"]
        assert remove.status_code == 200 and remove.json()["data"]["logoUrl"] is None
    else:
        assert not ADMIN_KEYS & set(data) and "version" not in data
        for response in (patch, logo, remove):
            assert_error(response, 403, "FORBIDDEN")
        assert client.get("/api/settings", headers=headers).json()["data"]["tagline"] is None
    assert_error(client.get("/api/settings"), 401, "UNAUTHORIZED")


def test_smtp_password_is_write_only(client: TestClient, engine: Engine) -> None:
    headers = bearer(token_for(make_user(engine, Role.ADMIN)))
    saved = client.patch(
        "/api/settings",
        json={"version": 1, "smtpHost": "smtp.av.pt", "smtpPort": 587, "smtpPassword": "hunter22x",
              "defaultTaxRate": 0.06, "primaryColor": "#00AA55", "currency": "GBP"},
        headers=headers,
    )  # fmt: skip
    assert saved.status_code == 200, saved.text
    data = saved.json()["data"]
    assert data["smtpPasswordSet"] is True and "hunter22x" not in saved.text
    assert (data["defaultTaxRate"], data["primaryColor"], data["currency"]) == (
        0.06,
        "#00aa55",
        "GBP",
    )
    assert "hunter22x" not in client.get("/api/settings", headers=headers).text
    cleared = client.patch(
        "/api/settings", json={"version": 2, "smtpPassword": ""}, headers=headers
    )
    assert cleared.json()["data"]["smtpPasswordSet"] is False


def test_validation_and_conflicts(client: TestClient, engine: Engine) -> None:
    headers = bearer(token_for(make_user(engine, Role.ADMIN)))
    bad = client.patch(
        "/api/settings",
        json={"version": 1, "currency": "ABC", "defaultTaxRate": 23, "primaryColor": "red",
              "smtpPort": 0, "companyName": ""},
        headers=headers,
    )  # fmt: skip
    assert set(assert_error(bad, 422, "VALIDATION_ERROR")["details"]) == {
        "currency",
        "defaultTaxRate",
        "primaryColor",
        "smtpPort",
        "companyName",
    }
    assert (
        client.patch(
            "/api/settings", json={"version": 1, "tagline": "A"}, headers=headers
        ).status_code
        == 200
    )
    stale = client.patch("/api/settings", json={"version": 1, "tagline": "B"}, headers=headers)
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert current["tagline"] == "A" and current["version"] == 2
    assert "smtpPassword" not in current and "smtp_password" not in current
