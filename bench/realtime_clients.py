"""Helpers of bench/realtime.py: simulated browser tabs speaking Reflex's Socket.IO protocol,
a bare WebSocket echo server and client (the floor), memory of a process group, a paced load
driver, and the browser measurement of "saved in tab A -> shown in tab B".

A simulated tab does what the compiled frontend (`.web/utils/state.js` `connect`,
`.web/utils/context.jsx` `initialEvents`) does:
- opens a websocket to `/_event` (Socket.IO namespace `/_event`, websocket transport only)
  with a fresh client token (a uuid4) in the `token` query parameter;
- puts its boot event, `hydrate_and_load` carrying the browser's client-storage values, in
  the CONNECT packet's auth payload. The signed-in user's JWT lives in localStorage
  (`avr_token`, `AuthState.token`) and travels exactly there, so the server's state knows
  the tab's identity from the first event on; the page's on_load handlers then run;
- sends later events as `event` messages `{name, payload, router_data}` and receives state
  deltas as `event` messages `{delta, events}`.

The timed event is `AuthState.require_login`: what every protected page runs on load and
every write re-runs first (verify the stored token: signature, expiry, token_version, active
user -- one primary-key read in a worker thread). It only reads, and its answer is the tab's
identity delta, so every event has exactly one reply to time.

Run `python -m bench.realtime_clients echo --port N` for the echo server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
EVENT_PATH = "/_event"
REPLY_TIMEOUT_S = 30.0


# --- figures -------------------------------------------------------------------------------


def p50_p95(samples: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile (nearest rank, as bench/timing.py)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def group_rss(pgid: int) -> int:
    """Resident memory (bytes) of every process in process group `pgid`."""
    total = 0
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid:
                total += proc.memory_info().rss
        except (psutil.Error, ProcessLookupError, PermissionError):
            continue
    return total


def redis_bytes(url: str) -> int:
    """Bytes Redis spends on the keys of the database of `url` (MEMORY USAGE of each): where
    the Redis state manager keeps every tab's state, outside the app's processes."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(count=1000))
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.memory_usage(key)
        return sum(size or 0 for size in pipe.execute())
    finally:
        client.close()


def tabs_per_worker(redis_url: str, tokens: Sequence[str]) -> dict[str, int]:
    """How many of the tabs with these client tokens each server process holds, from Reflex's
    Redis token manager (`token_manager_socket_record_<token>`, one per open socket)."""
    import pickle

    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        raws = client.mget([f"token_manager_socket_record_{token}" for token in tokens])
    finally:
        client.close()
    counts: dict[str, int] = {}
    for raw in raws:
        worker = pickle.loads(raw).instance_id if raw else "(no record)"
        counts[worker] = counts.get(worker, 0) + 1
    return counts


async def settled_rss(pgid: int, seconds: float = 3.0) -> int:
    """The group's RSS after `seconds` of quiet: the last of a few readings."""
    reading = group_rss(pgid)
    steps = max(int(seconds / 0.5), 1)
    for _ in range(steps):
        await asyncio.sleep(0.5)
        reading = group_rss(pgid)
    return reading


# --- Reflex protocol names, taken from the app and the framework ------------------------


@dataclass(frozen=True)
class ReflexNames:
    hydrate_and_load: str
    token_var: str
    require_login: str


def reflex_names() -> ReflexNames:
    from reflex.state import State
    from reflex_base.constants.compiler import CompileVars
    from reflex_base.constants.state import FIELD_MARKER

    from avrentals.ui.state.auth import AuthState

    auth = AuthState.get_full_name()
    return ReflexNames(
        hydrate_and_load=f"{State.get_full_name()}.{CompileVars.HYDRATE_AND_LOAD}",
        token_var=f"{auth}.token{FIELD_MARKER}",
        require_login=f"{auth}.{AuthState.require_login.fn.__name__}",
    )


def api_login(base_url: str, username: str, password: str) -> str:
    """A JWT from `POST /api/auth/login`, as the REST client (and the sign-in form) gets it."""
    import httpx

    response = httpx.post(
        f"{base_url}/api/auth/login",
        json={"username": username, "password": password},
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["data"]["token"])


class Client(Protocol):
    async def round_trip(self) -> float: ...
    async def close(self) -> None: ...


