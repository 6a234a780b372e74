"""The quote builder's translation between typed strings and the quote service's values."""

from __future__ import annotations

from datetime import date

import pytest

from avrentals.ui.state.quote_document import (
    availability_labels,
    blank_header,
    make_line,
    merge_mine,
    percent_text,
    service_values,
    split_errors,
    tax_fraction,
    totals_view,
)


@pytest.mark.parametrize(
    ("typed", "sent", "error"),
    [
        ("23", "0.23", False),
        ("6,25 %", "0.0625", False),
        ("0", "0", False),
        ("", None, False),
        ("abc", None, True),
        ("NaN", None, True),
    ],
)
def test_tax_is_typed_as_a_percentage_and_sent_as_a_fraction(typed, sent, error) -> None:
    rate, message = tax_fraction(typed)
    assert rate == sent
    assert bool(message) is error


@pytest.mark.parametrize(("rate", "shown"), [("0.23", "23"), ("0.0625", "6.25"), ("0", "0")])
def test_percent_text(rate: str, shown: str) -> None:
    assert percent_text(rate) == shown


def test_service_values_send_the_typed_strings_and_catalogue_ids() -> None:
    header = blank_header(date(2030, 1, 1), "0.23")
    header |= {"name": "Gala", "client_name": "Acme", "tax_percent": "6"}
    lines = [
        make_line("equipment", "e-1", "Speaker", "25.00", quantity=" 3 "),
        make_line("fee", "f-1", "Insurance", "5.00", fee_type="percentage"),
    ]
    values, errors = service_values(header, lines)
    assert errors == {}
    assert values["tax_rate"] == "0.06" and values["client_id"] is None
    assert values["items"] == [
        {
            "item_type": "equipment",
            "description": "Speaker",
            "quantity": "3",
            "unit_price": "25",
            "equipment_id": "e-1",
        },
        {
            "item_type": "fee",
            "description": "Insurance",
            "quantity": "1",
            "unit_price": "5",
            "fee_id": "f-1",
            "fee_type": "percentage",
        },
    ]
    assert "sub_total" not in values and "total" not in values  # totals are never sent


def test_service_messages_land_on_their_inputs() -> None:
    header, lines, other = split_errors(
        {
            "name": ["Name is required."],
            "tax_rate": ["Tax must be 0-100 %."],
            "items[1].quantity": ["Quantity must be at least 1."],
            "items[1].equipment_id": ["This catalogue item no longer exists."],
            "items[7].quantity": ["Out of range line."],
            "items": ["A quote needs at least one line."],
            "mystery": ["Something else."],
        },
        line_count=2,
    )
    assert header["name"] == "Name is required."
    assert header["tax_percent"] == "Tax must be 0-100 %."
    assert header["lines"] == "A quote needs at least one line."
    assert lines == {
        1: {
            "err_quantity": "Quantity must be at least 1.",
            "err_line": "This catalogue item no longer exists.",
        }
    }
    assert "Something else." in other and "Out of range line." in other


def test_availability_labels_flag_a_quantity_above_what_is_free() -> None:
    assert availability_labels(3, 8, "4") == (
        "Available 3 of 8 for these dates",
        "available 3 of 8",
        "1",
    )
    assert availability_labels(3, 8, "3")[2] == ""
    assert availability_labels(None, 8, "1") == ("", "", "")


def test_totals_view_formats_the_service_figures() -> None:
    shown = totals_view(
        {
            "sub_total": "200.00",
            "discount_amount": "20.00",
            "fees_total": "10.00",
            "tax_amount": "43.70",
            "total": "233.70",
            "tax_rate": "0.23",
        },
        {"discount_type": "percentage", "discount_value": "10.00"},
    )
    assert shown["discount_label"] == "Discount (10 %)"
    assert shown["net"] == "€180.00" and shown["total"] == "€233.70"
    assert shown["tax_label"] == "Tax (23 %)"


def test_apply_mine_keeps_both_peoples_edits() -> None:
    line = make_line("service", "s-1", "Crew", "100")
    original = ({"name": "Gala", "location": "Lisboa"}, [line])
    mine = ({"name": "Gala 2", "location": "Lisboa"}, [line])
    saved = ({"name": "Gala", "location": "Porto"}, [line | {"quantity": "2"}])
    header, lines = merge_mine(mine, original, saved)
    assert header["name"] == "Gala 2" and header["location"] == "Porto"
    assert lines[0]["quantity"] == "2"  # this user did not touch the lines
