"""The item page (/equipment/<id>): all fields, per-status unit counts, upcoming bookings,
maintenance history and audit history (who, when, what changed).

The id comes from the URL, is parsed as a UUID here and read with
`equipment.equipment_detail` in a worker thread with the re-verified Actor. An unknown or
malformed id shows "not found". Live refreshes arrive through `_apply_changes` (called by
`avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session, transaction
from avrentals.domain import media_store
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services import equipment_images, labels
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.details import (
    DetailStateMixin,
    apply_detail_changes,
    parse_or_not_found,
    path_id,
    read_detail,
    read_detail_live,
    refresh_pages,
)
from avrentals.ui.state.equipment import STATUS_KEYS, EquipmentState
from avrentals.ui.state.formatting import format_eur, format_period, format_timestamp, text
from avrentals.ui.state.image_upload import upload_began, upload_ended, upload_refused
from avrentals.ui.state.locale import LocaleState

LIVE_ENTITIES = frozenset({"equipment", "rental", "event", "category", "subcategory"})
# Values -> catalogue keys of their labels (the page renders them with `t(...)`; a value
# without a key is shown as itself).
TYPE_KEYS = {"equipment": "equipment.type.equipment", "consumable": "equipment.type.consumable"}
PREP_KEYS = {
    "pending": "equipment.prep.pending",
    "checked-out": "equipment.prep.out",
    "checked-in": "equipment.prep.returned",
}
MAINTENANCE_KEYS = {
    "open": "equipment.maintenance.status_open",
    "closed": "equipment.maintenance.status_closed",
}
# Audit column names as people read them (catalogue keys).
AUDIT_LABELS = {
    "name": "common.field.name",
    "description": "common.field.description",
    "category_id": "common.field.category",
    "subcategory_id": "equipment.field.subcategory",
    "item_type": "equipment.field.type",
    "quantity": "common.field.quantity",
    "qty_good": "equipment.status.good",
    "qty_damaged": "equipment.status.damaged",
    "qty_maintenance": "equipment.status.maintenance",
    "status": "common.field.status",
    "location": "common.field.location",
    "daily_rate": "equipment.field.daily_rate",
    "asset_code": "equipment.field.asset_code",
    "low_stock_threshold": "equipment.field.low_stock",
}
ACTION_KEYS = {
    "create": "equipment.history.created",
    "update": "equipment.history.changed",
    "delete": "equipment.history.deleted",
}
HIDDEN_AUDIT = {"id", "version", "created_at", "updated_at", "created_by", "updated_by"}


def _short(value: Any) -> str:
    shown = "—" if value in (None, "") else str(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def describe_audit(entry: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """ "Location: Shelf A → Shelf B; Quantity: 4 → 5" for an update; the key fields for a
    create/delete (in `language`)."""
    old, new = entry.get("old") or {}, entry.get("new") or {}
    parts = []
    if entry.get("action") == "update" and old.get("image") != new.get("image"):
        # Stored names are long hashes: say what happened to the photo instead.
        if not new.get("image"):
            parts.append(translate("equipment.history.photo_removed", language))
        elif old.get("image"):
            parts.append(translate("equipment.history.photo_replaced", language))
        else:
            parts.append(translate("equipment.history.photo_added", language))
    for key, label_key in AUDIT_LABELS.items():
        if key not in old and key not in new:
            continue
        label = translate(label_key, language)
        before, after = old.get(key), new.get(key)
        if entry.get("action") == "update":
            if before != after:
                parts.append(f"{label}: {_short(before)} → {_short(after)}")
        elif key in ("name", "quantity", "location", "asset_code"):
            parts.append(f"{label}: {_short(after if after is not None else before)}")
    return "; ".join(parts)


def display_detail(detail: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """`equipment_detail` output as the display-ready strings the page shows (labels as
    catalogue keys; money, dates and the audit summaries in `language`)."""
    row = detail["item"]
    status = text(row.get("status"))
    kind = text(row.get("item_type"))
    item = {
        "id": text(row.get("id")),
        "name": text(row.get("name")),
        "description": text(row.get("description")),
        "asset_code": text(row.get("asset_code")),
        "category": text(row.get("category_name")),
        "subcategory": text(row.get("subcategory_name")),
        "type": TYPE_KEYS.get(kind, kind),
        "status": status,
        "status_label": STATUS_KEYS.get(status, status.title()),
        "quantity": text(row.get("quantity")),
        "location": text(row.get("location")),
        "rate": format_eur(row.get("daily_rate"), language),
        "low_stock": text(row.get("low_stock_threshold")),
        "version": text(row.get("version")),
        "category_id": text(row.get("category_id")),
        "image_url": text(row.get("image_url")),
        "thumbnail_url": text(row.get("thumbnail_url")),
    }
    counts = {k: text(v) for k, v in detail["counts"].items()}
    bookings = [
        {
            "event_id": b["event_id"],
            "event_name": text(b.get("event_name")),
            "period": format_period(b.get("start_date", ""), b.get("end_date", ""), language),
            "quantity": text(b.get("quantity")),
            "prep": PREP_KEYS.get(text(b.get("prep_status")), text(b.get("prep_status"))),
        }
        for b in detail["upcoming_bookings"]
    ]
    maintenance = [
        {
            "id": m["id"],
            "date": text(m.get("date")),
            "description": text(m.get("description")),
            "cost": format_eur(m.get("cost"), language) if m.get("cost") is not None else "—",
            "units": text(m.get("units")),
            "status": MAINTENANCE_KEYS.get(text(m.get("status")), text(m.get("status"))),
            "technician": text(m.get("technician_name")) or "—",
        }
        for m in detail["maintenance"]
    ]
    history = [
        {
            "at": format_timestamp(h.get("at", ""), language),
            "action": ACTION_KEYS.get(h.get("action"), text(h.get("action"))),
            "actor": text(h.get("actor")),  # "" = the system (the page says so)
            "summary": describe_audit(h, language),
        }
        for h in detail["history"]
    ]
    return {
        "item": item,
        "counts": counts,
        "bookings": bookings,
        "maintenance": maintenance,
        "history": history,
    }


def id_from_path(path: str) -> str:
    """The `<id>` of `/equipment/<id>` (raw text; validated by `parse_client_id`)."""
    return path_id(path, routes.EQUIPMENT)


def _parse(raw: str) -> Any:
    return parse_or_not_found(raw, "Equipment item not found.")


def _reader(language: str) -> Any:
    """The blocking read of one item's page, its audit summaries in `language`."""

    def read(session: Session, actor: Actor, item_id: str) -> dict[str, Any]:
        detail = equipment_service.equipment_detail(session, actor, _parse(item_id))
        return display_detail(detail, language)

    return read


