"""Fixtures for the REST API tests: the real app over the real `engine` (SQLite and
PostgreSQL), tokens for users of each role."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.api import create_api
from avrentals.domain.enums import Role
from avrentals.domain.models import EquipmentItem, User
from avrentals.domain.services.auth import issue_token
from avrentals.settings import get_settings
from tests.factories import make_item, make_user

ENVELOPE_KEYS = {"success", "data", "error", "code", "details", "pagination", "timestamp"}


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with TestClient(create_api(engine)) as test_client:
        yield test_client


def token_for(user: User, ttl: timedelta = timedelta(hours=1)) -> str:
    return issue_token(user, get_settings().jwt_secret, ttl)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def headers_for(engine: Engine) -> Callable[[Role], dict[str, str]]:
    """A fresh user of `role` and an Authorization header carrying their token."""

    def build(role: Role = Role.ADMIN) -> dict[str, str]:
        return bearer(token_for(make_user(engine, role)))

    return build


def forge_unsigned(claims: dict[str, Any]) -> str:
    """An `alg: none` token (no signature)."""

    def b64(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."


def assert_envelope(body: dict[str, Any], *, success: bool) -> None:
    """The envelope contract (DESIGN §8): known keys only, a UTC ISO-8601 timestamp."""
    assert set(body) <= ENVELOPE_KEYS, set(body) - ENVELOPE_KEYS
    assert body["success"] is success
    assert "data" in body
    stamp = datetime.fromisoformat(body["timestamp"])
    assert stamp.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stamp) < timedelta(minutes=1)
    if success:
        assert not {"error", "code", "details"} & set(body)
    else:
        assert body["data"] is None
        assert isinstance(body["error"], str) and body["error"]
        assert isinstance(body["code"], str) and body["code"]


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert_envelope(body, success=False)
    assert body["code"] == code
    return body


def add_test_routes(app: FastAPI, router: APIRouter) -> FastAPI:
    """Add `router` ahead of the API's catch-all for unknown `/api` paths."""
    app.include_router(router)
    app.router.routes.insert(0, app.router.routes.pop())
    return app


def make_api_item(engine: Engine, name: str = "Shure SM58", **fields: Any) -> EquipmentItem:
    """`tests.factories.make_item`, then set fields it fixes itself (daily_rate,
    asset_code)."""
    fixed = {k: fields.pop(k) for k in ("daily_rate", "asset_code") if k in fields}
    item = make_item(engine, name=name, **fields)
    if fixed:
        with Session(engine, expire_on_commit=False) as s:
            row = s.get(EquipmentItem, item.id)
            assert row is not None
            for key, value in fixed.items():
                setattr(row, key, value)
            s.add(row)
            s.commit()
            item = row
    return item
