"""Texts for display, in the tab's language: money, counts, days, periods, timestamps,
month names. Pure functions (plus `tab_language`, which reads the tab's LocaleState) shared
by the states."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import reflex as rx

from avrentals.i18n import DEFAULT_LANGUAGE, format_money, format_number, translate
from avrentals.ui.state.locale import LocaleState

NOT_A_NUMBER = "—"


def finite_decimal(value: Any) -> Decimal | None:
    """`value` as a finite Decimal, else None (not a number, NaN, infinite)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def format_eur(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """An amount in euros the way `language` writes money ("€1,234.50" / "1 234,50 €"
    with no-break spaces); "—" when `value` is not a number."""
    amount = finite_decimal(value)
    return NOT_A_NUMBER if amount is None else format_money(amount, "EUR", language)


def format_count(n: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with the language's grouping ("2,608" / "2 608" with a no-break
    space); anything that is not a whole number is shown as itself."""
    try:
        return format_number(int(n), language)
    except (TypeError, ValueError):
        return text(n)


def count_text(n: int, key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """`n` with its noun in `language`: catalogue keys `<key>_one` / `<key>_other` hold
    "{count} client" / "{count} clients" (the language-aware `plural`)."""
    return translate(f"{key}_one" if n == 1 else f"{key}_other", language, count=n)


async def tab_language(state: rx.State) -> str:
    """The language of the tab `state` belongs to (for texts built on the server)."""
    locale = await state.get_state(LocaleState)
    return locale.language


MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def month_name(day: date, language: str, form: str = "short") -> str:
    """`form`: "short" (Jun) or "long" (June)."""
    return translate(f"calendar.month_{form}.{MONTH_KEYS[day.month - 1]}", language)


def day_month(day: date, language: str) -> str:
    """ "3 Jun"."""
    return translate(
        "calendar.date.day_month", language, day=day.day, month=month_name(day, language)
    )


def day_month_year(day: date, language: str) -> str:
    """ "3 Jun 2026"."""
    return translate(
        "calendar.date.day_month_year",
        language,
        day=day.day,
        month=month_name(day, language),
        year=day.year,
    )


def format_period(start: str, end: str, language: str = DEFAULT_LANGUAGE) -> str:
    """ISO dates as "12-14 Mar 2026", "30 Mar - 2 Apr 2026" (en dashes) or with both years."""
    dash = "\u2013"
    try:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
    except (TypeError, ValueError):
        return f"{start} {dash} {end}"
    if a == b:
        return day_month_year(a, language)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}{dash}{day_month_year(b, language)}"
    if a.year == b.year:
        return f"{day_month(a, language)} {dash} {day_month_year(b, language)}"
    return f"{day_month_year(a, language)} {dash} {day_month_year(b, language)}"


def format_day(iso: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """An ISO date as "3 Jun 2026" in `language`; anything else shown as itself."""
    try:
        day = date.fromisoformat(str(iso))
    except ValueError:
        return text(iso)
    return day_month_year(day, language)


def format_timestamp(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """A moment (ISO string or datetime; naive means UTC) as "2 Jan 2030, 23:59 UTC" in
    `language`; anything else shown as itself."""
    if isinstance(value, datetime):
        at = value
    else:
        try:
            at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return text(value)
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return f"{day_month_year(at.date(), language)}, {at:%H:%M} UTC"


def text(value: Any) -> str:
    return "" if value is None else str(value)
