"""Who is looking at what right now (DESIGN §9: "prep screens show who else is scanning the
same event"), with expiry.

A screen calls `touch(topic, tab, name)` when it opens and then every few seconds while it
stays open; `present(topic)` lists the tabs seen within the last TTL_SECONDS. A closed tab
simply stops touching and drops out after the TTL; `leave` removes it at once.

Redis (a hash per topic, field = tab, value = name and expiry) when REDIS_URL is set, so tabs
connected to different app instances see each other; a process-local registry otherwise.
Presence is advisory: a Redis failure is logged and reads as "nobody else".
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Protocol

logger = logging.getLogger(__name__)

TTL_SECONDS = 30
KEY_PREFIX = "avrentals:presence:"
MAX_NAME = 100


class Registry(Protocol):
    def touch(self, topic: str, tab: str, name: str, now: float) -> None: ...

    def leave(self, topic: str, tab: str) -> None: ...

    def present(self, topic: str, now: float) -> dict[str, str]: ...


class LocalRegistry:
    """Process-local presence (one app process, tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, dict[str, tuple[str, float]]] = {}

    def touch(self, topic: str, tab: str, name: str, now: float) -> None:
        with self._lock:
            self._seen.setdefault(topic, {})[tab] = (name, now + TTL_SECONDS)

    def leave(self, topic: str, tab: str) -> None:
        with self._lock:
            self._seen.get(topic, {}).pop(tab, None)

    def present(self, topic: str, now: float) -> dict[str, str]:
        with self._lock:
            tabs = self._seen.get(topic, {})
            for tab in [t for t, (_, until) in tabs.items() if until <= now]:
                del tabs[tab]
            return {tab: name for tab, (name, _) in tabs.items()}


class RedisRegistry:
    """Presence shared by every app instance through one Redis hash per topic."""

    def __init__(self, url: str) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def touch(self, topic: str, tab: str, name: str, now: float) -> None:
        key = KEY_PREFIX + topic
        try:
            pipe = self._client.pipeline()
            pipe.hset(key, tab, json.dumps([name, now + TTL_SECONDS]))
            pipe.expire(key, TTL_SECONDS * 4)
            pipe.execute()
        except Exception:
            logger.warning("presence: touch failed", exc_info=True)

    def leave(self, topic: str, tab: str) -> None:
        try:
            self._client.hdel(KEY_PREFIX + topic, tab)
        except Exception:
            logger.warning("presence: leave failed", exc_info=True)

    def present(self, topic: str, now: float) -> dict[str, str]:
        key = KEY_PREFIX + topic
        try:
            raw: dict[Any, Any] = self._client.hgetall(key)  # type: ignore[assignment]
        except Exception:
            logger.warning("presence: read failed", exc_info=True)
            return {}
        alive: dict[str, str] = {}
        expired: list[Any] = []
        for tab, value in raw.items():
            try:
                name, until = json.loads(value)
            except (ValueError, TypeError):
                expired.append(tab)
                continue
            if float(until) <= now:
                expired.append(tab)
            else:
                alive[tab.decode() if isinstance(tab, bytes) else str(tab)] = str(name)
        if expired:
            try:
                self._client.hdel(key, *expired)
            except Exception:
                logger.warning("presence: cleanup failed", exc_info=True)
        return alive


_registry: Registry | None = None
_registry_lock = threading.Lock()


def get_registry() -> Registry:
    """The process-wide registry: Redis when REDIS_URL is set, process-local otherwise."""
    global _registry
    with _registry_lock:
        if _registry is None:
            from avrentals.settings import get_settings

            url = get_settings().redis_url
            _registry = RedisRegistry(url) if url else LocalRegistry()
        return _registry


def set_registry(registry: Registry | None) -> None:
    """Replace the process-wide registry (tests)."""
    global _registry
    with _registry_lock:
        _registry = registry


def touch(topic: str, tab: str, name: str) -> None:
    """Mark `tab` (showing `topic`, used by `name`) as present for TTL_SECONDS more."""
    get_registry().touch(topic, tab, name[:MAX_NAME], time.time())


def leave(topic: str, tab: str) -> None:
    get_registry().leave(topic, tab)


def present(topic: str) -> dict[str, str]:
    """Tab -> name of everyone seen on `topic` within the TTL."""
    return get_registry().present(topic, time.time())


def others(topic: str, tab: str, own_name: str | None = None) -> list[str]:
    """Sorted distinct names present on `topic` other than `tab` (and other than
    `own_name`: the same person in a second tab is not "someone else")."""
    names = {name for t, name in present(topic).items() if t != tab and name != own_name}
    return sorted(names)
