"""Several app instances behind nginx on one machine (`make cluster`, and the browser test of
failover): one frontend build, N backends sharing PostgreSQL + Redis, nginx in front with the
same configuration as docker-compose (deploy/nginx.conf).

Each instance is the production server (`avrentals serve`, avrentals/server.py), which also
serves the compiled frontend, started WITHOUT recompiling, so instances never rebuild `.web/`
under each other.
nginx proxies everything (pages, /api, the /_event WebSocket) to any instance: no sticky
sessions — UI state is in Redis and changes cross instances over Redis pub/sub.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from avrentals.server import ServeOptions, build_frontend

ROOT = Path(__file__).resolve().parent.parent
DEPLOY_NGINX_CONF = ROOT / "deploy" / "nginx.conf"
VENV_BIN = Path(sys.executable).parent
OFFLINE_REFLEX = {
    "REFLEX_USE_NPM": "1",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "false",
}


class ClusterError(RuntimeError):
    """The cluster could not be started; the message says what is missing."""


@dataclass
class Process:
    """A started process group and where its output goes."""

    name: str
    url: str
    popen: subprocess.Popen
    log_path: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole group (an instance crash, not a shutdown)."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=20)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def _spawn(name: str, url: str, args: list[str], env: dict[str, str], log_path: Path) -> Process:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = log_path.open("w")
    popen = subprocess.Popen(  # noqa: S603 (our own commands)
        args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    log.close()  # the child keeps its own handle
    return Process(name, url, popen, log_path)


def base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment with the virtualenv's Node first and Reflex kept offline."""
    env = {**os.environ, **OFFLINE_REFLEX, **(extra or {})}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def wait_for(url: str, timeout_s: float, process: Process | None = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process is not None and not process.alive():
            raise ClusterError(f"{process.name} exited; see {process.log_path}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (local)
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise ClusterError(f"{url} did not answer within {timeout_s:.0f}s")


def start_instance(name: str, port: int, env: dict[str, str], log_dir: Path) -> Process:
    """One production backend (`avrentals serve`, one worker) on `port` serving the already
    built frontend."""
    options = ServeOptions(host="127.0.0.1", port=port, workers=1)
    return _spawn(name, f"http://127.0.0.1:{port}", options.argv(), env, log_dir / f"{name}.log")


def nginx_binary() -> str:
    found = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if not found:
        raise ClusterError(
            "nginx is not installed: `apt-get install -y nginx` (scripts/ensure-nginx.sh)."
        )
    return found


def nginx_config(listen_port: int, instance_ports: list[int], run_dir: Path) -> Path:
    """deploy/nginx.conf (the docker-compose one) adapted to a local, unprivileged run: its own
    port, logs, pid and temp paths under `run_dir`, and an upstream of the local instances."""
    text = DEPLOY_NGINX_CONF.read_text()
    replacements = {
        "error_log /var/log/nginx/error.log warn;": f"error_log {run_dir}/error.log warn;\n"
        f"pid {run_dir}/nginx.pid;",
        "access_log /var/log/nginx/access.log avrentals;": f"access_log {run_dir}/access.log "
        "avrentals;\n"
        + "".join(
            f"    {kind}_temp_path {run_dir}/{kind}_temp;\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        ),
        "listen 80;": f"listen 127.0.0.1:{listen_port};",
    }
    for old, new in replacements.items():
        if old not in text:
            raise ClusterError(f"deploy/nginx.conf changed: {old!r} not found")
        text = text.replace(old, new)
    run_dir.mkdir(parents=True, exist_ok=True)
    # As deploy/nginx-upstream.conf, with fixed local addresses instead of Docker's DNS.
    servers = "".join(
        f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;\n" for port in instance_ports
    )
    (run_dir / "nginx-upstream.conf").write_text(
        "upstream avrentals {\n    zone avrentals 64k;\n    least_conn;\n"
        f"{servers}    keepalive 32;\n}}\n"
    )
    conf = run_dir / "nginx.conf"
    conf.write_text(text)
    return conf


def start_nginx(listen_port: int, instance_ports: list[int], run_dir: Path) -> Process:
    conf = nginx_config(listen_port, instance_ports, run_dir)
    binary = nginx_binary()
    check = subprocess.run(  # noqa: S603
        [binary, "-t", "-p", str(run_dir), "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        raise ClusterError(f"nginx config refused:\n{check.stderr}")
    return _spawn(
        "nginx",
        f"http://127.0.0.1:{listen_port}",
        [binary, "-p", str(run_dir), "-c", str(conf), "-g", "daemon off;"],
        os.environ.copy(),
        run_dir / "nginx.out",
    )


@dataclass
class Cluster:
    nginx: Process
    instances: list[Process] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    run_dir: Path = ROOT / "data" / "cluster"

    def restart_instance(self, index: int) -> Process:
        """Start instance `index` again on its port (after a crash) and wait for it."""
        old = self.instances[index]
        old.stop()
        port = int(old.url.rsplit(":", 1)[1])
        new = start_instance(old.name, port, self.env, self.run_dir)
        wait_for(f"{new.url}/api/health", 180, new)
        self.instances[index] = new
        return new

    def stop(self) -> None:
        for process in [self.nginx, *self.instances]:
            process.stop()


def start_cluster(
    listen_port: int, instance_ports: list[int], env: dict[str, str], run_dir: Path
) -> Cluster:
    """Instances then nginx, each waited for; the frontend must already be built."""
    instances = []
    try:
        for n, port in enumerate(instance_ports):
            instance = start_instance(f"instance-{chr(ord('a') + n)}", port, env, run_dir)
            instances.append(instance)
        for instance in instances:
            wait_for(f"{instance.url}/api/health", 180, instance)
        nginx = start_nginx(listen_port, instance_ports, run_dir / "nginx")
        wait_for(f"http://127.0.0.1:{listen_port}/api/health", 30, nginx)
    except BaseException:
        for instance in instances:
            instance.stop()
        raise
    return Cluster(nginx, instances, env, run_dir)


def ensure_postgres_database(url: str) -> None:
    """Create the database of `url` when it does not exist (the server must be reachable)."""
    import sqlalchemy as sa

    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    """`make cluster`: build once, migrate + demo data, two instances, nginx; Ctrl-C stops."""
    parser = argparse.ArgumentParser(prog="avrentals-cluster")
    parser.add_argument("--port", type=int, default=int(os.environ.get("CLUSTER_PORT", "8080")))
    parser.add_argument("--instances", type=int, default=2)
    args = parser.parse_args(argv)
    database_url = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/avrentals_cluster"
    )
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    public_url = f"http://localhost:{args.port}"
    run_dir = ROOT / "data" / "cluster"
    env = base_env(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REFLEX_REDIS_URL": redis_url,
            "APP_ENV": os.environ.get("APP_ENV", "development"),
            "CORS_ORIGINS": f"{public_url},http://127.0.0.1:{args.port}",
            "PORT": str(args.port),
        }
    )
    if database_url.startswith("postgresql"):
        ensure_postgres_database(database_url)
    cli = [str(VENV_BIN / "avrentals")]
    for step in (["migrate"], ["seed-demo", "--if-empty", "--print-sign-ins"]):
        subprocess.run([*cli, *step], env=env, check=True)  # noqa: S603
    print(f"Building the frontend for {public_url} ...", flush=True)
    build_frontend(public_url, env)
    ports = [_free_port() for _ in range(args.instances)]
    _stop_on_signals()
    cluster = start_cluster(args.port, ports, env, run_dir)
    print(f"AV Rentals on {public_url}: nginx -> instances on ports {ports}.", flush=True)
    print(f"Logs in {run_dir}. Ctrl-C stops everything.", flush=True)
    return serve_until_stopped(cluster)


def _stop_on_signals() -> None:
    """Ctrl-C, SIGTERM (a process manager, `kill`) and SIGHUP (the terminal closed) all
    unwind as KeyboardInterrupt, so what was started is stopped: nginx and the instances
    run in their own process groups and would otherwise outlive this process."""

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, interrupt)


def serve_until_stopped(cluster: Cluster) -> int:
    """Wait while every process of `cluster` lives, then stop them all: 0 when stopped by a
    signal (see `_stop_on_signals`), 1 when one of them exited by itself."""
    try:
        while all(p.alive() for p in [cluster.nginx, *cluster.instances]):
            time.sleep(0.2)
        print("A process exited; stopping the cluster.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    raise SystemExit(main())
