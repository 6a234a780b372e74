"""`/api/calendar`: the range view, the `.ics` export, the token feed and its issue/revoke."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy.engine import Engine

from avrentals.domain.enums import Role
from tests.api.conftest import assert_envelope, assert_error, bearer, token_for
from tests.booking_factories import day, make_client, make_event, raw_rental, set_good
from tests.factories import make_item, make_user

Headers = Callable[[Role], dict[str, str]]


def test_calendar_range(client: TestClient, engine: Engine, headers_for: Headers):
    acme = make_client(engine, "Acme")
    mic = make_item(engine, "Mic", quantity=2)
    a = make_event(engine, acme, day(1), day(2), name="Alpha")
    b = make_event(engine, acme, day(2), day(3), name="Beta")
    raw_rental(engine, a, mic, 1)
    raw_rental(engine, b, mic, 1)
    set_good(engine, mic, 1)
    params = {"startDate": day(0).isoformat(), "endDate": day(6).isoformat()}
    response = client.get("/api/calendar", params=params, headers=headers_for(Role.VIEWER))
    assert response.status_code == 200, response.text
    body = response.json()
    assert_envelope(body, success=True)
    data = body["data"]
    assert [e["name"] for e in data["events"]] == ["Alpha", "Beta"]
    assert {"clientName", "startDate", "endDate", "version", "color"} <= set(data["events"][0])
    assert list(data["conflicts"]) == [day(2).isoformat()]
    assert data["conflicts"][day(2).isoformat()][0]["bookable"] == 1
    filtered = client.get(
        "/api/calendar",
        params={**params, "equipmentId": str(mic.id)},
        headers=headers_for(Role.VIEWER),
    )
    assert len(filtered.json()["data"]["events"]) == 2


def test_calendar_errors(client: TestClient, headers_for: Headers):
    params = {"startDate": day(0).isoformat(), "endDate": day(6).isoformat()}
    assert_error(client.get("/api/calendar", params=params), 401, "UNAUTHORIZED")
    too_long = {"startDate": day(0).isoformat(), "endDate": day(200).isoformat()}
    body = assert_error(
        client.get("/api/calendar", params=too_long, headers=headers_for(Role.ADMIN)),
        422,
        "VALIDATION_ERROR",
    )
    assert "endDate" in body["details"]
    missing = client.get("/api/calendar", headers=headers_for(Role.ADMIN))
    assert_error(missing, 422, "VALIDATION_ERROR")
    assert_error(
        client.get(
            "/api/calendar/events.ics", params={"clientId": "nope"}, headers=headers_for(Role.ADMIN)
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert_error(client.get("/api/calendar/events.ics"), 401, "UNAUTHORIZED")
    assert_error(client.post("/api/calendar/feed-token"), 401, "UNAUTHORIZED")
    assert_error(client.delete("/api/calendar/feed-token"), 401, "UNAUTHORIZED")


def test_ics_export(client: TestClient, engine: Engine, headers_for: Headers):
    acme = make_client(engine, "Acme")
    event = make_event(engine, acme, day(1), day(2), name="Export Me")
    response = client.get(
        "/api/calendar/events.ics",
        params={"startDate": day(0).isoformat(), "endDate": day(9).isoformat()},
        headers=headers_for(Role.VIEWER),
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    [vevent] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Export Me"
    assert vevent.decoded("DTEND") == day(3)
    assert str(vevent["URL"]).endswith(f"/events/{event.id}")


def test_feed_token_lifecycle(client: TestClient, engine: Engine):
    user = make_user(engine, Role.TECHNICIAN)
    headers = bearer(token_for(user))
    acme = make_client(engine, "Acme")
    make_event(engine, acme, day(1), name="Feed Item")
    issued = client.post("/api/calendar/feed-token", headers=headers)
    assert issued.status_code == 201, issued.text
    data = issued.json()["data"]
    assert data["url"].endswith(f"/api/calendar/feed/{data['token']}.ics")
    feed = client.get(f"/api/calendar/feed/{data['token']}.ics")  # no Authorization header
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.content.startswith(b"BEGIN:VCALENDAR")
    rotated = client.post("/api/calendar/feed-token", headers=headers).json()["data"]["token"]
    assert_error(client.get(f"/api/calendar/feed/{data['token']}.ics"), 404, "NOT_FOUND")
    assert client.get(f"/api/calendar/feed/{rotated}.ics").status_code == 200
    revoked = client.delete("/api/calendar/feed-token", headers=headers)
    assert revoked.status_code == 204
    assert_error(client.get(f"/api/calendar/feed/{rotated}.ics"), 404, "NOT_FOUND")
    assert_error(client.get("/api/calendar/feed/unknown-token-value-1234.ics"), 404, "NOT_FOUND")
    assert client.delete("/api/calendar/feed-token", headers=headers).status_code == 204
