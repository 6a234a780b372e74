"""The interface language of a browser tab.

In order: the signed-in user's own choice (stored on their user row, `profile.set_language`),
else the browser's language (the live connection's `Accept-Language`), else the company's
default language from the settings. The header's language switch stores the choice for the
signed-in user, so every device they use follows it; on the sign-in page it only changes the
tab.
"""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx
from reflex.state import OnLoadInternalState

from avrentals.db import read_session, transaction
from avrentals.domain.errors import DomainError
from avrentals.domain.permissions import Actor
from avrentals.domain.services import profile as profile_service
from avrentals.domain.services.settings_admin import default_language
from avrentals.i18n import DEFAULT_LANGUAGE, LANGUAGES, preferred_language, translate


def _company_default_language() -> str:
    with read_session() as session:
        return default_language(session)


def _store_choice(actor: Actor, language: str) -> None:
    with transaction() as session:
        profile_service.set_language(session, actor, language or None)


class LocaleState(rx.State):
    """`language` (a key of LANGUAGES) drives every text of the tab; `chosen` is the
    signed-in user's stored choice ("" = following the browser). Display-only."""

    language: str = DEFAULT_LANGUAGE
    chosen: str = ""

    async def _follow(self, actor: Actor | None) -> None:
        """Pick the tab's language for `actor` (None: not signed in)."""
        chosen = actor.language if actor and actor.language in LANGUAGES else ""
        if actor is not None or not self.chosen:
            self.chosen = chosen or ""
        language = self.chosen or preferred_language(self.router.headers.accept_language)
        if not language:
            language = await asyncio.to_thread(_company_default_language)
        self.language = language

    def _text(self, key: str, **params: Any) -> str:
        """A catalogue text in this tab's language, for messages built on the server."""
        return translate(key, self.language, **params)

    @rx.event
    async def choose_language(self, value: str):
        """The header's language switch: `value` is a key of LANGUAGES, or "" to follow the
        browser. Stored for the signed-in user (`profile.set_language`); anything else is
        ignored."""
        if not isinstance(value, str) or (value and value not in LANGUAGES):
            return
        from avrentals.ui.state.auth import AuthState  # AuthState applies this state

        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is not None:
            try:
                await asyncio.to_thread(_store_choice, actor, value)
            except DomainError:
                return
        self.chosen = value
        self.language = value or (
            preferred_language(self.router.headers.accept_language)
            or await asyncio.to_thread(_company_default_language)
        )
        # Labels are Vars and follow at once; texts the page's handlers built on the server
        # (counts, dates, summaries) are built again by running its on_load handlers.
        return OnLoadInternalState.on_load_internal
