"""User accounts (the admin screens of a later issue build on these)."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import User
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.auth import hash_password

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,49}$")
MIN_PASSWORD_LENGTH = 8
COMMON_PASSWORDS = frozenset(
    {"password", "password1", "12345678", "123456789", "qwertyui", "iloveyou", "admin123"}
)


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords of real leaks, as bundled (lower-case) with the
    pinned `zxcvbn` package: no network, loaded once."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | COMMON_PASSWORDS


def is_common_password(password: str) -> bool:
    """True when `password` (case-insensitive) is one of the common passwords."""
    return password.lower() in _common_passwords()


def password_errors(password: object) -> list[str]:
    """The password policy (DESIGN §7): text of at least MIN_PASSWORD_LENGTH characters
    (at most 1024) that is not a common password. Returns the messages (empty = fine)."""
    if not isinstance(password, str):
        return ["Password must be text."]
    if len(password) < MIN_PASSWORD_LENGTH:
        return [f"Password must be at least {MIN_PASSWORD_LENGTH} characters."]
    if len(password) > 1024:
        return ["Password must be at most 1024 characters."]
    if is_common_password(password):
        return ["This password is too common."]
    return []


def validate_new_user(
    session: Session, username: str, name: str, password: str, role: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not USERNAME_RE.match(username):
        errors["username"] = ["Use 3-50 lower-case letters, digits, dots, dashes or underscores."]
    elif session.exec(select(User.id).where(User.username == username)).first():
        errors["username"] = ["This username is taken."]
    if not 1 <= len(name.strip()) <= 100:
        errors["name"] = ["Name must be 1-100 characters."]
    if problems := password_errors(password):
        errors["password"] = problems
    if role not in {r.value for r in Role}:
        errors["role"] = [f"Role must be one of {', '.join(r.value for r in Role)}."]
    return errors


def create_user(
    session: Session,
    actor: Actor | None,
    *,
    username: str,
    name: str,
    password: str,
    role: str,
    email: str | None = None,
    profile: Mapping[str, Any] | None = None,
) -> User:
    """Create a user. Needs `users:write` unless `actor` is None (the CLI, run by whoever
    runs the server). `profile`: further columns (job title, team-member flag, ...) already
    validated by the caller. Raises ValidationFailed with field messages."""
    if actor is not None:
        require(actor, "users:write")
    username = username.strip().lower()
    errors = validate_new_user(session, username, name, password, role)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username,
        name=name.strip(),
        email=email or None,
        password_hash=hash_password(password),
        role=Role(role),
        created_by=actor.user_id if actor else None,
        **dict(profile or {}),
    )
    session.add(user)
    session.flush()
    record_audit(
        session,
        actor,
        "create",
        "user",
        user.id,
        None,
        snapshot(user),
        username="cli" if actor is None else None,
    )
    changes.record(
        session,
        changes.Change(
            entity="user",
            action="create",
            id=str(user.id),
            version=user.version,
            actor=actor.username if actor else "cli",
            actorName=actor.name if actor else "Command line",
        ),
    )
    return user


def display_name(session: Session, user_id: object) -> str | None:
    """The display name of a user id taken from a saved row (`updated_by`), for "X changed
    this" messages; None for an empty, malformed or unknown id. Names are visible to every
    signed-in user (no permission needed)."""
    try:
        uid = user_id if isinstance(user_id, uuid.UUID) else uuid.UUID(str(user_id))
    except (TypeError, ValueError):
        return None
    user = session.get(User, uid)
    return user.name if user is not None else None


def assignable_users(session: Session, actor: Actor, keep: object = None) -> list[dict[str, str]]:
    """Active users by name (`{id, name}`), plus the user `keep` (an id, e.g. the one already
    assigned to an event) even when deactivated, for an "Assigned to" picker. Needs
    `events:read`; names only, nothing private. The event service re-checks the choice."""
    require(actor, "events:read")
    cond: Any = col(User.is_active)
    try:
        keep_id = keep if isinstance(keep, uuid.UUID) else uuid.UUID(str(keep)) if keep else None
    except (TypeError, ValueError):
        keep_id = None
    if keep_id is not None:
        cond = sa.or_(cond, col(User.id) == keep_id)
    rows = session.exec(select(User.id, User.name).where(cond).order_by(col(User.name))).all()
    return [{"id": str(uid), "name": name} for uid, name in rows]
