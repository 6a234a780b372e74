"""The change bus (DESIGN §9): every committed change is published as
`{entity, action, id, version, actor, actorName, at}` after commit, never before.

Redis pub/sub when REDIS_URL is set (all app instances see every change); an in-process fan
out otherwise. Delivery is at-most-once: screens refetch from the database on reconnect, so
a lost message costs freshness, never data.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

logger = logging.getLogger(__name__)

CHANNEL = "avrentals:changes"
_PENDING_KEY = "avrentals.pending_changes"


@dataclass(frozen=True)
class Change:
    entity: str
    action: str
    id: str
    version: int | None = None
    actor: str | None = None
    actorName: str | None = None
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Change:
        data = json.loads(raw)
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})


class ChangeBus(Protocol):
    def publish(self, change: Change) -> None: ...

    def subscribe(self) -> AsyncIterator[Change]: ...


class InProcessBus:
    """Fan-out inside one process. `publish` is thread-safe (services run in worker threads);
    each subscriber is an asyncio queue drained on its own loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[Change]]] = set()

    def publish(self, change: Change) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, change)
            except RuntimeError:  # that loop is closed: drop the subscriber
                with self._lock:
                    self._subscribers.discard((loop, queue))

    async def subscribe(self) -> AsyncIterator[Change]:
        entry = (asyncio.get_running_loop(), asyncio.Queue[Change]())
        with self._lock:
            self._subscribers.add(entry)
        try:
            while True:
                yield await entry[1].get()
        finally:
            with self._lock:
                self._subscribers.discard(entry)


class RedisBus:
    """Redis pub/sub on one channel shared by every app instance using the same Redis
    database. Pub/sub ignores database numbers, so the channel carries it: deployments (or
    test suites) on different databases of one Redis server never hear each other."""

    def __init__(self, url: str) -> None:
        import redis

        self._url = url
        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        database = self._client.connection_pool.connection_kwargs.get("db", 0)
        self.channel = f"{CHANNEL}:db{database}"

    def publish(self, change: Change) -> None:
        try:
            self._client.publish(self.channel, change.to_json())
        except Exception:  # the commit stands; screens catch up on their next refresh
            logger.warning("change bus: publish to Redis failed", exc_info=True)

    async def subscribe(self) -> AsyncIterator[Change]:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(self._url)
        pubsub = client.pubsub()
        await pubsub.subscribe(self.channel)
        try:
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    yield Change.from_json(message["data"])
        finally:
            await pubsub.aclose()
            await client.aclose()


_bus: ChangeBus | None = None
_bus_lock = threading.Lock()


def get_bus() -> ChangeBus:
    """The process-wide bus: Redis when REDIS_URL is set, in-process otherwise."""
    global _bus
    with _bus_lock:
        if _bus is None:
            from avrentals.settings import get_settings

            url = get_settings().redis_url
            _bus = RedisBus(url) if url else InProcessBus()
        return _bus


def set_bus(bus: ChangeBus | None) -> None:
    """Replace the process-wide bus (tests point it at a specific Redis or a fresh one)."""
    global _bus
    with _bus_lock:
        _bus = bus


def record(session: Any, change: Change) -> None:
    """Queue `change` on the session; it is published only if the transaction commits."""
    session.info.setdefault(_PENDING_KEY, []).append(change)


def publish_pending(session: Any) -> None:
    """Publish and forget what `record` queued (called after a successful commit)."""
    pending: list[Change] = session.info.pop(_PENDING_KEY, [])
    if not pending:
        return
    bus = get_bus()
    for change in pending:
        bus.publish(change)


def discard_pending(session: Any) -> None:
    session.info.pop(_PENDING_KEY, None)
