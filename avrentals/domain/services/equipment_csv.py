"""Equipment as CSV: export of the list's current filter, preview and all-or-nothing import.

Export (`equipment:read`): every row matching the same filters as `equipment.list_equipment`
(no paging; read in chunks), UTF-8 with a byte-order mark so spreadsheet programs detect the
encoding. Formula injection is neutralised: a text cell starting with `=`, `+`, `-`, `@`, a
tab or a carriage return gets a leading `'`, so a spreadsheet shows it as text instead of
evaluating it. Numbers are written by us and never negative, so only text can be affected;
the import strips that one quote again, so export -> import gives back the same text.

Import (`equipment:write`): UTF-8 with or without BOM, `,` or `;` separated (detected from
the header line), headers matched regardless of case, spaces and punctuation (the export's
own headers and a few common aliases). Every row goes through the same validation as
`create_equipment` (`equipment._clean_equipment`); categories and subcategories are given by
name; an asset code may appear only once in the file and must not exist yet; a hand-typed
asset code needs a Manager or Admin, as in the form. Row numbers are spreadsheet rows: the
header is row 1, the first item row 2.

Limits: MAX_FILE_BYTES, MAX_ROWS. File-level problems (encoding, missing columns, limits)
raise ValidationFailed({"file": [message]}); row problems are listed per row.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session, col, select

from avrentals.domain import changes, rate_limits
from avrentals.domain.errors import DomainError, Forbidden, ValidationFailed
from avrentals.domain.models import AuditLog, Category, EquipmentItem, Subcategory
from avrentals.domain.models.base import utcnow
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import json_value
from avrentals.domain.services import equipment as equipment_service

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
EXPORT_CHUNK = 1000  # rows read per list query while exporting
INSERT_CHUNK = 500  # rows inserted per flush (and per progress report) while importing
VALIDATE_CHUNK = 250  # rows validated per progress report
SAMPLE_ROWS = 10
BOM = "\ufeff"
# A spreadsheet evaluates a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# (column key, header written by the export). Keys double as field names of row errors.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("asset_code", "Asset code"),
    ("name", "Name"),
    ("description", "Description"),
    ("category", "Category"),
    ("subcategory", "Subcategory"),
    ("type", "Type"),
    ("quantity", "Quantity"),
    ("good", "Good"),
    ("damaged", "Damaged"),
    ("maintenance", "Maintenance"),
    ("status", "Status"),
    ("location", "Location"),
    ("daily_rate", "Daily rate"),
    ("low_stock_threshold", "Low-stock threshold"),
)
HEADERS = dict(COLUMNS)
REQUIRED_COLUMNS = ("name", "category", "quantity", "location")
# Normalised header (lower case, letters and digits only) -> column key.
HEADER_ALIASES: dict[str, str] = {
    **{re.sub(r"[^a-z0-9]", "", label.lower()): key for key, label in COLUMNS},
    **{key.replace("_", ""): key for key, _label in COLUMNS},
    "code": "asset_code",
    "asset": "asset_code",
    "itemname": "name",
    "desc": "description",
    "itemtype": "type",
    "qty": "quantity",
    "qtygood": "good",
    "quantitygood": "good",
    "goodunits": "good",
    "qtydamaged": "damaged",
    "quantitydamaged": "damaged",
    "damagedunits": "damaged",
    "qtymaintenance": "maintenance",
    "quantitymaintenance": "maintenance",
    "inmaintenance": "maintenance",
    "rate": "daily_rate",
    "dayrate": "daily_rate",
    "rateperday": "daily_rate",
    "lowstock": "low_stock_threshold",
    "threshold": "low_stock_threshold",
}
# create_equipment's input field -> the CSV column its messages belong to.
ERROR_FIELDS = {
    "category_id": "category",
    "subcategory_id": "subcategory",
    "quantity_good": "good",
    "quantity_damaged": "damaged",
    "quantity_maintenance": "maintenance",
}
# CSV column -> create_equipment input field, for the columns passed through as text.
INPUT_FIELDS = {
    "asset_code": "asset_code",
    "name": "name",
    "description": "description",
    "type": "type",
    "quantity": "quantity",
    "good": "quantity_good",
    "damaged": "quantity_damaged",
    "maintenance": "quantity_maintenance",
    "location": "location",
    "daily_rate": "daily_rate",
    "low_stock_threshold": "low_stock_threshold",
}
_DECIMAL_COMMA = re.compile(r"^\s*\d+,\d{1,2}\s*$")

RowErrors = dict[str, list[str]]
Progress = Callable[[int, int], None]


# --- Export ---------------------------------------------------------------------------------


def neutralise(value: str) -> str:
    """`value` made safe for a spreadsheet: a leading `'` when it would start a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def export_filename(day: date) -> str:
    return f"equipment-{day.isoformat()}.csv"


