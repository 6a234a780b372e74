"""Translation catalogues and per-language formatting of money, dates and percentages.

Each language (`en`, `pt` for European Portuguese) has a folder of flat JSON files next
to this module, one per area of the product (`en/quote_pdf.json`, `en/nav.json`...), mapping
dotted keys (`quote.pdf.total`) to texts with `{name}` placeholders; the files of a language
are merged and a key defined twice is an error. Every language holds exactly the same keys
and placeholders (checked by a test); English is the reference: a key missing from another
catalogue falls back to English (under APP_ENV=test it raises KeyError instead, so a missing
translation fails the tests rather than showing English), and a key English does not know is a
programming error (KeyError).

Formatting uses Babel's CLDR data: `format_money(Decimal("1234.5"), "EUR", "pt")` is
"1 234,50 €" (with no-break spaces) and "€1,234.50" in English. Money always shows two
decimals. No UI or web framework is imported here, so services and adapters share it.
"""

from __future__ import annotations

import json
import string
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal

from avrentals.settings import get_settings

LANGUAGES = ("en", "pt")
DEFAULT_LANGUAGE = "en"
# CLDR locale used for each language's numbers and dates: British English writes
# "5 Nov 2026" (day first, as the rest of Europe reads it); Portuguese is pt-PT.
LOCALES = {"en": "en_GB", "pt": "pt_PT"}
_CATALOGUE_DIR = Path(__file__).resolve().parent
_CENT = Decimal("0.01")


def normalise_language(language: object) -> str:
    """`"pt"`, `"pt-PT"`, `"PT_pt"`, a Language enum... -> a key of LANGUAGES; anything
    unknown or empty -> DEFAULT_LANGUAGE."""
    text = str(getattr(language, "value", language) or "").strip().lower()
    code = text.replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def preferred_language(accept_language: str | None) -> str | None:
    """The first of LANGUAGES an `Accept-Language` header asks for, by quality
    (`"de-DE,pt;q=0.8,en;q=0.5"` -> "pt"), or None when it asks for none of them."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, quality = part.strip().partition(";")
        try:
            q = float(quality.strip()[2:]) if quality.strip().startswith("q=") else 1.0
        except ValueError:
            q = 0.0
        code = tag.strip().lower().replace("_", "-").split("-")[0]
        if code in LANGUAGES and q > 0:
            ranked.append((-q, position, code))
    return min(ranked)[2] if ranked else None


@cache
def catalogue(language: str) -> dict[str, str]:
    """The parsed catalogue of `language` (one of LANGUAGES), read once per process."""
    if language not in LANGUAGES:
        raise ValueError(f"Unknown language {language!r}; expected one of {LANGUAGES}")
    merged: dict[str, str] = {}
    for path in sorted((_CATALOGUE_DIR / language).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise ValueError(f"{language}/{path.name} must be a flat object of text values")
        twice = sorted(merged.keys() & data.keys())
        if twice:
            raise ValueError(f"{language}/{path.name} defines keys defined elsewhere: {twice}")
        merged.update(data)
    return merged


def placeholders(text: str) -> frozenset[str]:
    """The `{name}` placeholders of a catalogue text."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)


def _strict() -> bool:
    """Missing translations raise instead of falling back (the test environment)."""
    return get_settings().app_env == "test"


def translate(key: str, language: object = DEFAULT_LANGUAGE, **params: Any) -> str:
    """The text of `key` in `language` (English when that catalogue lacks it) with the
    `{name}` placeholders filled from `params`.

    Raises KeyError when English has no such key, when `language` lacks it under
    APP_ENV=test, or when a placeholder has no value."""
    code = normalise_language(language)
    text = catalogue(code).get(key)
    if text is None:
        if code != DEFAULT_LANGUAGE and _strict():
            raise KeyError(f"{key!r} is missing from {code}/")
        text = catalogue(DEFAULT_LANGUAGE)[key]
    return text.format_map(params)


def locale_of(language: object) -> str:
    """The CLDR locale used to format numbers and dates for `language`."""
    return LOCALES[normalise_language(language)]


def format_money(amount: Decimal, currency: str, language: object) -> str:
    """`amount` in `currency` with exactly two decimals, rounded half-up, written the way
    `language` writes money ("€1,234.50" / "1 234,50 €")."""
    value = Decimal(amount).quantize(_CENT, rounding=ROUND_HALF_UP)
    return format_currency(
        value, currency.upper(), locale=locale_of(language), currency_digits=False
    )


def format_number(value: Decimal | int, language: object) -> str:
    """A plain number in the language's notation, without grouping noise for small values
    and without trailing zeros ("12.5" / "12,5")."""
    return format_decimal(value, locale=locale_of(language))


def format_percent(value: Decimal, language: object) -> str:
    """A percentage given in percent units (`Decimal("10")` -> "10 %", `12.5` -> "12,5 %"
    in Portuguese). The space keeps the form the quote documents use in both languages."""
    return f"{format_number(Decimal(value), language)} %"


def format_rate(fraction: Decimal, language: object) -> str:
    """A rate stored as a fraction (`Decimal("0.23")`) as a percentage ("23 %")."""
    return format_percent(Decimal(fraction) * 100, language)


def format_date(value: date, language: object) -> str:
    """A calendar date, medium length ("5 Nov 2026" / "05/11/2026")."""
    return babel_format_date(value, "medium", locale=locale_of(language))
