"""CSV export and import of equipment (services), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import time
import uuid
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import read_session, transaction
from avrentals.domain import changes, rate_limits
from avrentals.domain.enums import EquipmentType, Role, UnitStatus
from avrentals.domain.errors import Forbidden, ValidationFailed
from avrentals.domain.models import AuditLog, EquipmentItem
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import equipment_csv
from avrentals.domain.services.equipment import create_equipment
from avrentals.domain.services.equipment_csv import (
    ImportRowsFailed,
    export_equipment_csv,
    import_equipment_csv,
    preview_equipment_csv,
)
from tests.factories import make_actor
from tests.inventory_factories import insert, make_category

HEADER = "Asset code,Name,Description,Category,Subcategory,Type,Quantity,Good,Damaged,Maintenance,Status,Location,Daily rate,Low-stock threshold"  # noqa: E501


class RecordingBus:
    """Keeps what is published (the change bus protocol, in memory)."""

    def __init__(self) -> None:
        self.published: list[changes.Change] = []

    def publish(self, change: changes.Change) -> None:
        self.published.append(change)

    async def subscribe(self):  # pragma: no cover - not used here
        raise NotImplementedError
        yield


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM expected"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def count_items(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(sa.func.count()).select_from(EquipmentItem)).one()


def create(engine: Engine, actor, **data) -> EquipmentItem:
    with transaction(engine) as s:
        return create_equipment(s, actor, data)


def test_export_of_a_filter(engine: Engine) -> None:
    admin = make_actor(engine)
    audio, (mics,) = make_category(engine, "Audio", "Microphones")
    lighting, _ = make_category(engine, "Lighting")
    create(
        engine,
        admin,
        name="Shure SM58",
        description="Vocal mic",
        category_id=audio.id,
        subcategory_id=mics.id,
        quantity=10,
        quantity_damaged=2,
        location="Aisle A",
        daily_rate="12.5",
        low_stock_threshold=3,
    )
    create(engine, admin, name="Cable tie", category_id=audio.id, quantity=100,
           location="Aisle C", type="consumable")  # fmt: skip
    create(engine, admin, name="ETC Source Four", category_id=lighting.id, quantity=4,
           location="Aisle B", daily_rate="30")  # fmt: skip
    viewer = make_actor(engine, Role.VIEWER)
    with read_session(engine) as s:
        everything = rows_of(export_equipment_csv(s, viewer))
        only_audio = rows_of(export_equipment_csv(s, viewer, category_id=audio.id))
        searched = rows_of(export_equipment_csv(s, viewer, search="source"))
        by_rate = rows_of(export_equipment_csv(s, viewer, sort="dailyRate", descending=True))
    assert ",".join(everything[0]) == HEADER
    assert [r[1] for r in everything[1:]] == ["Cable tie", "ETC Source Four", "Shure SM58"]
    assert [r[1] for r in only_audio[1:]] == ["Cable tie", "Shure SM58"]
    assert [r[1] for r in searched[1:]] == ["ETC Source Four"]
    assert next(r[1] for r in by_rate[1:]) == "ETC Source Four"
    mic = next(r for r in everything if r[1] == "Shure SM58")
    assert mic[0] == "AUD-0001" and mic[2] == "Vocal mic"
    assert mic[3:7] == ["Audio", "Microphones", "equipment", "10"]
    assert mic[7:14] == ["8", "2", "0", "damaged", "Aisle A", "12.50", "3"]
    tie = next(r for r in everything if r[1] == "Cable tie")
    assert tie[4] == "" and tie[5] == "consumable" and tie[12] == "0.00"
    with read_session(engine) as s, pytest.raises(ValidationFailed):
        export_equipment_csv(s, viewer, sort="password_hash")


def test_export_reads_more_than_one_chunk(engine: Engine, monkeypatch) -> None:
    admin = make_actor(engine)
    cat, _ = make_category(engine, "Power")
    for n in range(7):
        create(engine, admin, name=f"Distro {n}", category_id=cat.id, quantity=1, location="P")
    monkeypatch.setattr(equipment_csv, "EXPORT_CHUNK", 3)
    with read_session(engine) as s:
        rows = rows_of(export_equipment_csv(s, admin))
    assert [r[1] for r in rows[1:]] == [f"Distro {n}" for n in range(7)]


INJECTIONS = {
    '=HYPERLINK("http://evil.example","click")': '=HYPERLINK("http://evil.example","click")',
    "+1": "+1",
    "-2+3": "-2+3",
    "@SUM(A1:A9)": "@SUM(A1:A9)",
    "\tx": "x",  # the name rule trims whitespace on the way back in
    "\rx": "x",
}


def test_formula_injection_neutralised_and_reimport_keeps_text(engine: Engine) -> None:
    admin = make_actor(engine)
    cat, _ = make_category(engine, "Video")
    for n, name in enumerate(INJECTIONS):
        # Inserted directly: the form would trim the tab/CR, an older row might not be trimmed.
        insert(
            engine,
            EquipmentItem(
                name=name,
                description="=cmd|' /C calc'!A0" if n == 0 else None,
                category_id=cat.id,
                quantity=1,
                qty_good=1,
                location="-Basement" if n == 1 else "Rack",
                daily_rate=Decimal("1.00"),
                asset_code=f"VID-{n + 1:04d}",
            ),
        )
    with read_session(engine) as s:
        data = export_equipment_csv(s, admin)
    rows = rows_of(data)
    names = {r[1] for r in rows[1:]}
    assert names == {"'" + name for name in INJECTIONS}
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(equipment_csv.FORMULA_STARTS), row
    assert any(r[2] == "'=cmd|' /C calc'!A0" for r in rows)
    assert any(r[11] == "'-Basement" for r in rows)

    with transaction(engine) as s:
        s.execute(sa.delete(EquipmentItem))
    with transaction(engine) as s:
        assert import_equipment_csv(s, admin, data) == len(INJECTIONS)
    with Session(engine) as s:
        items = s.exec(select(EquipmentItem)).all()
    assert sorted(i.name for i in items) == sorted(INJECTIONS.values())
    assert {i.location for i in items} == {"Rack", "-Basement"}
    assert any(i.description == "=cmd|' /C calc'!A0" for i in items)


def test_round_trip_into_an_empty_catalogue(engine: Engine) -> None:
    admin = make_actor(engine)
    audio, (mics, _speakers) = make_category(engine, "Audio", "Microphones", "Speakers")
    lighting, _ = make_category(engine, "Lighting")
    create(engine, admin, name="Shure SM58", description="Vocal, 'cardioid'; \"classic\"",
           category_id=audio.id, subcategory_id=mics.id, quantity=10, quantity_damaged=1,
           quantity_maintenance=2, location="Aisle A · Shelf 1", daily_rate="12.50",
           low_stock_threshold=2)  # fmt: skip
    create(engine, admin, name="Gaffer tape", category_id=lighting.id, quantity=40,
           location="Aisle C", type="consumable")  # fmt: skip
    create(engine, admin, name="Multi-line\nnote item", category_id=lighting.id, quantity=0,
           location="Aisle D", daily_rate="0.10")  # fmt: skip
    fields = ("asset_code", "name", "description", "category_id", "subcategory_id",
              "item_type", "quantity", "qty_good", "qty_damaged", "qty_maintenance", "status",
              "location", "daily_rate", "low_stock_threshold")  # fmt: skip

    def catalogue() -> list[tuple]:
        with Session(engine) as s:
            items = s.exec(select(EquipmentItem).order_by(col(EquipmentItem.name))).all()
            return [tuple(getattr(i, f) for f in fields) for i in items]

    before = catalogue()
    with read_session(engine) as s:
        data = export_equipment_csv(s, admin)
    with transaction(engine) as s:
        s.execute(sa.delete(EquipmentItem))
    with read_session(engine) as s:
        preview = preview_equipment_csv(s, admin, data)
    assert (preview.total_rows, preview.valid_count, preview.errors) == (3, 3, [])
    assert preview.sample[0]["name"] == "Gaffer tape" and preview.sample[0]["row"] == "2"
    assert "Status" in preview.columns and preview.ignored_columns == []
    with transaction(engine) as s:
        assert import_equipment_csv(s, admin, data) == 3
    assert catalogue() == before


def test_bad_rows_write_nothing_and_each_row_is_named(engine: Engine) -> None:
    admin = make_actor(engine)
    audio, _ = make_category(engine, "Audio", "Microphones")
    make_category(engine, "Lighting", "Moving heads")
    text = "\n".join(
        [
            "Name,Category,Subcategory,Quantity,Good,Location,Daily rate,Type",
            "Good row,Audio,Microphones,2,2,Aisle A,10,equipment",
            ",Audio,,1,,Aisle A,,",  # no name
            "Bad qty,Audio,,-1,,Aisle A,,",
            "Ghost cat,Drones,,1,,Aisle A,,",
            "Wrong sub,Audio,Moving heads,1,,Aisle A,,",
            "Bad sum,Audio,,5,2,Aisle A,abc,gadget",
            "No location,Audio,,1,,,,",
            "x" * 101 + ",Audio,,1,,Aisle A,,",
            "",
            "Also good,audio ,microphones,3,,Aisle B,,",
        ]
    ).encode()
    with read_session(engine) as s:
        preview = preview_equipment_csv(s, admin, text)
    errors = dict(preview.errors)
    assert preview.total_rows == 9 and preview.valid_count == 2
    assert sorted(errors) == [3, 4, 5, 6, 7, 8, 9]
    assert list(errors[3]) == ["name"]
    assert "quantity" in errors[4]
    assert errors[5] == {"category": ["Category “Drones” does not exist."]}
    assert errors[6] == {
        "subcategory": ["Subcategory “Moving heads” does not exist in category “Audio”."]
    }
    assert set(errors[7]) == {"quantity", "daily_rate", "type"}
    assert list(errors[8]) == ["location"]
    assert "at most 100" in errors[9]["name"][0]
    with transaction(engine) as s, pytest.raises(ImportRowsFailed) as info:
        import_equipment_csv(s, admin, text)
    assert [n for n, _ in info.value.rows] == [3, 4, 5, 6, 7, 8, 9]
    assert info.value.details["rows"]["5"] == errors[5]
    assert isinstance(info.value, ValidationFailed)
    assert count_items(engine) == 0
    # Fixed rows import; the category match ignores case and spaces.
    fixed = b"Name,Category,Subcategory,Quantity,Location\nA,Audio,,1,X\nB,audio ,microphones,3,Y\n"
    with transaction(engine) as s:
        assert import_equipment_csv(s, admin, fixed) == 2
    with Session(engine) as s:
        b = s.exec(select(EquipmentItem).where(EquipmentItem.name == "B")).one()
        assert b.category_id == audio.id and b.subcategory_id is not None
        assert (b.qty_good, b.status, b.item_type) == (3, UnitStatus.GOOD, EquipmentType.EQUIPMENT)


def test_duplicate_asset_codes(engine: Engine) -> None:
    admin = make_actor(engine)
    audio, _ = make_category(engine, "Audio")
    create(engine, admin, name="Existing", category_id=audio.id, quantity=1, location="A")
    text = (
        b"Asset code,Name,Category,Quantity,Location\n"
        b"AUD-0001,Clash with DB,Audio,1,A\n"
        b"aud-0100,First,Audio,1,A\n"
        b"AUD-0100,Second,Audio,1,A\n"
        b"bad code!,Third,Audio,1,A\n"
        b",Generated,Audio,1,A\n"
    )
    with read_session(engine) as s:
        errors = dict(preview_equipment_csv(s, admin, text).errors)
    assert sorted(errors) == [2, 4, 5]
    assert errors[2] == {"asset_code": ["Asset code AUD-0001 is already used by another item."]}
    assert errors[4] == {"asset_code": ["Asset code AUD-0100 is also used on row 3."]}
    assert "letters, digits or dashes" in errors[5]["asset_code"][0]
    good = (
        b"Asset code,Name,Category,Quantity,Location\n"
        b"AUD-0100,First,Audio,1,A\n"
        b",Generated,Audio,1,A\n"
        b",Generated too,Audio,1,A\n"
    )
    with transaction(engine) as s:
        assert import_equipment_csv(s, admin, good) == 3
    with Session(engine) as s:
        codes = dict(s.exec(select(EquipmentItem.name, EquipmentItem.asset_code)).all())
    # Generated numbers continue above every number in use, in the database or the file.
    assert codes["Generated"] == "AUD-0101" and codes["Generated too"] == "AUD-0102"


def test_file_level_errors(engine: Engine) -> None:
    admin = make_actor(engine)
    make_category(engine, "Audio")

    def file_error(data: bytes) -> str:
        # Every preview counts as an upload (5 per minute); this test is about the messages.
        rate_limits.set_counters(rate_limits.InProcessCounters())
        with read_session(engine) as s, pytest.raises(ValidationFailed) as info:
            preview_equipment_csv(s, admin, data)
        assert list(info.value.fields) == ["file"]
        return info.value.fields["file"][0]

    latin1 = "Name,Category,Quantity,Location\nCafé lamp,Audio,1,A\n".encode("latin-1")
    assert "not UTF-8" in file_error(latin1)
    missing = file_error(b"Name,Quantity\nLamp,1\n")
    assert "Missing required column(s): Category, Location" in missing
    assert "empty" in file_error(b"")
    assert "no item rows" in file_error(b"Name,Category,Quantity,Location\n\n")
    assert "both mean Quantity" in file_error(b"Name,Category,Quantity,Qty,Location\n")
    too_big = b"Name,Category,Quantity,Location\n" + b"x" * equipment_csv.MAX_FILE_BYTES
    assert "limit is 10 MB" in file_error(too_big)
    many = "Name,Category,Quantity,Location\n" + "L,Audio,1,A\n" * (equipment_csv.MAX_ROWS + 1)
    assert "more than 20,000 rows" in file_error(many.encode())
    with transaction(engine) as s, pytest.raises(ValidationFailed):
        import_equipment_csv(s, admin, latin1)
    assert count_items(engine) == 0


def test_semicolons_bom_aliases_and_decimal_comma(engine: Engine) -> None:
    admin = make_actor(engine)
    make_category(engine, "Lighting")
    text = (
        "\ufeffNAME ; category;QTY;location;Rate;Notes\r\n"
        "Fresnel 1kW;Lighting;4;Aisle L;12,50;ignored column\r\n"
    ).encode()
    with read_session(engine) as s:
        preview = preview_equipment_csv(s, admin, text)
    assert preview.ok and preview.ignored_columns == ["Notes"]
    with transaction(engine) as s:
        import_equipment_csv(s, admin, text)
    with Session(engine) as s:
        item = s.exec(select(EquipmentItem)).one()
    assert (item.name, item.quantity, item.daily_rate) == ("Fresnel 1kW", 4, Decimal("12.50"))
    assert item.asset_code == "LGT-0001"


def test_permissions_and_hand_set_codes(engine: Engine) -> None:
    make_category(engine, "Audio")
    viewer = make_actor(engine, Role.VIEWER)
    tech = make_actor(engine, Role.TECHNICIAN)
    text = b"Asset code,Name,Category,Quantity,Location\nAUD-0009,Mic,Audio,1,A\n"
    with read_session(engine) as s, pytest.raises(Forbidden):
        preview_equipment_csv(s, viewer, text)
    with transaction(engine) as s, pytest.raises(Forbidden):
        import_equipment_csv(s, viewer, text)
    with read_session(engine) as s:
        errors = dict(preview_equipment_csv(s, tech, text).errors)
    assert "Managers and Admins" in errors[2]["asset_code"][0]
    with transaction(engine) as s:
        assert import_equipment_csv(s, tech, text.replace(b"AUD-0009", b"")) == 1


def test_import_audits_each_item_and_publishes_one_change(engine: Engine) -> None:
    admin = make_actor(engine)
    make_category(engine, "Audio")
    bus = RecordingBus()
    changes.set_bus(bus)
    text = b"Name,Category,Quantity,Location\nA,Audio,1,X\nB,Audio,2,Y\n"
    with transaction(engine) as s:
        import_equipment_csv(s, admin, text)
    with Session(engine) as s:
        audits = s.exec(select(AuditLog).where(AuditLog.entity_type == "equipment")).all()
    assert sorted(a.new_values["name"] for a in audits) == ["A", "B"]
    assert {a.action for a in audits} == {"create"}
    with Session(engine) as s:
        for audit in audits:
            item = s.get(EquipmentItem, uuid.UUID(audit.entity_id))
            assert item is not None
            # The same shape `record_created` writes: every column of the saved row.
            assert audit.new_values == snapshot(item)
            assert audit.actor_username == admin.username and audit.old_values is None
    assert [(c.entity, c.action) for c in bus.published] == [("equipment", "import")]
    # A refused import publishes nothing.
    bus.published.clear()
    with transaction(engine) as s, pytest.raises(ImportRowsFailed):
        import_equipment_csv(s, admin, b"Name,Category,Quantity,Location\nC,Nope,1,X\n")
    assert bus.published == []


def test_five_thousand_rows_with_progress(pg_engine: Engine) -> None:
    admin = make_actor(pg_engine)
    audio, (mics,) = make_category(pg_engine, "Audio", "Microphones")
    make_category(pg_engine, "Lighting")
    lines = [HEADER]
    for n in range(5000):
        cat, sub = ("Audio", "Microphones") if n % 2 else ("Lighting", "")
        code = f"AUD-{n + 1:05d}" if n % 10 == 0 else ""
        lines.append(
            f"{code},Item {n:05d},Row {n} description,{cat},{sub},equipment,5,4,1,0,damaged,"
            f"Aisle {n % 7},{n % 90}.50,1"
        )
    data = "\n".join(lines).encode()
    seen: list[tuple[int, int]] = []
    started = time.perf_counter()
    with transaction(pg_engine) as s:
        created = import_equipment_csv(s, admin, data, progress=lambda d, t: seen.append((d, t)))
    elapsed = time.perf_counter() - started
    print(f"\n5,000-row CSV import on PostgreSQL: {elapsed:.2f} s")
    assert created == 5000 and count_items(pg_engine) == 5000
    assert seen[-1] == (5000, 5000) and len(seen) > 10
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert elapsed < 60
    with Session(pg_engine) as s:
        codes = s.exec(select(EquipmentItem.asset_code)).all()
        assert len(set(codes)) == 5000
        assert s.exec(select(sa.func.count()).select_from(AuditLog)).one() >= 5000
        sample = s.exec(select(EquipmentItem).where(EquipmentItem.name == "Item 00001")).one()
        assert (sample.category_id, sample.subcategory_id) == (audio.id, mics.id)
        assert (sample.qty_good, sample.qty_damaged, sample.status) == (4, 1, UnitStatus.DAMAGED)


def test_list_filters_of_the_inventory_list_feed_the_export(engine: Engine) -> None:
    from avrentals.ui.state.equipment import ListQuery
    from avrentals.ui.state.inventory_actions import list_filters

    admin = make_actor(engine)
    audio, _ = make_category(engine, "Audio")
    create(engine, admin, name="Mic", category_id=audio.id, quantity=1, location="Aisle A")
    create(engine, admin, name="Cable", category_id=audio.id, quantity=3, location="Aisle B",
           quantity_damaged=1)  # fmt: skip
    query = ListQuery(page=3, page_size=50, search="", category_id=audio.id, sort="name",
                      descending=True, status="damaged", location=None)  # fmt: skip
    filters = list_filters(query)
    assert filters == {
        "category_id": audio.id,
        "sort": "name",
        "descending": True,
        "status": "damaged",
    }
    with read_session(engine) as s:
        rows = rows_of(export_equipment_csv(s, admin, **filters))
    assert [r[1] for r in rows[1:]] == ["Cable"]


def test_template_previews_as_one_valid_row(engine: Engine) -> None:
    admin = make_actor(engine)
    make_category(engine, "Audio")
    template = equipment_csv.csv_template()
    with read_session(engine) as s:
        preview = preview_equipment_csv(s, admin, template)
    assert (preview.total_rows, preview.valid_count, preview.errors) == (1, 1, [])
    assert ",".join(rows_of(template)[0]) == HEADER
