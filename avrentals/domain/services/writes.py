"""Bookkeeping shared by the create/delete paths of the catalogue services.

Updates go through `versioning.compare_and_swap` (which audits and records the change
itself); creates and deletes use `record_created` / `record_deleted` below so that every
mutation leaves one audit row (old -> new) and one change for the bus (published after
commit by `db.transaction`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlmodel import Session, SQLModel

from avrentals.domain import changes
from avrentals.domain.errors import VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.serialize import snapshot
from avrentals.domain.services.audit import record_audit


def _change(session: Session, actor: Actor, entity: str, action: str, row: SQLModel) -> None:
    changes.record(
        session,
        changes.Change(
            entity=entity,
            action=action,
            id=str(getattr(row, "id")),  # noqa: B009
            version=getattr(row, "version", None),
            actor=actor.username,
            actorName=actor.name,
        ),
    )


def record_created(session: Session, actor: Actor, entity: str, row: SQLModel) -> None:
    """Audit `create` (new = every column) and queue the `create` change."""
    record_audit(session, actor, "create", entity, getattr(row, "id"), None, snapshot(row))  # noqa: B009
    _change(session, actor, entity, "create", row)


def record_deleted(
    session: Session, actor: Actor, entity: str, row_id: UUID, old: dict[str, Any], version: Any
) -> None:
    """Audit `delete` (old = every column the row had) and queue the `delete` change."""
    record_audit(session, actor, "delete", entity, row_id, old, None)
    changes.record(
        session,
        changes.Change(
            entity=entity,
            action="delete",
            id=str(row_id),
            version=version,
            actor=actor.username,
            actorName=actor.name,
        ),
    )


def check_version(row: SQLModel, expected: int | None, entity: str) -> None:
    """Raise VersionConflict (carrying the saved row) when `expected` is given and stale.

    Used before validating an edit against the saved row, and by versioned deletes; the
    conditional UPDATE of `compare_and_swap` still guards the race after this check."""
    current = getattr(row, "version", None)
    if expected is not None and current != expected:
        raise VersionConflict(
            f"This {entity} was changed by someone else (now version {current}).",
            snapshot(row),
        )
