"""`GET /api/health`, the lazy default engine, and the 503 for an unreachable database."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals import db
from avrentals.api import create_api
from avrentals.db import make_engine
from tests.api.conftest import assert_envelope, assert_error, bearer, token_for
from tests.factories import make_user


def test_health_ok(client: TestClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert_envelope(body, success=True)
    assert body["data"] == {"status": "ok", "database": "ok"}


@pytest.fixture(params=["sqlite", "postgres"])
def unreachable_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'no-such-dir' / 'x.db'}"
    else:  # nothing listens on port 1
        url = "postgresql+psycopg://postgres@127.0.0.1:1/avrentals_test"
    return make_engine(url)


def test_health_is_503_when_the_database_is_down(unreachable_engine: Engine) -> None:
    response = TestClient(create_api(unreachable_engine)).get("/api/health")
    body = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert body["error"] == "The database is unavailable; try again shortly."
    assert response.headers["retry-after"] == "5"
    assert "127.0.0.1" not in response.text and "no-such-dir" not in response.text


def test_any_route_is_503_when_the_database_is_down(
    engine: Engine, unreachable_engine: Engine
) -> None:
    token = token_for(make_user(engine))
    client = TestClient(create_api(unreachable_engine))
    assert_error(client.get("/api/equipment", headers=bearer(token)), 503, "SERVICE_UNAVAILABLE")
    response = client.post("/api/auth/login", json={"username": "someone", "password": "x" * 9})
    assert_error(response, 503, "SERVICE_UNAVAILABLE")


def test_default_engine_is_created_lazily() -> None:
    app = create_api()
    assert app.state.engine is None  # nothing connects at build time
    response = TestClient(app).get("/api/health")
    assert response.status_code == 200
    assert app.state.engine is db.get_engine()
