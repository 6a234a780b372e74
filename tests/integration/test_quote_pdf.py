"""The quote PDF, read back with pypdf: number, client, every line, the stored totals, the
discount, tax rate, dates, both languages, company header, logo and page breaks."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy.engine import Engine

from avrentals.db import read_session
from avrentals.domain import media_store
from avrentals.domain.enums import DiscountType, Language, Role
from avrentals.domain.errors import NotFound, Unauthorized
from avrentals.domain.permissions import Actor
from avrentals.domain.services.quote_pdf import render_quote_pdf
from avrentals.settings import get_settings
from tests.factories import make_actor
from tests.quote_factories import DEFAULT_LINES, equipment, fixed_fee, make_quote, set_company


def pdf_pages(engine: Engine, actor: Actor, quote_id: uuid.UUID, language: str | None):
    with read_session(engine) as s:
        filename, pdf = render_quote_pdf(s, actor, quote_id, language)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    texts = [page.extract_text().replace("\xa0", " ") for page in reader.pages]
    return filename, reader, texts


def en_date(d: date) -> str:
    return f"{d.day} {d.strftime('%b')} {d.year}"


def pt_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


# DEFAULT_LINES over 3 days, 10 % discount, 23 % tax, worked out by hand:
# 4 x 12.50 x 3 = 150.00; 180.00 x 3 = 540.00; 2 x 220.00 x 3 = 1320.00 -> sub-total 2010.00
# discount 201.00 -> net 1809.00; fees 85.00 + 5 % of 1809.00 (90.45) = 175.45
# tax 23 % of 1984.45 = 456.42; total 2440.87
EN_AMOUNTS = [
    "€150.00",
    "€540.00",
    "€1,320.00",
    "€85.00",
    "€90.45",
    "€2,010.00",
    "-€201.00",
    "€1,809.00",
    "€175.45",
    "€456.42",
    "€2,440.87",
]


def test_english_pdf_shows_number_client_lines_and_totals(engine: Engine) -> None:
    set_company(engine, company_name="Som & Luz Produções", tax_id="PT509999990")
    quote = make_quote(engine)
    viewer = make_actor(engine, Role.VIEWER)  # reading the PDF needs only quotes:read
    filename, reader, texts = pdf_pages(engine, viewer, quote.id, "en")
    text = "\n".join(texts)

    assert filename == f"quote-{quote.number}.pdf" == "quote-Q2030-001.pdf"
    assert len(reader.pages) == 1
    for expected in (
        "QUOTE",
        quote.number,
        "Som & Luz Produções",
        "Tax ID: PT509999990",
        "Câmara Municipal de Évora",
        "Praça do Sertório, 7000-804 Évora",
        "eventos@cm-evora.example",
        "Summer Gala 2030",
        "Location: Teatro São Luiz, Lisboa",
        "Dates: 10 Jun 2030 to 12 Jun 2030",
        "Duration: 3 days",
        "Item Qty Rate/day Days Total",
        "Shure SM58 microphone 4 €12.50 3 €150.00",
        "Yamaha CL5 mixing console 1 €180.00 3 €540.00",
        "Sound technician 2 €220.00 3 €1,320.00",
        "Transport Lisboa - Évora 1 €85.00 €85.00",
        "Insurance 5 % €90.45",
        "Sub-total €2,010.00",
        "Discount (10 %) -€201.00",
        "Net €1,809.00",
        "Fees €175.45",
        "Tax (23 %) €456.42",
        "Total €2,440.87",
        "Notes",
        "Load-in from 08:00 through the stage door.",
        "Terms and conditions",
        "All amounts are in EUR",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    for amount in EN_AMOUNTS:
        assert amount in text
    today = date.today()
    assert f"Issue date {en_date(today)}" in text
    assert f"Valid until {en_date(today + timedelta(days=30))}" in text
    for line in DEFAULT_LINES:
        assert line.description in text


def test_portuguese_pdf_uses_portuguese_labels_and_number_format(engine: Engine) -> None:
    quote = make_quote(engine)
    _, _, texts = pdf_pages(engine, make_actor(engine), quote.id, "pt")
    text = "\n".join(texts)
    for expected in (
        "ORÇAMENTO",
        "Artigo Qtd. Preço/dia Dias Total",
        "Sound technician 2 220,00 € 3 1 320,00 €",
        "Subtotal 2 010,00 €",
        "Desconto (10 %) -201,00 €",
        "Valor líquido 1 809,00 €",
        "Encargos 175,45 €",
        "IVA (23 %) 456,42 €",
        "Total 2 440,87 €",
        "Datas: 10/06/2030 a 12/06/2030",
        "Duração: 3 dias",
        "Observações",
        "Termos e condições",
        "Página 1 de 1",
    ):
        assert expected in text, expected
    assert f"Válido até {pt_date(date.today() + timedelta(days=30))}" in text
    assert "Sub-total" not in text and "Valid until" not in text


def test_language_defaults_to_the_company_setting(engine: Engine) -> None:
    set_company(engine, default_language=Language.PT)
    quote = make_quote(engine)
    _, _, texts = pdf_pages(engine, make_actor(engine), quote.id, None)
    assert "Válido até" in texts[0]
    _, _, texts = pdf_pages(engine, make_actor(engine), quote.id, "en")
    assert "Valid until" in texts[0]


def test_fixed_discount_has_no_percentage_and_other_tax_rate_and_currency(
    engine: Engine,
) -> None:
    set_company(engine, currency="USD")
    quote = make_quote(
        engine,
        [equipment("Truss 3 m", "10.00", 2), fixed_fee("Delivery", "30.00")],
        start=date(2030, 1, 1),
        end=date(2030, 1, 1),
        discount_value="5",
        discount_type=DiscountType.FIXED,
        tax_rate="0.06",
    )
    _, _, texts = pdf_pages(engine, make_actor(engine), quote.id, "en")
    text = texts[0]
    # 2 x 10.00 x 1 day = 20.00; -5.00 -> 15.00; + 30.00 fee = 45.00; 6 % tax = 2.70
    assert "Discount -US$5.00" in text
    assert "(5 %)" not in text and "Discount (" not in text
    assert "Tax (6 %) US$2.70" in text
    assert "Total US$47.70" in text
    assert "Duration: 1 day" in text
    assert "Dates: 1 Jan 2030" in text and " to " not in text.split("Dates: ")[1][:20]


def test_no_discount_row_when_there_is_no_discount(engine: Engine) -> None:
    quote = make_quote(engine, [equipment("Mixer", "50.00")], discount_value="0")
    _, _, texts = pdf_pages(engine, make_actor(engine), quote.id, "en")
    assert "Discount" not in texts[0] and "Net " not in texts[0]
    assert "Fees" not in texts[0]


def test_sent_quote_is_dated_when_sent_and_stored_valid_until_wins(engine: Engine) -> None:
    sent = datetime(2030, 3, 4, 10, 30, tzinfo=UTC)
    quote = make_quote(engine, sent_at=sent, sent_to="x@example.com")
    _, _, texts = pdf_pages(engine, make_actor(engine), quote.id, "en")
    assert "Issue date 4 Mar 2030" in texts[0]
    assert "Valid until 3 Apr 2030" in texts[0]
    other = make_quote(engine, valid_until=date(2030, 5, 31))
    _, _, texts = pdf_pages(engine, make_actor(engine), other.id, "en")
    assert "Valid until 31 May 2030" in texts[0]


def test_company_terms_replace_the_default_terms(engine: Engine) -> None:
    set_company(engine, quote_terms="Pagamento a 30 dias.\nIVA à taxa legal em vigor.")
    quote = make_quote(engine)
    _, _, texts = pdf_pages(engine, make_actor(engine), quote.id, "en")
    assert "Pagamento a 30 dias." in texts[0] and "IVA à taxa legal em vigor." in texts[0]
    assert "All amounts are in EUR" not in texts[0]


def test_long_quote_breaks_across_pages_repeating_the_table_header(engine: Engine) -> None:
    lines = [equipment(f"LED par {i:03d} \u2013 RGBW", "7.50", 2) for i in range(90)]
    quote = make_quote(engine, [*lines, fixed_fee("Transport", "40.00")])
    _, reader, texts = pdf_pages(engine, make_actor(engine), quote.id, "en")
    pages = len(reader.pages)
    assert pages >= 3
    text = "\n".join(texts)
    for line in lines:
        assert f"{line.description} 2 €7.50 3 €45.00" in text
    # The header row is repeated on every page that continues the table.
    table_pages = [t for t in texts if "LED par" in t]
    assert len(table_pages) >= 2
    assert all("Item Qty Rate/day Days Total" in t for t in table_pages)
    for number, page_text in enumerate(texts, start=1):
        assert f"Page {number} of {pages}" in page_text
    # 90 x 45.00 = 4050.00, -10 % = 3645.00, + 40.00 = 3685.00, tax 847.55 -> 4532.55
    assert "Total €4,532.55" in texts[-1]


def _png(path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (240, 80), (200, 30, 30)).save(path, "PNG")


def test_logo_under_data_dir_is_drawn_and_others_are_skipped(engine: Engine) -> None:
    data_dir = get_settings().data_dir
    name = f"logos/logo-{uuid.uuid4().hex[:6]}.png"
    _png(data_dir / name)
    quote = make_quote(engine)
    actor = make_actor(engine)

    set_company(engine, logo=name)
    _, reader, _ = pdf_pages(engine, actor, quote.id, "en")
    assert len(reader.pages[0].images) == 1

    # An uploaded logo is a stored media name (the settings screen's upload).
    buffer = io.BytesIO()
    Image.new("RGB", (120, 60), (20, 120, 200)).save(buffer, "PNG")
    set_company(engine, logo=media_store.store(media_store.process_image(buffer.getvalue())))
    _, reader, _ = pdf_pages(engine, actor, quote.id, "en")
    assert len(reader.pages[0].images) == 1

    outside = data_dir.parent / f"outside-{uuid.uuid4().hex[:6]}.png"
    _png(outside)
    try:
        for logo in ("logos/missing.png", f"../{outside.name}", str(outside)):
            set_company(engine, logo=logo)
            _, reader, texts = pdf_pages(engine, actor, quote.id, "en")
            assert len(reader.pages[0].images) == 0, logo
            assert quote.number in texts[0]
    finally:
        outside.unlink()


def test_unknown_quote_is_not_found_and_anonymous_is_refused(engine: Engine) -> None:
    actor = make_actor(engine, Role.TECHNICIAN)
    with read_session(engine) as s, pytest.raises(NotFound):
        render_quote_pdf(s, actor, uuid.uuid4(), "en")
    quote = make_quote(engine)
    with read_session(engine) as s, pytest.raises(Unauthorized):
        render_quote_pdf(s, None, quote.id, "en")  # type: ignore[arg-type]