def _load_detail(actor: Actor, item_id: str, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    return read_detail(_reader(language), actor, item_id)


def _live_detail(language: str) -> Any:
    return functools.partial(read_detail_live, _reader(language))


PHOTO_UPLOAD_ID = "equipment-photo"
PHOTO_ACCEPT = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]}
# Catalogue keys put in `photo_error` (which may also hold a service's message, shown as is).
PHOTO_REJECTED = "equipment.photo.rejected"
PHOTO_CONFLICT = "equipment.photo.conflict"


def _version_of(item: dict[str, str]) -> int | None:
    raw = item.get("version", "")
    return int(raw) if raw.isdigit() else None


def _set_photo(actor: Actor, item_id: str, data: bytes, version: int | None) -> None:
    with transaction() as session:
        equipment_images.set_equipment_image(session, actor, _parse(item_id), data, version=version)


def _remove_photo(actor: Actor, item_id: str, version: int | None) -> None:
    with transaction() as session:
        equipment_images.remove_equipment_image(session, actor, _parse(item_id), version=version)


def _label_png(actor: Actor, item_id: str) -> tuple[bytes, str]:
    with read_session() as session:
        label = labels.label_data(session, actor, _parse(item_id))
    return labels.render_label_png(label), label.asset_code


def _label_sheet(actor: Actor, item_id: str, whole_category: bool) -> bytes:
    with read_session() as session:
        if whole_category:
            item = equipment_service.get_equipment(session, actor, _parse(item_id))
            return labels.label_sheet_pdf(session, actor, category_id=item.category_id)
        return labels.label_sheet_pdf(session, actor, item_ids=[_parse(item_id)])


def safe_filename(value: str) -> str:
    """Letters, digits, dot, dash and underscore only (for download names)."""
    cleaned = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in value)
    return cleaned.strip("-")[:60] or "label"


