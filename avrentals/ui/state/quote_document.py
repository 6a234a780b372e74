"""The quote builder's document as the browser edits it, and its translation to and from the
quote service (pure functions, no I/O).

The form keeps every value as the string the user typed: a header dict (`HEADER_FIELDS`) and
a list of line dicts (`LINE_KEYS`). `service_values` turns them into the snake_case values
`quotes.create_quote` / `update_quote` / `preview_totals` take (tax typed as a percentage,
sent as a fraction); `split_errors` maps the service's ValidationFailed keys (`name`,
`items[2].quantity`, ...) back onto the inputs. Totals are never computed here: `totals_view`
only formats what the service returned.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from avrentals.i18n import DEFAULT_LANGUAGE
from avrentals.ui.state.formatting import format_eur, text

# (field, label key) of the header in form order; "tax_percent" is the service's tax_rate x 100.
HEADER: tuple[tuple[str, str], ...] = (
    ("name", "quotes.field.name"),
    ("location", "quotes.field.location"),
    ("client_id", "quotes.field.client"),
    ("client_name", "quotes.field.client_name"),
    ("client_email", "quotes.field.client_email"),
    ("client_phone", "quotes.field.client_phone"),
    ("client_address", "quotes.field.client_address"),
    ("start_date", "quotes.field.start_date"),
    ("end_date", "quotes.field.end_date"),
    ("discount_value", "quotes.field.discount"),
    ("discount_type", "quotes.field.discount_type"),
    ("tax_percent", "quotes.field.tax_percent"),
    ("notes", "quotes.field.notes"),
)
HEADER_FIELDS = tuple(f for f, _label in HEADER)
# Error keys of the service that land on another input of the form.
ERROR_FIELD = {"tax_rate": "tax_percent", "items": "lines"}
ERROR_FIELDS = (*HEADER_FIELDS, "lines")
LINE_KEYS = (
    "key",
    "item_type",
    "ref_id",
    "description",
    "quantity",
    "unit_price",
    "fee_type",
    "days",
    "line_total",
    "available",
    "short",
    "over",
    "free",
    "bookable",
    "err_description",
    "err_quantity",
    "err_unit_price",
    "err_line",
)
REF_FIELD = {"equipment": "equipment_id", "service": "service_id", "fee": "fee_id"}
# Line error keys of the service (`items[i].<field>`) -> the line's message slot.
LINE_ERROR_KEYS = {
    "description": "err_description",
    "quantity": "err_quantity",
    "unit_price": "err_unit_price",
}
READ_ONLY_STATUSES = frozenset({"Accepted", "Declined", "Archived"})
COMPARED = (*HEADER, ("lines", "quotes.field.lines"))


def new_key() -> str:
    return uuid.uuid4().hex[:12]


def blank_header(today: date, tax_rate: Any) -> dict[str, str]:
    """A new quote: a week from today for one day, fixed discount 0, the default tax."""
    start = today + timedelta(days=7)
    values = dict.fromkeys(HEADER_FIELDS, "")
    values |= {
        "start_date": start.isoformat(),
        "end_date": start.isoformat(),
        "discount_value": "0",
        "discount_type": "fixed",
        "tax_percent": percent_text(tax_rate),
    }
    return values


def percent_text(rate: Any) -> str:
    """A fraction as the percentage the form shows: 0.23 -> "23", 0.0625 -> "6.25"."""
    try:
        value = Decimal(str(rate)) * 100
    except (InvalidOperation, ValueError):
        return ""
    shown = format(value.normalize(), "f")
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


def decimal_text(value: Any) -> str:
    """A stored amount as an input shows it: "45.00" -> "45", "12.50" -> "12.5"."""
    raw = text(value)
    if "." in raw:
        raw = raw.rstrip("0").rstrip(".")
    return raw


def header_from_payload(payload: Mapping[str, Any]) -> dict[str, str]:
    values = {f: text(payload.get(f)) for f in HEADER_FIELDS if f != "tax_percent"}
    values["tax_percent"] = percent_text(payload.get("tax_rate"))
    values["discount_value"] = decimal_text(payload.get("discount_value")) or "0"
    values["discount_type"] = text(payload.get("discount_type")) or "fixed"
    return values


def availability_labels(available: Any, bookable: Any, quantity: Any) -> tuple[str, str, str]:
    """("Available X of Y for these dates", "X of Y free", "1" when the quantity asks for
    more than X) of an equipment line; blanks when the figure is unknown."""
    if available is None or bookable is None or available == "" or bookable == "":
        return "", "", ""
    try:
        free, good = int(available), int(bookable)
    except (TypeError, ValueError):
        return "", "", ""
    try:
        over = "1" if int(str(quantity).strip()) > free else ""
    except ValueError:
        over = ""
    return f"Available {free} of {good} for these dates", f"available {free} of {good}", over


def make_line(
    item_type: str,
    ref_id: str,
    description: str,
    unit_price: Any,
    *,
    quantity: str = "1",
    fee_type: str = "",
    available: Any = None,
    bookable: Any = None,
) -> dict[str, str]:
    line = dict.fromkeys(LINE_KEYS, "")
    line |= {
        "key": new_key(),
        "item_type": item_type,
        "ref_id": ref_id,
        "description": description,
        "quantity": quantity,
        "unit_price": decimal_text(unit_price) or "0",
        "fee_type": fee_type if item_type == "fee" else "",
        "bookable": "" if bookable is None else str(bookable),
        "free": "" if available is None else str(available),
    }
    return relabel(line)


def relabel(line: dict[str, str]) -> dict[str, str]:
    """Recompute a line's availability labels after its quantity or figures changed."""
    if line.get("item_type") != "equipment":
        return line | {"available": "", "short": "", "over": ""}
    full, short, over = availability_labels(
        line.get("free"), line.get("bookable"), line["quantity"]
    )
    return line | {"available": full, "short": short, "over": over}


