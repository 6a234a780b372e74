"""Sign-in, sign-out and "who am I" (`/api/auth/...`, DESIGN §7)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from avrentals.api.deps import (
    ActorDep,
    EngineDep,
    PrincipalDep,
    SettingsDep,
    client_ip,
    user_agent,
)
from avrentals.api.envelope import Envelope, error_responses, ok
from avrentals.api.schemas import LoginData, LoginRequest, PublicUser
from avrentals.db import transaction
from avrentals.domain.services.auth import login, logout

router = APIRouter(tags=["auth"])

UNAUTHORIZED_RESPONSE = error_responses({401: "Not signed in"})


@router.post(
    "/api/auth/login",
    response_model=Envelope[LoginData],
    responses=error_responses(
        {401: "Invalid username or password", 429: "Too many failed attempts"}
    ),
)
def login_route(
    body: LoginRequest, request: Request, engine: EngineDep, settings: SettingsDep
) -> JSONResponse:
    """Exchange username + password for a token: `data: {token, user, expiresIn}`.

    Every failure (unknown user, wrong password, deactivated account) is the same 401
    UNAUTHORIZED body; the attempt is audited either way (`login` / `login_failed`)."""
    ttl = timedelta(hours=settings.jwt_ttl_hours)
    with transaction(engine) as session:
        token, user = login(
            session,
            body.username,
            body.password,
            settings.jwt_secret,
            ttl=ttl,
            ip=client_ip(request),
            user_agent=user_agent(request),
        )
        data = LoginData(
            token=token,
            user=PublicUser.from_user(user),
            expires_in=int(ttl.total_seconds()),
        )
    return ok(data.dump())


@router.post("/api/auth/logout", response_model=Envelope[None], responses=UNAUTHORIZED_RESPONSE)
def logout_route(actor: ActorDep, engine: EngineDep) -> JSONResponse:
    """Record the sign-out (audit row `logout`). The client discards its token; the token
    itself is not revoked (see `domain.services.auth.logout`)."""
    with transaction(engine) as session:
        logout(session, actor)
    return ok(None)


@router.get("/api/auth/me", response_model=Envelope[PublicUser], responses=UNAUTHORIZED_RESPONSE)
def me(principal: PrincipalDep) -> JSONResponse:
    """The signed-in user (public shape)."""
    return ok(PublicUser.from_user(principal.user).dump())