class EquipmentDetailState(DetailStateMixin, rx.State):
    """One item's page. Handlers take no client-supplied arguments: the id is parsed from
    the URL (a UUID, else "not found"); `equipment.equipment_detail` does the read."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    item: dict[str, str] = {}
    counts: dict[str, str] = {}
    bookings: list[dict[str, str]] = []
    maintenance: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    photo_error: str = ""
    uploading: bool = False
    _upload_drops: int = 0  # see image_upload.upload_began
    _upload_ends: int = 0
    remove_open: bool = False
    removing: bool = False
    _language: str = DEFAULT_LANGUAGE  # the tab's language at the last read (audit summaries)

    def _apply(self, shown: dict[str, Any]) -> None:
        self.item = shown["item"]
        self.counts = shown["counts"]
        self.bookings = shown["bookings"]
        self.maintenance = shown["maintenance"]
        self.history = shown["history"]
        self.not_found = False
        self.loaded = True

    def _id_from_path(self, path: str) -> str:
        return id_from_path(path)

    def _load_detail(self, actor: Actor, detail_id: str) -> dict[str, Any]:
        return _load_detail(actor, detail_id, self._language)

    async def _remember_language(self) -> None:
        self._language = (await self.get_state(LocaleState)).language

    def _forget(self) -> None:
        self.item = {}

    def _gone(self) -> None:
        self.not_found = True
        self.loaded = True
        self.item, self.counts = {}, {}
        self.bookings, self.maintenance, self.history = [], [], []

    @rx.event
    async def load(self):
        """on_load of /equipment/<id>: re-verify the token, take the id from the URL (a UUID
        of at most 64 characters, else "not found") and read `equipment.equipment_detail`."""
        self.photo_error = ""
        self.remove_open = self.uploading = self.removing = False
        await self._remember_language()
        async for update in self._open_from_url():
            yield update

    # --- Photo and labels. Every handler re-verifies the token; the services authorise. ---

    async def _actor(self) -> tuple[Actor | None, Any]:
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        return actor, (None if actor is not None else auth._login_redirect())

    @rx.event
    def start_photo_upload(self):
        """Show the upload spinner and clear the last message. No arguments."""
        upload_began(self)
        if self.detail_id:
            self.photo_error = ""

    @rx.event
    def photo_rejected(self, _rejections: list[dict[str, Any]]):
        """The browser refused the dropped file (type, size or count): say what fits."""
        upload_refused(self)
        self.photo_error = PHOTO_REJECTED

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):
        """Set the dropped/chosen photo on the shown item: the first file only, read up to
        one byte past the limit (the service checks size and type from the content), stored
        by `equipment_images.set_equipment_image` with the version this page shows."""
        try:
            if not self.detail_id or not isinstance(files, list) or not files:
                return
            actor, refusal = await self._actor()
            if actor is None:
                yield refusal
                return
            data = await files[0].read(media_store.MAX_UPLOAD_BYTES + 1)
            if not isinstance(data, bytes):
                self.photo_error = PHOTO_REJECTED
                return
            try:
                await asyncio.to_thread(
                    _set_photo, actor, self.detail_id, data, _version_of(self.item)
                )
            except ValidationFailed as exc:
                self.photo_error = " ".join(exc.fields.get("image") or [exc.message])
                return
            except VersionConflict:
                self.photo_error = PHOTO_CONFLICT
                await self._reload(actor)
                return
            except DomainError as exc:
                self.photo_error = exc.message
                return
            self.photo_error = ""
            await refresh_equipment_pages(self, actor, self.detail_id)
            yield rx.toast.success(await tr(self, "equipment.photo.saved"))
        finally:
            upload_ended(self)

    @rx.event
    def ask_remove_photo(self):
        """Open the "remove photo" confirmation. No arguments."""
        self.photo_error = ""
        self.remove_open = bool(self.item.get("image_url"))

    @rx.event
    def set_remove_open(self, value: bool):
        """Open/close the confirmation (from the dialog itself)."""
        self.remove_open = bool(value) and bool(self.item.get("image_url"))

    @rx.event
    async def confirm_remove_photo(self):
        """Remove the shown item's photo (`equipment_images.remove_equipment_image`, with the
        version this page shows). No arguments."""
        if not self.detail_id or self.removing:
            return
        actor, refusal = await self._actor()
        if actor is None:
            yield refusal
            return
        self.removing = True
        yield
        try:
            await asyncio.to_thread(_remove_photo, actor, self.detail_id, _version_of(self.item))
        except VersionConflict:
            self.photo_error = PHOTO_CONFLICT
            await self._reload(actor)
            return
        except DomainError as exc:
            self.photo_error = exc.message
            return
        finally:
            self.removing = False
            self.remove_open = False
        await refresh_equipment_pages(self, actor, self.detail_id)
        yield rx.toast.success(await tr(self, "equipment.photo.removed"))

    @rx.event
    async def download_label(self):
        """Download the shown item's QR label as a PNG. No arguments."""
        if not self.detail_id:
            return
        actor, refusal = await self._actor()
        if actor is None:
            yield refusal
            return
        try:
            png, code = await asyncio.to_thread(_label_png, actor, self.detail_id)
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        yield rx.download(
            data=png, filename=f"label-{safe_filename(code)}.png", mime_type="image/png"
        )

    @rx.event
    async def download_label_sheet(self, whole_category: bool = False):
        """Download an A4 label sheet (PDF) of the shown item, or of every item in its
        category when `whole_category` is true (any other value means false)."""
        if not self.detail_id:
            return
        actor, refusal = await self._actor()
        if actor is None:
            yield refusal
            return
        every = whole_category is True
        try:
            pdf = await asyncio.to_thread(_label_sheet, actor, self.detail_id, every)
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        name = self.item.get("category", "") if every else self.item.get("asset_code", "")
        yield rx.download(
            data=pdf,
            filename=f"labels-{safe_filename(name)}.pdf",
            mime_type="application/pdf",
        )

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the item after a committed change to it, its category or any rental or
        event (they may be its bookings), if this tab shows it; name who changed it."""
        await self._remember_language()
        await apply_detail_changes(
            self,
            changes,
            live_entities=LIVE_ENTITIES,
            entity="equipment",
            name=self.item.get("name") or await tr(self, "equipment.detail.this_item"),
            id_from_path=id_from_path,
            live_detail=_live_detail(self._language),
        )


async def refresh_equipment_pages(state: rx.State, actor: Actor, item_id: str) -> None:
    """After a write from this tab: re-query the inventory list (if loaded) and the item
    page (if it shows `item_id`), so the user sees the result with the save's answer (the
    live push follows too)."""
    await refresh_pages(state, actor, item_id, EquipmentState, EquipmentDetailState)
