"""Money, counts, days and moments built on the server, in the tab's language
(`avrentals.ui.state.clients`). Portuguese uses no-break spaces (U+00A0) as Babel's pt_PT
data writes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from avrentals.ui.state.formatting import format_count, format_day, format_eur, format_timestamp

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        ("1234.5", "en", "€1,234.50"),
        (Decimal("1234.5"), "pt", f"1{NBSP}234,50{NBSP}€"),
        (0, "en", "€0.00"),
        (0, "pt", f"0,00{NBSP}€"),
        ("12.5", "pt", f"12,50{NBSP}€"),
        ("1234567.891", "en", "€1,234,567.89"),
        ("1234567.891", "pt", f"1{NBSP}234{NBSP}567,89{NBSP}€"),
        ("-201", "en", "-€201.00"),
        ("-201", "pt", f"-201,00{NBSP}€"),
        (None, "en", "—"),
        ("abc", "pt", "—"),
        ("NaN", "en", "—"),
        ("Infinity", "pt", "—"),
    ],
)
def test_format_eur(value: object, language: str, shown: str) -> None:
    assert format_eur(value, language) == shown


def test_format_eur_is_english_by_default() -> None:
    assert format_eur("1234.5") == "€1,234.50"


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        (2608, "en", "2,608"),
        (2608, "pt", f"2{NBSP}608"),
        (7, "en", "7"),
        (7, "pt", "7"),
        (1234567, "en", "1,234,567"),
        (1234567, "pt", f"1{NBSP}234{NBSP}567"),
        (0, "pt", "0"),
        ("abc", "en", "abc"),
        (None, "pt", ""),
    ],
)
def test_format_count(value: object, language: str, shown: str) -> None:
    assert format_count(value, language) == shown


def test_format_count_is_english_by_default() -> None:
    assert format_count(2608) == "2,608"


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        ("2026-06-03", "en", "3 Jun 2026"),
        ("2026-06-03", "pt", "3 jun 2026"),
        ("2030-12-25", "en", "25 Dec 2030"),
        ("2030-12-25", "pt", "25 dez 2030"),
        ("not a date", "pt", "not a date"),
        (None, "en", ""),
    ],
)
def test_format_day(value: object, language: str, shown: str) -> None:
    assert format_day(value, language) == shown


@pytest.mark.parametrize(
    ("value", "language", "shown"),
    [
        ("2030-01-02T23:59:00+00:00", "en", "2 Jan 2030, 23:59 UTC"),
        ("2030-01-02T23:59:00+00:00", "pt", "2 jan 2030, 23:59 UTC"),
        ("2030-01-02T23:59:00Z", "en", "2 Jan 2030, 23:59 UTC"),
        # Another offset is shown in UTC.
        ("2030-01-03T00:59:00+01:00", "pt", "2 jan 2030, 23:59 UTC"),
        (datetime(2030, 5, 7, 8, 5, tzinfo=UTC), "en", "7 May 2030, 08:05 UTC"),
        (datetime(2030, 5, 7, 8, 5, tzinfo=UTC), "pt", "7 mai 2030, 08:05 UTC"),
        (
            datetime(2030, 5, 7, 10, 5, tzinfo=timezone(timedelta(hours=2))),
            "en",
            "7 May 2030, 08:05 UTC",
        ),
        (datetime(2030, 5, 7, 8, 5), "en", "7 May 2030, 08:05 UTC"),  # naive = UTC
        ("2030-05-07 08:05:00", "pt", "7 mai 2030, 08:05 UTC"),
        ("yesterday", "en", "yesterday"),
        (None, "pt", ""),
    ],
)
def test_format_timestamp(value: object, language: str, shown: str) -> None:
    assert format_timestamp(value, language) == shown


def test_day_and_timestamp_are_english_by_default() -> None:
    assert format_day("2026-06-03") == "3 Jun 2026"
    assert format_timestamp("2030-01-02T23:59:00+00:00") == "2 Jan 2030, 23:59 UTC"
