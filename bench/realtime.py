"""Claim: live collaboration stays fast with one and two app instances and with many connected
tabs (DESIGN §9; issue 7 "Performance").

Measured on this machine, against the production app on PostgreSQL + Redis:

1. Saved in browser A -> visible in browser B (Debian's Chromium driven by Playwright, the
   measurement of tests/e2e/test_live.py): a manager saves an item's location on the
   equipment list; a technician's list shows it (30 saves after 3 unrecorded ones). Browser
   clocks, to the other browser's DOM showing the value: from the save click (everything the
   user waits for), from the saver's commit ack (its edit dialog closing in the delta sent
   right after the commit), and from the saver's "saved" toast (test_live.py's ack, which the
   frontend runs only after the saver's whole handler, its own list reload included). The
   change bus publishes at commit, so the other browser often shows the value before the
   saver's own ack: those two figures can be negative. The targets are checked on both the
   click and the commit-ack figures.
   a) one instance: `avrentals serve` (2 worker processes, Redis state manager), the
      two tabs' sockets on different worker processes when possible;
   b) two instances behind nginx (avrentals/cluster.py, deploy/nginx.conf; one worker each),
      the two tabs' sockets on different instances.
   Targets: one instance p95 <= 250 ms, two instances p95 <= 400 ms.
2. 200, 500 and 1,000 simulated tabs on one instance (the production server, `avrentals serve`
   with 2 worker processes, started fresh for each count from the same build): each tab
   speaks Reflex's Socket.IO protocol (bench/realtime_clients.py), signs in with a JWT from
   `POST /api/auth/login` carried in its client storage like the browser's, offers
   permessage-deflate as Chromium does, opens the equipment page, then sends
   `AuthState.require_login` (the token check every page and every write runs; read-only)
   --events times, each after a random pause of 0 to 2 x --think seconds. Prints the event
   round trip p50/p95 and the server process group's RSS growth per connected tab (after
   connecting minus before, divided by the tabs), and, on a fresh instance, the marginal
   growth from a fifth of the tabs to all of them (what each further tab holds, without the
   one-off caches the first connections fill).
   Targets: 500 tabs p95 <= 300 ms; <= 200 KB per tab.
3. Floor, next to each figure: a bare WebSocket echo (aiohttp, its own process on this
   machine) with the same number of clients, the same pacing and the same message size; for
   the browser figures, its round trip with 2 clients.

The machine's load average is printed with each part: the figures are only as quiet as the
machine was.

Usage: .venv/bin/python bench/realtime.py [DATABASE_URL] [--redis REDIS_URL]
       [--samples 30] [--clients 200,500,1000] [--events 5] [--think 5.0]
       [--skip-browser] [--skip-clients]
Defaults: postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_realtime (recreated)
and redis://127.0.0.1:6379/3 (flushed). It builds and serves the frontend, so run it alone,
under the browser tests' lock:
    flock /tmp/avr-e2e.lock .venv/bin/python bench/realtime.py
Every process it starts (app servers, nginx, the echo server, Chromium) is stopped at exit;
their logs stay in a fresh /tmp/avr-bench-realtime-* folder (printed). Exit status 1 when a
part could not be measured (the others still run).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("APP_ENV", "test")
os.environ.setdefault("JWT_SECRET", "bench-" + "x" * 40)

import aiohttp

from avrentals import cluster as avr_cluster
from avrentals.server import ServeOptions
from bench.realtime_clients import (
    EchoClient,
    EchoServer,
    LoadResult,
    ReflexTab,
    api_login,
    group_rss,
    live_samples,
    marginal_rss,
    p50_p95,
    paced_load,
    reflex_names,
)
from tests.e2e import conftest as e2e

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_bench_realtime"
DEFAULT_REDIS = "redis://127.0.0.1:6379/3"
ONE_INSTANCE_P95_MS = 250
TWO_INSTANCES_P95_MS = 400
CLIENTS_TARGET = 500
CLIENTS_P95_MS = 300
KB_PER_CLIENT = 200
PAGE = "/equipment"  # the page the simulated tabs (and the browsers) have open
WORKERS = 2


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs"


def verdict(ok: bool) -> str:
    return "OK" if ok else "ABOVE TARGET"


def figure(label: str, samples: list[float], floor: list[float] | None, target: str = "") -> str:
    p50, p95 = p50_p95(samples)
    line = f"{label:<44} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
    if floor:
        f50, f95 = p50_p95(floor)
        line += f"  | floor p50 {f50:6.2f} p95 {f95:6.2f} ms"
    return line + (f"  | {target}" if target else "")


# --- floor ------------------------------------------------------------------------------


def echo_run(clients: int, events: int, think_s: float, payload: str) -> LoadResult:
    server = EchoServer.start(e2e.free_port())
    try:

        async def make(session: aiohttp.ClientSession) -> EchoClient:
            client = EchoClient(payload)
            await client.connect(server.url, session)
            return client

        return asyncio.run(paced_load(make, clients, events, think_s, server.popen.pid))
    finally:
        server.stop()


def sample_payload() -> str:
    names = reflex_names()
    event = {"name": names.require_login, "payload": {}, "router_data": {"pathname": PAGE}}
    return json.dumps(event)


# --- part 1: browsers ------------------------------------------------------------------------


def report_live(title: str, redis_url: str, base_url: str, samples: int, target_ms: int) -> None:
    print(f"\n{title}  [{load()}]", flush=True)
    taken, apart = live_samples(base_url, redis_url, samples)
    floor = echo_run(2, samples, 0.1, sample_payload()).samples
    where = "different" if apart else "THE SAME (no other could be had)"
    print(f"  saver and observer sockets on {where} server processes; {len(taken)} saves")

    def line(label: str, values: list[int], target: bool) -> None:
        values_ms = [float(v) for v in values]
        ok = verdict(p50_p95(values_ms)[1] <= target_ms)
        print(
            figure(label, values_ms, floor, f"target p95 <= {target_ms} ms: {ok}" if target else "")
        )

    line("  saver's commit ack -> other browser shows", [s.from_commit for s in taken], True)
    line("  save click -> other browser shows", [s.from_click for s in taken], True)
    line("  saver's toast -> other browser shows (*)", [s.from_toast for s in taken], False)
    print(figure("  (save click -> saver's commit ack)", [float(s.commit) for s in taken], None))
    print(
        "  (*) test_live.py's ack: the toast runs after the saver's whole save handler (its own"
        " list reload included), so it can come after the other browser shows the value"
    )
    print(f"  [{load()}]", flush=True)


@contextlib.contextmanager
def single_server(url: str, redis_url: str, run_dir: Path) -> Iterator[e2e.Server]:
    """The production app as the browser tests start it: fresh database, demo data, Redis
    flushed, the frontend built for its port, `avrentals serve`."""
    e2e.recreate_postgres_database(url)
    e2e.flush_redis(redis_url)
    port = e2e.free_port()
    server = e2e.Server(
        name="bench-realtime",
        env=e2e.server_env(port, run_dir / "data", database_url=url, redis_url=redis_url),
        port=port,
        log_path=run_dir / "server.log",
    )
    server.cli("migrate")
    server.cli("seed-demo")
    print(f"building and starting the app (avrentals serve) on {server.url} ...", flush=True)
    try:
        server.start()
        print(f"  ready in {server.started_in_s:.0f} s", flush=True)
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def fresh_instance(env: dict[str, str], port: int, log_dir: Path) -> Iterator[avr_cluster.Process]:
    """The production server (`avrentals serve`) serving the already built frontend, with
    WORKERS worker processes, in its own process group; stopped (the whole group) at the end."""
    args = ServeOptions(host="127.0.0.1", port=port, workers=WORKERS).argv()
    process = avr_cluster._spawn(
        "instance",
        f"http://localhost:{port}",
        args,
        env,
        log_dir / f"instance-{port}-{time.monotonic_ns()}.log",
    )
    try:
        avr_cluster.wait_for(f"http://127.0.0.1:{port}/api/health", 180, process)
        yield process
    finally:
        process.stop()


# --- part 2: simulated tabs ------------------------------------------------------------------


def warm_up(make: Callable[[aiohttp.ClientSession], Awaitable[ReflexTab]], redis_url: str) -> int:
    """Open short-lived tabs (2 events each, 10 at a time) until every worker process has
    served some, so the first-use costs of a worker (imports, ORM and locale caches) are not
    counted against the measured tabs; returns how many were opened (at most 200)."""
    opened, served = 0, set()
    while len(served) < WORKERS and opened < 200:
        result = asyncio.run(paced_load(make, 10, 2, 0.05, None, redis_url=redis_url))
        opened += 10
        served |= set(result.per_worker)
    return opened


def clients_part(server: e2e.Server, counts: list[int], events: int, think_s: float) -> None:
    names = reflex_names()
    payload = sample_payload()
    redis_url = server.env["REDIS_URL"]
    print(
        f"\nSimulated tabs on one instance ({WORKERS} worker processes, Redis state manager), "
        f"page {PAGE}; each tab sends {events} events, one every 0-{2 * think_s:g} s "
        f"(about clients/{think_s:g} events/s offered)"
    )
    for count in counts:
        e2e.flush_redis(redis_url)
        with fresh_instance(server.env, server.port, server.log_path.parent) as instance:
            base = f"http://127.0.0.1:{server.port}"  # both names are allowed origins
            jwt = api_login(base, "manager", e2e.DEMO_PASSWORD)

            async def make(
                session: aiohttp.ClientSession, base: str = base, jwt: str = jwt
            ) -> ReflexTab:
                tab = ReflexTab(names, PAGE, session)
                await tab.connect(base, jwt)
                return tab

            warmed = warm_up(make, redis_url)
            at_load = load()
            result = asyncio.run(
                paced_load(make, count, events, think_s, instance.popen.pid, redis_url=redis_url)
            )
            idle = group_rss(instance.popen.pid)
            after_load = load()
        floor = echo_run(count, events, think_s, payload)
        p95 = p50_p95(result.samples)[1]
        kb = result.bytes_per_client / 1024
        target = ""
        if count == CLIENTS_TARGET:
            target = f"target p95 <= {CLIENTS_P95_MS} ms: {verdict(p95 <= CLIENTS_P95_MS)}"
        print(f"  [before: {at_load}; after: {after_load}]")
        print(
            f"  {count} tabs: warm-up {warmed} tabs (until every worker had served events); "
            f"tabs per worker process: {sorted(result.per_worker.values(), reverse=True)}"
        )
        print(figure(f"  {count} tabs: event round trip", result.samples, floor.samples, target))
        print(
            f"  {count} tabs: {len(result.samples)} events in {result.duration_s:.0f} s, "
            f"{result.errors} errors; connected in {result.connect_s:.1f} s; "
            f"floor {len(floor.samples)} events, {floor.errors} errors"
        )
        print(
            f"  {count} tabs: server RSS {result.rss_before / 2**20:.0f} -> "
            f"{result.rss_after / 2**20:.0f} MiB = {kb:.0f} KB per connected tab"
            f" (floor {floor.bytes_per_client / 1024:.0f} KB)  | target <= {KB_PER_CLIENT} KB: "
            f"{verdict(kb <= KB_PER_CLIENT)}; after the events {idle / 2**20:.0f} MiB",
        )
        print(
            f"  {count} tabs: and in Redis (state manager) "
            f"{result.redis_bytes_per_client / 1024:.0f} KB of state per tab",
            flush=True,
        )
        # The figure above counts, against the tabs, the one-off caches the first
        # connections fill (locale data, ORM and validation caches); on a fresh instance,
        # the growth from a fifth of the tabs to all of them is what each further tab holds.
        base = max(count // 5, 1)
        e2e.flush_redis(redis_url)
        with fresh_instance(server.env, server.port, server.log_path.parent) as instance:
            base_url = f"http://127.0.0.1:{server.port}"
            jwt = api_login(base_url, "manager", e2e.DEMO_PASSWORD)

            async def make_tab(
                session: aiohttp.ClientSession, base_url: str = base_url, jwt: str = jwt
            ) -> ReflexTab:
                tab = ReflexTab(names, PAGE, session)
                await tab.connect(base_url, jwt)
                return tab

            with_base, with_all = asyncio.run(
                marginal_rss(make_tab, base, count - base, instance.popen.pid)
            )
        marginal_kb = (with_all - with_base) / (count - base) / 1024
        print(
            f"  {count} tabs: server RSS {with_base / 2**20:.0f} MiB with {base} tabs -> "
            f"{with_all / 2**20:.0f} MiB with {count} = {marginal_kb:.0f} KB per further tab"
            f"  | target <= {KB_PER_CLIENT} KB: {verdict(marginal_kb <= KB_PER_CLIENT)}",
            flush=True,
        )


# --- part 1b: the cluster ---------------------------------------------------------------


def cluster_part(server: e2e.Server, samples: int, run_dir: Path) -> None:
    """Two instances and nginx on the port the frontend was built for (as
    tests/e2e/test_zy_cluster.py does), so nothing is rebuilt."""
    e2e.flush_redis(server.env["REDIS_URL"])
    started = avr_cluster.start_cluster(
        server.port, [e2e.free_port(), e2e.free_port()], dict(server.env), run_dir / "cluster"
    )
    try:
        report_live(
            "1b. Two instances behind nginx: saved in browser A -> visible in browser B",
            server.env["REDIS_URL"],
            server.url,
            samples,
            TWO_INSTANCES_P95_MS,
        )
    finally:
        started.stop()


def _stop_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so every `finally` stops what it started."""

    def handler(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, handler)


