"""Who is signed in, for the Reflex UI (DESIGN §7).

The JWT lives in the browser's localStorage (`avr_token`), so a reload or a new tab stays signed
in. The browser can write that value, so it is never trusted: every page load and every
mutating event re-verifies it with `auth.actor_for_token` (signature, expiry, token_version,
active user) in a worker thread. The verified Actor is cached in backend-only vars; the browser
only gets display fields (name, role label, permission names used to hide buttons).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from datetime import timedelta
from urllib.parse import quote

import reflex as rx
from reflex.event import EventSpec

from avrentals.db import read_session, transaction
from avrentals.domain.enums import Role
from avrentals.domain.errors import DomainError, RateLimited, Unauthorized
from avrentals.domain.permissions import Actor, permissions_of
from avrentals.domain.services import auth as auth_service
from avrentals.domain.services.company import company_name
from avrentals.i18n.messages import localise_message, message_language
from avrentals.settings import get_settings
from avrentals.ui import routes
from avrentals.ui.state.locale import LocaleState

TOKEN_STORAGE_KEY = "avr_token"  # noqa: S105 - a storage key name, not a secret
MAX_TOKEN_LENGTH = 4096
MAX_USERNAME_LENGTH = 50
MAX_PASSWORD_LENGTH = 1024
# `next` after sign-in: a local path only (no scheme, no `//host`), so it cannot redirect away.
_LOCAL_PATH = re.compile(r"^/(?![/\\])[A-Za-z0-9/_\-]*$")

ROLE_LABELS: dict[str, str] = {
    Role.ADMIN.value: "Admin",
    Role.MANAGER.value: "Manager",
    Role.TECHNICIAN.value: "Technician",
    Role.EMPLOYEE.value: "Employee",
    Role.VIEWER.value: "Viewer",
}


def _verify_token(token: str, ip: str | None, user_agent: str | None) -> Actor:
    """Blocking: the Actor behind `token`, or Unauthorized (see `actor_for_token`)."""
    with read_session() as session:
        actor, _user = auth_service.actor_for_token(
            session, token, get_settings().jwt_secret, ip=ip, user_agent=user_agent
        )
    return actor


def _sign_in(
    username: str, password: str, ip: str | None, user_agent: str | None
) -> tuple[str, Actor]:
    """Blocking: check the credentials and issue a token (`auth.login`, audited either way)."""
    settings = get_settings()
    with transaction() as session:
        token, user = auth_service.login(
            session,
            username,
            password,
            settings.jwt_secret,
            ttl=timedelta(hours=settings.jwt_ttl_hours),
            ip=ip,
            user_agent=user_agent,
        )
        actor = auth_service.actor_of(user, ip=ip, user_agent=user_agent)
    return token, actor


def _record_logout(actor: Actor) -> None:
    with transaction() as session:
        auth_service.logout(session, actor)


def _company_name() -> str:
    with read_session() as session:
        return company_name(session)


def initials(name: str) -> str:
    """ "Ana Maria Costa" -> "AC"; "admin" -> "AD"."""
    words = name.split()
    if len(words) >= 2:
        return (words[0][0] + words[-1][0]).upper()
    return name[:2].upper() or "?"


def safe_next_path(value: object) -> str:
    """`value` if it is a local app path other than the sign-in page, else the dashboard."""
    if (
        isinstance(value, str)
        and len(value) <= 200
        and _LOCAL_PATH.match(value)
        and value.rstrip("/") != routes.LOGIN
    ):
        return value
    return routes.HOME


class AuthState(rx.State):
    """Sign-in, sign-out and the verified identity of this browser tab.

    Public vars are display-only. `_actor` (the verified Actor) is backend-only and never
    leaves the server.
    """

    # Client-controlled: re-verified server-side before it is ever used.
    token: str = rx.LocalStorage("", name=TOKEN_STORAGE_KEY)

    signed_in: bool = False
    user_name: str = ""
    user_initials: str = ""
    user_role: str = ""
    user_role_key: str = ""  # the catalogue key of the role's name (users.role.<role>)
    permissions: list[str] = []

    company: str = "AV Rentals"
    login_ready: bool = False  # the form is connected (on_load ran): submit goes over the socket
    login_error: str = ""
    signing_in: bool = False

    _actor: Actor | None = None

    # --- helpers (not callable from the browser: leading underscore) ----------------------

    def _request_context(self) -> tuple[str | None, str | None]:
        ip = self.router.session.client_ip or None
        user_agent = (self.router.headers.user_agent or "")[:255] or None
        return ip, user_agent

    def _remember(self, token: str, actor: Actor) -> None:
        self._actor = actor
        self.signed_in = True
        self.user_name = actor.name
        self.user_initials = initials(actor.name)
        self.user_role = ROLE_LABELS.get(actor.role.value, actor.role.value.title())
        self.user_role_key = f"users.role.{actor.role.value}"
        self.permissions = sorted(permissions_of(actor.role))

    def _forget(self) -> None:
        """Drop the identity and the stored token (the browser's localStorage follows)."""
        self._actor = None
        self.token = ""
        self.signed_in = False
        self.user_name = ""
        self.user_initials = ""
        self.user_role = self.user_role_key = ""
        self.permissions = []

    async def _current_actor(self) -> Actor | None:
        """The verified Actor of this tab, or None (identity and token then cleared).

        Every call re-verifies the stored token in a worker thread (one primary-key read), so
        a deactivated user or a revoked token is signed out on their very next event.
        """
        token = self.token if isinstance(self.token, str) else ""
        if not token or len(token) > MAX_TOKEN_LENGTH:
            self._forget()
            return None
        ip, user_agent = self._request_context()
        try:
            actor = await asyncio.to_thread(_verify_token, token, ip, user_agent)
        except Unauthorized:
            self._forget()
            return None
        self._remember(token, actor)
        # What the services refuse from here on is written in the tab's language.
        message_language.set((await self.get_state(LocaleState)).language)
        return actor

    async def _follow_language(self, actor: Actor | None) -> None:
        locale = await self.get_state(LocaleState)
        await locale._follow(actor)

    def _login_redirect(self) -> EventSpec:
        """Redirect to the sign-in page, remembering the current page to come back to."""
        path = self.router.url.path or routes.HOME
        target = safe_next_path(path)
        if target == routes.HOME:
            return rx.redirect(routes.LOGIN)
        return rx.redirect(f"{routes.LOGIN}?next={quote(target, safe='/')}")

    # --- event handlers --------------------------------------------------------------------

    @rx.event
    async def require_login(self):
        """on_load of every protected page: re-verify the stored token, or clear it
        and go to /login?next=<this page>. Takes no arguments."""
        actor = await self._current_actor()
        await self._follow_language(actor)
        if actor is None:
            return self._login_redirect()
        return None

    @rx.event
    async def open_login(self):
        """on_load of /login: already signed in with a valid token → go on to `next`;
        otherwise show the form (an invalid stored token is cleared). No arguments."""
        self.login_error = ""
        self.signing_in = False
        self.company = await asyncio.to_thread(_company_name)
        actor = await self._current_actor() if self.token else None
        await self._follow_language(actor)
        if actor is not None:
            return rx.redirect(self._next_path())
        self.login_ready = True
        return None

    def _next_path(self) -> str:
        params = self.router.url.query_parameters
        return safe_next_path(params.get("next") if params else None)

    @rx.event
    async def sign_in(self, form_data: dict):
        """Submit of the sign-in form. Validates that `form_data` is a dict with string
        `username` (≤ 50) and `password` (≤ 1024); calls `auth.login` in one transaction (the
        attempt is audited either way). Any failure shows the one generic message."""
        if self.signing_in:
            return
        language = (await self.get_state(LocaleState)).language
        message_language.set(language)  # a refusal (rate limit) in the tab's language
        generic_error = localise_message(auth_service.GENERIC_LOGIN_ERROR, language)
        data = form_data if isinstance(form_data, dict) else {}
        username = data.get("username")
        password = data.get("password")
        if (
            not isinstance(username, str)
            or not isinstance(password, str)
            or not username.strip()
            or not password
            or len(username) > MAX_USERNAME_LENGTH
            or len(password) > MAX_PASSWORD_LENGTH
        ):
            self.login_error = generic_error
            return
        self.signing_in = True
        self.login_error = ""
        yield
        ip, user_agent = self._request_context()
        try:
            token, actor = await asyncio.to_thread(
                _sign_in, username.strip(), password, ip, user_agent
            )
        except RateLimited as exc:
            self.login_error = exc.message
        except DomainError:
            self.login_error = generic_error
        else:
            self.token = token
            self._remember(token, actor)
            await self._follow_language(actor)
            yield rx.redirect(self._next_path())
        finally:
            self.signing_in = False

    @rx.event
    async def sign_out(self):
        """Record the sign-out (`auth.logout`, when the token still verifies), forget the
        identity, clear the stored token and go to the sign-in page. No arguments."""
        actor = await self._current_actor()
        if actor is not None:
            with contextlib.suppress(DomainError):  # signing out must always work
                await asyncio.to_thread(_record_logout, actor)
        self._forget()
        return rx.redirect(routes.LOGIN)