def iter_equipment_rows(session: Session, actor: Actor, **filters: Any) -> Iterator[dict[str, Any]]:
    """Every row `list_equipment` would list with these filters (its keyword arguments:
    search, category_id, sort, ...), in its order, read EXPORT_CHUNK rows at a time. Needs
    `equipment:read`; raises ValidationFailed for filters the list refuses."""
    page = 1
    while True:
        result = equipment_service.list_equipment(
            session, actor, PageRequest(page=page, page_size=EXPORT_CHUNK), **filters
        )
        yield from result.items
        if page * EXPORT_CHUNK >= result.total or not result.items:
            return
        page += 1


def _export_cells(row: Mapping[str, Any]) -> list[str]:
    values = {
        "asset_code": row.get("asset_code"),
        "name": row.get("name"),
        "description": row.get("description"),
        "category": row.get("category_name"),
        "subcategory": row.get("subcategory_name"),
        "type": row.get("item_type"),
        "quantity": row.get("quantity"),
        "good": row.get("qty_good"),
        "damaged": row.get("qty_damaged"),
        "maintenance": row.get("qty_maintenance"),
        "status": row.get("status"),
        "location": row.get("location"),
        "daily_rate": row.get("daily_rate"),
        "low_stock_threshold": row.get("low_stock_threshold"),
    }
    return [neutralise("" if values[key] is None else str(values[key])) for key, _ in COLUMNS]


def export_equipment_csv(session: Session, actor: Actor, **filters: Any) -> bytes:
    """The equipment matching `filters` (the keyword arguments of `list_equipment`, paging
    excepted) as CSV bytes: UTF-8 with BOM, comma separated, CRLF line ends, one header row
    (COLUMNS), formula-like text cells prefixed with `'`. Needs `equipment:read` (Forbidden /
    Unauthorized otherwise); ValidationFailed for a refused filter or sort."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in COLUMNS])
    for row in iter_equipment_rows(session, actor, **filters):
        writer.writerow(_export_cells(row))
    return buffer.getvalue().encode("utf-8")


def csv_template() -> bytes:
    """An empty import file: the header row and one example line (UTF-8 with BOM)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in COLUMNS])
    example = {
        "name": "Wireless handheld microphone",
        "description": "Digital UHF, with charger",
        "category": "Audio",
        "subcategory": "",
        "type": "equipment",
        "quantity": "4",
        "good": "4",
        "damaged": "0",
        "maintenance": "0",
        "location": "Aisle A · Shelf 1",
        "daily_rate": "25.00",
        "low_stock_threshold": "1",
    }
    writer.writerow([example.get(key, "") for key, _ in COLUMNS])
    return buffer.getvalue().encode("utf-8")


# --- Parsing --------------------------------------------------------------------------------


@dataclass
class ParsedFile:
    """The decoded file: column key per header position, and the data rows as
    (spreadsheet row number, {column key: cell text}); blank lines are skipped."""

    columns: list[str | None]
    ignored_columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    delimiter: str


def _file_error(message: str) -> ValidationFailed:
    return ValidationFailed({"file": [message]}, message)


def _decode(data: bytes) -> str:
    if not isinstance(data, bytes | bytearray):
        raise _file_error("No file received.")
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1_048_576} MB. Split it into smaller files."
        )
    try:
        text = bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _file_error(
            f"The file is not UTF-8 text (unreadable byte at position {exc.start}). "
            "Save it as “CSV UTF-8” and upload it again."
        ) from None
    return text.removeprefix(BOM)


def _sniff_delimiter(text: str) -> str:
    """`;` when the header line has more semicolons than commas outside quotes (as written
    by spreadsheet programs in locales with a decimal comma), else `,`."""
    header = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    return ";" if header.count(";") > header.count(",") else ","


