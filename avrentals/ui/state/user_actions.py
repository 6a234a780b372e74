"""Account actions on the users list (Admin), each behind a confirmation that names the user:
deactivate, re-activate, reset password (the Admin types the new one), sign out everywhere
and delete (refused for users with history: the dialog says to deactivate instead).

`ask(action, user_id)` opens the confirmation with the user's current version; `confirm()`
runs the matching `user_admin` service with that version. Refusals (own account, stale
version, password policy, history) are explained in the dialog; nothing changes then.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import (
    DomainError,
    InUse,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.permissions import Actor
from avrentals.domain.services import user_admin
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import text
from avrentals.ui.state.listing import live_context
from avrentals.ui.state.users import parse_user_id, refresh_user_pages

MAX_PASSWORD = 1024
# action -> (title key, what-happens key, button key, colour, needed permission); the dialog
# translates the keys.
ACTIONS: dict[str, tuple[str, str, str, str, str]] = {
    "deactivate": (
        "users.action.deactivate_title",
        "users.action.deactivate_text",
        "common.action.deactivate",
        "red",
        "users:write",
    ),
    "activate": (
        "users.action.activate_title",
        "users.action.activate_text",
        "users.action.activate",
        "green",
        "users:write",
    ),
    "reset_password": (
        "users.action.reset_password_title",
        "users.action.reset_password_text",
        "users.action.reset_password_button",
        "amber",
        "users:write",
    ),
    "sign_out": (
        "users.action.sign_out_title",
        "users.action.sign_out_text",
        "users.action.sign_out",
        "amber",
        "users:write",
    ),
    "delete": (
        "users.action.delete_title",
        "users.action.delete_text",
        "common.action.delete",
        "red",
        "users:delete",
    ),
}
# action -> key of the toast once done ({name}: the user).
DONE: dict[str, str] = {
    "deactivate": "users.action.deactivate_done",
    "activate": "users.action.activate_done",
    "reset_password": "users.action.reset_password_done",
    "sign_out": "users.action.sign_out_done",
    "delete": "users.action.delete_done",
}


def _get(actor: Actor, user_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return user_admin.get_user(session, actor, user_id)


def _run(actor: Actor, action: str, user_id: uuid.UUID, version: int, password: str) -> None:
    """Blocking: the service call of `action`, in one transaction."""
    calls: dict[str, Callable[[Session], Any]] = {
        "deactivate": lambda s: user_admin.set_active(s, actor, user_id, False, version=version),
        "activate": lambda s: user_admin.set_active(s, actor, user_id, True, version=version),
        "reset_password": lambda s: user_admin.reset_password(
            s, actor, user_id, password, version=version
        ),
        "sign_out": lambda s: user_admin.sign_out_everywhere(s, actor, user_id, version=version),
        "delete": lambda s: user_admin.delete_user(s, actor, user_id, version=version),
    }
    with transaction() as session:
        calls[action](session)


class UserActionState(rx.State):
    """The account-action confirmation of one tab. Handlers re-verify the token and validate
    their arguments (an action from ACTIONS, a UUID string ≤ 64 characters, a password
    string ≤ 1024 characters); the services check permissions and every rule."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"user"})  # for avrentals.ui.live

    open: bool = False
    action: str = ""
    user_id: str = ""
    user_name: str = ""
    title: str = ""  # catalogue keys (ACTIONS), translated by the dialog
    explanation: str = ""
    button: str = ""
    color: str = "red"
    error: str = ""
    password_error: str = ""
    blocked: bool = False  # refused for good (history, own account): only Close is offered
    busy: bool = False
    form_key: str = "0"
    _version: int = 0

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    @rx.event
    async def ask(self, action: str, user_id: str):
        """Open the confirmation of `action` (a key of ACTIONS) for `user_id` (a UUID
        string), read fresh: its version is what the action carries."""
        uid = parse_user_id(user_id)
        if not isinstance(action, str) or action not in ACTIONS or uid is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        title, explanation, button, color, permission = ACTIONS[action]
        if not actor.can(permission):
            return rx.toast.error(await tr(self, "users.action.forbidden"))
        try:
            row = await asyncio.to_thread(_get, actor, uid)
        except NotFound:
            return rx.toast.error(await tr(self, "users.action.missing"))
        self.action, self.user_id, self.user_name = action, str(uid), text(row.get("name"))
        self.title, self.explanation, self.button, self.color = title, explanation, button, color
        self._version = int(row.get("version") or 0)
        self.error = self.password_error = ""
        self.blocked = False
        self.form_key = str(int(self.form_key) + 1)
        self.open = True
        return None

    @rx.event
    def set_open(self, value: bool):
        """Open/close from the dialog itself: only closing is honoured."""
        if value is False and not self.busy:
            self.open = False
            self.error = self.password_error = ""

    @rx.event
    async def confirm(self, form_data: dict):
        """Run the confirmed action. `form_data` is the dialog's form: a dict whose
        `password` (reset only) is a string ≤ 1024 characters."""
        uid = parse_user_id(self.user_id)
        if self.busy or not self.open or self.blocked or uid is None or self.action not in ACTIONS:
            return
        data = form_data if isinstance(form_data, dict) else {}
        password = data.get("password", "")
        if not isinstance(password, str) or len(password) > MAX_PASSWORD:
            self.password_error = await tr(self, "users.action.password_invalid")
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.busy = True
        self.error = self.password_error = ""
        yield
        try:
            await asyncio.to_thread(_run, actor, self.action, uid, self._version, password)
        except ValidationFailed as exc:
            self.password_error = " ".join(exc.fields.get("password") or [exc.message])
        except VersionConflict as exc:
            self._version = int(exc.current.get("version") or self._version)
            self.error = await tr(self, "users.action.stale")
        except InUse as exc:
            self.error = exc.message
            self.blocked = True
        except NotFound:
            self.open = False
            yield rx.toast.info(await tr(self, "users.action.missing"))
        except DomainError as exc:  # own account, Forbidden, ...
            self.error = exc.message
            self.blocked = True
        else:
            self.open = False
            yield rx.toast.success(await tr(self, DONE[self.action], name=self.user_name))
            if uid == actor.user_id and self.action == "sign_out":
                yield AuthState.require_login  # one's own session ended too
                return
            await refresh_user_pages(self, actor)
        finally:
            self.busy = False

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Warn a user with the confirmation open that someone just changed that user."""
        if not self.open or self.blocked:
            return
        _token, _ip, _ua, own = await live_context(self)
        for change in changes:
            if change.entity != "user" or change.id != self.user_id:
                continue
            if change.actor and change.actor == own:
                continue
            who = change.actorName or change.actor or await tr(self, "users.live.someone")
            self.error = await tr(
                self,
                "users.live.deleted" if change.action == "delete" else "users.live.changed",
                who=who,
            )
