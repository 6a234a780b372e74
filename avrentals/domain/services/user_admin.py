"""User administration (DESIGN §4, §6, §7): list, create, versioned edit, activate /
deactivate, reset password, sign out everywhere, delete.

Permissions: `users:read` (Admin, Manager) to list and read; `users:write` (Admin) for every
change; `users:delete` (Admin) to delete. Self-protection: an Admin can't deactivate, delete
or change the role of their own account (InvalidState, 409), and nobody re-activates
themselves (Forbidden). Deactivation, a password reset and "sign out everywhere" bump
`token_version`, which revokes every token issued before (the API and the UI re-verify `ver`
on every call).

Privacy: rows carry NIF and IBAN only when the reader is the user themself or an Admin
(`user_view`); the password hash never leaves this module (snapshots drop it).

Every write runs in the caller's transaction with the target row locked (FOR UPDATE on
PostgreSQL), writes one audit row and records one "user" change published after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session, SQLModel, col, select

from avrentals.domain import validation as v
from avrentals.domain.enums import Role
from avrentals.domain.errors import (
    Forbidden,
    InUse,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from avrentals.domain.media_store import image_urls
from avrentals.domain.models import User
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import ROLE_DESCRIPTIONS, Actor, require
from avrentals.domain.search import contains_any
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import users as users_service
from avrentals.domain.services.auth import hash_password
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version, record_deleted

ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: "Admin",
    Role.MANAGER: "Manager",
    Role.TECHNICIAN: "Technician",
    Role.EMPLOYEE: "Employee",
    Role.VIEWER: "Viewer",
}
PRIVATE_FIELDS = ("nif", "iban")
# Columns a user row shows (password hash, ICS token and NIF/IBAN are added or left out on
# purpose, never by accident).
PUBLIC_FIELDS = (
    "id",
    "username",
    "name",
    "email",
    "role",
    "is_active",
    "last_login_at",
    "language",
    "job_title",
    "bio",
    "phone",
    "emergency_phone",
    "contact_email",
    "photo",
    "is_team_member",
    "version",
    "created_at",
    "updated_at",
)
# What an Admin's edit may change (activation, passwords and tokens have their own actions;
# NIF, IBAN and photo are the user's own, on their profile).
EDIT_FIELDS = ("name", "email", "role", "job_title", "bio", "phone", "is_team_member")
CREATE_FIELDS = ("username", "name", "password", *EDIT_FIELDS[1:])
ACTIVE_FILTERS = ("active", "inactive")
SORTS: dict[str, Any] = {
    "name": User.name,
    "username": User.username,
    "role": User.role,
    "lastLogin": User.last_login_at,
    "createdAt": User.created_at,
}


def role_choices() -> list[dict[str, str]]:
    """The role picker: `{value, label, description}` per role, most powerful first."""
    return [
        {"value": r.value, "label": ROLE_LABELS[r], "description": ROLE_DESCRIPTIONS[r]}
        for r in Role
    ]


def can_see_private(actor: Actor, user_id: uuid.UUID) -> bool:
    """NIF and IBAN are visible only to the user themself and Admins (DESIGN §4)."""
    return actor.user_id == user_id or actor.role is Role.ADMIN


def user_view(actor: Actor, user: User) -> dict[str, Any]:
    """A user as JSON-ready values for `actor`: never the password hash or ICS token;
    `nif` / `iban` only when `can_see_private`. Adds `photo_url` / `photo_thumb_url`."""
    row = snapshot(user)
    out = {k: row.get(k) for k in PUBLIC_FIELDS}
    if can_see_private(actor, user.id):
        out.update({k: row.get(k) for k in PRIVATE_FIELDS})
    out["photo_url"], out["photo_thumb_url"] = image_urls(user.photo)
    return out


def _search_condition(search: str) -> Any:
    return contains_any(search, (User.name, User.username, User.email, User.job_title))


def list_users(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    role: str | None = None,
    active: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> Page[dict[str, Any]]:
    """One page of users (`user_view` rows) matching `search` (name, username, e-mail, job
    title), `role` (a Role value) and `active` ("active" / "inactive"). Needs `users:read`.
    Raises ValidationFailed for an unknown role, activity filter or sort key."""
    require(actor, "users:read")
    errors = v.Errors()
    conditions: list[Any] = []
    if search and search.strip():
        conditions.append(_search_condition(search))
    if role:
        picked = v.enum_value(errors, "role", role, Role, label="Role")
        if picked is not None:
            conditions.append(col(User.role) == picked)
    if active:
        if active not in ACTIVE_FILTERS:
            errors.add("active", f"Active must be one of: {', '.join(ACTIVE_FILTERS)}.")
        else:
            conditions.append(col(User.is_active).is_(active == "active"))
    if sort not in SORTS:
        errors.add("sort", f"Sort by one of: {', '.join(SORTS)}.")
    errors.raise_if_any()
    total = session.exec(select(sa.func.count()).select_from(User).where(*conditions)).one()
    column = SORTS[sort]
    order = column.desc() if descending else column.asc()
    rows = session.exec(
        select(User)
        .where(*conditions)
        .order_by(order, col(User.id))
        .offset(paging.offset)
        .limit(paging.page_size)
    ).all()
    return Page([user_view(actor, u) for u in rows], paging.page, paging.page_size, int(total))


def get_user(session: Session, actor: Actor, user_id: uuid.UUID) -> dict[str, Any]:
    """One user (`user_view`). Needs `users:read`, except for one's own account. Raises
    NotFound."""
    if actor.user_id != user_id:
        require(actor, "users:read")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User not found.")
    return user_view(actor, user)


def _email_taken(session: Session, email: str, except_id: uuid.UUID | None) -> bool:
    stmt = select(User.id).where(sa.func.lower(User.email) == email.lower())
    if except_id is not None:
        stmt = stmt.where(col(User.id) != except_id)
    return session.exec(stmt).first() is not None


def _clean(
    session: Session, data: Mapping[str, Any], allowed: tuple[str, ...], user_id: uuid.UUID | None
) -> dict[str, Any]:
    """Validated values of the given fields (the rules of `User`)."""
    errors = v.Errors()
    v.reject_unknown(data, allowed, errors)
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = v.text(errors, "name", data["name"], label="Name", min_len=1, max_len=100)
    if "email" in data:
        out["email"] = v.email(errors, "email", data["email"])
        if out["email"] and _email_taken(session, out["email"], user_id):
            errors.add("email", "Another user has this e-mail address.")
    if "role" in data:
        out["role"] = v.enum_value(errors, "role", data["role"], Role, label="Role")
    for field, label, limit in (
        ("job_title", "Job title", 100),
        ("bio", "Bio", 1000),
        ("phone", "Phone", 30),
    ):
        if field in data:
            out[field] = v.text(errors, field, data[field], label=label, max_len=limit)
    if "is_team_member" in data:
        if not isinstance(data["is_team_member"], bool):
            errors.add("is_team_member", "Team member must be true or false.")
        out["is_team_member"] = data["is_team_member"] is True
    errors.raise_if_any()
    return out


def create_user(session: Session, actor: Actor, data: Mapping[str, Any]) -> User:
    """Create a user: `username`, `name`, `password` and `role` required; `email`,
    `job_title`, `bio`, `phone`, `is_team_member` optional. Needs `users:write`. The
    password policy is `users.password_errors`. Raises ValidationFailed (every field
    message at once), Forbidden."""
    require(actor, "users:write")
    errors = v.Errors()
    v.reject_unknown(data, CREATE_FIELDS, errors)
    required = {"username": "Username", "name": "Name", "password": "Password", "role": "Role"}
    raw: dict[str, str] = {}
    for field, label in required.items():
        value = data.get(field)
        if not isinstance(value, str) or not value.strip():
            errors.add(field, f"{label} is required.")
        else:
            raw[field] = value
    extra = {k: data[k] for k in data if k in EDIT_FIELDS and k not in {"name", "role"}}
    try:
        profile = _clean(session, extra, EDIT_FIELDS, None)
    except ValidationFailed as exc:
        for field, messages in exc.fields.items():
            for message in messages:
                errors.add(field, message)
        profile = {}
    found = users_service.validate_new_user(
        session,
        raw.get("username", "").strip().lower(),
        raw.get("name", ""),
        raw.get("password", ""),
        raw.get("role", ""),
    )
    for field, messages in found.items():
        if not errors.has(field):  # "required" says enough
            for message in messages:
                errors.add(field, message)
    errors.raise_if_any()
    email = profile.pop("email", None)
    return users_service.create_user(
        session,
        actor,
        username=raw["username"],
        name=raw["name"],
        password=raw["password"],
        role=raw["role"],
        email=email,
        profile=profile,
    )


def _locked(session: Session, user_id: uuid.UUID, version: int | None) -> User:
    # FOR UPDATE (PostgreSQL) so a concurrent change cannot slip between the rule checks
    # below and the compare-and-swap; SQLite write transactions are serialised already.
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound("User not found.")
    check_version(user, version, "user")
    return user


def update_user(
    session: Session, actor: Actor, user_id: uuid.UUID, version: int, data: Mapping[str, Any]
) -> User:
    """Change the given fields (`name`, `email`, `role`, `job_title`, `bio`, `phone`,
    `is_team_member`) of a user, versioned. Needs `users:write`. Nothing is written when no
    value changes. An Admin can't change their own role (InvalidState): that would demote
    them, and nobody may raise their own. Raises NotFound, VersionConflict, ValidationFailed,
    Forbidden, InvalidState."""
    require(actor, "users:write")
    user = _locked(session, user_id, version)
    values = _clean(session, data, EDIT_FIELDS, user_id)
    changed = {k: val for k, val in values.items() if getattr(user, k) != val}
    if "name" in changed and changed["name"] is None:
        raise ValidationFailed({"name": ["Name is required."]})
    if "role" in changed and user_id == actor.user_id:
        raise InvalidState(
            "You can't change your own role; another Admin has to do it.", {"field": "role"}
        )
    if not changed:
        return user
    return compare_and_swap(session, User, user_id, user.version, changed, actor, entity="user")


def set_active(
    session: Session,
    actor: Actor,
    user_id: uuid.UUID,
    active: bool,
    *,
    version: int | None = None,
) -> User:
    """Activate or deactivate a user. Needs `users:write`. Deactivating bumps
    `token_version` (every open session of that user ends on its next call). Refused for
    one's own account: deactivating yourself (InvalidState) or re-activating yourself
    (Forbidden). A user already in that state is returned unchanged. Raises NotFound,
    VersionConflict."""
    require(actor, "users:write")
    if user_id == actor.user_id:
        if active:
            raise Forbidden("You can't re-activate your own account.")
        raise InvalidState("You can't deactivate your own account; another Admin has to.")
    user = _locked(session, user_id, version)
    if user.is_active == active:
        return user
    values: dict[str, Any] = {"is_active": active}
    if not active:
        values["token_version"] = user.token_version + 1
    return compare_and_swap(session, User, user_id, user.version, values, actor, entity="user")


def reset_password(
    session: Session,
    actor: Actor,
    user_id: uuid.UUID,
    new_password: object,
    *,
    version: int | None = None,
) -> User:
    """An Admin sets a new password for another user (`users.password_errors` policy) and
    bumps their `token_version`, so they must sign in again with it. Needs `users:write`.
    One's own password is changed on the profile, with the current one (InvalidState here).
    Raises ValidationFailed {"password": [...]}, NotFound, VersionConflict."""
    require(actor, "users:write")
    if user_id == actor.user_id:
        raise InvalidState(
            "Change your own password on your profile (it asks for the current one)."
        )
    problems = users_service.password_errors(new_password)
    if problems:
        raise ValidationFailed({"password": problems})
    assert isinstance(new_password, str)
    user = _locked(session, user_id, version)
    values = {"password_hash": hash_password(new_password), "token_version": user.token_version + 1}
    return compare_and_swap(session, User, user_id, user.version, values, actor, entity="user")


def sign_out_everywhere(
    session: Session, actor: Actor, user_id: uuid.UUID, *, version: int | None = None
) -> User:
    """Revoke every token of a user (bump `token_version`): each of their open sessions is
    signed out on its next call. Needs `users:write` (one's own account included: that
    ends the caller's session too). Raises NotFound, VersionConflict."""
    require(actor, "users:write")
    user = _locked(session, user_id, version)
    values = {"token_version": user.token_version + 1}
    return compare_and_swap(session, User, user_id, user.version, values, actor, entity="user")


def _history(session: Session, user_id: uuid.UUID) -> int:
    """How many rows refer to the user (audit entries, things they created or changed,
    events assigned, scans, ...), from every foreign key to `app_user` that is not
    ON DELETE CASCADE (rows that would simply go with the user are not history)."""
    count = 0
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != User.__tablename__ or fk.ondelete == "CASCADE":
                continue
            column = fk.parent
            query = sa.select(sa.func.count()).select_from(table).where(column == user_id)
            if table.name == User.__tablename__:
                query = query.where(table.c.id != user_id)
            count += int(session.execute(query).scalar_one())
    return count


def delete_user(
    session: Session, actor: Actor, user_id: uuid.UUID, *, version: int | None = None
) -> None:
    """Delete a user who never did anything (no audit entries, nothing created, changed or
    assigned). A user with history is refused with InUse (409): deactivate them instead, so
    the history keeps its names. Needs `users:delete`; one's own account is refused
    (InvalidState). Raises NotFound, VersionConflict."""
    require(actor, "users:delete")
    if user_id == actor.user_id:
        raise InvalidState("You can't delete your own account.")
    user = _locked(session, user_id, version)
    history = _history(session, user_id)
    if history:
        raise InUse(
            f"{user.name} has history ({history} record(s) refer to this account); "
            "deactivate the account instead of deleting it.",
            {"history": history},
        )
    old = snapshot(user)
    try:
        with session.begin_nested():
            session.delete(user)
            session.flush()
    except sa_exc.IntegrityError:
        raise InUse(f"{old['name']} is still referenced; deactivate the account instead.") from None
    record_deleted(session, actor, "user", user_id, old, old.get("version"))


def team_members(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """The team page: active team members by name with `name`, `job_title`, `bio`,
    `contact_email`, `phone` and photo URLs — nothing private. Any signed-in user."""
    if actor is None:
        require(actor, "users:read")  # raises Unauthorized
    rows = session.exec(
        select(User)
        .where(col(User.is_active), col(User.is_team_member))
        .order_by(col(User.name), col(User.id))
    ).all()
    out = []
    for user in rows:
        photo, thumb = image_urls(user.photo)
        out.append(
            {
                "id": str(user.id),
                "name": user.name,
                "job_title": user.job_title,
                "bio": user.bio,
                "contact_email": user.contact_email,
                "phone": user.phone,
                "role": Role(user.role).value,
                "photo_url": photo,
                "photo_thumb_url": thumb,
            }
        )
    return out
