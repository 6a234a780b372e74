"""The quote as a PDF document for the client (A4, English or Portuguese).

What it shows: the company header from the settings row (logo when `settings.logo` names a
readable image under DATA_DIR, name, tagline, address, phone, e-mail, website, tax id), the
quote number, the issue date (the day it was sent, else today), valid until (the quote's
`valid_until`, else 30 days after the issue date), the client and event blocks, the lines
(equipment and services: qty x rate/day x days; fees: a fixed amount or "x %"), the summary
(sub-total, discount with "(x %)" when a percentage, net, fees, tax with its rate, total) in
the configured currency with two decimals, notes, terms and conditions (`settings.quote_terms`
or the catalogue's default) and a footer with page numbers. The lines table breaks across
pages and repeats its header on each page.

Amounts are the ones stored on the quote (computed by the pricing engine when it was saved);
nothing is re-priced here. Reading needs `quotes:read`; nothing is written and no row is
locked. Text is set in DejaVu Sans (shipped under assets/fonts) so accents and "€" print.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos
from sqlmodel import Session, col, select

from avrentals.domain import media_store
from avrentals.domain.enums import DiscountType, QuoteItemType
from avrentals.domain.errors import NotFound
from avrentals.domain.models import CompanySettings, Quote, QuoteItem
from avrentals.domain.permissions import Actor, require
from avrentals.domain.pricing import quote_days
from avrentals.domain.quote_workflow import valid_until_from
from avrentals.i18n import (
    format_date,
    format_money,
    format_number,
    format_percent,
    format_rate,
    normalise_language,
    translate,
)
from avrentals.settings import PROJECT_ROOT, get_settings

logger = logging.getLogger(__name__)

FONT_DIR = PROJECT_ROOT / "assets" / "fonts"
FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# --- Page geometry (mm) and colours ---
MARGIN = 15.0
PAGE_W = 210.0
CONTENT_W = PAGE_W - 2 * MARGIN
LOGO_H = 18.0
COL_WIDTHS = (90.0, 14.0, 28.0, 14.0, 34.0)  # item, qty, rate/day, days, total (= 180)
COL_ALIGN = ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT")
SUMMARY_W = 84.0
TEXT = (31, 41, 55)
MUTED = (107, 114, 128)
RULE = (209, 213, 219)
SHADE = (243, 244, 246)
DEFAULT_PRIMARY = (30, 64, 175)
PAGES_ALIAS = "{nb}"


@dataclass(frozen=True)
class QuoteDocument:
    """Everything the PDF and the e-mail show about one quote, read from the database."""

    quote: Quote
    lines: Sequence[QuoteItem]
    company: CompanySettings
    language: str
    issue_date: date
    valid_until: date

    @property
    def days(self) -> int:
        return quote_days(self.quote.start_date, self.quote.end_date)

    @property
    def filename(self) -> str:
        return quote_pdf_filename(self.quote.number)

    def t(self, key: str, **params: Any) -> str:
        return translate(key, self.language, **params)

    def money(self, amount: Decimal) -> str:
        return format_money(amount, self.company.currency or "EUR", self.language)

    def date(self, value: date) -> str:
        return format_date(value, self.language)

    def date_range(self) -> str:
        start, end = self.quote.start_date, self.quote.end_date
        if start == end:
            return self.date(start)
        return self.t("quote.pdf.date_range", start=self.date(start), end=self.date(end))

    def day_count(self) -> str:
        days = self.days
        if days == 1:
            return self.t("quote.pdf.days_one")
        return self.t("quote.pdf.days_other", count=days)


def quote_pdf_filename(number: str) -> str:
    """`quote-Q2026-001.pdf`."""
    return f"quote-{number}.pdf"


def company_settings(session: Session) -> CompanySettings:
    """The settings row, or the defaults when it was never saved."""
    return session.get(CompanySettings, 1) or CompanySettings()


def issue_date_of(quote: Quote, today: date | None = None) -> date:
    """The day the quote was (last) sent, else today."""
    if quote.sent_at is not None:
        return quote.sent_at.date()
    return today or date.today()


def valid_until_of(quote: Quote, issued: date) -> date:
    """`quote.valid_until` when set (what the client was told when it was sent), else
    VALIDITY_DAYS after the issue date."""
    return quote.valid_until or valid_until_from(issued)


def quote_lines(session: Session, quote_id: uuid.UUID) -> list[QuoteItem]:
    """The quote's lines in their saved order."""
    return list(
        session.exec(
            select(QuoteItem)
            .where(QuoteItem.quote_id == quote_id)
            .order_by(col(QuoteItem.position), col(QuoteItem.created_at), col(QuoteItem.id))
        ).all()
    )


