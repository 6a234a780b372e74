"""Notifications, the audit log and the company settings row."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from avrentals.domain.enums import Language, NotificationType, Priority
from avrentals.domain.models.base import (
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    enum_type,
    user_fk,
    utcnow,
)


class Notification(IdMixin, TimestampMixin, table=True):
    """A message for one user. `dedup_key` (unique per user) stops generators repeating it."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedup_key", name="uq_notification_user_dedup"),
        sa.Index("ix_notification_user_unread", "user_id", "is_read"),
    )

    user_id: uuid.UUID = Field(foreign_key="app_user.id", ondelete="CASCADE")
    type: NotificationType = Field(
        sa_type=enum_type(NotificationType, "notification_type"), nullable=False
    )
    title: str = Field(max_length=200)
    message: str = Field(max_length=1000)
    priority: Priority = Field(
        default=Priority.MEDIUM, sa_type=enum_type(Priority, "priority"), nullable=False
    )
    is_read: bool = Field(default=False)
    link: str | None = Field(default=None, max_length=255)
    dedup_key: str | None = Field(default=None, max_length=200)


class AuditLog(IdMixin, table=True):
    """One row per committed mutation and per login attempt: who, what, old -> new."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_entity", "entity_type", "entity_id"),
        sa.Index("ix_audit_at", "at"),
    )

    actor_id: uuid.UUID | None = user_fk(index=True)
    actor_username: str | None = Field(default=None, max_length=50)
    action: str = Field(max_length=40)
    entity_type: str = Field(max_length=40)
    entity_id: str | None = Field(default=None, max_length=64)
    old_values: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    new_values: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=255)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class CompanySettings(SQLModel, table=True):
    """The single settings row (id = 1): company identity, money, language, branding, SMTP."""

    __tablename__ = "company_settings"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint(
            "default_tax_rate >= 0 AND default_tax_rate <= 1", name="tax_rate_fraction"
        ),
    )

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    company_name: str = Field(default="AV Rentals", max_length=100)
    tagline: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=200)
    website: str | None = Field(default=None, max_length=200)
    tax_id: str | None = Field(default=None, max_length=20)
    currency: str = Field(default="EUR", max_length=3)
    default_tax_rate: Decimal = Field(default=Decimal("0.23"), sa_type=sa.Numeric(5, 4))
    default_language: Language = Field(
        default=Language.EN, sa_type=enum_type(Language, "settings_language"), nullable=False
    )
    primary_color: str = Field(default="#1e40af", max_length=7)
    logo: str | None = Field(default=None, max_length=255)
    quote_terms: str | None = Field(default=None, max_length=4000)
    smtp_host: str | None = Field(default=None, max_length=200)
    smtp_port: int | None = None
    smtp_username: str | None = Field(default=None, max_length=200)
    smtp_password: str | None = Field(default=None, max_length=200)
    smtp_from: str | None = Field(default=None, max_length=254)
    smtp_use_tls: bool = Field(default=True)
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
