"""The periodic notification run (`notification_generators.run_scheduled_notifications`):
event reminders, low stock, overdue returns and maintenance due, every few minutes.

A lifespan task of every app worker and instance: each runs the generators in its own short
write transaction; the de-duplication keys (ON CONFLICT DO NOTHING in the database) make
concurrent runs on several instances harmless, so no leader election is needed. A failed run
(database restarting, ...) is logged and retried at the next tick; nothing here can take the
app down.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from datetime import date

import reflex as rx

from avrentals.db import transaction
from avrentals.domain.services.notification_generators import run_scheduled_notifications

logger = logging.getLogger(__name__)

# Seconds between runs (NOTIFICATION_INTERVAL_SECONDS overrides; at least 10).
DEFAULT_INTERVAL_S = 300
MIN_INTERVAL_S = 10
# The first run waits a little after start-up, spread so instances started together do
# not all run at the same second.
FIRST_RUN_DELAY_S = (5.0, 20.0)


def interval_seconds() -> float:
    raw = os.environ.get("NOTIFICATION_INTERVAL_SECONDS", "")
    try:
        value = float(raw) if raw else DEFAULT_INTERVAL_S
    except ValueError:
        logger.warning(
            "NOTIFICATION_INTERVAL_SECONDS=%r is not a number; using %s", raw, DEFAULT_INTERVAL_S
        )
        value = DEFAULT_INTERVAL_S
    return max(MIN_INTERVAL_S, value)


def run_once(today: date | None = None) -> dict[str, int]:
    """Blocking: one run of every generator in one transaction; how many each created."""
    with transaction() as session:
        return run_scheduled_notifications(session, today or date.today())


async def scheduled_notifications(app: rx.App) -> None:
    """Lifespan task: `run_once` in a worker thread now and then, forever."""
    await asyncio.sleep(random.uniform(*FIRST_RUN_DELAY_S))
    while True:
        try:
            created = await asyncio.to_thread(run_once)
            if any(created.values()):
                logger.info("notifications: scheduled run created %s", created)
        except asyncio.CancelledError:
            raise
        except Exception:  # the next tick retries; the app keeps serving
            logger.warning("notifications: scheduled run failed", exc_info=True)
        await asyncio.sleep(interval_seconds())
