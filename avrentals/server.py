"""The production web server: `avrentals serve`.

One process group serves everything on one port: the compiled frontend, the `/_event`
WebSocket of every open tab and `/api`. It is uvicorn over the app factory
(`avrentals.avrentals:app`), with
- uvloop and httptools for the event loop and HTTP parsing;
- websockets' sans-I/O protocol for the WebSocket, **without permessage-deflate**: a
  compressed socket keeps two zlib streams for as long as the tab is open (the compressing
  one alone up to 256 KB by zlib's own formula; measured 63 KB instead of 22 KB per socket
  after a single small message), while a state delta is a few hundred bytes. Browsers offer
  compression; the server declines it;
- a socket message of at most `MAX_SOCKET_MESSAGE_BYTES` (1 MiB, the API's JSON body cap): a
  tab's events are small (files go over HTTP uploads), and a larger frame closes the socket
  with 1009 before it is buffered whole;
- idle HTTP connections kept `KEEP_ALIVE_S` (75 s), longer than nginx reuses them;
- `X-Forwarded-For` not trusted (the rate limits see the peer address, as the API does).

granian, which `reflex run --env prod` uses, is not used: it held ~150 KB of native buffers
per open socket (a bare echo app: 152 KB under granian, 18-22 KB under uvicorn), which put a
tab above the 200 KB budget; bench/realtime.py prints the per-tab figure.

Workers: `--workers`, else `WEB_CONCURRENCY`, else 2 with Redis and 1 without. More than one
worker needs Redis: without it a tab's UI state lives in the memory of one process.

The frontend is built separately (`build_frontend`, or `avrentals serve --build`) for the
address browsers use; the server then only serves that build and never compiles.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
APP_TARGET = "avrentals.avrentals:app"
FRONTEND_INDEX = ROOT / ".web" / "build" / "client" / "index.html"
# Reflex's internal switches (its EnvVar(internal=True) names carry a "__" prefix): serve the
# compiled frontend from the backend, and do not compile again at start.
SERVE_BUILT_FRONTEND = {
    "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true",
    "__REFLEX_SKIP_COMPILE": "true",
    "REFLEX_ENV_MODE": "prod",
}
GRACEFUL_SHUTDOWN_S = 10
# Longer than nginx keeps an idle upstream connection (its `keepalive_timeout` in the upstream
# block, 60 s by default): a server that closes first races nginx reusing the connection, and
# a POST caught in that race is answered 502 (nginx does not retry non-idempotent requests).
KEEP_ALIVE_S = 75
MAX_SOCKET_MESSAGE_BYTES = 1_048_576


class ServerError(RuntimeError):
    """The server cannot start as asked; the message says why and what to do."""


@dataclass(frozen=True)
class ServeOptions:
    """Where and how `avrentals serve` listens."""

    host: str = "0.0.0.0"  # noqa: S104 (tablets on the network reach the app)
    port: int = 3000
    workers: int = 1
    log_level: str = "warning"

    def argv(self) -> list[str]:
        """The command line that starts this server in a new process."""
        return [
            sys.executable,
            "-m",
            "avrentals.cli",
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
        ]


def default_workers(redis_url: str | None) -> int:
    """`WEB_CONCURRENCY` when set, else 2 worker processes with Redis and 1 without."""
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if raw:
        try:
            return int(raw)
        except ValueError as exc:
            raise ServerError(f"WEB_CONCURRENCY must be a whole number, not {raw!r}") from exc
    return 2 if redis_url else 1


def check_options(options: ServeOptions, redis_url: str | None) -> None:
    """Raises ServerError for a worker count the state storage cannot support, a port out of
    range, or a missing frontend build."""
    if options.workers < 1:
        raise ServerError("--workers must be at least 1")
    if options.workers > 1 and not redis_url:
        raise ServerError(
            f"{options.workers} workers need Redis (REDIS_URL and REFLEX_REDIS_URL): without it "
            "each tab's state lives in one process. Use --workers 1 or set REDIS_URL."
        )
    if not 1 <= options.port <= 65535:
        raise ServerError("--port must be between 1 and 65535")
    if not FRONTEND_INDEX.exists():
        raise ServerError(
            f"No frontend build at {FRONTEND_INDEX.parent}: run `avrentals serve --build` "
            "(or build it once with `reflex export --frontend-only --no-zip --env prod`)."
        )


def uvicorn_settings(options: ServeOptions) -> dict[str, object]:
    """Keyword arguments of `uvicorn.run` for the production server (see the module doc)."""
    return {
        "factory": True,
        "host": options.host,
        "port": options.port,
        "workers": options.workers,
        "loop": "uvloop",
        "http": "httptools",
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,
        "ws_max_size": MAX_SOCKET_MESSAGE_BYTES,
        "proxy_headers": False,
        "server_header": False,
        "access_log": False,
        "log_level": options.log_level,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
        "timeout_keep_alive": KEEP_ALIVE_S,
    }


def serve(options: ServeOptions, redis_url: str | None) -> None:
    """Run the server in this process until it is stopped (SIGINT / SIGTERM).
    Raises ServerError (see `check_options`)."""
    import uvicorn

    check_options(options, redis_url)
    # Set before the workers start: they read them when they build the app.
    os.environ.update(SERVE_BUILT_FRONTEND)
    uvicorn.run(APP_TARGET, **uvicorn_settings(options))  # type: ignore[arg-type]


def build_frontend(public_url: str, env: dict[str, str] | None = None) -> None:
    """Compile the app and build the static frontend for browsers reaching the app at
    `public_url` (the address its WebSocket and uploads go to). Raises ServerError with the
    build's output when it fails."""
    build_env = {**(os.environ if env is None else env)}
    build_env.update({"REFLEX_API_URL": public_url, "API_URL": public_url})
    build_env["PATH"] = f"{VENV_BIN}{os.pathsep}{build_env.get('PATH', '')}"
    done = subprocess.run(  # noqa: S603 (our own command)
        [str(VENV_BIN / "reflex"), "export", "--frontend-only", "--no-zip", "--env", "prod"],
        cwd=ROOT,
        env=build_env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise ServerError(f"frontend build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