def load_quote_document(
    session: Session,
    quote: Quote,
    language: str | None = None,
    *,
    issued: date | None = None,
    valid_until: date | None = None,
) -> QuoteDocument:
    """Read what the documents show about `quote`; `language` defaults to the settings'
    language, `issued` to `issue_date_of(quote)` and `valid_until` to `valid_until_of`
    (sending passes the day it sends and the validity from that day). Checks no
    permission (callers do)."""
    company = company_settings(session)
    issued = issued or issue_date_of(quote)
    return QuoteDocument(
        quote=quote,
        lines=quote_lines(session, quote.id),
        company=company,
        language=normalise_language(language or company.default_language),
        issue_date=issued,
        valid_until=valid_until or valid_until_of(quote, issued),
    )


def render_quote_pdf(
    session: Session, actor: Actor, quote_id: uuid.UUID, language: str | None = None
) -> tuple[str, bytes]:
    """(`quote-{number}.pdf`, PDF bytes) of the quote in `language` ("en" or "pt"; the
    settings' language when None). Needs `quotes:read`; raises NotFound. Reads only."""
    require(actor, "quotes:read")
    quote = session.get(Quote, quote_id)
    if quote is None:
        raise NotFound("Quote not found.")
    doc = load_quote_document(session, quote, language)
    return doc.filename, build_quote_pdf(doc)


def build_quote_pdf(doc: QuoteDocument) -> bytes:
    """Lay out `doc` as a PDF (pure: no database access)."""
    pdf = _QuotePDF(doc)
    pdf.add_page()
    pdf.header_block()
    pdf.parties_block()
    pdf.lines_table()
    pdf.summary_block()
    pdf.text_section(doc.t("quote.pdf.notes"), doc.quote.notes, size=9)
    terms = doc.company.quote_terms or doc.t(
        "quote.pdf.default_terms", currency=doc.company.currency or "EUR"
    )
    pdf.text_section(doc.t("quote.pdf.terms"), terms, size=8, color=MUTED)
    return bytes(pdf.output())


def _hex_colour(value: str | None) -> tuple[int, int, int]:
    text = (value or "").strip().lstrip("#")
    if len(text) != 6:
        return DEFAULT_PRIMARY
    try:
        return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
    except ValueError:
        return DEFAULT_PRIMARY


