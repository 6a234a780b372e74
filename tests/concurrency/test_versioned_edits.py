"""Real threads, real commits: generated asset codes stay unique when many items are created
at once, and of several concurrent edits of one client exactly one wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.enums import Role
from avrentals.domain.errors import VersionConflict
from avrentals.domain.models import AuditLog, Client, EquipmentItem
from avrentals.domain.services.clients import update_client
from avrentals.domain.services.equipment import create_equipment
from tests.factories import make_actor
from tests.inventory_factories import make_category, make_client

THREADS = 8


def run_together(
    work: Callable[[int], Any], n: int = THREADS
) -> tuple[list[Any], list[BaseException]]:
    """Start `n` threads that call `work(i)` at the same moment; collect results/errors."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def target(i: int) -> None:
        barrier.wait()
        try:
            result = work(i)
        except BaseException as exc:  # collected and asserted on
            with lock:
                errors.append(exc)
        else:
            with lock:
                results.append(result)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    return results, errors


def test_concurrent_creates_get_distinct_asset_codes(engine: Engine) -> None:
    audio, _ = make_category(engine, "Audio")
    # A second category with the same prefix (AUD) races on the same number sequence: its
    # creations are not serialised by the category lock, only by the unique-violation retry.
    audiovisual, _ = make_category(engine, "Audiovisual")
    actor = make_actor(engine, Role.TECHNICIAN)

    def work(i: int) -> str:
        category = audio if i % 2 else audiovisual
        with transaction(engine) as s:
            item = create_equipment(
                s,
                actor,
                {"name": f"Item {i}", "category_id": category.id, "location": "A", "quantity": 1},
            )
            return item.asset_code

    codes, errors = run_together(work, THREADS * 2)
    assert errors == [], [getattr(e, "details", e) for e in errors]
    assert len(codes) == THREADS * 2 and len(set(codes)) == THREADS * 2
    assert sorted(codes) == [f"AUD-{n:04d}" for n in range(1, THREADS * 2 + 1)]
    with Session(engine) as s:
        assert len(s.exec(select(EquipmentItem)).all()) == THREADS * 2
        assert len(s.exec(select(AuditLog).where(AuditLog.action == "create")).all()) == THREADS * 2


def test_concurrent_edits_of_one_client_exactly_one_wins(engine: Engine) -> None:
    client = make_client(engine, "Acme")
    actors = [make_actor(engine, Role.EMPLOYEE) for _ in range(THREADS)]

    def work(i: int) -> str:
        with transaction(engine) as s:
            update_client(s, actors[i], client.id, 1, {"notes": f"edit {i}"})
        return f"edit {i}"

    winners, errors = run_together(work)
    assert len(winners) == 1, (winners, errors)
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, VersionConflict) for e in errors), errors
    assert all(e.current["notes"] == winners[0] for e in errors if isinstance(e, VersionConflict))
    with Session(engine) as s:
        saved = s.get(Client, client.id)
        assert saved is not None and (saved.notes, saved.version) == (winners[0], 2)
        updates = s.exec(select(AuditLog).where(AuditLog.action == "update")).all()
    assert len(updates) == 1 and updates[0].new_values == {"notes": winners[0]}
