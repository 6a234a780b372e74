"""QR labels for equipment: one label as a PNG, and printable A4 sheets of labels.

Every label carries a QR code of the item's asset code (what the warehouse scanners read),
the item name (shortened to fit), its category and the asset code in text. Reading labels
needs only `equipment:read`; nothing is written.

Sheet layout: A4 portrait, `COLUMNS` x `ROWS` labels of `LABEL_W` x `LABEL_H` mm (the common
3 x 8 self-adhesive sheet, 70 x 37 mm), as many pages as needed. Text uses the PDF core font
(Helvetica), so names are folded to Latin-1 (accents kept, other symbols replaced).
"""

from __future__ import annotations

import io
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import qrcode
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from sqlmodel import Session, col, select

from avrentals.domain.errors import NotFound, ValidationFailed
from avrentals.domain.models import Category, EquipmentItem
from avrentals.domain.permissions import Actor, require

# --- Sheet geometry (mm) ---
PAGE_W, PAGE_H = 210.0, 297.0
COLUMNS, ROWS = 3, 8
LABEL_W, LABEL_H = 70.0, 37.0
MARGIN_X = (PAGE_W - COLUMNS * LABEL_W) / 2
MARGIN_Y = (PAGE_H - ROWS * LABEL_H) / 2
PAD = 2.5
QR_MM = LABEL_H - 2 * PAD
PER_PAGE = COLUMNS * ROWS
MAX_LABELS = 50 * PER_PAGE

# --- Single PNG label (px): 70 x 37 mm at about 300 dpi ---
PNG_W, PNG_H = 840, 444
PNG_PAD = 24
QUIET_MODULES = 4  # the quiet zone scanners need around a QR code
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

NAME_LINES = 2
ELLIPSIS = "..."
# Typographic punctuation and letters without a Unicode decomposition, made Latin-1.
PDF_REPLACEMENTS = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u0141": "L",
        "\u0142": "l",
        "\u0110": "D",
        "\u0111": "d",
        "\u0152": "OE",
        "\u0153": "oe",
        "\u0131": "i",
    }
)


@dataclass(frozen=True)
class LabelData:
    """What one label shows."""

    name: str
    category: str
    asset_code: str


def qr_modules(asset_code: str) -> list[list[bool]]:
    """The QR code of `asset_code` as rows of dark (True) / light modules, without the quiet
    zone (error correction M, smallest version that fits)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, box_size=1)
    code.add_data(asset_code)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


# --- Reading the selection ---


def _label_stmt() -> Any:
    return select(
        EquipmentItem.id, EquipmentItem.name, Category.name, EquipmentItem.asset_code
    ).join(Category, col(Category.id) == col(EquipmentItem.category_id))


def _label(row: Any) -> LabelData:
    _id, name, category, code = row
    return LabelData(name=name, category=category, asset_code=code)


def label_data(session: Session, actor: Actor, item_id: uuid.UUID) -> LabelData:
    """One item's label contents. Needs `equipment:read`; raises NotFound."""
    require(actor, "equipment:read")
    row = session.exec(_label_stmt().where(col(EquipmentItem.id) == item_id)).first()
    if row is None:
        raise NotFound("Equipment item not found.")
    return _label(row)


def select_labels(
    session: Session,
    actor: Actor,
    *,
    item_ids: Sequence[uuid.UUID] | None = None,
    category_id: uuid.UUID | None = None,
) -> list[LabelData]:
    """The labels of a selection: the given items (in the order given, duplicates once),
    limited to `category_id` when both are given; or every item of the category by name.
    Needs `equipment:read`.

    Raises NotFound for an unknown category, ValidationFailed when nothing is selected,
    nothing selected exists, or more than MAX_LABELS labels would be printed."""
    require(actor, "equipment:read")
    ids = list(dict.fromkeys(item_ids or []))
    if not ids and category_id is None:
        raise ValidationFailed({"selection": ["Select items or a category to print labels."]})
    if len(ids) > MAX_LABELS:
        raise ValidationFailed(
            {"selection": [f"At most {MAX_LABELS} labels can be printed at once."]}
        )
    if category_id is not None and session.get(Category, category_id) is None:
        raise NotFound("Category not found.")
    stmt = _label_stmt()
    if category_id is not None:
        stmt = stmt.where(col(EquipmentItem.category_id) == category_id)
    if ids:
        stmt = stmt.where(col(EquipmentItem.id).in_(ids))
    else:
        stmt = stmt.order_by(col(EquipmentItem.name), col(EquipmentItem.asset_code))
    rows = session.exec(stmt.limit(MAX_LABELS + 1)).all()
    if len(rows) > MAX_LABELS:
        raise ValidationFailed(
            {"selection": [f"At most {MAX_LABELS} labels can be printed at once."]}
        )
    if ids:
        position = {item_id: i for i, item_id in enumerate(ids)}
        rows = sorted(rows, key=lambda r: position[r[0]])
    if not rows:
        raise ValidationFailed({"selection": ["No equipment items match this selection."]})
    return [_label(r) for r in rows]


# --- PNG ---


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False, mono: bool = False) -> Any:
    name = (
        "DejaVuSansMono-Bold.ttf" if mono else ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    )
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size)
    except OSError:
        # No DejaVu on this system: Pillow's bundled scalable font.
        return ImageFont.load_default(size=size)


