"""/team: the active team members (photo, job title, bio, contacts), for every signed-in
user. Reads `user_admin.team_members` (nothing private) and refreshes live on user changes."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.permissions import Actor
from avrentals.domain.services import user_admin
from avrentals.ui import routes
from avrentals.ui.state.auth import AuthState, initials
from avrentals.ui.state.formatting import text
from avrentals.ui.state.listing import live_context, verified_actor


def display_member(row: dict[str, Any]) -> dict[str, str]:
    return {
        "id": text(row.get("id")),
        "name": text(row.get("name")),
        "initials": initials(text(row.get("name"))),
        "job_title": text(row.get("job_title")),
        "bio": text(row.get("bio")),
        "email": text(row.get("contact_email")),
        "phone": text(row.get("phone")),
        "photo": text(row.get("photo_thumb_url")),
    }


def _load(actor: Actor) -> list[dict[str, str]]:
    with read_session() as session:
        return [display_member(r) for r in user_admin.team_members(session, actor)]


def _load_with_token(token: str, ip: str | None, user_agent: str | None) -> list[dict[str, str]]:
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        return [display_member(r) for r in user_admin.team_members(session, actor)]


class TeamState(rx.State):
    """The team page of one tab. `load` takes no arguments and re-verifies the token."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"user"})  # for avrentals.ui.live

    members: list[dict[str, str]] = []
    loaded: bool = False
    error: str = ""

    @rx.event
    async def load(self):
        """on_load of /team: re-verify the token and read the active team members."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        try:
            self.members = await asyncio.to_thread(_load, actor)
            self.error = ""
        except DomainError as exc:
            self.error = exc.message
        self.loaded = True

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the team after user changes, if this tab has /team open."""
        if not self.loaded or self.router.url.path.rstrip("/") != routes.TEAM:
            return
        token, ip, user_agent, _own = await live_context(self)
        if not token:
            return
        try:
            self.members = await asyncio.to_thread(_load_with_token, token, ip, user_agent)
        except DomainError:
            return
