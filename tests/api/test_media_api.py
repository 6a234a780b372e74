"""Photos and QR labels over HTTP: `POST/DELETE /api/equipment/{id}/image`,
`GET /api/media/equipment/{name}`, `GET /api/equipment/{id}/label.png` and
`GET /api/equipment/labels.pdf` - every status code, the served headers, and names that try
to leave the media folder."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.domain import media_store
from avrentals.domain.enums import Role
from avrentals.domain.models import EquipmentItem
from tests.api.conftest import assert_envelope, assert_error, make_api_item

HeadersFor = Callable[[Role], dict[str, str]]


def picture(fmt: str = "PNG", size: tuple[int, int] = (900, 600)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    image.paste((240, 200, 20), (0, 0, size[0] // 3, size[1]))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def send(client: TestClient, item_id, headers, data: bytes, filename="photo.png", **form):
    return client.post(
        f"/api/equipment/{item_id}/image",
        headers=headers,
        files={"file": (filename, data, "image/png")},
        data={k: str(v) for k, v in form.items()},
    )


def saved(engine: Engine, item_id: uuid.UUID) -> EquipmentItem:
    with Session(engine) as s:
        item = s.get(EquipmentItem, item_id)
        assert item is not None
        return item


def stored_files() -> set[str]:
    folder = media_store.media_dir()
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_upload_answers_201_with_urls_served_with_immutable_headers(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine)
    response = send(client, item.id, headers_for(Role.MANAGER), picture("WEBP", (2400, 1200)))
    assert response.status_code == 201, response.text
    body = response.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert data["version"] == item.version + 1
    name = saved(engine, item.id).image
    assert data["image"] == name
    assert data["imageUrl"] == f"/api/media/equipment/{name}"
    assert data["thumbnailUrl"] == f"/api/media/equipment/{name.replace('.webp', '-thumb.webp')}"
    for url, size in ((data["imageUrl"], (1600, 800)), (data["thumbnailUrl"], (400, 200))):
        served = client.get(url)  # no Authorization: the unguessable name is the capability
        assert served.status_code == 200
        assert served.headers["content-type"] == "image/webp"
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert served.headers["content-disposition"] == "inline"
        with Image.open(io.BytesIO(served.content)) as image:
            assert image.format == "WEBP" and image.size == size
    listed = client.get("/api/equipment", headers=headers_for(Role.VIEWER)).json()["data"]
    assert [(r["imageUrl"], r["thumbnailUrl"]) for r in listed] == [
        (data["imageUrl"], data["thumbnailUrl"])
    ]
    detail = client.get(f"/api/equipment/{item.id}", headers=headers_for(Role.VIEWER))
    assert detail.json()["data"]["thumbnailUrl"] == data["thumbnailUrl"]
    # The JSON API itself keeps no-store.
    assert detail.headers["cache-control"] == "no-store"


def test_upload_with_the_current_version_and_a_stale_one(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine)
    manager = headers_for(Role.MANAGER)
    first = send(client, item.id, manager, picture(), version=item.version)
    assert first.status_code == 201
    stale = send(client, item.id, manager, picture("JPEG"), version=item.version)
    body = assert_error(stale, 409, "VERSION_CONFLICT")
    current = body["details"]["current"]
    assert current["imageUrl"] == first.json()["data"]["imageUrl"]
    assert current["version"] == item.version + 1 and "categoryName" in current
    assert saved(engine, item.id).image == first.json()["data"]["image"]


def test_upload_refusals(client: TestClient, engine: Engine, headers_for: HeadersFor) -> None:
    item = make_api_item(engine)
    manager = headers_for(Role.MANAGER)
    before = stored_files()
    assert_error(send(client, item.id, {}, picture()), 401, "UNAUTHORIZED")
    assert_error(send(client, item.id, headers_for(Role.VIEWER), picture()), 403, "FORBIDDEN")
    assert_error(send(client, item.id, headers_for(Role.EMPLOYEE), picture()), 403, "FORBIDDEN")
    assert_error(send(client, uuid.uuid4(), manager, picture()), 404, "NOT_FOUND")
    text = send(client, item.id, manager, b"not an image at all\n" * 50, filename="photo.jpg")
    body = assert_error(text, 422, "VALIDATION_ERROR")
    assert body["details"] == {"image": [media_store.NOT_AN_IMAGE]}
    gif = send(client, item.id, manager, picture("GIF"), filename="photo.png")
    assert assert_error(gif, 422, "VALIDATION_ERROR")["details"]["image"]
    missing = client.post(f"/api/equipment/{item.id}/image", headers=manager, data={"x": "1"})
    assert assert_error(missing, 422, "VALIDATION_ERROR")["details"] == {
        "file": ["This field is required."]
    }
    big = picture("JPEG")
    big += b"\0" * (media_store.MAX_UPLOAD_BYTES + 1 - len(big))
    too_big = send(client, item.id, manager, big, filename="big.jpg")
    assert assert_error(too_big, 422, "VALIDATION_ERROR")["details"] == {
        "image": [media_store.TOO_LARGE]
    }
    huge = send(client, item.id, manager, b"\0" * (media_store.MAX_UPLOAD_BYTES + 200_000))
    assert_error(huge, 413, "PAYLOAD_TOO_LARGE")
    bad_version = send(client, item.id, manager, picture(), version="zero")
    assert "version" in assert_error(bad_version, 422, "VALIDATION_ERROR")["details"]
    assert stored_files() == before
    assert saved(engine, item.id).version == item.version


def test_other_json_routes_keep_the_one_megabyte_limit(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    item = make_api_item(engine)
    response = client.patch(
        f"/api/equipment/{item.id}",
        headers={**headers_for(Role.MANAGER), "Content-Type": "application/json"},
        content=b'{"version": 1, "description": "' + b"x" * 2_000_000 + b'"}',
    )
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_delete_photo_statuses(client: TestClient, engine: Engine, headers_for: HeadersFor):
    item = make_api_item(engine)
    manager = headers_for(Role.MANAGER)
    uploaded = send(client, item.id, manager, picture()).json()["data"]
    url = f"/api/equipment/{item.id}/image"
    assert_error(client.delete(url), 401, "UNAUTHORIZED")
    assert_error(client.delete(url, headers=headers_for(Role.VIEWER)), 403, "FORBIDDEN")
    assert_error(
        client.delete(f"/api/equipment/{uuid.uuid4()}/image", headers=manager), 404, "NOT_FOUND"
    )
    stale = client.delete(url, headers=manager, params={"version": item.version})
    assert assert_error(stale, 409, "VERSION_CONFLICT")["details"]["current"]["imageUrl"]
    response = client.delete(url, headers=manager, params={"version": uploaded["version"]})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["image"] is None and data["imageUrl"] is None and data["thumbnailUrl"] is None
    assert data["version"] == uploaded["version"] + 1
    assert saved(engine, item.id).image is None
    # The old link still serves the file (content-addressed, maybe shared by another item).
    assert client.get(uploaded["imageUrl"]).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "..%2F..%2Fdefault.db",
        "..%2f.jwt_secret",
        "%2e%2e",
        "default.db",
        ".jwt_secret",
        "0" * 64 + ".png",
        "0" * 64 + ".PNG",
        "0" * 63 + ".png",
        "0" * 64 + ".svg",
        "0" * 64 + ".png%00.txt",
        "0" * 64 + "-thumb.png.html",
    ],
)
def test_media_names_outside_the_pattern_or_missing_are_404(
    client: TestClient, engine: Engine, name: str
) -> None:
    response = client.get(f"/api/media/equipment/{name}")
    assert_error(response, 404, "NOT_FOUND")


def test_traversal_with_raw_dots_never_serves_files(client: TestClient) -> None:
    for path in (
        "/api/media/equipment/../../default.db",
        "/api/media/equipment/../.jwt_secret",
        "/api/media/%2e%2e/default.db",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"SQLite" not in response.content and "image" not in response.headers.get(
            "content-type", ""
        )


def test_label_png_download(client: TestClient, engine: Engine, headers_for: HeadersFor):
    item = make_api_item(engine, asset_code="AUD-0042")
    url = f"/api/equipment/{item.id}/label.png"
    response = client.get(url, headers=headers_for(Role.VIEWER))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"] == 'attachment; filename="label-AUD-0042.png"'
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG"
    assert_error(client.get(url), 401, "UNAUTHORIZED")
    missing = f"/api/equipment/{uuid.uuid4()}/label.png"
    assert_error(client.get(missing, headers=headers_for(Role.VIEWER)), 404, "NOT_FOUND")


def test_label_sheet_download(client: TestClient, engine: Engine, headers_for: HeadersFor):
    items = [make_api_item(engine, name=f"Par can {n}") for n in range(30)]
    viewer = headers_for(Role.VIEWER)
    ids = ",".join(str(i.id) for i in items)
    response = client.get("/api/equipment/labels.pdf", headers=viewer, params={"ids": ids})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="equipment-labels.pdf"'
    )
    assert response.content.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", response.content)) == 2
    by_category = client.get(
        "/api/equipment/labels.pdf", headers=viewer, params={"categoryId": items[0].category_id}
    )
    assert by_category.status_code == 200
    assert len(re.findall(rb"/Type\s*/Page(?![s\w])", by_category.content)) == 1


def test_label_sheet_refusals(client: TestClient, engine: Engine, headers_for: HeadersFor):
    viewer = headers_for(Role.VIEWER)
    url = "/api/equipment/labels.pdf"
    assert_error(client.get(url), 401, "UNAUTHORIZED")
    empty = assert_error(client.get(url, headers=viewer), 422, "VALIDATION_ERROR")
    assert "selection" in empty["details"]
    bad = client.get(url, headers=viewer, params={"ids": "not-a-uuid"})
    assert "ids" in assert_error(bad, 422, "VALIDATION_ERROR")["details"]
    unknown = client.get(url, headers=viewer, params={"ids": str(uuid.uuid4())})
    assert_error(unknown, 422, "VALIDATION_ERROR")
    category = client.get(url, headers=viewer, params={"categoryId": str(uuid.uuid4())})
    assert_error(category, 404, "NOT_FOUND")
    bad_category = client.get(url, headers=viewer, params={"categoryId": "nope"})
    assert "categoryId" in assert_error(bad_category, 422, "VALIDATION_ERROR")["details"]


def test_routes_are_documented(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"post", "delete"} <= set(paths["/api/equipment/{id}/image"])
    assert "get" in paths["/api/media/equipment/{name}"]
    assert "get" in paths["/api/equipment/labels.pdf"]
    assert "get" in paths["/api/equipment/{id}/label.png"]
