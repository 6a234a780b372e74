"""Clients of the rental house."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field

from avrentals.domain.models.base import IdMixin, TimestampMixin, VersionedMixin


class Client(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """A customer. Rules: name 2-100; cannot be deleted while it has events or quotes
    (RESTRICT foreign keys)."""

    __tablename__ = "client"
    __table_args__ = (
        sa.CheckConstraint("length(name) BETWEEN 2 AND 100", name="name_length"),
        sa.CheckConstraint("notes IS NULL OR length(notes) <= 1000", name="notes_length"),
    )

    name: str = Field(max_length=100, index=True)
    contact_person: str | None = Field(default=None, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=30)
    address: str | None = Field(default=None, max_length=200)
    tax_id: str | None = Field(default=None, max_length=20)
    notes: str | None = Field(default=None, max_length=1000)