class ReflexTab:
    """One browser tab, simulated: a Socket.IO connection to the app's event endpoint."""

    def __init__(self, names: ReflexNames, page: str, session: aiohttp.ClientSession) -> None:
        import socketio

        self.names = names
        self.router_data = {"pathname": page, "asPath": page}
        # One shared connection pool for all simulated tabs (and not closed by any of them).
        self.sio = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, http_session=session
        )
        self.token = str(uuid.uuid4())  # the client token (the browser's sessionStorage)
        self.hydrated = asyncio.get_running_loop().create_future()
        self.reply: asyncio.Future[float] | None = None
        self.sio.on("event", self._on_update, namespace=EVENT_PATH)

    async def _on_update(self, update: dict[str, Any]) -> None:
        arrived = time.perf_counter()
        if not self.hydrated.done():
            root = (update.get("delta") or {}).get(self.names.hydrate_and_load.rsplit(".", 1)[0])
            if root and root.get("is_hydrated_rx_state_") is True:
                self.hydrated.set_result(arrived)
            return
        if self.reply is not None and not self.reply.done():
            self.reply.set_result(arrived)

    async def connect(self, base_url: str, jwt: str) -> None:
        boot = {
            "name": self.names.hydrate_and_load,
            "payload": {"vars": {self.names.token_var: jwt}},
            "router_data": self.router_data,
        }
        await self.sio.connect(
            f"{base_url}?token={self.token}",
            socketio_path=EVENT_PATH,
            namespaces=[EVENT_PATH],
            transports=["websocket"],
            auth={"event": boot},
            # What Chromium sends. The server declines compression (avrentals/server.py); one
            # that accepted it would break these tabs' frames loudly rather than be measured
            # without the zlib streams a browser's socket would make it keep.
            headers={
                "Origin": base_url,
                "Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits",
            },
            wait_timeout=REPLY_TIMEOUT_S,
        )
        await asyncio.wait_for(self.hydrated, REPLY_TIMEOUT_S)

    async def round_trip(self) -> float:
        """Milliseconds from sending `require_login` to its delta arriving."""
        self.reply = asyncio.get_running_loop().create_future()
        event = {"name": self.names.require_login, "payload": {}, "router_data": self.router_data}
        sent = time.perf_counter()
        await self.sio.emit("event", event, namespace=EVENT_PATH)
        arrived = await asyncio.wait_for(self.reply, REPLY_TIMEOUT_S)
        return (arrived - sent) * 1000

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.sio.disconnect()


class EchoClient:
    """A bare WebSocket client of the echo server: same payload size as a Reflex event."""

    def __init__(self, payload: str) -> None:
        self.payload = payload
        self.ws: aiohttp.ClientWebSocketResponse | None = None

    async def connect(self, url: str, session: aiohttp.ClientSession) -> None:
        self.ws = await session.ws_connect(url, autoping=True, heartbeat=None)

    async def round_trip(self) -> float:
        assert self.ws is not None
        sent = time.perf_counter()
        await self.ws.send_str(self.payload)
        message = await asyncio.wait_for(self.ws.receive(), REPLY_TIMEOUT_S)
        arrived = time.perf_counter()
        if message.type != aiohttp.WSMsgType.TEXT:
            raise ConnectionError(f"echo server answered {message.type}")
        return (arrived - sent) * 1000

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()


# --- the load driver -------------------------------------------------------------------------


@dataclass
class LoadResult:
    clients: int
    connect_s: float
    samples: list[float] = field(default_factory=list)
    errors: int = 0
    duration_s: float = 0.0
    rss_before: int = 0
    rss_after: int = 0
    redis_before: int = 0
    redis_after: int = 0
    per_worker: dict[str, int] = field(default_factory=dict)

    @property
    def bytes_per_client(self) -> float:
        return (self.rss_after - self.rss_before) / self.clients

    @property
    def redis_bytes_per_client(self) -> float:
        return (self.redis_after - self.redis_before) / self.clients


async def _bounded(jobs: list[Callable[[], Awaitable[None]]], limit: int) -> list[BaseException]:
    gate = asyncio.Semaphore(limit)
    failures: list[BaseException] = []

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            try:
                await job()
            except Exception as exc:
                failures.append(exc)

    await asyncio.gather(*(run(job) for job in jobs))
    return failures


async def marginal_rss(
    make: Callable[[aiohttp.ClientSession], Awaitable[Client]],
    base: int,
    extra: int,
    pgid: int,
    connect_concurrency: int = 20,
) -> tuple[int, int]:
    """Connect `base` tabs, read the group's settled RSS, connect `extra` more, read it again;
    close them all. Returns (RSS with `base` tabs, RSS with `base + extra`): their difference
    over `extra` is the memory each further tab holds, without the one-off caches the first
    connections fill."""
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        connected: list[Client] = []

        async def open_one() -> None:
            connected.append(await make(session))

        try:
            failures = await _bounded([open_one] * base, connect_concurrency)
            with_base = await settled_rss(pgid)
            failures += await _bounded([open_one] * extra, connect_concurrency)
            with_all = await settled_rss(pgid)
            if failures:
                raise RuntimeError(f"{len(failures)} tabs could not connect: {failures[0]!r}")
            return with_base, with_all
        finally:
            for client in connected:
                await client.close()


