"""The fee catalogue (DESIGN §4, §6): fees put on quotes, either a fixed amount or a
percentage of the quote's discounted sub-total (insurance, delivery, surcharges).

Rules (besides the common ones of `catalogue.py`: unique name 1-100, description <= 500,
category <= 50, no hard delete): `amount` >= 0 with two decimals (required); `fee_type`
"fixed" (default) or "percentage", and a percentage is at most 100 — checked on the
resulting row, so changing only the type of a 150.00 fixed fee to a percentage is refused
on `amount`. `is_required` fees (active ones) are added to every new quote
(`required_fees`).

Permissions: `fees:read` / `fees:write`. Every write runs in the caller's transaction,
writes one audit row and records one change (entity "fee") published after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from avrentals.domain import validation as v
from avrentals.domain.enums import DiscountType
from avrentals.domain.models import Fee
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import catalogue as common

MAX_PERCENTAGE = Decimal("100")

SORTS: dict[str, Any] = {
    "name": Fee.name,
    "amount": Fee.amount,
    "feeType": Fee.fee_type,
    "category": Fee.category,
    "isRequired": Fee.is_required,
    "createdAt": Fee.created_at,
    "updatedAt": Fee.updated_at,
}


def _clean_own(
    errors: v.Errors, data: Mapping[str, Any], saved: Mapping[str, Any], creating: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if creating or "amount" in data:
        out["amount"] = v.money(errors, "amount", data.get("amount"), label="Amount")
    if creating or "fee_type" in data:
        raw = data.get("fee_type")
        if creating and raw in (None, ""):
            raw = DiscountType.FIXED.value
        out["fee_type"] = v.enum_value(errors, "fee_type", raw, DiscountType, label="Type")
    if "is_required" in data:
        out["is_required"] = common.flag(
            errors, "is_required", data["is_required"], label="Required"
        )
    elif creating:
        out["is_required"] = False
    amount = out["amount"] if "amount" in out else saved.get("amount")
    fee_type = out["fee_type"] if "fee_type" in out else saved.get("fee_type")
    if fee_type == DiscountType.PERCENTAGE and amount is not None and amount > MAX_PERCENTAGE:
        errors.add("amount", "A percentage fee can be at most 100.")
    return out


FEES: common.Catalogue[Fee] = common.Catalogue(
    model=Fee,
    entity="fee",
    label="Fee",
    read_permission="fees:read",
    write_permission="fees:write",
    fields=(*common.COMMON_FIELDS, "amount", "fee_type", "is_required"),
    sorts=SORTS,
    clean_own=_clean_own,
)


def fee_row(fee: Fee) -> dict[str, Any]:
    """A fee as plain JSON-ready values (every column; amount as "3.00")."""
    return snapshot(fee)


def list_fees(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    status: str = "all",
    category: str | None = None,
    required: bool | None = None,
    sort: str = "name",
    descending: bool = False,
) -> Page[dict[str, Any]]:
    """One page of fees (see `catalogue.list_rows`; `required` True/False narrows to
    required / optional fees). Needs `fees:read`; raises ValidationFailed for a sort key or
    status outside the allow-lists."""
    conditions = () if required is None else (col(Fee.is_required).is_(required),)
    return common.list_rows(
        session,
        actor,
        FEES,
        paging,
        search=search,
        status=status,
        category=category,
        sort=sort,
        descending=descending,
        conditions=conditions,
    )


def fee_categories(session: Session, actor: Actor) -> list[str]:
    """Distinct fee categories, alphabetically. Needs `fees:read`."""
    return common.categories(session, actor, FEES)


def get_fee(session: Session, actor: Actor, fee_id: uuid.UUID) -> Fee:
    """The fee. Needs `fees:read`; raises NotFound."""
    return common.get_row(session, actor, FEES, fee_id)


def create_fee(session: Session, actor: Actor, data: Mapping[str, Any]) -> Fee:
    """Create a fee (`name` and `amount` required; `fee_type` default "fixed",
    `is_required` default false, `is_active` default true). Needs `fees:write`. Raises
    ValidationFailed (field messages, duplicate name included), Forbidden."""
    return common.create(session, actor, FEES, data)


def update_fee(
    session: Session, actor: Actor, fee_id: uuid.UUID, version: int, data: Mapping[str, Any]
) -> Fee:
    """Change the given fields of a fee (versioned; `is_active` only through deactivate /
    activate). Needs `fees:write`. Raises NotFound, VersionConflict (saved row),
    ValidationFailed, Forbidden."""
    return common.update(session, actor, FEES, fee_id, version, data)


def deactivate_fee(session: Session, actor: Actor, fee_id: uuid.UUID, version: int) -> Fee:
    """Stop offering a fee (and stop adding it to new quotes when required); versioned,
    quotes that have it keep their lines. Needs `fees:write`. Raises NotFound,
    VersionConflict, Forbidden."""
    return common.set_active(session, actor, FEES, fee_id, version, False)


def activate_fee(session: Session, actor: Actor, fee_id: uuid.UUID, version: int) -> Fee:
    """Offer a deactivated fee again (versioned). Needs `fees:write`. Raises NotFound,
    VersionConflict, Forbidden."""
    return common.set_active(session, actor, FEES, fee_id, version, True)


def required_fees(session: Session) -> list[Fee]:
    """The fees every new quote starts with: active and required, by name. No permission
    check: the quote builder calls it inside a write it has already authorised."""
    stmt = (
        select(Fee)
        .where(col(Fee.is_active).is_(True), col(Fee.is_required).is_(True))
        .order_by(col(Fee.name), col(Fee.id))
    )
    return list(session.exec(stmt).all())
