"""Idempotent writes: a request carrying an `Idempotency-Key` is applied at most once.

How it holds even when an app instance dies mid-request:
- the adapter (API) announces the key for the current request with `expect_key` before any
  service runs (a context variable, so it follows the request into worker threads);
- `db.transaction()` calls `claim_pending` just before it commits: the key row is inserted in
  the SAME transaction as the write, so the key exists exactly when the write was committed.
  A crash before the commit leaves neither; a crash after it leaves both;
- a second request with the same key that races the first blocks on the key's primary key
  (PostgreSQL) or the writer lock (SQLite) and then fails with DuplicateRequest, its own
  writes rolled back;
- after the answer is produced the adapter stores it (`store_answer`) for replaying to retries.

Rows live for a day (`KEY_LIFETIME`); older ones are removed as new keys are claimed.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session

from avrentals.domain.errors import DomainError
from avrentals.domain.models import IdempotencyKey, utcnow

KEY_LIFETIME = timedelta(days=1)
MAX_KEY_LENGTH = 100


class DuplicateRequest(DomainError):
    """The same Idempotency-Key is being applied by another request right now."""

    code = "IDEMPOTENCY_CONFLICT"


@dataclass
class PendingKey:
    """The key announced for the request being handled, and whether its write committed."""

    user_id: uuid.UUID
    key: str
    method: str
    path: str
    request_hash: str
    claimed: bool = False


_pending: ContextVar[PendingKey | None] = ContextVar("avr_idempotency_key", default=None)


def expect_key(pending: PendingKey) -> None:
    """Announce `pending` for the current request (context)."""
    _pending.set(pending)


def claim_pending(session: Session) -> None:
    """Insert the announced key in `session`'s transaction (once per request).

    Called by `db.transaction()` before commit. Raises DuplicateRequest when another request
    holds the same key (the caller rolls back)."""
    pending = _pending.get()
    if pending is None or pending.claimed:
        return
    now = utcnow()
    session.execute(
        sa.delete(IdempotencyKey).where(
            IdempotencyKey.user_id == pending.user_id,  # type: ignore[arg-type]
            IdempotencyKey.created_at < now - KEY_LIFETIME,  # type: ignore[arg-type]
        )
    )
    try:
        with session.begin_nested():
            session.add(
                IdempotencyKey(
                    user_id=pending.user_id,
                    key=pending.key,
                    method=pending.method,
                    path=pending.path,
                    request_hash=pending.request_hash,
                    created_at=now,
                )
            )
    except sa_exc.IntegrityError as exc:
        raise DuplicateRequest(
            "This request (same Idempotency-Key) was applied at the same moment by another "
            "request; nothing was written twice. Retry to get its answer."
        ) from exc
    pending.claimed = True


def find_key(session: Session, user_id: uuid.UUID, key: str) -> IdempotencyKey | None:
    """The stored key of `user_id` (None when unknown or expired)."""
    row = session.get(IdempotencyKey, (user_id, key))
    if row is None or row.created_at < utcnow() - KEY_LIFETIME:
        return None
    return row


def store_answer(
    session: Session, user_id: uuid.UUID, key: str, status_code: int, body: dict[str, Any]
) -> None:
    """Keep the answer of a committed keyed request for replays (caller commits)."""
    session.execute(
        sa.update(IdempotencyKey)
        .where(
            IdempotencyKey.user_id == user_id,  # type: ignore[arg-type]
            IdempotencyKey.key == key,  # type: ignore[arg-type]
        )
        .values(status_code=status_code, response_body=body)
    )