async def paced_load(
    make: Callable[[aiohttp.ClientSession], Awaitable[Client]],
    clients: int,
    events: int,
    think_s: float,
    pgid: int | None,
    connect_concurrency: int = 20,
    redis_url: str | None = None,
) -> LoadResult:
    """Connect `clients` (at most `connect_concurrency` handshakes at a time), read the
    server group's RSS before and after, then let every client send `events` events, one
    at a time, each after a random pause of 0 to 2 x `think_s` (so the offered load is about
    clients / think_s events per second, never synchronised), and time each round trip."""
    rng = random.Random(clients)
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:
        before = await settled_rss(pgid) if pgid else 0
        redis_before = redis_bytes(redis_url) if redis_url else 0
        connected: list[Client] = []

        async def open_one() -> None:
            connected.append(await make(session))

        started = time.perf_counter()
        failures = await _bounded([open_one] * clients, connect_concurrency)
        result = LoadResult(clients=clients, connect_s=time.perf_counter() - started)
        if failures:
            for client in connected:
                await client.close()
            raise RuntimeError(
                f"{len(failures)} of {clients} clients could not connect: {failures[0]!r}"
            )
        result.rss_before = before
        result.rss_after = await settled_rss(pgid) if pgid else 0
        result.redis_before = redis_before
        result.redis_after = redis_bytes(redis_url) if redis_url else 0
        tokens = [token for c in connected if (token := getattr(c, "token", None))]
        if redis_url and tokens:
            result.per_worker = tabs_per_worker(redis_url, tokens)

        async def drive(client: Client) -> None:
            for _ in range(events):
                await asyncio.sleep(rng.uniform(0, 2 * think_s))
                try:
                    result.samples.append(await client.round_trip())
                except (TimeoutError, ConnectionError, OSError):
                    result.errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(drive(c) for c in connected))
        result.duration_s = time.perf_counter() - started
        await _bounded([c.close for c in connected], 100)
    return result


# --- the echo server (the floor) ---------------------------------------------------------


async def _echo(request: Any) -> Any:
    from aiohttp import web

    ws = web.WebSocketResponse(autoping=True)
    await ws.prepare(request)
    async for message in ws:
        if message.type == aiohttp.WSMsgType.TEXT:
            await ws.send_str(message.data)
    return ws


def serve_echo(port: int) -> None:
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/echo", _echo)
    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True)


@dataclass
class EchoServer:
    """The echo server in its own process group (like the app server it stands beside)."""

    port: int
    popen: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/echo"

    @classmethod
    def start(cls, port: int) -> EchoServer:
        popen = subprocess.Popen(
            [sys.executable, "-m", "bench.realtime_clients", "echo", "--port", str(port)],
            cwd=ROOT,
            start_new_session=True,
        )
        server = cls(port, popen)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if popen.poll() is not None:
                raise RuntimeError("the echo server exited")
            with contextlib.suppress(OSError):
                import socket

                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return server
            time.sleep(0.1)
        server.stop()
        raise RuntimeError("the echo server did not start")

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=10)


# --- browser: saved in tab A -> shown in tab B -------------------------------------------

