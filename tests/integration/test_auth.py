"""Sign-in and token verification (DESIGN §7) against real users in the database."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta

import jwt
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.enums import Role
from avrentals.domain.errors import Unauthorized
from avrentals.domain.models import AuditLog, User
from avrentals.domain.services.auth import (
    GENERIC_LOGIN_ERROR,
    actor_for_token,
    issue_token,
    login,
)
from tests.factories import TEST_PASSWORD, make_user

SECRET = "s" * 48


def _token_for(engine: Engine, role: Role = Role.MANAGER, **fields: object) -> tuple[str, User]:
    with transaction(engine) as s:
        user = make_user(engine, role, **fields)
        token, _ = login(s, user.username, TEST_PASSWORD, SECRET)
    return token, user


def _verify(engine: Engine, token: str | None, secret: str = SECRET):
    with Session(engine) as s:
        return actor_for_token(s, token, secret)


def test_login_issues_a_complete_hs256_token_and_audits(engine: Engine) -> None:
    token, user = _token_for(engine, Role.TECHNICIAN)
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert header["alg"] == "HS256"
    assert set(claims) == {"sub", "username", "role", "ver", "iat", "exp", "jti"}
    assert claims["sub"] == str(user.id) and claims["role"] == "technician"
    assert claims["exp"] - claims["iat"] == 24 * 3600
    actor, _ = _verify(engine, token)
    assert actor.user_id == user.id and actor.role is Role.TECHNICIAN
    with Session(engine) as s:
        row = s.exec(select(AuditLog).where(AuditLog.action == "login")).one()
        assert row.actor_id == user.id
        assert s.get(User, user.id).last_login_at is not None  # type: ignore[union-attr]


def test_failed_logins_are_generic_and_audited(engine: Engine) -> None:
    make_user(engine, username="casey")
    make_user(engine, username="inactive", is_active=False)
    messages = []
    attempts = [("casey", "wrong-password"), ("nobody", TEST_PASSWORD), ("inactive", TEST_PASSWORD)]
    for username, password in attempts:
        with pytest.raises(Unauthorized) as info, transaction(engine) as s:
            login(s, username, password, SECRET, ip="10.0.0.9")
        messages.append(info.value.message)
    assert set(messages) == {GENERIC_LOGIN_ERROR}
    with Session(engine) as s:
        rows = s.exec(select(AuditLog).order_by(AuditLog.at)).all()
        assert [(r.action, r.actor_username, r.ip) for r in rows] == [
            ("login_failed", u, "10.0.0.9") for u, _ in attempts
        ]
        assert all(r.actor_id is None for r in rows)


def _forge(claims: dict[str, object], alg: str = "none") -> str:
    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims)}."


def test_rejected_tokens(engine: Engine) -> None:
    token, user = _token_for(engine)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    head, _payload, signature = token.split(".")
    tampered_payload = (
        base64.urlsafe_b64encode(json.dumps({**claims, "role": "admin"}).encode())
        .rstrip(b"=")
        .decode()
    )
    cases = {
        "missing": None,
        "garbage": "not-a-token",
        "tampered": f"{head}.{tampered_payload}.{signature}",
        "alg none": _forge({**claims, "role": "admin"}),
        "wrong key": jwt.encode(claims, "k" * 48, algorithm="HS256"),
        "HS512": jwt.encode(claims, SECRET, algorithm="HS512"),
        "expired": jwt.encode({**claims, "exp": int(time.time()) - 5}, SECRET, algorithm="HS256"),
        "no jti": jwt.encode(
            {k: v for k, v in claims.items() if k != "jti"}, SECRET, algorithm="HS256"
        ),
    }
    for name, bad in cases.items():
        with pytest.raises(Unauthorized):
            _verify(engine, bad)
        assert name
    assert _verify(engine, token)[0].user_id == user.id  # the genuine token still works


def test_stale_version_and_deactivation_revoke_tokens(engine: Engine) -> None:
    token, user = _token_for(engine)
    with Session(engine) as s:
        row = s.get(User, user.id)
        assert row is not None
        row.token_version += 1
        s.add(row)
        s.commit()
    with pytest.raises(Unauthorized, match="signed out"):
        _verify(engine, token)

    token2, user2 = _token_for(engine)
    with Session(engine) as s:
        row = s.get(User, user2.id)
        assert row is not None
        row.is_active = False
        s.add(row)
        s.commit()
    with pytest.raises(Unauthorized, match="not active"):
        _verify(engine, token2)


def test_ttl_is_respected(engine: Engine) -> None:
    user = make_user(engine)
    short = issue_token(user, SECRET, ttl=timedelta(seconds=-1))
    with pytest.raises(Unauthorized, match="expired"):
        _verify(engine, short)
