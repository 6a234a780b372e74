"""Browser tests against the real production server (`avrentals serve` over the production
frontend build).

One server per session: a fresh PostgreSQL database (`avrentals_e2e`, recreated), Redis db 14
(flushed) for Reflex's Redis state manager and our change bus, two worker processes, the demo
data, on a free port. Chromium is Debian's `/usr/bin/chromium`; nothing is downloaded. A
missing PostgreSQL, Redis or Chromium fails the session with a message (never a skip).

Artifacts (server log, screenshots, measured latency) go to tests/e2e/artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from avrentals.server import ServeOptions, ServerError, build_frontend

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
VENV_BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
E2E_DATABASE_URL = os.environ.get(
    "E2E_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_e2e"
)
E2E_REDIS_URL = os.environ.get("E2E_REDIS_URL", "redis://127.0.0.1:6379/14")
BUILD_TIMEOUT_S = float(os.environ.get("E2E_BUILD_TIMEOUT", "900"))
DEMO_PASSWORD = "rentals-demo"
ROLES = ("admin", "manager", "tech", "employee", "viewer")
# Where the app keeps the sign-in (avrentals.ui.state.auth.TOKEN_STORAGE_KEY; not imported,
# that would load Reflex into the test process).
TOKEN_STORAGE_KEY = "avr_token"

# Nothing in the session may reach out to the internet except npm's registry (first build).
OFFLINE_ENV = {
    "REFLEX_USE_NPM": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "false",
}


def _npm_registry() -> str:
    try:
        out = subprocess.run(
            [str(VENV_BIN / "npm"), "config", "get", "registry"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    return out or "https://registry.npmjs.org/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def check_chromium() -> None:
    if not os.access(CHROMIUM, os.X_OK):
        _fail(f"{CHROMIUM} is missing: `apt-get install chromium` (never `playwright install`).")


def recreate_postgres_database(url: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = sa.create_engine(
        target.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as exc:
        _fail(
            f"PostgreSQL is not reachable at {target.host}:{target.port} ({exc}). Start it "
            "(`bash scripts/ensure-test-services.sh`) or set E2E_DATABASE_URL."
        )
    finally:
        admin.dispose()


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.flushdb()
    except redis.exceptions.RedisError as exc:
        _fail(
            f"Redis is not reachable at {url} ({exc}). Start it "
            "(`bash scripts/ensure-test-services.sh`) or set E2E_REDIS_URL."
        )
    finally:
        client.close()


# The address the frontend build in .web/ was made for (every server of the session shares it).
FRONTEND_BUILT_FOR: dict[str, str] = {}


@dataclass
class Server:
    """The production server (`avrentals serve`, in its own process group) and how to reach
    it; the frontend is built for its address first when `.web/` holds another build."""

    name: str
    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen | None = None
    started_in_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def cli(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "avrentals.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            _fail(f"`avrentals {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        started = time.monotonic()
        if FRONTEND_BUILT_FOR.get("url") != self.url:
            FRONTEND_BUILT_FOR.pop("url", None)
            try:
                build_frontend(self.url, self.env)
            except ServerError as exc:
                _fail(f"The {self.name} server's frontend did not build: {exc}")
            FRONTEND_BUILT_FOR["url"] = self.url
            self.timings["frontend build"] = time.monotonic() - started
        log = self.log_path.open("w")
        options = ServeOptions(port=self.port, workers=int(self.env["WEB_CONCURRENCY"]))
        self.process = subprocess.Popen(
            options.argv(),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: we stop all of it at the end
        )
        deadline = started + BUILD_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                _fail(f"The {self.name} server exited early; log:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/ping", timeout=2) as response:
                    if response.status == 200:
                        self.started_in_s = time.monotonic() - started
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.5)
        self.stop()
        _fail(
            f"The {self.name} server did not answer /ping in {BUILD_TIMEOUT_S:.0f}s:\n"
            f"{self.log_tail()}"
        )

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            pgid = os.getpgid(process.pid)
        except ProcessLookupError:
            return
        os.killpg(pgid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        # Whatever is left of the group (worker processes) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        process.wait(timeout=10)


def server_env(port: int, data_dir: Path, *, database_url: str, redis_url: str | None) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "REFLEX_REDIS_URL", "DATABASE_URL", "JWT_SECRET"}
        and not k.startswith("PYTEST_")
    }
    env.update(OFFLINE_ENV)
    env.update(
        {
            "PATH": f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
            "NPM_CONFIG_REGISTRY": _npm_registry(),
            "APP_ENV": "production",
            "JWT_SECRET": secrets.token_urlsafe(48),
            "DATABASE_URL": database_url,
            "DATA_DIR": str(data_dir),
            "PORT": str(port),
            "CORS_ORIGINS": f"http://localhost:{port},http://127.0.0.1:{port}",
            "LOG_LEVEL": "INFO",
        }
    )
    if redis_url:
        env.update({"REDIS_URL": redis_url, "REFLEX_REDIS_URL": redis_url, "WEB_CONCURRENCY": "2"})
    else:
        env["WEB_CONCURRENCY"] = "1"
    return env


# Servers started in this session, so a later one can stop an earlier one (they share .web/).
RUNNING: list[Server] = []


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def server(artifacts: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The production server on PostgreSQL + Redis, with the demo data."""
    check_chromium()
    recreate_postgres_database(E2E_DATABASE_URL)
    flush_redis(E2E_REDIS_URL)
    port = free_port()
    srv = Server(
        name="PostgreSQL+Redis",
        env=server_env(
            port,
            tmp_path_factory.mktemp("e2e-data"),
            database_url=E2E_DATABASE_URL,
            redis_url=E2E_REDIS_URL,
        ),
        port=port,
        log_path=artifacts / "server.log",
    )
    t0 = time.monotonic()
    srv.cli("migrate")
    srv.cli("seed-demo")
    srv.timings["migrate+seed"] = time.monotonic() - t0
    try:
        srv.start()
        RUNNING.append(srv)
        srv.timings["start (build + boot)"] = srv.started_in_s
        print(f"\n[e2e] {srv.name} server on {srv.url} ready in {srv.started_in_s:.1f}s")
        yield srv
    finally:
        srv.stop()
        record_timings(artifacts, srv)


