"""Versioned (optimistic) updates: the one compare-and-swap helper every edit uses."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from avrentals.domain import changes
from avrentals.domain.errors import NotFound, VersionConflict
from avrentals.domain.models.base import utcnow
from avrentals.domain.permissions import Actor
from avrentals.domain.serialize import diff, snapshot
from avrentals.domain.services.audit import record_audit

M = TypeVar("M", bound=SQLModel)


def compare_and_swap(
    session: Session,
    model: type[M],
    row_id: UUID,
    expected_version: int,
    values: dict[str, Any],
    actor: Actor,
    *,
    entity: str,
) -> M:
    """Apply `values` to the row only if its version is still `expected_version`.

    One conditional UPDATE (`WHERE id = :id AND version = :expected`) that bumps the version,
    so two concurrent editors can never both win. Writes an audit row with the changed
    fields and records a change for the bus (published after commit).

    Raises NotFound when the row does not exist, VersionConflict (carrying the current row)
    when someone else saved first.
    """
    table: Any = model
    before = session.get(model, row_id, with_for_update=False)
    if before is None:
        raise NotFound(f"{entity} not found")
    old = snapshot(before)
    stmt = (
        sa.update(table)
        .where(table.id == row_id, table.version == expected_version)
        .values(**values, version=table.version + 1, updated_at=utcnow(), updated_by=actor.user_id)
    )
    result: Any = session.execute(stmt)
    if result.rowcount != 1:
        session.expire(before)
        current = session.get(model, row_id, populate_existing=True)
        if current is None:
            raise NotFound(f"{entity} not found")
        raise VersionConflict(
            f"This {entity} was changed by someone else "
            f"(now version {getattr(current, 'version', '?')}).",
            snapshot(current),
        )
    session.expire(before)
    after = session.get(model, row_id, populate_existing=True)
    assert after is not None
    new = snapshot(after)
    old_changed, new_changed = diff(old, new)
    record_audit(session, actor, "update", entity, row_id, old_changed, new_changed)
    changes.record(
        session,
        changes.Change(
            entity=entity,
            action="update",
            id=str(row_id),
            version=getattr(after, "version", None),
            actor=actor.username,
            actorName=actor.name,
        ),
    )
    return after
