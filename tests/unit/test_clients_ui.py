"""The client UI's pure helpers: untrusted form input, the conflict comparison, messages."""

from __future__ import annotations

import uuid

from avrentals.domain.errors import InUse
from avrentals.ui.state.client_delete import in_use_message
from avrentals.ui.state.client_detail import id_from_path
from avrentals.ui.state.client_form import blank, changed_fields, conflict_rows, read_form
from avrentals.ui.state.clients import SORT_OPTIONS
from avrentals.ui.state.formatting import format_period
from avrentals.ui.state.identifiers import parse_client_id


def values(**kw: str) -> dict[str, str]:
    return blank() | kw


def test_read_form_keeps_known_string_fields_only() -> None:
    got, errors = read_form({"name": "Acme", "email": 5, "vip": "yes", "notes": None})
    assert got == values(name="Acme")
    assert errors["email"] == "Email must be text."
    assert "vip" not in got
    assert read_form("not a dict") == (blank(), blank())
    _v, errors = read_form({"notes": "x" * 5001})
    assert errors["notes"]


def test_changed_fields_ignore_surrounding_whitespace() -> None:
    original = values(name="Acme", phone="1")
    assert changed_fields(values(name=" Acme ", phone="1"), original) == {}
    assert changed_fields(values(name="Acme", phone="2"), original) == {"phone": "2"}


def test_conflict_rows_compare_mine_with_saved_field_by_field() -> None:
    original = values(name="Acme", phone="1")
    mine = values(name="Acme", phone="2", contact_person="Bea")
    saved = values(name="Acme", phone="3", notes="theirs")
    rows = {r["field"]: r for r in conflict_rows(mine, original, saved)}
    assert set(rows) == {"phone", "contact_person", "notes"}
    assert (rows["phone"]["mine"], rows["phone"]["saved"], rows["phone"]["keeps"]) == (
        "2",
        "3",
        "Yours",
    )
    assert rows["notes"]["mine"] == "(empty)" and rows["notes"]["keeps"] == "Saved"
    assert rows["contact_person"]["saved"] == "(empty)"


def test_in_use_message_names_the_counts() -> None:
    exc = InUse("raw", {"events": 3, "quotes": 1})
    assert in_use_message("Acme", exc) == "Acme has 3 events and 1 quote; it can't be deleted."
    assert in_use_message("Acme", InUse("raw")) == "raw"


def test_ids_and_sorts_are_validated() -> None:
    good = str(uuid.uuid4())
    assert parse_client_id(good) == uuid.UUID(good)
    for bad in (None, 5, "", "nope", "x" * 100, {"id": good}):
        assert parse_client_id(bad) is None
    assert id_from_path(f"/clients/{good}/") == good
    assert id_from_path("/equipment/x") == ""
    # Every UI sort maps onto the service's allow-list (anything else would be refused).
    from avrentals.domain.services.clients import SORTS

    assert {s for s, _d, _l in SORT_OPTIONS.values()} <= set(SORTS)


def test_format_period() -> None:
    assert format_period("2026-03-12", "2026-03-14") == "12\u201314 Mar 2026"
    assert format_period("2026-03-30", "2026-04-02") == "30 Mar \u2013 2 Apr 2026"
    assert format_period("2026-12-30", "2027-01-02") == "30 Dec 2026 \u2013 2 Jan 2027"
    assert format_period("2026-05-01", "2026-05-01") == "1 May 2026"
