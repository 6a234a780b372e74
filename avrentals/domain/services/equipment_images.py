"""Equipment photos: set (upload or replace) and remove an item's photo.

The checks, re-encoding and files are `avrentals.domain.media_store`'s; this module adds the
rules of an equipment edit: permission `equipment:write`, the item row locked, an optional
expected `version`, one compare-and-swap that bumps the version, audits old -> new `image`
and records an "equipment" change (published after commit by `db.transaction`).
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from avrentals.domain import media_store, rate_limits
from avrentals.domain.errors import NotFound
from avrentals.domain.media_store import image_urls
from avrentals.domain.models import EquipmentItem
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version

__all__ = ["image_urls", "remove_equipment_image", "set_equipment_image"]


def _locked_item(session: Session, item_id: uuid.UUID, version: int | None) -> EquipmentItem:
    # FOR UPDATE (PostgreSQL) so the swap below cannot lose to a concurrent edit when the
    # caller sent no version; SQLite write transactions are already serialised.
    item = session.get(EquipmentItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound("Equipment item not found.")
    check_version(item, version, "equipment")
    return item


def set_equipment_image(
    session: Session,
    actor: Actor,
    item_id: uuid.UUID,
    data: bytes,
    *,
    version: int | None = None,
) -> EquipmentItem:
    """Give the item the photo in `data` (replacing any previous one). Needs
    `equipment:write`.

    The upload is checked from its content and re-encoded first (`media_store.process_image`:
    <= 5 MB, JPEG/PNG/WebP only, metadata stripped, photo <= 1600 px and a thumbnail), so a
    refused file writes nothing. Then the item row is locked, `version` (when given) checked,
    the two files written and the item's `image` swapped to the new stored name. Uploading
    the photo it already has changes nothing. Files of a rolled-back transaction stay on disk
    unreferenced (harmless, see media_store).

    Raises Forbidden, ValidationFailed {"image": [...]}, NotFound, VersionConflict (with the
    saved item) when `version` is stale; RateLimited past the per-user upload limit."""
    require(actor, "equipment:write")
    rate_limits.count_upload(actor.user_id)
    processed = media_store.process_image(data)
    item = _locked_item(session, item_id, version)
    name = media_store.store(processed)
    if item.image == name:
        return item
    return compare_and_swap(
        session, EquipmentItem, item_id, item.version, {"image": name}, actor, entity="equipment"
    )


def remove_equipment_image(
    session: Session,
    actor: Actor,
    item_id: uuid.UUID,
    *,
    version: int | None = None,
) -> EquipmentItem:
    """Take the photo off the item. Needs `equipment:write`. Locks the item row, checks
    `version` when given and clears `image` with one compare-and-swap (audited, published).
    An item without a photo is returned unchanged. The files stay on disk (another item may
    show the same photo).

    Raises Forbidden, NotFound, VersionConflict (with the saved item)."""
    require(actor, "equipment:write")
    item = _locked_item(session, item_id, version)
    if item.image is None:
        return item
    return compare_and_swap(
        session, EquipmentItem, item_id, item.version, {"image": None}, actor, entity="equipment"
    )