def record_timings(artifacts: Path, srv: Server) -> None:
    with (artifacts / "timings.txt").open("a") as out:
        for key, value in srv.timings.items():
            out.write(f"{srv.name}: {key}: {value:.1f}s\n")


# --- playwright ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    check_chromium()
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1440, "height": 900},
        "color_scheme": "light",
        "locale": "en-GB",
    }


@pytest.fixture
def new_context(browser: Browser, browser_context_args: dict) -> Iterator:
    """Factory for extra browser contexts (another user); all closed after the test."""
    made: list[BrowserContext] = []

    def make(**overrides) -> BrowserContext:
        ctx = browser.new_context(**{**browser_context_args, **overrides})
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


# --- helpers used by the tests ----------------------------------------------------------------


def wait_login_ready(page: Page) -> None:
    expect(page.get_by_test_id("login-form")).to_have_attribute(
        "data-ready", "true", timeout=30_000
    )


def api_token(base_url: str, username: str, password: str = DEMO_PASSWORD) -> str:
    """A new sign-in token for `username` from `POST /api/auth/login`."""
    request = urllib.request.Request(
        f"{base_url}/api/auth/login",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(json.loads(response.read())["data"]["token"])


def sign_in(page: Page, base_url: str, username: str, *, path: str = "/equipment") -> None:
    """Open `path` signed in as `username`: a token from the API, put where the app keeps it
    (one page load instead of the sign-in page's two; the form itself is tested with
    `sign_in_with_form`)."""
    token = api_token(base_url, username)
    page.goto(f"{base_url}/ping")  # the app's origin, without loading the app
    page.evaluate("([key, token]) => localStorage.setItem(key, token)", [TOKEN_STORAGE_KEY, token])
    page.goto(f"{base_url}{path}")
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(url_of(path), timeout=30_000)


def sign_in_with_form(
    page: Page, base_url: str, username: str, *, path: str = "/equipment"
) -> None:
    """Open `path` signed out (→ /login?next=...), sign in with the form, and land back on
    `path`."""
    page.goto(f"{base_url}{path}")
    expect(page).to_have_url(re.compile(r"/login"), timeout=30_000)
    wait_login_ready(page)
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(url_of(path), timeout=30_000)


def url_of(path: str) -> re.Pattern[str]:
    """The app URL of `path`, with or without the trailing slash the static server adds."""
    return re.compile(rf"^https?://[^/]+{re.escape(path.rstrip('/'))}/?(\?.*)?$")


def table_rows(page: Page):
    return page.locator("[data-testid=equipment-table] [data-testid=equipment-row]")


def wait_rows(page: Page) -> None:
    expect(table_rows(page).first).to_be_visible(timeout=30_000)


def db_row(sql: str, *, url: str = E2E_DATABASE_URL, **params) -> tuple:
    """One row from an e2e database (to check what was really saved)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(sa.text(sql), params).one())
    finally:
        engine.dispose()


def db_scalar(sql: str, *, url: str = E2E_DATABASE_URL, **params):
    """One value from an e2e database (to check what was really saved)."""
    return db_row(sql, url=url, **params)[0]


def db_execute(sql: str, *, url: str = E2E_DATABASE_URL, **params) -> None:
    """Run one write against an e2e database, committed (to change reality under a tab)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql), params)
    finally:
        engine.dispose()


def saved_location(item_id: str, *, url: str = E2E_DATABASE_URL) -> str:
    """The location of an item as stored (through the model, so SQLite's UUID form works)."""
    import uuid

    import sqlalchemy as sa
    from sqlmodel import Session

    from avrentals.domain.models import EquipmentItem

    engine = sa.create_engine(url)
    try:
        with Session(engine) as session:
            item = session.get(EquipmentItem, uuid.UUID(item_id))
            assert item is not None, f"item {item_id} not in the database"
            return item.location
    finally:
        engine.dispose()


