"""The service catalogue (DESIGN §4, §6): billable services put on quotes (crew, transport,
programming), each priced per unit.

Rules (besides the common ones of `catalogue.py`: unique name 1-100, description <= 500,
category <= 50, no hard delete): `unit_price` >= 0 with two decimals (required);
`unit` one of UNITS (default "day"). Deactivated services stay on the list and on the quotes
that use them, but the quote builder offers only active ones.

Permissions: `services:read` / `services:write`. Every write runs in the caller's
transaction, writes one audit row and records one change (entity "service") published after
commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from avrentals.domain import validation as v
from avrentals.domain.models import Service
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import catalogue as common

UNITS: tuple[str, ...] = ("day", "hour", "unit", "event", "km")
DEFAULT_UNIT = "day"

SORTS: dict[str, Any] = {
    "name": Service.name,
    "unitPrice": Service.unit_price,
    "unit": Service.unit,
    "category": Service.category,
    "createdAt": Service.created_at,
    "updatedAt": Service.updated_at,
}


def _clean_own(
    errors: v.Errors, data: Mapping[str, Any], saved: Mapping[str, Any], creating: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if creating or "unit_price" in data:
        out["unit_price"] = v.money(errors, "unit_price", data.get("unit_price"), label="Price")
    if "unit" in data or creating:
        raw = data.get("unit")
        if creating and raw in (None, ""):
            raw = DEFAULT_UNIT
        out["unit"] = common.choice(errors, "unit", raw, UNITS, label="Unit")
    return out


SERVICES: common.Catalogue[Service] = common.Catalogue(
    model=Service,
    entity="service",
    label="Service",
    read_permission="services:read",
    write_permission="services:write",
    fields=(*common.COMMON_FIELDS, "unit_price", "unit"),
    sorts=SORTS,
    clean_own=_clean_own,
)


def service_row(service: Service) -> dict[str, Any]:
    """A service as plain JSON-ready values (every column; money as "45.00")."""
    return snapshot(service)


def list_services(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    status: str = "all",
    category: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> Page[dict[str, Any]]:
    """One page of services (see `catalogue.list_rows`). Needs `services:read`; raises
    ValidationFailed for a sort key or status outside the allow-lists."""
    return common.list_rows(
        session,
        actor,
        SERVICES,
        paging,
        search=search,
        status=status,
        category=category,
        sort=sort,
        descending=descending,
    )


def service_categories(session: Session, actor: Actor) -> list[str]:
    """Distinct service categories, alphabetically. Needs `services:read`."""
    return common.categories(session, actor, SERVICES)


def get_service(session: Session, actor: Actor, service_id: uuid.UUID) -> Service:
    """The service. Needs `services:read`; raises NotFound."""
    return common.get_row(session, actor, SERVICES, service_id)


def create_service(session: Session, actor: Actor, data: Mapping[str, Any]) -> Service:
    """Create a service (`name` and `unit_price` required; `unit` default "day",
    `is_active` default true). Needs `services:write`. Raises ValidationFailed (field
    messages, duplicate name included), Forbidden."""
    return common.create(session, actor, SERVICES, data)


def update_service(
    session: Session, actor: Actor, service_id: uuid.UUID, version: int, data: Mapping[str, Any]
) -> Service:
    """Change the given fields of a service (versioned; `is_active` only through
    deactivate / activate). Needs `services:write`. Raises NotFound, VersionConflict (saved
    row), ValidationFailed, Forbidden."""
    return common.update(session, actor, SERVICES, service_id, version, data)


def deactivate_service(
    session: Session, actor: Actor, service_id: uuid.UUID, version: int
) -> Service:
    """Stop offering a service on new quotes (versioned; quotes that have it keep their
    lines). Needs `services:write`. Raises NotFound, VersionConflict, Forbidden."""
    return common.set_active(session, actor, SERVICES, service_id, version, False)


def activate_service(
    session: Session, actor: Actor, service_id: uuid.UUID, version: int
) -> Service:
    """Offer a deactivated service again (versioned). Needs `services:write`. Raises
    NotFound, VersionConflict, Forbidden."""
    return common.set_active(session, actor, SERVICES, service_id, version, True)
