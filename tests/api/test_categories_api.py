"""`/api/categories[/{id}]` and `/api/subcategories[/{id}]`: every status code of the
contract, camelCase shapes, unique names as 422, IN_USE deletes, versioned updates, roles."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from tests.api.conftest import assert_envelope, assert_error, make_api_item

HeadersFor = Callable[[Role], dict[str, str]]
CATEGORY_KEYS = {"id", "name", "icon", "position", "version", "itemCount", "subcategories"}
SUB_KEYS = {"id", "categoryId", "name", "version", "itemCount"}


def post_category(client: TestClient, headers: dict[str, str], **body: object) -> dict:
    response = client.post("/api/categories", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def test_create_list_and_get_with_counts(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    tech = headers_for(Role.TECHNICIAN)
    audio = post_category(client, tech, name="Audio", icon="speaker")
    assert set(audio) == CATEGORY_KEYS
    assert (audio["icon"], audio["itemCount"], audio["subcategories"], audio["version"]) == (
        "speaker",
        0,
        [],
        1,
    )
    sub = client.post(
        "/api/subcategories", json={"categoryId": audio["id"], "name": "Mics"}, headers=tech
    )
    assert sub.status_code == 201
    assert set(sub.json()["data"]) == SUB_KEYS
    post_category(client, tech, name="Video")
    viewer = headers_for(Role.VIEWER)
    listed = client.get("/api/categories?sort=name", headers=viewer)
    assert listed.status_code == 200
    body = listed.json()
    assert_envelope(body, success=True)
    assert [c["name"] for c in body["data"]] == ["Audio", "Video"]
    assert body["pagination"] == {"page": 1, "pageSize": 100, "total": 2, "totalPages": 1}
    assert body["data"][0]["subcategories"][0]["name"] == "Mics"
    one = client.get(f"/api/categories/{audio['id']}", headers=viewer).json()["data"]
    assert one["name"] == "Audio" and one["subcategories"][0]["itemCount"] == 0
    subs = client.get(f"/api/subcategories?categoryId={audio['id']}", headers=viewer)
    assert [s["name"] for s in subs.json()["data"]] == ["Mics"]
    sub_id = sub.json()["data"]["id"]
    assert (
        client.get(f"/api/subcategories/{sub_id}", headers=viewer).json()["data"]["name"] == "Mics"
    )
    assert_error(client.get("/api/categories?sort=id", headers=viewer), 422, "VALIDATION_ERROR")
    assert_error(
        client.get("/api/categories?pageSize=101", headers=viewer), 422, "VALIDATION_ERROR"
    )
    assert_error(client.get(f"/api/categories/{uuid.uuid4()}", headers=viewer), 404, "NOT_FOUND")
    assert_error(client.get(f"/api/subcategories/{uuid.uuid4()}", headers=viewer), 404, "NOT_FOUND")
    assert_error(client.get("/api/categories"), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"name": "Audio", "icon": "skull"}, "icon"),
        ({"name": "Audio", "itemCount": 3}, "itemCount"),
        ({}, "name"),
    ],
)
def test_category_validation_is_422(
    client: TestClient, headers_for: HeadersFor, body: dict, field: str
) -> None:
    response = client.post("/api/categories", json=body, headers=headers_for(Role.MANAGER))
    assert list(assert_error(response, 422, "VALIDATION_ERROR")["details"]) == [field]


def test_duplicate_names_are_field_errors(client: TestClient, headers_for: HeadersFor) -> None:
    manager = headers_for(Role.MANAGER)
    audio = post_category(client, manager, name="Audio")
    dup = client.post("/api/categories", json={"name": "AUDIO"}, headers=manager)
    assert assert_error(dup, 422, "VALIDATION_ERROR")["details"] == {
        "name": ["A category named 'AUDIO' already exists."]
    }
    body = {"categoryId": audio["id"], "name": "Mics"}
    assert client.post("/api/subcategories", json=body, headers=manager).status_code == 201
    again = client.post("/api/subcategories", json=body, headers=manager)
    assert list(assert_error(again, 422, "VALIDATION_ERROR")["details"]) == ["name"]
    ghost = client.post(
        "/api/subcategories", json={"categoryId": str(uuid.uuid4()), "name": "X"}, headers=manager
    )
    assert list(assert_error(ghost, 422, "VALIDATION_ERROR")["details"]) == ["categoryId"]


def test_versioned_rename_and_icon(client: TestClient, headers_for: HeadersFor) -> None:
    manager = headers_for(Role.MANAGER)
    audio = post_category(client, manager, name="Audio")
    renamed = client.patch(
        f"/api/categories/{audio['id']}",
        json={"version": 1, "name": "Sound", "icon": "mic"},
        headers=manager,
    )
    assert renamed.status_code == 200
    assert (renamed.json()["data"]["name"], renamed.json()["data"]["version"]) == ("Sound", 2)
    stale = client.put(
        f"/api/categories/{audio['id']}", json={"version": 1, "name": "Late"}, headers=manager
    )
    current = assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]
    assert set(current) == CATEGORY_KEYS and current["name"] == "Sound"
    bad_icon = client.patch(
        f"/api/categories/{audio['id']}", json={"version": 2, "icon": "skull"}, headers=manager
    )
    assert list(assert_error(bad_icon, 422, "VALIDATION_ERROR")["details"]) == ["icon"]
    sub = client.post(
        "/api/subcategories", json={"categoryId": audio["id"], "name": "Mics"}, headers=manager
    ).json()["data"]
    ok = client.put(
        f"/api/subcategories/{sub['id']}",
        json={"version": 1, "name": "Microphones"},
        headers=manager,
    )
    assert ok.status_code == 200 and ok.json()["data"]["name"] == "Microphones"
    stale_sub = client.patch(
        f"/api/subcategories/{sub['id']}", json={"version": 1, "name": "X"}, headers=manager
    )
    assert assert_error(stale_sub, 409, "VERSION_CONFLICT")["details"]["current"]["version"] == 2
    no_version = client.patch(f"/api/categories/{audio['id']}", json={"name": "X"}, headers=manager)
    assert list(assert_error(no_version, 422, "VALIDATION_ERROR")["details"]) == ["version"]
    unknown = client.patch(
        f"/api/categories/{uuid.uuid4()}", json={"version": 1, "name": "X"}, headers=manager
    )
    assert_error(unknown, 404, "NOT_FOUND")


def test_delete_in_use_409_then_204(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine)
    manager = headers_for(Role.MANAGER)
    refused = client.delete(f"/api/categories/{item.category_id}", headers=manager)
    assert "used by 1 equipment item(s)" in assert_error(refused, 409, "IN_USE")["error"]
    empty = post_category(client, manager, name="Empty")
    sub = client.post(
        "/api/subcategories", json={"categoryId": empty["id"], "name": "S"}, headers=manager
    ).json()["data"]
    used_sub_cat = post_category(client, manager, name="Used")
    used_sub = client.post(
        "/api/subcategories", json={"categoryId": used_sub_cat["id"], "name": "U"}, headers=manager
    ).json()["data"]
    created = client.post(
        "/api/equipment",
        json={
            "name": "Thing",
            "categoryId": used_sub_cat["id"],
            "subcategoryId": used_sub["id"],
            "quantity": 1,
            "location": "A",
        },
        headers=manager,
    )
    assert created.status_code == 201
    assert_error(
        client.delete(f"/api/subcategories/{used_sub['id']}", headers=manager), 409, "IN_USE"
    )
    tech = headers_for(Role.TECHNICIAN)
    assert_error(client.delete(f"/api/subcategories/{sub['id']}", headers=tech), 403, "FORBIDDEN")
    assert client.delete(f"/api/subcategories/{sub['id']}", headers=manager).status_code == 204
    assert_error(client.delete(f"/api/categories/{empty['id']}", headers=tech), 403, "FORBIDDEN")
    stale = client.delete(f"/api/categories/{empty['id']}?version=9", headers=manager)
    assert_error(stale, 409, "VERSION_CONFLICT")
    assert client.delete(f"/api/categories/{empty['id']}", headers=manager).status_code == 204
    assert_error(client.delete(f"/api/categories/{empty['id']}", headers=manager), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("role", "write", "delete"),
    [
        (Role.ADMIN, 201, 204),
        (Role.MANAGER, 201, 204),
        (Role.TECHNICIAN, 201, 403),
        (Role.EMPLOYEE, 403, 403),
        (Role.VIEWER, 403, 403),
    ],
)
def test_role_matrix(
    client: TestClient, headers_for: HeadersFor, role: Role, write: int, delete: int
) -> None:
    admin = headers_for(Role.ADMIN)
    existing = post_category(client, admin, name="Existing")
    sub = client.post(
        "/api/subcategories", json={"categoryId": existing["id"], "name": "Sub"}, headers=admin
    ).json()["data"]
    headers = headers_for(role)
    assert client.get("/api/categories", headers=headers).status_code == 200
    assert client.get("/api/subcategories", headers=headers).status_code == 200
    assert (
        client.post("/api/categories", json={"name": "New"}, headers=headers).status_code == write
    )
    new_sub = client.post(
        "/api/subcategories", json={"categoryId": existing["id"], "name": "New"}, headers=headers
    )
    assert new_sub.status_code == write
    renamed = client.patch(
        f"/api/categories/{existing['id']}", json={"version": 1, "name": "Renamed"}, headers=headers
    )
    assert renamed.status_code == (200 if write == 201 else 403)
    assert client.delete(f"/api/subcategories/{sub['id']}", headers=headers).status_code == delete
