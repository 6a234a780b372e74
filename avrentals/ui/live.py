"""Live updates (DESIGN §9): push committed changes to the browsers connected to this process.

One lifespan task per worker process subscribes to the change bus (Redis pub/sub when
REDIS_URL is set, so every worker of every instance sees every change; in-process otherwise)
and, for each batch of changes, updates the Reflex state of the tabs whose socket lives on
this process. Tabs on other processes are served by those processes' own subscribers.

Which page states receive changes is a small registry (`register`): each registered state
class declares `LIVE_ENTITIES` and implements `_apply_changes(changes)`, filtering by entity
and by the page the tab has open. A tab is only touched for the states whose entities
appear in the batch.

Resilient by construction: a dropped subscription is re-opened with exponential backoff, a
failing tab is logged and skipped, and nothing here can take the app down. Delivery is
at-most-once; pages re-query the database on load, so a lost message costs freshness only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

import reflex as rx
from reflex.istate.manager.token import BaseStateToken

from avrentals.domain.changes import Change, get_bus
from avrentals.ui.state.equipment import EquipmentState

logger = logging.getLogger(__name__)

QUEUE_SIZE = 1000
MAX_PARALLEL_TABS = 16
BACKOFF_START_S = 0.5
BACKOFF_MAX_S = 30.0
# A subscription that stayed up this long resets the backoff when it drops.
HEALTHY_AFTER_S = 30.0

# State classes that get committed changes: each has `LIVE_ENTITIES` (a frozenset of change
# entities) and `async _apply_changes(self, changes)` (never callable from a browser).
_LIVE_STATES: list[Any] = [EquipmentState]


def register(*state_classes: Any) -> None:
    """Add page states to the live fan-out (idempotent; order is kept)."""
    for cls in state_classes:
        if not hasattr(cls, "LIVE_ENTITIES") or not hasattr(cls, "_apply_changes"):
            raise TypeError(f"{cls.__name__} needs LIVE_ENTITIES and _apply_changes")
        if cls not in _LIVE_STATES:
            _LIVE_STATES.append(cls)


def interested(changes: list[Change]) -> list[Any]:
    """The registered states that care about at least one of `changes`."""
    entities = {c.entity for c in changes}
    return [cls for cls in _LIVE_STATES if cls.LIVE_ENTITIES & entities]


async def live_updates(app: rx.App) -> None:
    """Lifespan task: bus subscription → queue → fan-out to this process's tabs."""
    queue: asyncio.Queue[Change] = asyncio.Queue(maxsize=QUEUE_SIZE)
    fan_out = asyncio.create_task(_fan_out_forever(app, queue), name="avr-live-fan-out")
    try:
        await _subscribe_forever(queue)
    finally:
        fan_out.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await fan_out


async def _subscribe_forever(queue: asyncio.Queue[Change]) -> None:
    backoff = BACKOFF_START_S
    while True:
        started = time.monotonic()
        try:
            async for change in get_bus().subscribe():
                try:
                    queue.put_nowait(change)
                except asyncio.QueueFull:
                    logger.warning("live updates: queue full, dropping %s", change.entity)
            reason = "subscription ended"
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # Redis down, network blip, bad message, ...
            reason = f"{type(exc).__name__}: {exc}"
        if time.monotonic() - started >= HEALTHY_AFTER_S:
            backoff = BACKOFF_START_S
        logger.warning("live updates: %s; re-subscribing in %.1fs", reason, backoff)
        await asyncio.sleep(backoff)
        backoff = min(backoff * 2, BACKOFF_MAX_S)


async def _fan_out_forever(app: rx.App, queue: asyncio.Queue[Change]) -> None:
    while True:
        batch = [await queue.get()]
        while not queue.empty():  # coalesce a burst into one refresh per tab
            batch.append(queue.get_nowait())
        try:
            await push_changes(app, batch)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("live updates: fan-out failed")


def local_tokens(app: rx.App) -> list[str]:
    """Client tokens whose socket is connected to this process (private Reflex API, stable in
    0.10: the Redis token manager also caches records of other instances, hence the filter)."""
    namespace = app.event_namespace
    if namespace is None:
        return []
    manager = namespace._token_manager
    return [
        token
        for token, record in list(manager.token_to_socket.items())
        if record.instance_id == manager.instance_id
    ]


async def push_changes(app: rx.App, changes: list[Change]) -> None:
    """Apply `changes` to every interested page state of every tab on this process
    (bounded parallelism; one failing state or tab is logged and skipped)."""
    targets = interested(changes)
    tokens = local_tokens(app) if targets else []
    if not tokens:
        return
    limit = asyncio.Semaphore(MAX_PARALLEL_TABS)

    async def one(token: str) -> None:
        async with limit:
            try:
                async with app.modify_state(BaseStateToken(ident=token, cls=targets[0])) as root:
                    for cls in targets:
                        try:
                            state = await root.get_state(cls)
                            await state._apply_changes(changes)
                        except Exception:
                            logger.warning(
                                "live updates: %s of tab %s… not updated",
                                cls.__name__,
                                token[:8],
                                exc_info=True,
                            )
            except Exception:
                logger.warning("live updates: tab %s… not updated", token[:8], exc_info=True)

    await asyncio.gather(*(one(t) for t in tokens))
