"""Idempotency keys of API create requests, so a client's retry never applies a write twice."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from avrentals.domain.models.base import UTCDateTime, utcnow


class IdempotencyKey(SQLModel, table=True):
    """One `Idempotency-Key` a user sent with a write request.

    Rules: unique per user (the primary key). The row is inserted in the SAME transaction as
    the request's write, so it exists exactly when the write was committed; the response is
    stored right after, for replaying to a retry. `request_hash` (method, path, query, body)
    refuses the same key on a different request. Rows older than a day are removed.
    """

    __tablename__ = "idempotency_key"
    __table_args__ = (sa.Index("ix_idempotency_key_created_at", "created_at"),)

    user_id: uuid.UUID = Field(primary_key=True, foreign_key="app_user.id", ondelete="CASCADE")
    key: str = Field(primary_key=True, max_length=100)
    method: str = Field(max_length=10)
    path: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    response_body: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
