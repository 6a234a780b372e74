"""Column types and mixins shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on every backend.

    SQLite drops the offset; values are normalised to UTC on the way in and re-marked as UTC
    on the way out, so Python code always sees aware datetimes.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


MONEY = sa.Numeric(12, 2)


def enum_type(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A string enum stored as its values, with a CHECK constraint on every backend."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


def money(default: str = "0.00", **kwargs: Any) -> Any:
    return Field(default=Decimal(default), sa_type=MONEY, **kwargs)


def user_fk(**kwargs: Any) -> Any:
    """A nullable reference to a user that survives the user's deletion."""
    return Field(default=None, foreign_key="app_user.id", ondelete="SET NULL", **kwargs)


class IdMixin(SQLModel):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)


class TimestampMixin(SQLModel):
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class VersionedMixin(SQLModel):
    """Optimistic concurrency: `version` starts at 1 and is bumped by every update."""

    version: int = Field(default=1, nullable=False)
    created_by: uuid.UUID | None = user_fk()
    updated_by: uuid.UUID | None = user_fk()
