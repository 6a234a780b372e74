"""The categories manager (/categories): categories with icon and item count, their
subcategories nested; create, rename, icon picker (the service's fixed `ICONS`), delete
refused while in use (the service's reason).

Reads call `categories.list_category_tree`; writes call `create_category` /
`update_category` / `delete_category` and the subcategory equivalents, in a worker thread,
versioned (the version shown in the dialog). Live refreshes arrive through `_apply_changes`.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.services import categories as categories_service
from avrentals.i18n import translate
from avrentals.ui import routes
from avrentals.ui.components.forms import conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.deleting import open_confirmation, run_delete
from avrentals.ui.state.formatting import text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import live_context, verified_actor
from avrentals.ui.state.locale import LocaleState

CATEGORIES_PATH = routes.CATEGORIES
ICONS: tuple[str, ...] = categories_service.ICONS
KINDS = ("category", "subcategory")
FIELDS = (("name", "common.field.name"), ("icon", "categories.field.icon"))  # (field, key)
MAX_NAME_INPUT = 200  # the service allows 50 and says so on the field
LIVE_ENTITIES = frozenset({"category", "subcategory", "equipment"})


def display_tree(tree: list[dict[str, Any]]) -> tuple[list[dict[str, str]], dict]:
    """(categories, subcategories by category id) as display strings (`items`: how many
    items, which the page words in the tab's language)."""
    cats, subs = [], {}
    for c in tree:
        cats.append(
            {
                "id": c["id"],
                "name": text(c["name"]),
                "icon": text(c["icon"]) or "package",
                "items": str(int(c["item_count"])),
                "version": str(c["version"]),
            }
        )
        subs[c["id"]] = [
            {
                "id": s["id"],
                "name": text(s["name"]),
                "items": str(int(s["item_count"])),
                "version": str(s["version"]),
            }
            for s in c["subcategories"]
        ]
    return cats, subs


def _load(actor: Actor) -> tuple[list[dict[str, str]], dict]:
    with read_session() as session:
        return display_tree(categories_service.list_category_tree(session, actor))


def _live_load(token: str, ip: str | None, user_agent: str | None) -> tuple[list, dict]:
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        return display_tree(categories_service.list_category_tree(session, actor))


def _save(actor: Actor, kind: str, target: uuid.UUID | None, parent: str, version: int, data):
    with transaction() as session:
        if kind == "category" and target is None:
            categories_service.create_category(session, actor, data)
        elif kind == "category":
            categories_service.update_category(session, actor, target, version, data)
        elif target is None:
            categories_service.create_subcategory(session, actor, data | {"category_id": parent})
        else:
            categories_service.update_subcategory(session, actor, target, version, data)


def _delete(actor: Actor, kind: str, target: uuid.UUID, version: int) -> None:
    with transaction() as session:
        if kind == "category":
            categories_service.delete_category(session, actor, target, version=version)
        else:
            categories_service.delete_subcategory(session, actor, target, version=version)


class CategoriesState(rx.State):
    """The categories page of one tab, its editor dialog and its delete confirmation.

    Handlers re-verify the token; arguments are validated: `kind` in KINDS, ids UUID strings
    that this tab has loaded, the icon in the service's ICONS, the name a string (≤ 200
    characters here; the service allows 1-50 and names the field). The services check
    `categories:write` / `categories:delete`."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    categories: list[dict[str, str]] = []
    subcategories: dict[str, list[dict[str, str]]] = {}
    loaded: bool = False
    error: str = ""
    live_notice: str = ""

    editor_open: bool = False
    editor_kind: str = "category"
    editor_id: str = ""  # "" = create
    editor_parent: str = ""  # category of a new subcategory
    editor_parent_name: str = ""
    editor_version: int = 0
    editor_name: str = ""
    editor_icon: str = "package"
    editor_key: str = "0"
    name_error: str = ""
    icon_error: str = ""
    editor_error: str = ""
    saving: bool = False
    # After a version conflict: the message and the field-by-field comparison.
    conflict: str = ""
    conflict_rows: list[dict[str, str]] = []
    _original: dict[str, str] = {}  # the values the editor opened with
    _mine: dict[str, str] = {}  # the values this user submitted
    _saved: dict[str, str] = {}  # the values someone else saved first

    delete_open: bool = False
    delete_kind: str = "category"
    delete_id: str = ""
    delete_name: str = ""
    delete_version: int = 0
    delete_error: str = ""
    delete_blocked: bool = False
    deleting: bool = False

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    async def _reload(self, actor: Actor) -> None:
        try:
            self.categories, self.subcategories = await asyncio.to_thread(_load, actor)
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self.loaded = True

    def _find(self, kind: str, item_id: str) -> dict[str, str] | None:
        if kind == "category":
            return next((c for c in self.categories if c["id"] == item_id), None)
        for subs in self.subcategories.values():
            for sub in subs:
                if sub["id"] == item_id:
                    return sub
        return None

    @rx.event
    async def load(self):
        """on_load of /categories: re-verify the token and read the tree
        (`categories.list_category_tree`). No arguments."""
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.editor_open = self.delete_open = False
        self.live_notice = ""
        await self._reload(actor)

    @rx.event
    async def open_editor(self, kind: str, item_id: str, parent_id: str):
        """Open the create/rename dialog. `kind` is "category" or "subcategory"; `item_id`
        "" to create or the id of a loaded row to rename; `parent_id` the loaded category of
        a new subcategory. Needs `categories:write`."""
        if kind not in KINDS or not isinstance(item_id, str) or not isinstance(parent_id, str):
            return None
        row = self._find(kind, item_id) if item_id else {"name": "", "icon": "package"}
        parent = self._find("category", parent_id) if kind == "subcategory" and not item_id else {}
        if row is None or parent is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("categories:write"):
            return rx.toast.error(await tr(self, "categories.error.cannot_change"))
        self.editor_kind, self.editor_id = kind, item_id
        self.editor_parent = parent_id if parent else ""
        self.editor_parent_name = parent.get("name", "")
        self.editor_version = int(row.get("version") or 0)
        self.editor_name = row.get("name", "")
        self.editor_icon = row.get("icon", "package") or "package"
        self.editor_key = str(int(self.editor_key) + 1)
        self.name_error = self.icon_error = self.editor_error = ""
        self._clear_conflict()
        self._original = self._editor_values(self.editor_name, self.editor_icon)
        self.editor_open = True
        return None

    def _editor_values(self, name: str, icon: str) -> dict[str, str]:
        values = {"name": name}
        if self.editor_kind == "category":
            values["icon"] = icon
        return values

    def _clear_conflict(self) -> None:
        self.conflict = ""
        self.conflict_rows = []
        self._mine = self._saved = {}

    @rx.event
    def set_editor_open(self, value: bool):
        """Dialog open/close from the browser: only closing is honoured."""
        if value is False and not self.saving:
            self.editor_open = False

    @rx.event
    def pick_icon(self, icon: str):
        """Icon picker: `icon` must be one of the service's ICONS."""
        if isinstance(icon, str) and icon in ICONS and self.editor_open:
            self.editor_icon = icon

    @rx.event
    async def save(self, form_data: dict):
        """Submit of the editor. `form_data` must be a dict with a string `name` (≤ 200
        characters). Calls `create_category` / `update_category` (name and icon) or
        `create_subcategory` / `update_subcategory` (name), with the version shown."""
        if self.saving or not self.editor_open or self.conflict:
            return
        name = form_data.get("name") if isinstance(form_data, dict) else None
        if not isinstance(name, str) or len(name) > MAX_NAME_INPUT:
            self.name_error = await tr(self, "categories.error.name_too_long")
            return
        async for event in self._submit(self._editor_values(name, self.editor_icon)):
            yield event

    @rx.event
    async def apply_mine(self):
        """After a version conflict: save the fields this user changed over the values saved
        by the other person (their other changes stay), with the saved version. No arguments."""
        if self.saving or not self.editor_open or not self.conflict:
            return
        merged = dict(self._saved)
        for field, value in self._mine.items():
            if value.strip() != self._original.get(field, "").strip():
                merged[field] = value
        self._original = dict(self._saved)
        self._clear_conflict()
        async for event in self._submit(merged):
            yield event

    @rx.event
    def discard_mine(self):
        """After a version conflict: drop this user's edits and show the saved values."""
        if self.saving or not self.editor_open or not self.conflict:
            return
        self.editor_name = self._saved.get("name", self.editor_name)
        self.editor_icon = self._saved.get("icon", self.editor_icon)
        self._original = dict(self._saved)
        self._clear_conflict()
        self.editor_key = str(int(self.editor_key) + 1)  # re-render the input with the saved name

    async def _submit(self, values: dict[str, str]):
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        target = parse_client_id(self.editor_id) if self.editor_id else None
        language = (await self.get_state(LocaleState)).language
        self.editor_name = values["name"]
        self.editor_icon = values.get("icon", self.editor_icon)
        self.saving = True
        self.name_error = self.icon_error = self.editor_error = ""
        yield
        try:
            await asyncio.to_thread(
                _save,
                actor,
                self.editor_kind,
                target,
                self.editor_parent,
                self.editor_version,
                dict(values),
            )
        except ValidationFailed as exc:
            self.name_error = (exc.fields.get("name") or [""])[0]
            self.icon_error = (exc.fields.get("icon") or [""])[0]
            if not (self.name_error or self.icon_error):
                self.editor_error = exc.message
        except VersionConflict as exc:
            self._on_conflict(values, exc.current, language)
        except NotFound:
            self.editor_open = False
            yield rx.toast.error(translate(f"categories.error.gone_{self.editor_kind}", language))
        except DomainError as exc:
            self.editor_error = exc.message
        else:
            self.editor_open = False
            key = "categories.toast.saved" if target else "categories.toast.added"
            yield rx.toast.success(translate(key, language, name=values["name"].strip()))
            await self._reload(actor)
        finally:
            self.saving = False

    def _on_conflict(self, mine: dict[str, str], current: dict[str, Any], language: str) -> None:
        """Keep what each side has, and compare them field by field (labels in `language`)."""
        self.editor_version = int(current.get("version") or self.editor_version)
        self._mine = dict(mine)
        self._saved = self._editor_values(
            text(current.get("name")), text(current.get("icon")) or "package"
        )
        fields = tuple((field, translate(key, language)) for field, key in FIELDS)
        self.conflict_rows = conflict_rows(fields, self._mine, self._original, self._saved)
        self.conflict = translate(f"categories.conflict.{self.editor_kind}", language)

    @rx.event
    async def ask_delete(self, kind: str, item_id: str):
        """Open the confirmation naming the category/subcategory. `kind` in KINDS, `item_id`
        a loaded row's id; needs `categories:delete`."""
        row = self._find(kind, item_id) if kind in KINDS and isinstance(item_id, str) else None
        if row is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("categories:delete"):
            return rx.toast.error(await tr(self, "categories.error.cannot_delete"))
        self.delete_kind = kind
        open_confirmation(self, item_id, row["name"], int(row.get("version") or 0))
        return None

    @rx.event
    def set_delete_open(self, value: bool):
        """Confirmation open/close from the browser: only closing is honoured."""
        if value is False and not self.deleting:
            self.delete_open = False

    @rx.event
    async def confirm_delete(self):
        """Delete what the confirmation names (`delete_category` / `delete_subcategory` with
        the version shown). InUse shows the service's reason. No arguments."""
        target = parse_client_id(self.delete_id)
        if self.deleting or not self.delete_open or target is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        async for event in run_delete(
            self,
            functools.partial(_delete, actor, self.delete_kind, target, self.delete_version),
            in_use=lambda exc: exc.message,
            stale=await tr(self, "categories.delete.stale"),
            gone=await tr(self, "categories.delete.gone"),
            on_deleted=lambda: self._reload(actor),
            rename_on_conflict=False,
        ):
            yield event

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the tree (counts included) after committed changes, if this tab shows
        the page; name who changed a category."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        on_page = self.router.url.path.rstrip("/") == CATEGORIES_PATH
        if not relevant or not self.loaded or not on_page:
            return
        token, ip, user_agent, own = await live_context(self)
        if not token:
            return
        try:
            self.categories, self.subcategories = await asyncio.to_thread(
                _live_load, token, ip, user_agent
            )
        except DomainError:
            return
        for change in reversed(relevant):
            if change.entity == "equipment" or (change.actor and change.actor == own):
                continue
            who = change.actorName or change.actor or await tr(self, "equipment.live.someone")
            self.live_notice = await tr(self, "categories.live.updated", who=who)
            break
