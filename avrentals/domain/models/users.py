"""People who sign in."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from avrentals.domain.enums import Language, Role
from avrentals.domain.models.base import (
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    enum_type,
)


class User(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """A staff member who signs in.

    Rules: username unique; email unique when set; `token_version` is bumped by a password
    change, deactivation or "sign out everywhere", which revokes every older token. NIF and
    IBAN are visible only to the user and Admins.
    """

    __tablename__ = "app_user"
    __table_args__ = (
        sa.CheckConstraint("length(username) BETWEEN 3 AND 50", name="username_length"),
        sa.CheckConstraint("token_version >= 1", name="token_version_positive"),
    )

    username: str = Field(max_length=50, unique=True, index=True)
    name: str = Field(max_length=100)
    email: str | None = Field(default=None, max_length=254, unique=True)
    password_hash: str = Field(max_length=255)
    role: Role = Field(sa_type=enum_type(Role, "user_role"), nullable=False, index=True)
    is_active: bool = Field(default=True)
    token_version: int = Field(default=1)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # None: no choice made, the interface follows the browser's language.
    language: Language | None = Field(
        default=None, sa_type=enum_type(Language, "user_language"), nullable=True
    )
    # Profile
    job_title: str | None = Field(default=None, max_length=100)
    bio: str | None = Field(default=None, max_length=1000)
    phone: str | None = Field(default=None, max_length=30)
    emergency_phone: str | None = Field(default=None, max_length=30)
    contact_email: str | None = Field(default=None, max_length=254)
    photo: str | None = Field(default=None, max_length=255)
    nif: str | None = Field(default=None, max_length=20)
    iban: str | None = Field(default=None, max_length=34)
    is_team_member: bool = Field(default=False)
    ics_token: uuid.UUID | None = Field(default=None, unique=True)
    # Notification types this user chose not to receive (values of NotificationType).
    muted_notification_types: list[str] | None = Field(default=None, sa_type=sa.JSON)