def _fit_lines(text: str, width: float, measure: Any, lines: int) -> list[str]:
    """Wrap `text` on words into at most `lines` lines no wider than `width`; the last line
    is cut with an ellipsis when the text does not fit."""
    words = text.split()
    out: list[str] = []
    current = ""
    while words and len(out) < lines:
        candidate = f"{current} {words[0]}".strip()
        if measure(candidate) <= width:
            current = candidate
            words.pop(0)
            continue
        if not current:  # one word wider than the line: cut the word itself
            current = words.pop(0)
            while current and measure(current) > width:
                current = current[:-1]
        out.append(current)
        current = ""
    if current and len(out) < lines:
        out.append(current)
    if words and out:
        last = out[-1]
        while last and measure(last + ELLIPSIS) > width:
            last = last[:-1].rstrip()
        out[-1] = last + ELLIPSIS
    return out or [""]


def render_label_png(label: LabelData) -> bytes:
    """The label as a 840 x 444 px PNG (70 x 37 mm at about 300 dpi): QR code on the left,
    name, category and asset code on the right."""
    image = Image.new("L", (PNG_W, PNG_H), 255)
    draw = ImageDraw.Draw(image)
    modules = qr_modules(label.asset_code)
    count = len(modules) + 2 * QUIET_MODULES
    box = (PNG_H - 2 * PNG_PAD) // count
    origin_x = PNG_PAD + QUIET_MODULES * box
    origin_y = (PNG_H - len(modules) * box) // 2
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                x, y = origin_x + c * box, origin_y + r * box
                draw.rectangle((x, y, x + box - 1, y + box - 1), fill=0)
    text_x = PNG_PAD + count * box + 8
    width = PNG_W - PNG_PAD - text_x
    name_font, small, code_font = _font(40, bold=True), _font(28), _font(40, mono=True)
    y = PNG_PAD + 20
    for line in _fit_lines(label.name, width, lambda t: draw.textlength(t, font=name_font), 3):
        draw.text((text_x, y), line, font=name_font, fill=0)
        y += 50
    y += 6
    category = _fit_lines(label.category, width, lambda t: draw.textlength(t, font=small), 1)
    draw.text((text_x, y), category[0], font=small, fill=80)
    code = _fit_lines(label.asset_code, width, lambda t: draw.textlength(t, font=code_font), 1)
    draw.text((text_x, PNG_H - PNG_PAD - 60), code[0], font=code_font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True, dpi=(305, 305))
    return out.getvalue()


def label_png(session: Session, actor: Actor, item_id: uuid.UUID) -> bytes:
    """One item's label as a PNG (see `render_label_png`). Needs `equipment:read`; raises
    NotFound."""
    return render_label_png(label_data(session, actor, item_id))


# --- PDF sheet ---


def pdf_text(value: str) -> str:
    """`value` in the core font's Latin-1: typographic punctuation made plain, characters
    outside Latin-1 folded to their base letter or replaced by "?"."""
    plain = value.translate(PDF_REPLACEMENTS)
    out = []
    for ch in plain:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
        out.append(base or "?")
    return "".join(ch for ch in "".join(out) if ch.isprintable())


def _draw_qr(pdf: FPDF, modules: list[list[bool]], x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (one per run of dark modules in a row): sharp at any
    printer resolution and small in the file."""
    count = len(modules) + 2 * QUIET_MODULES
    module = size / count
    left = x + QUIET_MODULES * module
    top = y + QUIET_MODULES * module
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(left + start * module, top + r * module, (c - start) * module, module, "F")


def _draw_label(pdf: FPDF, label: LabelData, x: float, y: float) -> None:
    _draw_qr(pdf, qr_modules(label.asset_code), x + PAD, y + PAD, QR_MM)
    text_x = x + PAD + QR_MM + 1
    width = x + LABEL_W - PAD - text_x
    pdf.set_font("Helvetica", "B", 9)
    lines = _fit_lines(pdf_text(label.name), width, pdf.get_string_width, NAME_LINES)
    line_y = y + PAD + 5
    for line in lines:
        pdf.text(text_x, line_y, line)
        line_y += 4
    pdf.set_font("Helvetica", "", 7.5)
    category = _fit_lines(pdf_text(label.category), width, pdf.get_string_width, 1)[0]
    pdf.text(text_x, line_y + 1, category)
    pdf.set_font("Courier", "B", 9)
    code = _fit_lines(pdf_text(label.asset_code), width, pdf.get_string_width, 1)[0]
    pdf.text(text_x, y + LABEL_H - PAD - 3, code)


def render_label_sheet(labels: Sequence[LabelData]) -> bytes:
    """A4 portrait pages of COLUMNS x ROWS labels, filled row by row."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title("Equipment labels")
    pdf.set_creator("AV Rentals")
    pdf.set_fill_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)
    for index, label in enumerate(labels):
        slot = index % PER_PAGE
        if slot == 0:
            pdf.add_page()
        row, column = divmod(slot, COLUMNS)
        _draw_label(pdf, label, MARGIN_X + column * LABEL_W, MARGIN_Y + row * LABEL_H)
    return bytes(pdf.output())


def label_sheet_pdf(
    session: Session,
    actor: Actor,
    *,
    item_ids: list[uuid.UUID] | None = None,
    category_id: uuid.UUID | None = None,
) -> bytes:
    """A printable A4 PDF of labels for the given items and/or a whole category (see
    `select_labels` for the selection rules). Needs `equipment:read`.

    Raises NotFound (unknown category), ValidationFailed (empty or too large selection)."""
    labels = select_labels(session, actor, item_ids=item_ids, category_id=category_id)
    return render_label_sheet(labels)
