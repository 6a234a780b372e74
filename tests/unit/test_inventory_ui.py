"""Pure helpers of the equipment form, item page and categories page (no browser)."""

from __future__ import annotations

from avrentals.ui.state.equipment_detail import describe_audit, id_from_path
from avrentals.ui.state.equipment_form_values import (
    blank,
    changed_fields,
    count_check,
    read_form,
    service_input,
)


def test_count_check_follows_the_counts_live():
    values = blank() | {"quantity": "4"}
    assert count_check(values) == ("4 of 4 will be good.", True)
    assert count_check(values | {"quantity_damaged": "1"}) == ("3 of 4 will be good.", True)
    assert count_check(values | {"quantity_good": "3"})[1] is False
    assert count_check(values | {"quantity_good": "3", "quantity_damaged": "1"})[1] is True
    assert count_check(values | {"quantity_damaged": "5"})[1] is False


def test_read_form_takes_controlled_fields_from_state_and_forces_consumable_rate():
    controlled = {"category_id": "c", "type": "consumable", "quantity": "2"}
    values, errors = read_form(
        {"name": "Gaffer tape", "daily_rate": "9", "category_id": "evil", "x": 1}, controlled
    )
    assert values["category_id"] == "c" and values["daily_rate"] == "0"
    assert not any(errors.values())
    _values, errors = read_form({"name": ["not", "text"], "location": "x" * 5000}, {})
    assert errors["name"] == "Name must be text." and errors["location"]
    _values, errors = read_form("not a dict", {})
    assert not any(errors.values())


def test_service_input_leaves_blank_optionals_out_on_create_and_hides_the_asset_code():
    values = blank() | {"name": "Mic", "quantity": "4", "asset_code": "AUD-9", "location": "A"}
    data = service_input(values, create=True, code_editor=False)
    assert "asset_code" not in data and "quantity_good" not in data and "daily_rate" not in data
    assert data["subcategory_id"] is None and data["quantity"] == "4"
    assert service_input(values, create=True, code_editor=True)["asset_code"] == "AUD-9"
    assert changed_fields(values | {"location": " A "}, values) == {}


def test_audit_summary_and_path():
    entry = {"action": "update", "old": {"location": "A", "version": 1}, "new": {"location": "B"}}
    assert describe_audit(entry) == "Location: A → B"
    assert id_from_path("/equipment/abc/") == "abc"
    assert id_from_path("/clients/abc") == ""


def test_live_notice_names_who_imported_and_who_changed_an_item() -> None:
    from avrentals.domain.changes import Change
    from avrentals.ui.state.equipment import _describe

    imported = Change(entity="equipment", action="import", id="", actor="ana", actorName="Ana")
    assert _describe(imported, None, None, {}) == "Items were imported by Ana."
    moved = Change(entity="equipment", action="update", id="1", actor="bo", actorName="Bo")
    before, after = {"name": "Mixer", "location": "A"}, {"name": "Mixer", "location": "B"}
    assert _describe(moved, before, after, {}) == "Location of Mixer updated by Bo."
