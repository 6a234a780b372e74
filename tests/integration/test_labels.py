"""QR labels (services.labels) on SQLite and PostgreSQL: the PNG label's QR code encodes the
asset code (checked module by module against a freshly generated code), the A4 sheet holds
3 x 8 labels per page with each name, category and asset code, and the selection rules."""

from __future__ import annotations

import io
import re
import uuid
import zlib

import pytest
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy.engine import Engine

from avrentals.db import read_session
from avrentals.domain.enums import Role
from avrentals.domain.errors import NotFound, Unauthorized, ValidationFailed
from avrentals.domain.models import EquipmentItem
from avrentals.domain.services import labels
from tests.factories import make_actor
from tests.inventory_factories import insert, make_category


def expected_modules(text: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def read_qr_modules(png: bytes, size: int) -> list[list[bool]]:
    """Sample the QR code drawn in the label's left square: find the dark bounding box,
    divide it into `size` x `size` modules and read each module's centre pixel."""
    image = Image.open(io.BytesIO(png)).convert("L")
    # The code sits in the left square; the text starts after its quiet zone.
    square = image.crop((0, 0, int(image.height * 0.85), image.height))
    left, top, right, bottom = square.point(lambda v: 255 if v < 128 else 0).getbbox()
    step_x, step_y = (right - left) / size, (bottom - top) / size
    return [
        [
            square.getpixel((int(left + (c + 0.5) * step_x), int(top + (r + 0.5) * step_y))) < 128
            for c in range(size)
        ]
        for r in range(size)
    ]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def pdf_text(pdf: bytes) -> str:
    """Every text-show string of the PDF's content streams (fpdf2 writes core-font text as
    literal strings in FlateDecode streams)."""
    shown: list[str] = []
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            content = raw
        for text in re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, re.S):
            shown.append(text.replace(rb"\(", b"(").replace(rb"\)", b")").decode("latin-1"))
    return "\n".join(shown)


def add_items(engine: Engine, category, count: int, prefix: str = "Item") -> list[EquipmentItem]:
    return [
        insert(
            engine,
            EquipmentItem(
                name=f"{prefix} {n:02d}",
                category_id=category.id,
                quantity=1,
                qty_good=1,
                location="Aisle A",
                asset_code=f"LGT-{n:04d}" if prefix == "Item" else f"{prefix[:3].upper()}-{n:04d}",
            ),
        )
        for n in range(1, count + 1)
    ]


def test_label_png_has_a_qr_of_the_asset_code(engine: Engine) -> None:
    category, _ = make_category(engine, "Lighting")
    (item,) = add_items(engine, category, 1)
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        png = labels.label_png(s, viewer, item.id)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (labels.PNG_W, labels.PNG_H)
    wanted = expected_modules("LGT-0001")
    assert read_qr_modules(png, len(wanted)) == wanted
    # A different code gives a different picture: the check above can fail.
    assert expected_modules("LGT-0002") != wanted


def test_label_png_for_unknown_item_or_anonymous(engine: Engine) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        with pytest.raises(NotFound):
            labels.label_png(s, viewer, uuid.uuid4())
        with pytest.raises(Unauthorized):
            labels.label_png(s, None, uuid.uuid4())  # type: ignore[arg-type]


def test_sheet_of_thirty_labels_has_two_pages_with_every_name_and_code(engine: Engine) -> None:
    category, _ = make_category(engine, "Lighting")
    items = add_items(engine, category, 30)
    employee = make_actor(engine, Role.EMPLOYEE)
    with read_session(engine) as s:
        pdf = labels.label_sheet_pdf(s, employee, item_ids=[i.id for i in items])
    assert pdf.startswith(b"%PDF-")
    assert pdf_pages(pdf) == 2
    text = pdf_text(pdf)
    for item in items:
        assert item.name in text and item.asset_code in text
    assert text.count("Lighting") == 30
    with read_session(engine) as s:
        one_page = labels.label_sheet_pdf(s, employee, item_ids=[i.id for i in items[:24]])
        three = labels.label_sheet_pdf(s, employee, item_ids=[i.id for i in items[:3]])
    assert pdf_pages(one_page) == 1
    assert pdf_pages(three) == 1
    shown = pdf_text(three)
    assert "Item 01" in shown and "Item 04" not in shown


def test_sheet_for_a_whole_category_only_has_that_category(engine: Engine) -> None:
    lighting, _ = make_category(engine, "Lighting")
    audio, _ = make_category(engine, "Audio")
    add_items(engine, lighting, 3)
    add_items(engine, audio, 2, prefix="Mixer")
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        pdf = labels.label_sheet_pdf(s, viewer, category_id=audio.id)
    text = pdf_text(pdf)
    assert "Mixer 01" in text and "MIX-0002" in text
    assert "Item 01" not in text and "LGT-0001" not in text


def test_selection_order_and_long_names(engine: Engine) -> None:
    category, _ = make_category(engine, "Staging")
    long_name = "Truss " + "very-long-segment " * 10
    item = insert(
        engine,
        EquipmentItem(
            name=long_name.strip()[:100],
            category_id=category.id,
            quantity=1,
            qty_good=1,
            location="Yard",
            asset_code="STG-0001",
        ),
    )
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        selected = labels.select_labels(s, viewer, item_ids=[item.id, item.id])
        pdf = labels.label_sheet_pdf(s, viewer, item_ids=[item.id])
    assert len(selected) == 1
    text = pdf_text(pdf)
    assert "Truss" in text and "..." in text and long_name.strip()[:100] not in text


def test_empty_or_unknown_selection_is_refused(engine: Engine) -> None:
    category, _ = make_category(engine, "Empty")
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        for kwargs in ({}, {"item_ids": []}, {"item_ids": [uuid.uuid4()]}):
            with pytest.raises(ValidationFailed) as info:
                labels.label_sheet_pdf(s, viewer, **kwargs)
            assert "selection" in info.value.fields
        with pytest.raises(ValidationFailed):
            labels.label_sheet_pdf(s, viewer, category_id=category.id)
        with pytest.raises(NotFound):
            labels.label_sheet_pdf(s, viewer, category_id=uuid.uuid4())


def test_pdf_text_is_folded_to_latin_1() -> None:
    typed = "Mixer \u2013 \u00d8 \u201cPro\u201d \u00dcnit\u2026"
    assert labels.pdf_text(typed) == 'Mixer - \u00d8 "Pro" \u00dcnit...'
    assert labels.pdf_text("Ωmega") == "?mega"
    sheet = labels.render_label_sheet([labels.LabelData("Ωmega Ł", "Kat", "X-1")])
    assert "?mega L" in pdf_text(sheet)