LAUNCH_ARGS = [  # as tests/e2e/conftest.py browser_type_launch_args
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CONTEXT_ARGS = {
    "viewport": {"width": 1440, "height": 900},
    "color_scheme": "light",
    "locale": "en-GB",
}
# The saver's server ack is the "saved" toast. Toasts of earlier saves may still be on screen
# or leaving, so the ack is the first toast node ADDED after arming, not a count.
WATCH_ACK_JS = """(key) => {
  window[key] = null;
  const isToast = (n) => n.nodeType === 1 &&
    (n.matches("[data-sonner-toast]") || n.querySelector("[data-sonner-toast]"));
  const observer = new MutationObserver((mutations) => {
    if (window[key] !== null) return;
    for (const m of mutations) for (const n of m.addedNodes) if (isToast(n)) {
      window[key] = Date.now(); observer.disconnect(); return;
    }
  });
  observer.observe(document.body, {subtree: true, childList: true});
}"""


# The saver's commit ack: the edit dialog closes (`edit_open` false) in the delta the server
# sends right after the commit, before the saver's own list reload; Radix marks the content
# `data-state=closed` at once (the exit animation follows). The toast that test_live.py takes
# as the ack is a frontend event run after the whole save handler, i.e. after that reload.
WATCH_COMMIT_JS = """(key) => {
  window[key] = null;
  const check = () => {
    if (window[key] !== null) return;
    const dialog = document.querySelector("[role=dialog]");
    if (!dialog || dialog.getAttribute("data-state") === "closed") {
      window[key] = Date.now(); observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, {subtree: true, childList: true, attributes: true,
    attributeFilter: ["data-state"]});
}"""


@dataclass
class LiveSample:
    """Browser-clock milliseconds of one save: the other browser shows the value `from_click`
    after the save click, `from_commit` after the saver got the commit ack, `from_toast`
    after the saver's "saved" toast (negative: the toast came later); `commit` is the saver's
    click -> commit ack."""

    from_click: int
    from_commit: int
    from_toast: int
    commit: int


def save_and_watch(saver: Any, observer: Any, item_id: str, location: str) -> LiveSample:
    """tests/e2e/test_live.py's measurement (browser clocks): arm the observer's watch of the
    location cell, save the new location as `saver`, wait until the observer shows it."""
    from playwright.sync_api import expect

    from tests.e2e.test_live import WATCH_CLICK_JS, WATCH_TEXT_JS, location_cell, open_editor

    cell = f'[data-testid=equipment-table] [data-id="{item_id}"] [data-field=location]'
    observer.evaluate(WATCH_TEXT_JS, [cell, location, "__seenAt"])
    open_editor(saver, item_id)
    saver.get_by_test_id("location-input").fill(location)
    saver.evaluate(WATCH_ACK_JS, "__ackAt")
    saver.evaluate(WATCH_COMMIT_JS, "__commitAt")
    saver.evaluate(WATCH_CLICK_JS, "__clickAt")
    saver.get_by_test_id("save-location").click()
    expect(location_cell(observer, item_id)).to_have_text(location, timeout=10_000)
    saver.wait_for_function("window.__ackAt !== null && window.__commitAt !== null", timeout=10_000)
    expect(location_cell(saver, item_id)).to_have_text(location)
    seen_at = observer.evaluate("window.__seenAt")
    toast_at, commit_at, clicked_at = saver.evaluate(
        "[window.__ackAt, window.__commitAt, window.__clickAt]"
    )
    return LiveSample(
        seen_at - clicked_at, seen_at - commit_at, seen_at - toast_at, commit_at - clicked_at
    )


def live_samples(
    base_url: str, redis_url: str, samples: int, warmup: int = 3
) -> tuple[list[LiveSample], bool]:
    """A manager saves locations on the equipment list in one browser; a technician's browser
    shows them. Returns the samples (after `warmup` unrecorded saves) and whether the two
    tabs' sockets are held by different server processes (workers or instances)."""
    import secrets

    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import CHROMIUM, sign_in, socket_instance, table_rows, wait_rows

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            saver = browser.new_context(**CONTEXT_ARGS).new_page()
            sign_in(saver, base_url, "manager")
            wait_rows(saver)
            saver_on = socket_instance(saver, redis_url)
            for _attempt in range(8):  # another process than the saver's, when it can
                observer = browser.new_context(**CONTEXT_ARGS).new_page()
                sign_in(observer, base_url, "tech")
                wait_rows(observer)
                if socket_instance(observer, redis_url) != saver_on:
                    apart = True
                    break
                observer.context.close()
            else:
                observer = browser.new_context(**CONTEXT_ARGS).new_page()
                sign_in(observer, base_url, "tech")
                wait_rows(observer)
                apart = False
            rows = table_rows(saver)
            ids = [rows.nth(n).get_attribute("data-id") for n in range(min(rows.count(), 10))]
            taken: list[LiveSample] = []
            for n in range(samples + warmup):
                location = f"Bay {secrets.token_hex(3).upper()}"
                sample = save_and_watch(saver, observer, str(ids[n % len(ids)]), location)
                if n >= warmup:
                    taken.append(sample)
                time.sleep(0.3)  # the previous change's fan-out is over
        finally:
            browser.close()
    return taken, apart


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="bench/realtime.py helpers")
    sub = parser.add_subparsers(dest="command", required=True)
    echo = sub.add_parser("echo", help="serve a bare WebSocket echo on ws://127.0.0.1:PORT/echo")
    echo.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "echo":
        serve_echo(args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