def lines_from_payload(
    items: list[Mapping[str, Any]], language: str = DEFAULT_LANGUAGE
) -> list[dict[str, str]]:
    """A saved quote's items as the form's lines (line totals as money in `language`)."""
    out = []
    for item in sorted(items, key=lambda i: int(i.get("position") or 0)):
        item_type = text(item.get("item_type"))
        line = make_line(
            item_type,
            text(item.get(REF_FIELD.get(item_type, ""), "")),
            text(item.get("description")),
            item.get("unit_price"),
            quantity=text(item.get("quantity")) or "1",
            fee_type=text(item.get("fee_type")),
            available=item.get("available"),
            bookable=item.get("bookable"),
        )
        line["days"] = text(item.get("days"))
        total = item.get("line_total")
        line["line_total"] = format_eur(total, language) if total else ""
        out.append(line)
    return out


# The key of the message (the form shows it with `t()`).
TAX_NUMBER = "quotes.error.tax_number"


def tax_fraction(percent: str) -> tuple[str | None, str]:
    """(the fraction to send, an error key): "23" -> "0.23"; blank sends nothing (the
    default)."""
    raw = percent.strip().replace(",", ".").rstrip("%").strip()
    if not raw:
        return None, ""
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, TAX_NUMBER
    if not value.is_finite():
        return None, TAX_NUMBER
    return format((value / 100).normalize(), "f"), ""


