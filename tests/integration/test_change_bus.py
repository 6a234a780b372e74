"""The change bus over real Redis (two bus objects stand for two app instances) and
in-process, including publication from worker threads."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy.engine import Engine

from avrentals.db import transaction
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.services.equipment import update_location
from tests.factories import make_actor, make_item


async def _first_change(bus: changes.ChangeBus, trigger, timeout: float = 3.0):
    agen = bus.subscribe()
    pending = asyncio.ensure_future(agen.__anext__())
    await asyncio.sleep(0.3)  # let the subscription reach Redis before publishing
    await asyncio.to_thread(trigger)
    try:
        return await asyncio.wait_for(pending, timeout)
    finally:
        pending.cancel()
        await agen.aclose()


def test_redis_bus_carries_a_committed_change_to_another_instance(
    engine: Engine, redis_url: str
) -> None:
    instance_a, instance_b = changes.RedisBus(redis_url), changes.RedisBus(redis_url)
    changes.set_bus(instance_a)
    actor = make_actor(engine, Role.MANAGER)
    item = make_item(engine)

    def edit() -> None:
        with transaction(engine) as s:
            update_location(s, actor, item.id, 1, "Stage left")

    change = asyncio.run(_first_change(instance_b, edit))
    assert (change.entity, change.action, change.id, change.version) == (
        "equipment",
        "update",
        str(item.id),
        2,
    )
    assert change.actor == actor.username and change.actorName == actor.name


def test_buses_on_other_redis_databases_hear_nothing(redis_url: str) -> None:
    """Pub/sub spans every database of a Redis server; the channel names the database, so
    a deployment (or the browser suite) on another database never reaches this one."""
    base, _, _db = redis_url.rpartition("/")
    here, there = changes.RedisBus(redis_url), changes.RedisBus(f"{base}/13")
    assert here.channel != there.channel
    change = changes.Change(entity="equipment", action="update", id="elsewhere", version=9)

    async def heard() -> list[changes.Change]:
        agen = here.subscribe()
        pending = asyncio.ensure_future(agen.__anext__())
        await asyncio.sleep(0.3)
        await asyncio.to_thread(there.publish, change)
        done, _ = await asyncio.wait({pending}, timeout=1.0)
        got = [task.result() for task in done]
        pending.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pending
        await agen.aclose()
        return got

    assert asyncio.run(heard()) == []


def test_redis_publish_failure_does_not_undo_the_commit(engine: Engine) -> None:
    changes.set_bus(changes.RedisBus("redis://127.0.0.1:1/0"))  # nothing listens there
    actor = make_actor(engine)
    item = make_item(engine)
    with transaction(engine) as s:
        saved = update_location(s, actor, item.id, 1, "Van 3")
    assert saved.version == 2


def test_in_process_bus_fans_out_to_every_subscriber() -> None:
    bus = changes.InProcessBus()
    change = changes.Change(entity="equipment", action="update", id="x", version=3)

    async def main() -> list[changes.Change]:
        subs = [bus.subscribe() for _ in range(3)]
        waits = [asyncio.ensure_future(s.__anext__()) for s in subs]
        await asyncio.sleep(0)
        await asyncio.to_thread(bus.publish, change)
        got = await asyncio.wait_for(asyncio.gather(*waits), 1)
        for s in subs:
            await s.aclose()
        return list(got)

    assert asyncio.run(main()) == [change] * 3


def test_change_json_roundtrip() -> None:
    change = changes.Change(
        entity="rental", action="create", id="1", version=1, actor="a", actorName="A B"
    )
    assert changes.Change.from_json(change.to_json()) == change
