"""Embedded mode smoke test: SQLite, no Redis (Reflex's single-process state manager and the
in-process change bus), one worker. Runs last: it stops the PostgreSQL+Redis server and takes
its port, so the frontend built for that address serves it too (no second build)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    RUNNING,
    Server,
    check_chromium,
    free_port,
    record_timings,
    server_env,
)
from tests.e2e.test_live import check_live_update

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def embedded_server(artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    check_chromium()
    for other in RUNNING:
        other.stop()
    data_dir = tmp_path_factory.mktemp("e2e-embedded")
    port = RUNNING[0].port if RUNNING else free_port()
    srv = Server(
        name="SQLite embedded",
        env=server_env(
            port, data_dir, database_url=f"sqlite:///{data_dir / 'avrentals.db'}", redis_url=None
        ),
        port=port,
        log_path=artifacts / "server-embedded.log",
    )
    t0 = time.monotonic()
    srv.cli("migrate")
    srv.cli("seed-demo")
    srv.timings["migrate+seed"] = time.monotonic() - t0
    try:
        srv.start()
        srv.timings["start (build + boot)"] = srv.started_in_s
        print(f"\n[e2e] {srv.name} server on {srv.url} ready in {srv.started_in_s:.1f}s")
        yield srv
    finally:
        srv.stop()
        record_timings(artifacts, srv)


def test_live_update_in_embedded_mode(embedded_server: Server, new_context, artifacts):
    check_live_update(embedded_server, new_context, artifacts, "SQLite, in-process bus")