def _clean(text: str | None) -> str:
    """Text as the PDF prints it: Windows/Mac line ends and tabs made plain."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ").strip()


def logo_path(logo: str | None, data_dir: Path | None = None) -> Path | None:
    """The logo file named by the settings: a stored upload (`media_store` name), or a path
    relative to DATA_DIR. Only files under DATA_DIR qualify (a setting can never make the
    PDF read files elsewhere); None when there is no such file."""
    name = (logo or "").strip()
    if not name:
        return None
    stored = media_store.open_media(name)
    if stored is not None:
        return stored[0]
    base = (data_dir or get_settings().data_dir).resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path


class _QuotePDF(FPDF):
    """The quote's page template: fonts, colours, footer, and one method per block."""

    def __init__(self, doc: QuoteDocument) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.doc = doc
        self.primary = _hex_colour(doc.company.primary_color)
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / name))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages(PAGES_ALIAS)
        title = f"{doc.t('quote.pdf.title')} {doc.quote.number}"
        self.set_title(title)
        self.set_subject(doc.quote.name)
        self.set_author(doc.company.company_name)
        self.set_creator(doc.company.company_name)
        self.set_lang("pt-PT" if doc.language == "pt" else "en-GB")
        self.set_text_color(*TEXT)
        self.set_draw_color(*RULE)

    # -- helpers --

    def font(self, size: float, bold: bool = False, color: tuple[int, int, int] = TEXT) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)

    def rule(self, y: float | None = None, colour: tuple[int, int, int] = RULE) -> None:
        y = self.get_y() if y is None else y
        self.set_draw_color(*colour)
        self.line(MARGIN, y, PAGE_W - MARGIN, y)
        self.set_draw_color(*RULE)

    def line_text(self, width: float, text: str, height: float, align: str = "L") -> None:
        """One wrapped paragraph at the current x, then back to the same x on the next line."""
        x = self.get_x()
        self.multi_cell(width, height, text, align=align, new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_x(x)

    # -- blocks --

    def header_block(self) -> None:
        doc, company = self.doc, self.doc.company
        top = self.get_y()
        left_x = MARGIN
        logo = logo_path(company.logo)
        if logo is not None:
            try:
                info = self.image(str(logo), x=MARGIN, y=top, h=LOGO_H)
                left_x = MARGIN + min(float(info.rendered_width), 50.0) + 4
            except Exception:  # an unreadable or unsupported image is left out, not fatal
                logger.warning("quote PDF: logo %s could not be used", logo, exc_info=True)
        left_w = 112.0 - (left_x - MARGIN)
        self.set_xy(left_x, top)
        self.font(16, bold=True, color=self.primary)
        self.line_text(left_w, company.company_name, 7.5)
        if company.tagline:
            self.font(9, color=MUTED)
            self.line_text(left_w, _clean(company.tagline), 4.5)
        self.ln(1)
        self.font(8.5, color=MUTED)
        contacts = [
            _clean(company.address),
            "  ·  ".join(
                part
                for part in (
                    f"{doc.t('quote.pdf.phone')}: {company.phone}" if company.phone else "",
                    company.email or "",
                    company.website or "",
                )
                if part
            ),
            f"{doc.t('quote.pdf.tax_id')}: {company.tax_id}" if company.tax_id else "",
        ]
        for contact in contacts:
            if contact:
                self.line_text(left_w, contact, 4.2)
        left_bottom = max(self.get_y(), top + (LOGO_H if logo else 0))

        right_x, right_w = PAGE_W - MARGIN - 66, 66.0
        self.set_xy(right_x, top)
        self.font(20, bold=True, color=self.primary)
        self.cell(right_w, 9, doc.t("quote.pdf.title").upper(), align="R")
        self.set_xy(right_x, top + 10)
        self.font(11, bold=True)
        self.cell(right_w, 6, doc.quote.number, align="R")
        y = top + 17.5
        for label, value in (
            (doc.t("quote.pdf.issue_date"), doc.date(doc.issue_date)),
            (doc.t("quote.pdf.valid_until"), doc.date(doc.valid_until)),
        ):
            self.set_xy(right_x, y)
            self.font(8.5, color=MUTED)
            self.cell(right_w - 26, 4.8, label, align="R")
            self.font(8.5, bold=True)
            self.cell(26, 4.8, value, align="R")
            y += 5
        bottom = max(left_bottom, y) + 4
        self.rule(bottom, self.primary)
        self.set_xy(MARGIN, bottom + 5)

    def parties_block(self) -> None:
        doc, quote = self.doc, self.doc.quote
        gap = 8.0
        width = (CONTENT_W - gap) / 2
        top = self.get_y()
        client_lines = [(quote.client_name, True)]
        client_lines += [
            (_clean(v), False) for v in (quote.client_address, quote.client_email) if v
        ]
        if quote.client_phone:
            client_lines.append((f"{doc.t('quote.pdf.phone')}: {quote.client_phone}", False))
        event_lines = [(quote.name, True)]
        if quote.location:
            event_lines.append((f"{doc.t('quote.pdf.location')}: {_clean(quote.location)}", False))
        event_lines.append((f"{doc.t('quote.pdf.dates')}: {doc.date_range()}", False))
        event_lines.append((f"{doc.t('quote.pdf.duration')}: {doc.day_count()}", False))
        bottoms = []
        for i, (title, lines) in enumerate(
            ((doc.t("quote.pdf.client"), client_lines), (doc.t("quote.pdf.event"), event_lines))
        ):
            x = MARGIN + i * (width + gap)
            self.set_xy(x, top)
            self.font(8, bold=True, color=self.primary)
            self.cell(width, 5, title.upper(), new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.set_draw_color(*self.primary)
            self.line(x, self.get_y(), x + width, self.get_y())
            self.set_draw_color(*RULE)
            self.set_xy(x, self.get_y() + 1.5)
            for text, bold in lines:
                self.font(10 if bold else 9, bold=bold)
                self.line_text(width, text, 5 if bold else 4.6)
            bottoms.append(self.get_y())
        self.set_xy(MARGIN, max(bottoms) + 7)

    def lines_table(self) -> None:
        doc = self.doc
        regular = [line for line in doc.lines if line.item_type != QuoteItemType.FEE]
        fees = [line for line in doc.lines if line.item_type == QuoteItemType.FEE]
        headings = FontFace(
            family=FONT, emphasis="B", size_pt=8.5, color=(255, 255, 255), fill_color=self.primary
        )
        group = FontFace(family=FONT, emphasis="B", size_pt=8.5, color=self.primary)
        self.font(9)
        with self.table(
            col_widths=COL_WIDTHS,
            width=CONTENT_W,
            text_align=COL_ALIGN,
            headings_style=headings,
            borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            cell_fill_color=SHADE,
            cell_fill_mode=TableCellFillMode.EVEN_ROWS,
            line_height=5,
            padding=(1.6, 1.8),
            repeat_headings=1,
        ) as table:
            table.row(
                [
                    doc.t("quote.pdf.col_item"),
                    doc.t("quote.pdf.col_qty"),
                    doc.t("quote.pdf.col_rate"),
                    doc.t("quote.pdf.col_days"),
                    doc.t("quote.pdf.col_total"),
                ]
            )
            if not doc.lines:
                table.row().cell(doc.t("quote.pdf.no_lines"), colspan=5)
            for line in regular:
                table.row(
                    [
                        _clean(line.description),
                        format_number(line.quantity, doc.language),
                        doc.money(line.unit_price),
                        format_number(line.days, doc.language),
                        doc.money(line.line_total),
                    ]
                )
            if fees:
                table.row().cell(doc.t("quote.pdf.fees_heading"), colspan=5, style=group)
            for line in fees:
                if line.fee_type == DiscountType.PERCENTAGE:
                    qty, rate = "", format_percent(line.unit_price, doc.language)
                else:
                    qty = format_number(line.quantity, doc.language)
                    rate = doc.money(line.unit_price)
                table.row([_clean(line.description), qty, rate, "", doc.money(line.line_total)])
        self.ln(4)

    def summary_block(self) -> None:
        doc, quote = self.doc, self.doc.quote
        rows: list[tuple[str, str]] = [(doc.t("quote.pdf.sub_total"), doc.money(quote.sub_total))]
        if quote.discount_amount > 0:
            label = doc.t("quote.pdf.discount")
            if quote.discount_type == DiscountType.PERCENTAGE:
                label += f" ({format_percent(quote.discount_value, doc.language)})"
            rows.append((label, "-" + doc.money(quote.discount_amount)))
            rows.append(
                (doc.t("quote.pdf.net"), doc.money(quote.sub_total - quote.discount_amount))
            )
        if quote.fees_total > 0 or any(li.item_type == QuoteItemType.FEE for li in doc.lines):
            rows.append((doc.t("quote.pdf.fees"), doc.money(quote.fees_total)))
        rate = format_rate(quote.tax_rate, doc.language)
        rows.append((doc.t("quote.pdf.tax", rate=rate), doc.money(quote.tax_amount)))
        height = 5.6 * len(rows) + 12
        if self.will_page_break(height):
            self.add_page()
        x = PAGE_W - MARGIN - SUMMARY_W
        for label, value in rows:
            self.set_x(x)
            self.font(9, color=MUTED)
            self.cell(SUMMARY_W - 36, 5.6, label)
            self.font(9)
            self.cell(36, 5.6, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)
        self.set_draw_color(*self.primary)
        self.line(x, self.get_y(), PAGE_W - MARGIN, self.get_y())
        self.set_draw_color(*RULE)
        self.ln(1.5)
        self.set_x(x)
        self.font(12, bold=True, color=self.primary)
        self.cell(SUMMARY_W - 44, 8, doc.t("quote.pdf.total"))
        self.cell(44, 8, doc.money(quote.total), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(6)

    def text_section(
        self, title: str, body: str | None, *, size: float, color: tuple[int, int, int] = TEXT
    ) -> None:
        text = _clean(body)
        if not text:
            return
        if self.will_page_break(18):
            self.add_page()
        self.set_x(MARGIN)
        self.font(10, bold=True, color=self.primary)
        self.cell(CONTENT_W, 6, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(size, color=color)
        self.multi_cell(CONTENT_W, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(5)

    def footer(self) -> None:
        doc = self.doc
        self.set_y(-13)
        self.rule()
        self.set_y(-11)
        self.font(7.5, color=MUTED)
        left = f"{doc.company.company_name}  ·  {doc.t('quote.pdf.title')} {doc.quote.number}"
        self.cell(CONTENT_W / 2, 5, left)
        # PAGES_ALIAS is replaced by the page count when the document is closed.
        page = doc.t("quote.pdf.page", page=self.page_no(), pages=PAGES_ALIAS)
        self.cell(CONTENT_W / 2, 5, page, align="R")
