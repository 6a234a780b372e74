"""`GET /api/equipment/export.csv` and `POST /api/equipment/import`: status codes, content
type, filename, preview and all-or-nothing import."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.domain.enums import Role
from avrentals.domain.models import EquipmentItem
from avrentals.domain.services.equipment_csv import MAX_FILE_BYTES
from tests.api.conftest import assert_envelope, assert_error, make_api_item
from tests.inventory_factories import make_category

HeadersFor = Callable[[Role], dict[str, str]]
EXPORT = "/api/equipment/export.csv"
IMPORT = "/api/equipment/import"
GOOD = b"Name,Category,Quantity,Location,Daily rate\nFog machine,Effects,2,Aisle F,40\n"


def upload(data: bytes, name: str = "items.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, data, "text/csv")}


def names_in(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return sorted(s.exec(select(EquipmentItem.name)).all())


def test_export_filters_type_and_filename(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    make_api_item(engine, name="=SUM(A1)", location="Aisle A")
    make_api_item(engine, name="Shure SM58", location="Aisle B")
    viewer = headers_for(Role.VIEWER)
    response = client.get(EXPORT, headers=viewer)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    filename = f"equipment-{date.today().isoformat()}.csv"
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Asset code", "Name"]
    assert sorted(r[1] for r in rows[1:]) == ["'=SUM(A1)", "Shure SM58"]
    filtered = client.get(EXPORT, params={"location": "aisle b", "sort": "-name"}, headers=viewer)
    assert [r[1] for r in csv.reader(io.StringIO(filtered.text))][1:] == ["Shure SM58"]
    # Not swallowed by /api/equipment/{id}.
    assert client.get(EXPORT, params={"sort": "nope"}, headers=viewer).status_code == 422
    assert_error(client.get(EXPORT), 401, "UNAUTHORIZED")


def test_preview_import_and_statuses(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    make_category(engine, "Effects")
    tech = headers_for(Role.TECHNICIAN)
    assert_error(client.post(IMPORT, files=upload(GOOD)), 401, "UNAUTHORIZED")
    assert_error(
        client.post(IMPORT, files=upload(GOOD), headers=headers_for(Role.VIEWER)),
        403,
        "FORBIDDEN",
    )
    bad = GOOD + b"Hazer,Nope,1,Aisle F,\nSmoke,Effects,x,,\n"
    preview = client.post(IMPORT, params={"dryRun": "true"}, files=upload(bad), headers=tech)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert (data["totalRows"], data["validCount"], data["errorCount"]) == (3, 1, 2)
    assert data["errors"][0] == {
        "row": 3,
        "fields": {"category": ["Category “Nope” does not exist."]},
    }
    assert set(data["errors"][1]["fields"]) == {"quantity", "location"}
    assert data["sample"][0]["name"] == "Fog machine" and "dailyRate" in data["sample"][0]
    assert names_in(engine) == []

    refused = client.post(IMPORT, files=upload(bad), headers=tech)
    details = assert_error(refused, 422, "VALIDATION_ERROR")["details"]
    assert set(details["rows"]) == {"3", "4"} and details["totalRows"] == 3
    assert details["rows"]["4"]["quantity"] == ["Quantity must be a whole number."]
    assert names_in(engine) == []

    created = client.post(IMPORT, params={"dryRun": "false"}, files=upload(GOOD), headers=tech)
    assert created.status_code == 201, created.text
    assert created.json()["data"] == {"created": 1}
    assert names_in(engine) == ["Fog machine"]


def test_file_problems_are_422_or_413(
    client: TestClient, engine: Engine, headers_for: HeadersFor
) -> None:
    admin = headers_for(Role.ADMIN)
    wrong = client.post(IMPORT, files=upload("Name;Catégorie\n".encode("latin-1")), headers=admin)
    assert "not UTF-8" in assert_error(wrong, 422, "VALIDATION_ERROR")["details"]["file"][0]
    missing = client.post(IMPORT, files=upload(b"Name\nX\n"), headers=admin)
    assert (
        "Missing required" in assert_error(missing, 422, "VALIDATION_ERROR")["details"]["file"][0]
    )
    no_file = client.post(IMPORT, headers=admin)
    assert_error(no_file, 422, "VALIDATION_ERROR")
    # More than the limit plus multipart framing is refused before the body is read.
    huge = client.post(IMPORT, files=upload(b"x" * (MAX_FILE_BYTES + 100_000)), headers=admin)
    assert_error(huge, 413, "PAYLOAD_TOO_LARGE")
    # Just over 10 MB of file gets through the body limits and is refused by the service.
    over = client.post(
        IMPORT,
        files=upload(b"Name,Category,Quantity,Location\n" + b"x" * MAX_FILE_BYTES),
        headers=admin,
    )
    assert "limit is 10 MB" in assert_error(over, 422, "VALIDATION_ERROR")["details"]["file"][0]
