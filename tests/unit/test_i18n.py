"""Translation catalogues and per-language formatting."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import avrentals.i18n as i18n
from avrentals.domain.enums import Language
from avrentals.i18n import (
    LANGUAGES,
    catalogue,
    format_date,
    format_money,
    format_percent,
    format_rate,
    normalise_language,
    placeholders,
    translate,
)

CATALOGUE_DIR = Path(i18n.__file__).resolve().parent


def test_every_language_has_a_catalogue_folder_with_the_same_files() -> None:
    folders = {p.name for p in CATALOGUE_DIR.iterdir() if p.is_dir() and p.name in LANGUAGES}
    assert folders == set(LANGUAGES)
    assert {lang.value for lang in Language} == set(LANGUAGES)
    files = {
        lang: sorted(p.name for p in (CATALOGUE_DIR / lang).glob("*.json")) for lang in LANGUAGES
    }
    assert all(names == files["en"] for names in files.values()), files


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_catalogues_have_exactly_the_same_keys_and_placeholders(language: str) -> None:
    english, other = catalogue("en"), catalogue(language)
    assert sorted(set(english) - set(other)) == [], f"missing from {language}/"
    assert sorted(set(other) - set(english)) == [], f"only in {language}/"
    for key, text in english.items():
        assert placeholders(other[key]) == placeholders(text), key
        assert other[key].strip(), key


@pytest.mark.parametrize(
    "path", sorted(CATALOGUE_DIR.glob("*/*.json")), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_catalogue_files_are_flat_text_without_duplicate_keys(path: Path) -> None:
    def no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys in {path}"
        return dict(pairs)

    data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=no_duplicates)
    assert all(isinstance(v, str) for v in data.values())
    # area.part.name; the field labels the services' messages name are label.<name>.
    assert all(k.count(".") >= 2 or k.startswith("label.") for k in data), "keys are dotted"


def test_every_key_the_quote_documents_use_exists() -> None:
    # The PDF and e-mail modules name their keys as string literals: each must exist.
    root = CATALOGUE_DIR.parent / "domain" / "services"
    used: set[str] = set()
    for name in ("quote_pdf.py", "quote_email.py"):
        used |= set(re.findall(r"\"(quote\.(?:pdf|email)\.[a-z_]+)\"", (root / name).read_text()))
    assert used, "no catalogue keys found in the quote document modules"
    assert sorted(used - set(catalogue("en"))) == []


def test_translate_fills_placeholders_and_falls_back_to_english(monkeypatch) -> None:
    assert translate("quote.pdf.page", "en", page=2, pages=5) == "Page 2 of 5"
    assert translate("quote.pdf.page", "pt-PT", page=2, pages=5) == "Página 2 de 5"
    assert translate("quote.pdf.title", Language.PT) == "Orçamento"
    assert translate("quote.pdf.title", "de") == "Quote"  # unknown language -> English
    monkeypatch.setitem(catalogue("en"), "test.only.key", "Hello {name}")
    with pytest.raises(KeyError, match=r"missing from pt"):  # tests make a missing translation fail
        translate("test.only.key", "pt", name="Ana")
    monkeypatch.setattr(i18n, "_strict", lambda: False)  # outside tests: English instead
    assert translate("test.only.key", "pt", name="Ana") == "Hello Ana"
    with pytest.raises(KeyError):
        translate("no.such.key", "en")
    with pytest.raises(KeyError):
        translate("quote.pdf.page", "en", page=1)  # a placeholder without a value


@pytest.mark.parametrize(
    ("given", "expected"),
    [("pt", "pt"), ("pt-PT", "pt"), ("PT_pt", "pt"), ("en-GB", "en"), (None, "en"), ("", "en")],
)
def test_normalise_language(given: str | None, expected: str) -> None:
    assert normalise_language(given) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "language", "text"),
    [
        ("1234.5", "EUR", "pt", "1 234,50 €"),
        ("1234.5", "EUR", "en", "€1,234.50"),
        ("0", "EUR", "en", "€0.00"),
        ("0.005", "EUR", "en", "€0.01"),  # half-up to cents
        ("1234567.891", "EUR", "pt", "1 234 567,89 €"),
        ("-201", "EUR", "en", "-€201.00"),
        ("99.9", "usd", "en", "US$99.90"),
    ],
)
def test_format_money(amount: str, currency: str, language: str, text: str) -> None:
    assert format_money(Decimal(amount), currency, language).replace("\xa0", " ") == text


def test_percentages_and_dates() -> None:
    assert format_percent(Decimal("10.00"), "en") == "10 %"
    assert format_percent(Decimal("12.50"), "pt") == "12,5 %"
    assert format_rate(Decimal("0.2300"), "pt") == "23 %"
    assert format_rate(Decimal("0.065"), "en") == "6.5 %"
    assert format_date(date(2026, 11, 5), "en") == "5 Nov 2026"
    assert format_date(date(2026, 11, 5), "pt") == "05/11/2026"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-PT,pt;q=0.9,en;q=0.8", "pt"),
        ("de-DE,pt;q=0.8,en;q=0.9", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,fr;q=0.9", None),
        ("", None),
        (None, None),
        ("pt;q=0,en;q=0.1", "en"),
        ("pt;q=abc,en;q=0.5", "en"),
    ],
)
def test_the_browser_language_is_the_first_supported_one_by_quality(header, expected) -> None:
    from avrentals.i18n import preferred_language

    assert preferred_language(header) == expected