FAILED: list[str] = []


@contextlib.contextmanager
def part(name: str) -> Iterator[None]:
    """One claim: its failure is printed and the others still run (exit status 1 at the end)."""
    import pytest

    try:
        yield
    except (Exception, pytest.fail.Exception) as exc:
        FAILED.append(name)
        print(f"\n{name}: FAILED -- {type(exc).__name__}: {exc}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url", nargs="?", default=DEFAULT_URL)
    parser.add_argument("--redis", default=DEFAULT_REDIS)
    parser.add_argument("--samples", type=int, default=30, help="browser saves per case")
    parser.add_argument("--clients", default="200,500,1000", help="simulated tab counts")
    parser.add_argument("--events", type=int, default=5, help="events per simulated tab")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between events, s")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-clients", action="store_true")
    args = parser.parse_args()
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    _stop_on_sigterm()
    e2e.check_chromium()
    started = time.monotonic()
    print(f"bench/realtime.py at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {load()}")
    run_dir = Path(tempfile.mkdtemp(prefix="avr-bench-realtime-"))  # kept: the servers' logs
    print(f"logs in {run_dir}")
    with single_server(args.url, args.redis, run_dir) as server:
        if not args.skip_browser:
            with part("1a. one instance, browser A -> B"):
                report_live(
                    "1a. One instance (2 workers): saved in browser A -> visible in browser B",
                    args.redis,
                    server.url,
                    args.samples,
                    ONE_INSTANCE_P95_MS,
                )
        server.stop()  # the port and the build are reused below; nothing is rebuilt
        if not args.skip_clients:
            with part("2. simulated tabs"):
                clients_part(server, counts, args.events, args.think)
        if not args.skip_browser:
            with part("1b. two instances, browser A -> B"):
                cluster_part(server, args.samples, run_dir)
    print(f"\ndone in {time.monotonic() - started:.0f} s; {load()}")
    if FAILED:
        print(f"failed: {', '.join(FAILED)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