def service_values(
    header: Mapping[str, str], lines: list[Mapping[str, str]]
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values for the quote service, errors found before it could be asked): the typed
    strings as they are (the service parses and judges them) except the tax percentage."""
    values: dict[str, Any] = {f: header.get(f, "") for f in HEADER_FIELDS if f != "tax_percent"}
    values["client_id"] = header.get("client_id") or None
    rate, error = tax_fraction(header.get("tax_percent", ""))
    if rate is not None:
        values["tax_rate"] = rate
    items = []
    for line in lines:
        item_type = line.get("item_type", "")
        item: dict[str, Any] = {
            "item_type": item_type,
            "description": line.get("description", ""),
            "quantity": line.get("quantity", "").strip(),
            "unit_price": line.get("unit_price", "").strip().replace(",", "."),
        }
        if item_type in REF_FIELD and line.get("ref_id"):
            item[REF_FIELD[item_type]] = line["ref_id"]
        if item_type == "fee" and line.get("fee_type"):
            item["fee_type"] = line["fee_type"]
        items.append(item)
    values["items"] = items
    return values, ({"tax_percent": error} if error else {})


def split_errors(
    fields: Mapping[str, list[str]], line_count: int
) -> tuple[dict[str, str], dict[int, dict[str, str]], str]:
    """The service's field messages as (header errors by input, line errors by index and
    line key, the rest joined)."""
    header = dict.fromkeys(ERROR_FIELDS, "")
    lines: dict[int, dict[str, str]] = {}
    other: list[str] = []
    for key, messages in fields.items():
        if not messages:
            continue
        message = messages[0]
        if key.startswith("items[") and "]" in key:
            index_text, _, rest = key[len("items[") :].partition("]")
            field = rest.lstrip(".")
            if index_text.isdigit() and int(index_text) < line_count:
                slot = LINE_ERROR_KEYS.get(field, "err_line")
                found = lines.setdefault(int(index_text), {})
                found.setdefault(slot, message)
                continue
        target = ERROR_FIELD.get(key, key)
        if target in header:
            header[target] = header[target] or message
        else:
            other.append(message)
    return header, lines, " ".join(other)


def with_line_errors(
    lines: list[dict[str, str]], errors: Mapping[int, Mapping[str, str]]
) -> list[dict[str, str]]:
    blank = {k: "" for k in ("err_description", "err_quantity", "err_unit_price", "err_line")}
    return [line | blank | dict(errors.get(i, {})) for i, line in enumerate(lines)]


def with_line_totals(
    lines: list[dict[str, str]],
    priced: list[Mapping[str, Any]],
    language: str = DEFAULT_LANGUAGE,
) -> list[dict[str, str]]:
    """The server's days and line totals (money in `language`) on the form's lines (same
    order as sent)."""
    if len(priced) != len(lines):
        return lines
    return [
        line
        | {"days": text(p.get("days")), "line_total": format_eur(p.get("line_total"), language)}
        for line, p in zip(lines, priced, strict=True)
    ]


def totals_view(
    totals: Mapping[str, Any], header: Mapping[str, str], language: str = DEFAULT_LANGUAGE
) -> dict[str, str]:
    """The breakdown as display strings, from the service's figures only (money in
    `language`; the English `*_label`s are the reference, the page words the labels itself
    from `discount_rate` / `tax_rate`)."""
    try:
        sub = Decimal(str(totals.get("sub_total", "0")))
        discount = Decimal(str(totals.get("discount_amount", "0")))
        net = format_eur(sub - discount, language)
    except (InvalidOperation, ValueError):
        net = "—"
    pct = header.get("discount_type") == "percentage"
    rate = percent_text(totals.get("tax_rate")) if totals.get("tax_rate") is not None else ""
    rate = rate or header.get("tax_percent", "")
    discount_value = decimal_text(header.get("discount_value", ""))
    return {
        "sub_total": format_eur(totals.get("sub_total", "0"), language),
        "discount": format_eur(totals.get("discount_amount", "0"), language),
        "discount_label": f"Discount ({discount_value} %)" if pct else "Discount",
        # what the labels above are made of, for the page to word them in the tab's language
        "discount_rate": discount_value if pct else "",
        "tax_rate": rate,
        "net": net,
        "fees": format_eur(totals.get("fees_total", "0"), language),
        "tax": format_eur(totals.get("tax_amount", "0"), language),
        "tax_label": f"Tax ({rate} %)" if rate else "Tax",
        "total": format_eur(totals.get("total", "0"), language),
    }


def lines_summary(lines: list[Mapping[str, Any]]) -> str:
    """One line of text per document's lines, for the conflict comparison."""
    return "; ".join(
        f"{text(line.get('quantity'))} x {text(line.get('description'))}" for line in lines
    )


def compare_values(header: Mapping[str, str], lines: list[Mapping[str, Any]]) -> dict[str, str]:
    """The document as the flat strings the conflict comparison shows."""
    return {f: header.get(f, "") for f in HEADER_FIELDS} | {"lines": lines_summary(lines)}


def merge_mine(
    mine: tuple[dict[str, str], list[dict[str, str]]],
    original: tuple[dict[str, str], list[dict[str, str]]],
    saved: tuple[dict[str, str], list[dict[str, str]]],
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """ "Apply my changes on top": each header field this user changed, and their lines if
    they changed any, over the saved document; the other person's other edits stay."""
    header = dict(saved[0])
    for field in HEADER_FIELDS:
        if mine[0].get(field, "").strip() != original[0].get(field, "").strip():
            header[field] = mine[0].get(field, "")
    lines = mine[1] if lines_summary(mine[1]) != lines_summary(original[1]) else saved[1]
    return header, lines


def parse_id(value: Any) -> str:
    """A UUID string from untrusted input (at most 64 characters), else ""."""
    if not isinstance(value, str) or not value or len(value) > 64:
        return ""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""
