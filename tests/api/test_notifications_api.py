"""`/api/notifications`: every role reads and manages its own notifications only; another
user's notification id is 404, like an unknown one; envelope and camelCase (DESIGN §8)."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.enums import NotificationType, Priority, Role
from avrentals.domain.models import Notification, User
from avrentals.domain.services.notifications import notify
from tests.api.conftest import assert_envelope, assert_error, bearer, token_for
from tests.factories import make_user


def send(engine: Engine, user: User, key: str, priority: Priority = Priority.MEDIUM) -> uuid.UUID:
    with transaction(engine) as s:
        (note,) = notify(
            s, [user.id], NotificationType.LOW_STOCK, f"Low {key}", "Few left", priority,
            "/equipment", key,
        )  # fmt: skip
        return note.id


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_own_notifications_for_every_role(client: TestClient, engine: Engine, role: Role) -> None:
    me, other = make_user(engine, role), make_user(engine, Role.ADMIN)
    mine = [send(engine, me, "a"), send(engine, me, "b", Priority.HIGH)]
    theirs = send(engine, other, "a")
    h = bearer(token_for(me))

    listed = client.get("/api/notifications", headers=h)
    assert listed.status_code == 200
    body = listed.json()
    assert_envelope(body, success=True)
    assert body["pagination"] == {"page": 1, "pageSize": 20, "total": 2, "totalPages": 1}
    first = body["data"][0]
    assert set(first) == {
        "id", "type", "title", "message", "priority", "isRead", "link", "createdAt",
    }  # fmt: skip
    assert first["id"] == str(mine[1]) and first["priority"] == "high" and not first["isRead"]
    assert client.get("/api/notifications/unread-count", headers=h).json()["data"] == {"unread": 2}

    # Someone else's id: 404 for read and delete, nothing changed.
    assert_error(client.post(f"/api/notifications/{theirs}/read", headers=h), 404, "NOT_FOUND")
    assert_error(client.delete(f"/api/notifications/{theirs}", headers=h), 404, "NOT_FOUND")
    with Session(engine) as s:
        theirs_row = s.get(Notification, theirs)
        assert theirs_row is not None and theirs_row.is_read is False

    read = client.post(f"/api/notifications/{mine[0]}/read", headers=h)
    assert read.status_code == 200 and read.json()["data"]["isRead"] is True
    unread = client.get("/api/notifications", params={"unread": "true"}, headers=h).json()
    assert [n["id"] for n in unread["data"]] == [str(mine[1])]
    done = client.post("/api/notifications/read-all", headers=h)
    assert done.json()["data"] == {"markedRead": 1}
    assert client.delete(f"/api/notifications/{mine[0]}", headers=h).status_code == 204
    left = client.get("/api/notifications", headers=h).json()
    assert [n["id"] for n in left["data"]] == [str(mine[1])]
    # The other user's feed is untouched by all of that.
    their_count = client.get("/api/notifications/unread-count", headers=bearer(token_for(other)))
    assert their_count.json()["data"] == {"unread": 1}


def test_paging_and_type_filter(client: TestClient, engine: Engine) -> None:
    me = make_user(engine, Role.VIEWER)
    for i in range(3):
        send(engine, me, f"k{i}")
    h = bearer(token_for(me))
    page = client.get("/api/notifications", params={"page": 2, "pageSize": 2}, headers=h).json()
    assert len(page["data"]) == 1 and page["pagination"]["totalPages"] == 2
    assert (
        client.get("/api/notifications", params={"type": "low_stock"}, headers=h).json()[
            "pagination"
        ]["total"]
        == 3
    )
    assert (
        client.get("/api/notifications", params={"type": "new_equipment"}, headers=h).json()["data"]
        == []
    )
    bad = assert_error(
        client.get("/api/notifications", params={"type": "bogus"}, headers=h),
        422,
        "VALIDATION_ERROR",
    )
    assert "type" in bad["details"]
    assert_error(
        client.get("/api/notifications", params={"pageSize": 101}, headers=h),
        422,
        "VALIDATION_ERROR",
    )


def test_preferences_round_trip(client: TestClient, engine: Engine) -> None:
    me = make_user(engine, Role.TECHNICIAN)
    h = bearer(token_for(me))
    assert client.get("/api/notifications/preferences", headers=h).json()["data"] == {
        "mutedTypes": []
    }
    saved = client.put(
        "/api/notifications/preferences",
        json={"mutedTypes": ["new_equipment", "low_stock"]},
        headers=h,
    )
    assert saved.status_code == 200
    assert saved.json()["data"] == {"mutedTypes": ["low_stock", "new_equipment"]}
    bad = client.put("/api/notifications/preferences", json={"mutedTypes": ["x"]}, headers=h)
    assert assert_error(bad, 422, "VALIDATION_ERROR")["details"] == {
        "mutedTypes": [bad.json()["details"]["mutedTypes"][0]]
    }
    extra = client.put(
        "/api/notifications/preferences", json={"mutedTypes": [], "userId": "x"}, headers=h
    )
    assert_error(extra, 422, "VALIDATION_ERROR")
    # Muted: the generator skips the user.
    with transaction(engine) as s:
        assert notify(s, [me.id], NotificationType.LOW_STOCK, "t", "m") == []
    with Session(engine) as s:
        user = s.exec(select(User).where(User.id == me.id)).one()
        assert user.muted_notification_types == ["low_stock", "new_equipment"]


def test_unauthenticated_is_401(client: TestClient) -> None:
    for method, path in (
        ("GET", "/api/notifications"),
        ("GET", "/api/notifications/unread-count"),
        ("POST", "/api/notifications/read-all"),
        ("GET", "/api/notifications/preferences"),
        ("DELETE", f"/api/notifications/{uuid.uuid4()}"),
    ):
        assert_error(client.request(method, path), 401, "UNAUTHORIZED")