def _unquote(cell: str) -> str:
    """Undo the export's formula guard: `'=x` -> `=x` (any other leading quote is kept)."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def parse_csv(data: bytes) -> ParsedFile:
    """Decode and split the file; raises ValidationFailed({"file": [...]}) for a file that
    is not UTF-8, too large, malformed, without a header, with duplicate or missing required
    columns, without data rows, or with more than MAX_ROWS rows."""
    text = _decode(data)
    if not text.strip():
        raise _file_error("The file is empty.")
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise _file_error(f"The header row cannot be read: {exc}.") from None
    columns: list[str | None] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for raw in header:
        label = raw.strip().removeprefix(BOM)
        key = HEADER_ALIASES.get(re.sub(r"[^a-z0-9]", "", label.lower()))
        if key is not None and key in seen:
            raise _file_error(
                f"Columns “{seen[key]}” and “{label}” both mean {HEADERS[key]}; keep one."
            )
        if key is None and label:
            ignored.append(label)
        if key is not None:
            seen[key] = label
        columns.append(key)
    missing = [HEADERS[key] for key in REQUIRED_COLUMNS if key not in seen]
    if missing:
        raise _file_error(
            f"Missing required column(s): {', '.join(missing)}. The first row must name the "
            f"columns, e.g. {', '.join(HEADERS[k] for k in REQUIRED_COLUMNS)}."
        )
    rows: list[tuple[int, dict[str, str]]] = []
    row_number = 1
    try:
        for cells in reader:
            row_number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise _file_error(
                    f"The file has more than {MAX_ROWS:,} rows; split it into smaller files."
                )
            values = {
                key: _unquote(cell)
                for key, cell in zip(columns, cells, strict=False)
                if key is not None
            }
            extra = [cell for cell in cells[len(columns) :] if cell.strip()]
            if extra:
                values["__extra__"] = str(len(cells))
            rows.append((row_number, values))
    except csv.Error as exc:
        raise _file_error(f"Row {row_number} cannot be read: {exc}.") from None
    if not rows:
        raise _file_error("The file has a header but no item rows.")
    return ParsedFile(columns, ignored, rows, delimiter)


# --- Validation -----------------------------------------------------------------------------


@dataclass
class ImportPreview:
    """What an import would do: row counts, every row's errors (spreadsheet row number,
    {column key: [messages]}), the first rows as read, the columns recognised and ignored."""

    total_rows: int
    valid_count: int
    errors: list[tuple[int, RowErrors]] = field(default_factory=list)
    sample: list[dict[str, str]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRowsFailed(ValidationFailed):
    """Rows of an import broke rules; nothing was written. `rows` lists (row number,
    {column: [messages]}), `total` the rows in the file; `details` is
    {"rows": {"<row>": {column: [messages]}}}."""

    def __init__(self, rows: list[tuple[int, RowErrors]], total: int) -> None:
        message = f"{len(rows)} of {total} row(s) have errors; nothing was imported."
        DomainError.__init__(self, message, {"rows": {str(n): errs for n, errs in rows}})
        self.rows = rows
        self.total = total


@dataclass
class _Lookups:
    categories: dict[str, Category]  # lower-case name -> category
    subcategories: dict[tuple[uuid.UUID, str], Subcategory]  # (category id, lower name)


def _lookups(session: Session) -> _Lookups:
    categories = {c.name.strip().lower(): c for c in session.exec(select(Category)).all()}
    subs = {(s.category_id, s.name.strip().lower()): s for s in session.exec(select(Subcategory))}
    return _Lookups(categories, subs)


def _input_of(
    values: Mapping[str, str], lookups: _Lookups
) -> tuple[dict[str, Any], dict[str, Any], RowErrors]:
    """One CSV row as create_equipment input: (data, base, lookup errors). Empty optional
    cells are left out so the service's defaults apply; the category id goes into `base`
    (the import locks its categories once, instead of once per row)."""
    errors: RowErrors = {}
    data: dict[str, Any] = {}
    for column, input_field in INPUT_FIELDS.items():
        cell = values.get(column, "").strip()
        if column in REQUIRED_COLUMNS or cell:
            data[input_field] = cell
    if "type" in data:
        data["type"] = data["type"].lower()
    rate = data.get("daily_rate")
    if isinstance(rate, str) and _DECIMAL_COMMA.match(rate):
        data["daily_rate"] = rate.replace(",", ".")
    base: dict[str, Any] = {"category_id": None}
    category_name = values.get("category", "").strip()
    category = lookups.categories.get(category_name.lower()) if category_name else None
    if category_name and category is None:
        errors["category"] = [f"Category “{category_name}” does not exist."]
    if category is not None:
        base["category_id"] = category.id
    sub_name = values.get("subcategory", "").strip()
    if sub_name and category is not None:
        sub = lookups.subcategories.get((category.id, sub_name.lower()))
        if sub is None:
            errors["subcategory"] = [
                f"Subcategory “{sub_name}” does not exist in category “{category.name}”."
            ]
        else:
            data["subcategory_id"] = sub.id
    if "__extra__" in values:
        errors["row"] = [f"The row has {values['__extra__']} cells, more than the header."]
    return data, base, errors


def _merge(into: RowErrors, fields: Mapping[str, list[str]]) -> None:
    for name, messages in fields.items():
        column = ERROR_FIELDS.get(name, name)
        into.setdefault(column, []).extend(m for m in messages if m not in into.get(column, []))


@dataclass
class _Checked:
    parsed: ParsedFile
    errors: list[tuple[int, RowErrors]]
    cleaned: list[tuple[dict[str, Any], Category]]  # create values and category, valid rows


def _check_rows(
    session: Session,
    actor: Actor,
    parsed: ParsedFile,
    lookups: _Lookups,
    progress: Callable[[int], None] | None = None,
) -> _Checked:
    """Validate every row with `_clean_equipment` (create rules), plus lookups and
    duplicate asset codes within the file. `progress(done)` after each VALIDATE_CHUNK."""
    may_set_codes = actor.role in equipment_service.ASSET_CODE_EDITORS
    first_row_of_code: dict[str, int] = {}
    errors: list[tuple[int, RowErrors]] = []
    cleaned: list[tuple[dict[str, Any], Category]] = []
    for done, (row_number, values) in enumerate(parsed.rows, start=1):
        data, base, row_errors = _input_of(values, lookups)
        code = str(data.get("asset_code", "")).strip().upper()
        if code:
            if not may_set_codes:
                try:
                    equipment_service._require_asset_code_editor(actor)
                except Forbidden as exc:
                    row_errors["asset_code"] = [f"{exc.message} Leave the column empty."]
                data.pop("asset_code")
            elif code in first_row_of_code:
                row_errors["asset_code"] = [
                    f"Asset code {code} is also used on row {first_row_of_code[code]}."
                ]
                data.pop("asset_code")
            else:
                first_row_of_code[code] = row_number
        try:
            out, category = equipment_service._clean_equipment(session, actor, data, base)
        except ValidationFailed as exc:
            fields = dict(exc.fields)
            if "category" in row_errors:  # already named; "required" would only confuse
                fields.pop("category_id", None)
            _merge(row_errors, fields)
        else:
            if not row_errors and category is not None:
                cleaned.append((out, category))
        if row_errors:
            errors.append((row_number, row_errors))
        if progress is not None and done % VALIDATE_CHUNK == 0:
            progress(done)
    return _Checked(parsed, errors, cleaned)


def _sample(parsed: ParsedFile) -> list[dict[str, str]]:
    keys = [key for key, _label in COLUMNS]
    return [
        {"row": str(n), **{k: values.get(k, "") for k in keys}}
        for n, values in parsed.rows[:SAMPLE_ROWS]
    ]


def preview_equipment_csv(session: Session, actor: Actor, data: bytes) -> ImportPreview:
    """What importing `data` would do, without writing anything. Needs `equipment:write`.

    Raises ValidationFailed({"file": [...]}) for a file-level problem (see `parse_csv`);
    row problems are returned in the preview. Takes no locks. RateLimited past the per-user
    upload limit."""
    require(actor, "equipment:write")
    rate_limits.count_upload(actor.user_id)
    parsed = parse_csv(data)
    checked = _check_rows(session, actor, parsed, _lookups(session))
    return ImportPreview(
        total_rows=len(parsed.rows),
        valid_count=len(parsed.rows) - len(checked.errors),
        errors=checked.errors,
        sample=_sample(parsed),
        columns=[HEADERS[key] for key, _ in COLUMNS if key in set(parsed.columns)],
        ignored_columns=parsed.ignored_columns,
    )


# --- Import ---------------------------------------------------------------------------------


def _allocate_codes(
    session: Session, cleaned: list[tuple[dict[str, Any], Category]]
) -> list[dict[str, Any]]:
    """Fill in the asset codes of rows without one: per category prefix (under the same
    advisory lock as `create_equipment`), numbered on from the highest number in use in the
    database or in the file."""
    taken_in_file = {values["asset_code"] for values, _ in cleaned if "asset_code" in values}
    counters: dict[str, int] = {}
    result: list[dict[str, Any]] = []
    for values, category in cleaned:
        if "asset_code" not in values:
            prefix = equipment_service.category_prefix(category.name)
            if prefix not in counters:
                equipment_service._lock_prefix(session, prefix)
                next_code = equipment_service.next_asset_code(session, prefix)
                highest = int(next_code.rsplit("-", 1)[1]) - 1
                for code in taken_in_file:
                    tail = code[len(prefix) + 1 :]
                    if code.startswith(prefix + "-") and tail.isdigit():
                        highest = max(highest, int(tail))
                counters[prefix] = highest
            counters[prefix] += 1
            values = {**values, "asset_code": f"{prefix}-{counters[prefix]:04d}"}
        result.append(values)
    return result


def _item_row(values: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """Every column of a new item: the validated values plus what the model would default."""
    now = utcnow()
    row: dict[str, Any] = dict.fromkeys(EquipmentItem.model_fields)
    row.update(
        values,
        id=uuid.uuid4(),
        version=1,
        created_at=now,
        updated_at=now,
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    return row


def _audit_row(item: Mapping[str, Any], actor: Actor) -> dict[str, Any]:
    """The `create` audit row of a new item, as `writes.record_created` would write it."""
    return {
        "id": uuid.uuid4(),
        "actor_id": actor.user_id,
        "actor_username": actor.username,
        "action": "create",
        "entity_type": "equipment",
        "entity_id": str(item["id"]),
        "old_values": None,
        "new_values": {name: json_value(value) for name, value in item.items()},
        "ip": actor.ip,
        "user_agent": (actor.user_agent or "")[:255] or None,
        "at": utcnow(),
    }


def import_equipment_csv(
    session: Session, actor: Actor, data: bytes, *, progress: Progress | None = None
) -> int:
    """Create every item of the CSV file, or none. Needs `equipment:write`; returns the number
    of items created.

    Runs in the caller's transaction (`db.transaction`). Locks: each category named in the
    file (FOR UPDATE on PostgreSQL, so none is deleted meanwhile) and the per-prefix asset
    code lock of `create_equipment` for generated codes. Rows are validated like
    `preview_equipment_csv`; any row error raises ImportRowsFailed (a ValidationFailed with
    every row's messages) and nothing is written. Items are inserted INSERT_CHUNK at a time,
    each with its own `create` audit row (new = every column); ONE change (entity
    "equipment", action "import", id "") is published on the bus after commit, not one per
    item. `progress(done, total)` is called as work advances: validation and writing each
    count for half of `total` (= the number of rows), and the last call is (total, total).

    Raises ValidationFailed({"file": [...]}) for file problems, ImportRowsFailed, Forbidden,
    Unauthorized."""
    require(actor, "equipment:write")
    parsed = parse_csv(data)
    total = len(parsed.rows)

    def report(done: int) -> None:
        if progress is not None:
            progress(min(done, total), total)

    report(0)
    lookups = _lookups(session)
    named = {values.get("category", "").strip().lower() for _n, values in parsed.rows}
    used = sorted(c.id for name, c in lookups.categories.items() if name in named)
    if used:
        # Locked before validation, so no category of the file can be deleted meanwhile.
        session.exec(select(Category.id).where(col(Category.id).in_(used)).with_for_update()).all()
    checked = _check_rows(session, actor, parsed, lookups, lambda n: report(n // 2))
    if checked.errors:
        raise ImportRowsFailed(checked.errors, total)
    rows = _allocate_codes(session, checked.cleaned)
    written = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        items = [_item_row(values, actor) for values in rows[start : start + INSERT_CHUNK]]
        try:
            # Core multi-row INSERTs: building ORM objects would cost more than the insert.
            session.execute(sa.insert(EquipmentItem.__table__), items)  # type: ignore[attr-defined]
            session.execute(
                sa.insert(AuditLog.__table__),  # type: ignore[attr-defined]
                [_audit_row(item, actor) for item in items],
            )
        except sa_exc.IntegrityError as exc:
            raise _file_error(
                "Someone changed the catalogue meanwhile (an asset code was taken or a "
                "subcategory removed); preview the file again."
            ) from exc
        written += len(items)
        report(total // 2 + written // 2)
    changes.record(
        session,
        changes.Change(
            entity="equipment", action="import", id="", actor=actor.username, actorName=actor.name
        ),
    )
    report(total)
    return written
