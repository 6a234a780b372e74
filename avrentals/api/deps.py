"""Request dependencies: the engine, the settings and the signed-in actor.

Every protected route depends on `current_actor`, which verifies the Bearer token against the
database on each request (DESIGN §7), so a deactivated user or a revoked token (stale
token_version) is refused on the very next call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from avrentals.db import get_engine, read_session
from avrentals.domain import rate_limits
from avrentals.domain.models import User
from avrentals.domain.permissions import Actor
from avrentals.domain.services.auth import actor_for_token
from avrentals.settings import Settings, get_settings

# auto_error=False: a missing or non-Bearer header reaches actor_for_token as None, which
# raises the domain's Unauthorized (one 401 envelope for every cause).
bearer_scheme = HTTPBearer(auto_error=False, description="The token from POST /api/auth/login")


def request_engine(request: Request) -> Engine:
    """The app's engine; the process-wide one is created at the first request that needs it
    when `create_api` was given none."""
    engine: Engine | None = request.app.state.engine
    if engine is None:
        engine = request.app.state.engine = get_engine()
    return engine


def request_settings() -> Settings:
    """The process settings (JWT secret and lifetime)."""
    return get_settings()


def client_ip(request: Request) -> str | None:
    """The peer address of the connection. X-Forwarded-For is deliberately not trusted yet
    (any client can send it)."""
    return request.client.host if request.client else None


def user_agent(request: Request) -> str | None:
    """The client's User-Agent header, for the audit log."""
    return request.headers.get("user-agent")


@dataclass(frozen=True)
class Principal:
    """The verified caller: the Actor services take, plus the user row it came from."""

    actor: Actor
    user: User


EngineDep = Annotated[Engine, Depends(request_engine)]
SettingsDep = Annotated[Settings, Depends(request_settings)]


def current_principal(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal:
    """Verify the Bearer token on this request.

    Raises Unauthorized (401) when the header is missing or not Bearer, or the token is
    malformed, tampered, expired, signed with another key or algorithm, stale, or belongs to
    an unknown or deactivated user.
    """
    token = credentials.credentials if credentials else None
    with read_session(engine) as session:
        actor, user = actor_for_token(
            session,
            token,
            settings.jwt_secret,
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
    rate_limits.count_api_request(actor.user_id)
    return Principal(actor=actor, user=user)


def current_actor(principal: Annotated[Principal, Depends(current_principal)]) -> Actor:
    """The verified Actor (see `current_principal` for the 401 cases)."""
    return principal.actor


PrincipalDep = Annotated[Principal, Depends(current_principal)]
ActorDep = Annotated[Actor, Depends(current_actor)]
