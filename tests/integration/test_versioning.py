"""Compare-and-swap edits, the audit row they write, and the change published after commit."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, EquipmentItem
from avrentals.domain.services.equipment import update_location
from tests.factories import make_actor, make_item


def _drain(bus: changes.InProcessBus, action) -> list[changes.Change]:
    """Run `action` while subscribed to `bus`; return what was published."""
    got: list[changes.Change] = []

    async def main() -> None:
        agen = bus.subscribe()
        first = asyncio.ensure_future(agen.__anext__())
        await asyncio.sleep(0)  # subscription registered
        await asyncio.to_thread(action)
        try:
            got.append(await asyncio.wait_for(first, 1.0))
            while True:
                got.append(await asyncio.wait_for(agen.__anext__(), 0.2))
        except (TimeoutError, StopAsyncIteration):
            pass
        finally:
            first.cancel()
            await agen.aclose()

    asyncio.run(main())
    return got


def test_update_bumps_version_audits_and_publishes_after_commit(
    engine: Engine, fresh_bus: changes.InProcessBus
) -> None:
    actor = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine, location="Aisle A")

    def edit() -> None:
        with transaction(engine) as s:
            update_location(s, actor, item.id, 1, "Truck 2")

    published = _drain(fresh_bus, edit)
    assert [(c.entity, c.action, c.id, c.version, c.actor) for c in published] == [
        ("equipment", "update", str(item.id), 2, actor.username)
    ]
    with Session(engine) as s:
        saved = s.get(EquipmentItem, item.id)
        assert saved is not None and saved.version == 2 and saved.location == "Truck 2"
        assert saved.updated_by == actor.user_id
        audit = s.exec(select(AuditLog).where(AuditLog.action == "update")).one()
        assert audit.entity_type == "equipment" and audit.entity_id == str(item.id)
        assert audit.old_values == {"location": "Aisle A"}
        assert audit.new_values == {"location": "Truck 2"}
        assert audit.actor_id == actor.user_id


def test_stale_version_is_a_conflict_carrying_the_saved_row(
    engine: Engine, fresh_bus: changes.InProcessBus
) -> None:
    actor = make_actor(engine, Role.MANAGER)
    item = make_item(engine)
    with transaction(engine) as s:
        update_location(s, actor, item.id, 1, "Dock")

    def stale() -> None:
        with pytest.raises(VersionConflict) as info, transaction(engine) as s:
            update_location(s, actor, item.id, 1, "Somewhere else")
        assert info.value.current["location"] == "Dock"
        assert info.value.current["version"] == 2

    assert _drain(fresh_bus, stale) == []  # nothing published for a refused write
    with Session(engine) as s:
        assert s.get(EquipmentItem, item.id).location == "Dock"  # type: ignore[union-attr]
        assert len(s.exec(select(AuditLog)).all()) == 1


def test_rolled_back_transaction_publishes_nothing(
    engine: Engine, fresh_bus: changes.InProcessBus
) -> None:
    actor = make_actor(engine)
    item = make_item(engine)

    def failing() -> None:
        with pytest.raises(RuntimeError), transaction(engine) as s:
            update_location(s, actor, item.id, 1, "Lost")
            raise RuntimeError("boom after the update")

    assert _drain(fresh_bus, failing) == []
    with Session(engine) as s:
        saved = s.get(EquipmentItem, item.id)
        assert saved is not None and saved.location == "Aisle A" and saved.version == 1
        assert s.exec(select(AuditLog)).all() == []


def test_permissions_validation_and_missing_rows(engine: Engine) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    tech = make_actor(engine, Role.TECHNICIAN)
    item = make_item(engine)
    with pytest.raises(Forbidden), transaction(engine) as s:
        update_location(s, viewer, item.id, 1, "Truck")
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        update_location(s, tech, item.id, 1, "   ")
    assert "location" in info.value.fields
    with pytest.raises(NotFound), transaction(engine) as s:
        update_location(s, tech, uuid.uuid4(), 1, "Truck")


def test_concurrent_editors_exactly_one_wins(engine: Engine) -> None:
    """Eight threads all edit from version 1 with real commits: one wins, seven conflict."""
    actor = make_actor(engine, Role.MANAGER)
    item = make_item(engine)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def editor(n: int) -> None:
        barrier.wait()
        try:
            with transaction(engine) as s:
                update_location(s, actor, item.id, 1, f"Bay {n}")
            result = "won"
        except VersionConflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict"] * 7 + ["won"]
    with Session(engine) as s:
        saved = s.get(EquipmentItem, item.id)
        assert saved is not None and saved.version == 2
        assert len(s.exec(select(AuditLog)).all()) == 1
