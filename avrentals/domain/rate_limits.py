"""Abuse limits (DESIGN §7), enforced by the services so the UI and the API share them.

- Sign-in: 5 failed attempts per username + IP within 15 minutes block that pair for 15
  minutes — every attempt during the block is refused, the correct password included.
  A successful sign-in before the block clears the failures.
- API: 100 requests per minute per user (fixed one-minute windows).
- Uploads (photos, logos, CSV files): 5 per minute per user.

Counters live in Redis when REDIS_URL is set, so every app instance counts together; they are
in-process otherwise. If Redis cannot be reached, counting falls back to this process (limits
still hold per instance) instead of refusing or failing requests: Redis being restarted must
not take the app down. Exceeding a limit raises RateLimited (API 429 with Retry-After).
Limits come from the settings (RATE_LIMIT_* variables); 0 switches one off.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import uuid
from typing import Protocol

from avrentals.domain.errors import RateLimited
from avrentals.settings import RateLimitSettings, get_settings

logger = logging.getLogger(__name__)

LOGIN_WINDOW_S = 15 * 60
LOGIN_BLOCK_S = 15 * 60
MINUTE_S = 60
KEY_PREFIX = "avrentals:rl:"


class Counters(Protocol):
    """Expiring counters: the shared store behind every limit."""

    def increment(self, key: str, window_s: int) -> tuple[int, int]:
        """Add one to `key` (created with a `window_s` lifetime); return (count, seconds left)."""
        ...

    def seconds_left(self, key: str) -> int:
        """Seconds until `key` expires; 0 when it does not exist."""
        ...

    def put(self, key: str, lifetime_s: int) -> None: ...

    def delete(self, *keys: str) -> None: ...


class InProcessCounters:
    """Counters in this process's memory (one app instance, or the fallback when Redis fails)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[int, float]] = {}

    def _live(self, key: str, now: float) -> tuple[int, float] | None:
        entry = self._values.get(key)
        if entry is not None and entry[1] <= now:
            del self._values[key]
            return None
        return entry

    def increment(self, key: str, window_s: int) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            entry = self._live(key, now)
            count, expires = (entry[0] + 1, entry[1]) if entry else (1, now + window_s)
            self._values[key] = (count, expires)
            if len(self._values) > 100_000:  # bound memory under a flood of distinct keys
                for stale in [k for k, (_, e) in self._values.items() if e <= now]:
                    del self._values[stale]
        return count, max(1, math.ceil(expires - now))

    def seconds_left(self, key: str) -> int:
        now = time.monotonic()
        with self._lock:
            entry = self._live(key, now)
        return max(1, math.ceil(entry[1] - now)) if entry else 0

    def put(self, key: str, lifetime_s: int) -> None:
        with self._lock:
            self._values[key] = (1, time.monotonic() + lifetime_s)

    def delete(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._values.pop(key, None)


class RedisCounters:
    """Counters in Redis, shared by every app instance; falls back to `fallback` on errors."""

    def __init__(self, url: str, fallback: InProcessCounters | None = None) -> None:
        import redis

        self._client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._fallback = fallback or InProcessCounters()
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)

    def _failed(self) -> None:
        logger.warning("rate limits: Redis unavailable, counting in this process", exc_info=True)

    def increment(self, key: str, window_s: int) -> tuple[int, int]:
        try:
            pipe = self._client.pipeline()
            pipe.incr(key)
            pipe.expire(key, window_s, nx=True)
            pipe.ttl(key)
            count, _, ttl = pipe.execute()
            return int(count), max(1, int(ttl))
        except self._errors:
            self._failed()
            return self._fallback.increment(key, window_s)

    def seconds_left(self, key: str) -> int:
        try:
            ttl = int(self._client.ttl(key))  # type: ignore[arg-type]  # sync client
        except self._errors:
            self._failed()
            return self._fallback.seconds_left(key)
        return max(ttl, 0) if ttl != -1 else 1

    def put(self, key: str, lifetime_s: int) -> None:
        try:
            self._client.set(key, 1, ex=lifetime_s)
        except self._errors:
            self._failed()
            self._fallback.put(key, lifetime_s)

    def delete(self, *keys: str) -> None:
        try:
            self._client.delete(*keys)
        except self._errors:
            self._failed()
            self._fallback.delete(*keys)


_counters: Counters | None = None
_counters_lock = threading.Lock()


def counters() -> Counters:
    """The process-wide store: Redis when REDIS_URL is set, in-process otherwise."""
    global _counters
    with _counters_lock:
        if _counters is None:
            url = get_settings().redis_url
            _counters = RedisCounters(url) if url else InProcessCounters()
        return _counters


def set_counters(store: Counters | None) -> None:
    """Replace the process-wide store (tests point it at a specific Redis or a fresh one)."""
    global _counters
    with _counters_lock:
        _counters = store


def limits() -> RateLimitSettings:
    return get_settings().rate_limits


def _login_key(username: str, ip: str | None) -> str:
    # Hashed so usernames typed by strangers don't sit in Redis in clear text.
    digest = hashlib.sha256(f"{username.strip().lower()}\x00{ip or '-'}".encode()).hexdigest()
    return digest[:32]


def check_login_allowed(username: str, ip: str | None) -> None:
    """Raise RateLimited while this username + IP is blocked (before checking the password)."""
    if limits().login_failures <= 0:
        return
    left = counters().seconds_left(f"{KEY_PREFIX}login-block:{_login_key(username, ip)}")
    if left > 0:
        minutes = math.ceil(left / 60)
        raise RateLimited(
            f"Too many failed sign-in attempts. Try again in {minutes} minute"
            f"{'s' if minutes != 1 else ''}.",
            left,
        )


def record_login_failure(username: str, ip: str | None) -> None:
    """Count one failure; the one that reaches the limit starts the 15-minute block."""
    limit = limits().login_failures
    if limit <= 0:
        return
    key = _login_key(username, ip)
    store = counters()
    count, _ = store.increment(f"{KEY_PREFIX}login-fail:{key}", LOGIN_WINDOW_S)
    if count >= limit:
        store.put(f"{KEY_PREFIX}login-block:{key}", LOGIN_BLOCK_S)
        store.delete(f"{KEY_PREFIX}login-fail:{key}")


def record_login_success(username: str, ip: str | None) -> None:
    key = _login_key(username, ip)
    counters().delete(f"{KEY_PREFIX}login-fail:{key}")


def _per_minute(kind: str, user_id: uuid.UUID, limit: int, what: str) -> None:
    if limit <= 0:
        return
    window = int(time.time() // MINUTE_S)
    count, left = counters().increment(f"{KEY_PREFIX}{kind}:{user_id}:{window}", MINUTE_S)
    if count > limit:
        raise RateLimited(
            f"Too many {what}: at most {limit} per minute. Try again in {left} seconds.", left
        )


def count_api_request(user_id: uuid.UUID) -> None:
    """Count one API request of `user_id`; RateLimited past the per-minute limit."""
    _per_minute("api", user_id, limits().api_per_minute, "requests")


def count_upload(user_id: uuid.UUID) -> None:
    """Count one upload of `user_id`; RateLimited past the per-minute limit."""
    _per_minute("upload", user_id, limits().uploads_per_minute, "uploads")