def display_name(username: str, *, url: str = E2E_DATABASE_URL) -> str:
    return db_scalar("SELECT name FROM app_user WHERE username = :u", url=url, u=username)


def _socket_record(page: Page, redis_url: str) -> str | None:
    """The instance id in Reflex's Redis token manager for this tab's client token
    (`token_manager_socket_record_<token>`), or None when there is no record."""
    import pickle

    import redis

    token = page.evaluate("sessionStorage.getItem('token')")
    client = redis.Redis.from_url(redis_url)
    try:
        raw = client.get(f"token_manager_socket_record_{token}")
    finally:
        client.close()
    return pickle.loads(raw).instance_id if raw else None


def socket_instance(page: Page, redis_url: str) -> str:
    """The id of the server process (worker) holding this tab's websocket."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        instance = _socket_record(page, redis_url)
        if instance:
            return instance
        time.sleep(0.1)
    raise AssertionError(f"no socket record for this tab in {redis_url}")


def worker_pids(srv: Server) -> list[int]:
    """The worker processes of `srv` (the children uvicorn spawned), from /proc."""
    assert srv.process is not None, f"the {srv.name} server is not running"
    parent = srv.process.pid
    children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    return [
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


# uvicorn's supervisor kills a worker that has not answered its health check in 5 s: a worker
# is paused for less than that.
MAX_WORKER_PAUSE_S = 4.0


def tab_on_another_worker(page: Page, other: Page, srv: Server, new_context) -> Page:
    """`page`, or a tab of the same signed-in user replacing it, whose WebSocket is on another
    worker process than `other`'s.

    The kernel hands a new connection to whichever worker takes it first, and on a loaded
    machine that can be the same one every time. So, deterministically: pause one worker
    (SIGSTOP; the running one then accepts every new connection), open the page in a new
    browser context signed in with the same token, resume as soon as its socket is
    registered, and pause the other worker instead if that was the wrong one. The token is
    put in localStorage by an init script: `storage_state` would have Playwright open a
    connection first, which could be kept alive to the paused worker."""
    redis_url = srv.env["REDIS_URL"]
    target = socket_instance(other, redis_url)
    token = page.evaluate(f"localStorage.getItem({TOKEN_STORAGE_KEY!r})")
    for pid in worker_pids(srv) * 2:
        if socket_instance(page, redis_url) != target:
            return page
        context = new_context()
        context.add_init_script(f"localStorage.setItem({TOKEN_STORAGE_KEY!r}, {json.dumps(token)})")
        moved = context.new_page()
        os.kill(pid, signal.SIGSTOP)
        try:
            deadline = time.monotonic() + MAX_WORKER_PAUSE_S
            with contextlib.suppress(PlaywrightError):
                moved.goto(page.url, wait_until="commit", timeout=MAX_WORKER_PAUSE_S * 1000)
            while time.monotonic() < deadline:
                with contextlib.suppress(PlaywrightError):
                    if _socket_record(moved, redis_url):
                        break
                time.sleep(0.1)
        finally:
            os.kill(pid, signal.SIGCONT)
        wait_rows(moved)
        page.context.close()
        page = moved
    if socket_instance(page, redis_url) == target:
        raise AssertionError(f"the tab's socket stayed on the other tab's worker ({target})")
    return page


@contextlib.contextmanager
def server_stopped(srv: Server) -> Iterator[None]:
    """The server's whole process group stopped for the block (to the browser: the connection
    dropped), then started again on the same port with the same database, Redis and data."""
    srv.stop()
    try:
        yield
    finally:
        srv.start()


def _refusal_diagnosis(url: str) -> str:
    diagnosis = []
    for command in (
        ["ss", "-ltnp"],
        ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", url],
        ["ps", "-eo", "pid,pgid,etime,stat,args"],
    ):
        with contextlib.suppress(Exception):
            out = subprocess.run(command, capture_output=True, text=True, timeout=10)
            diagnosis.append(f"$ {' '.join(command)}\n{out.stdout[-4000:]}{out.stderr[-500:]}")
    return "\n".join(diagnosis)


def connect_or_explain(connect, url: str):
    """`connect()`; a refused connection fails with what the machine saw at that moment
    (listening sockets, the same request by curl, the processes), not a bare
    ConnectionRefusedError."""
    try:
        return connect()
    except (urllib.error.URLError, ConnectionRefusedError) as exc:
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if not isinstance(reason, ConnectionRefusedError):
            raise
        raise AssertionError(f"{url}: connection refused\n{_refusal_diagnosis(url)}") from exc


def http_get(url: str, *, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
    """GET `url` from the test process: status, headers (lower-case names) and body."""

    def get() -> tuple[int, dict[str, str], bytes]:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, headers, response.read()

    return connect_or_explain(get, url)


@pytest.fixture(autouse=True)
def _in_file_order(browser_name: str) -> None:
    """Every test here depends on pytest-playwright's session-scoped, parametrized
    `browser_name`, the ones that open no browser too: pytest groups tests by such
    parameters, which would otherwise move the browser-less tests after all the others —
    after test_zz_embedded has stopped the session server."""
