"""The audit-log writer used by every mutation and every login attempt."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from avrentals.domain.models import AuditLog
from avrentals.domain.permissions import Actor


def record_audit(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: Any,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    *,
    username: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> AuditLog:
    """Add one audit row in the caller's transaction (it commits or rolls back with the
    change it describes)."""
    row = AuditLog(
        actor_id=actor.user_id if actor else None,
        actor_username=(actor.username if actor else username),
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id) if entity_id is not None else None,
        old_values=old,
        new_values=new,
        ip=(actor.ip if actor else ip),
        user_agent=((actor.user_agent if actor else user_agent) or None),
    )
    if row.user_agent:
        row.user_agent = row.user_agent[:255]
    session.add(row)
    return row
