"""Sign-in: password hashing, JWT issue/verify (DESIGN §7), and turning a token into an Actor.

Tokens are HS256 only (the algorithm list is fixed here, never read from the token). Claims:
sub, username, role, ver (token_version), iat, exp, jti. A token is valid only while its
user exists, is active, and still has the same token_version.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from passlib.context import CryptContext
from sqlmodel import Session, select

from avrentals.domain import rate_limits
from avrentals.domain.enums import Role
from avrentals.domain.errors import LoginFailed, Unauthorized
from avrentals.domain.models import User
from avrentals.domain.permissions import Actor
from avrentals.domain.services.audit import record_audit
from avrentals.settings import get_settings

ALGORITHM = "HS256"
ALLOWED_ALGORITHMS = [ALGORITHM]
REQUIRED_CLAIMS = ["sub", "username", "role", "ver", "iat", "exp", "jti"]
GENERIC_LOGIN_ERROR = "Invalid username or password."

_TEST_COST = {"argon2__memory_cost": 8, "argon2__time_cost": 1, "argon2__parallelism": 1}


def password_context(app_env: str) -> CryptContext:
    """argon2id at passlib's defaults (64 MiB, 3 passes, 4 lanes): ~0.2-0.5 s a hash on a small
    server, by design. Test runs (`app_env` "test") hash at argon2's lowest cost instead: the
    suites sign in thousands of times, and nothing they check (which password verifies, a hash
    made at other settings being redone at sign-in, unknown users costing the same) depends on
    the cost."""
    return CryptContext(
        schemes=["argon2"], deprecated="auto", **(_TEST_COST if app_env == "test" else {})
    )


_passwords = password_context(get_settings().app_env)
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = _passwords.hash("timing-equaliser-not-a-password")


def hash_password(password: str) -> str:
    return _passwords.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _passwords.verify(password, password_hash)
    except (ValueError, TypeError):
        return False


def issue_token(user: User, secret: str, ttl: timedelta = timedelta(hours=24)) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user.id),
        "username": user.username,
        "role": Role(user.role).value,
        "ver": user.token_version,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def decode_token(token: str, secret: str) -> dict[str, Any]:
    """Verify signature, algorithm and expiry; raise Unauthorized otherwise."""
    try:
        return jwt.decode(
            token, secret, algorithms=ALLOWED_ALGORITHMS, options={"require": REQUIRED_CLAIMS}
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("Your session has expired; sign in again.") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("Invalid session; sign in again.") from exc


def actor_for_token(
    session: Session,
    token: str | None,
    secret: str,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> tuple[Actor, User]:
    """The verified Actor behind `token`.

    Raises Unauthorized when the token is missing, malformed, tampered, expired, signed with
    another key or algorithm, or stale (`ver` != the user's token_version), or when the user
    is unknown or deactivated.
    """
    if not token:
        raise Unauthorized("Sign in to continue.")
    claims = decode_token(token, secret)
    try:
        user_id = uuid.UUID(str(claims["sub"]))
    except ValueError as exc:
        raise Unauthorized("Invalid session; sign in again.") from exc
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Unauthorized("This account is not active.")
    if claims.get("ver") != user.token_version:
        raise Unauthorized("You were signed out; sign in again.")
    return actor_of(user, ip=ip, user_agent=user_agent), user


def actor_of(user: User, *, ip: str | None = None, user_agent: str | None = None) -> Actor:
    return Actor(
        user_id=user.id,
        username=user.username,
        name=user.name,
        role=Role(user.role),
        language=user.language.value if user.language else None,
        ip=ip,
        user_agent=user_agent,
    )


def login(
    session: Session,
    username: str,
    password: str,
    secret: str,
    *,
    ttl: timedelta = timedelta(hours=24),
    ip: str | None = None,
    user_agent: str | None = None,
) -> tuple[str, User]:
    """Check credentials and issue a token; audit the attempt either way.

    Raises LoginFailed (an Unauthorized) with one generic message for an unknown user, a
    wrong password or a deactivated account (nothing tells them apart); its `login_failed`
    audit row is kept when the caller's transaction() sees the error. Raises RateLimited
    (before the password is looked at) while the username + IP is blocked after too many
    failures (`rate_limits`).
    """
    username = (username or "").strip()[:50]
    rate_limits.check_login_allowed(username, ip)
    user = session.exec(select(User).where(User.username == username)).first()
    valid = verify_password(password or "", user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid or not user.is_active:
        record_audit(
            session,
            None,
            "login_failed",
            "user",
            user.id if user else None,
            username=username,
            ip=ip,
            user_agent=user_agent,
        )
        rate_limits.record_login_failure(username, ip)
        raise LoginFailed(GENERIC_LOGIN_ERROR)
    rate_limits.record_login_success(username, ip)
    user.last_login_at = datetime.now(UTC)
    if _passwords.needs_update(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    record_audit(
        session,
        actor_of(user, ip=ip, user_agent=user_agent),
        "login",
        "user",
        user.id,
    )
    return issue_token(user, secret, ttl), user


def logout(session: Session, actor: Actor) -> None:
    """Record that `actor` signed out (a `logout` audit row, committed by the caller).

    Tokens are stateless: this does not revoke the token, which stays valid until it expires
    or the user's token_version is bumped ("sign out everywhere")."""
    record_audit(session, actor, "logout", "user", actor.user_id)
