"""Real server processes for tests: the API under uvicorn, and a private Redis that a test may
stop and restart without touching the machine's shared one."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {timeout_s:.0f}s", pytrace=False)
        time.sleep(0.1)


@contextmanager
def api_server(env: dict[str, str], log_path: Path | None = None) -> Iterator[str]:
    """`create_api()` served by uvicorn in its own process on a free port, with `env` on top
    of this process's environment; yields the base URL. Killed (not asked) at the end."""
    port = free_port()
    log = log_path.open("w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "avrentals.api.app:create_api",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            # Room for the very long URLs the API fuzzer sends (the app answers them itself).
            "--h11-max-incomplete-event-size",
            str(1024 * 1024),
        ],
        cwd=ROOT,
        env={**os.environ, "APP_ENV": "test", **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        if proc.poll() is not None:
            pytest.fail(f"the API server exited with {proc.returncode}", pytrace=False)
        try:
            return httpx.get(base + "/api/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, 60, "the API server did not start")
        yield base
    finally:
        proc.kill()
        proc.wait(timeout=20)
        if log_path:
            log.close()  # type: ignore[union-attr]


def set_database_available(url: str, available: bool) -> None:
    """Like a PostgreSQL restart for one database: refuse new connections and end every
    open one (or let connections in again)."""
    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres")
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                sa.text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(available).lower()}')
            )
            if not available:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
    finally:
        admin.dispose()


class PrivateRedis:
    """A redis-server of our own on a free port (nothing kept on disk), so a test can stop
    and restart it while the machine's Redis keeps serving everyone else."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed", pytrace=False)
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def _ping(self) -> bool:
        try:
            client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
            try:
                return bool(client.ping())
            finally:
                client.close()
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(self.binary, "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._ping, 20, "the private Redis did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
