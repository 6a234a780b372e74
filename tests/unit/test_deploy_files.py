"""The deployment files: Dockerfile, .dockerignore, docker-compose.yml, deploy/nginx*.conf.

Docker does not run here, so these tests read the files the way Docker, Compose and nginx
do (Dockerfile instructions, YAML plus Compose's ${VAR} interpolation, nginx's directive
syntax) and check what the deployment relies on, including that the files agree with each
other (ports, service names, mounted paths, credentials). When an nginx binary is
installed the config is also checked by `nginx -t`.
"""

from __future__ import annotations

import http.server
import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from avrentals.cli import build_parser
from avrentals.server import ServeOptions, uvicorn_settings

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_FILE = ROOT / "docker-compose.yml"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"

APP_SERVICE = "app"
APP_PORT = 3000
HEALTH_URL = f"http://127.0.0.1:{APP_PORT}/api/health"
# Enough to satisfy `${JWT_SECRET:?...}` while interpolating.
SAMPLE_ENV = {"JWT_SECRET": "s" * 48}


# --------------------------------------------------------------------------------------
# Compose: YAML + ${VAR} interpolation
# --------------------------------------------------------------------------------------


class MissingVariable(Exception):
    pass


_VAR = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's interpolation: $$, ${X}, $X, ${X:-d}, ${X-d}, ${X:?err}, ${X?err}."""

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        current = env.get(name)
        if op == ":-":
            return current if current else arg
        if op == "-":
            return arg if current is None else current
        if op == ":?" and not current:
            raise MissingVariable(f"{name}: {arg}")
        if op == "?" and current is None:
            raise MissingVariable(f"{name}: {arg}")
        return current or ""

    return _VAR.sub(replace, value)


def _interpolate_tree(node, env: dict[str, str]):
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, list):
        return [_interpolate_tree(item, env) for item in node]
    if isinstance(node, dict):
        return {key: _interpolate_tree(value, env) for key, value in node.items()}
    return node


def raw_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose(env: dict[str, str] | None = None) -> dict:
    return _interpolate_tree(raw_compose(), SAMPLE_ENV if env is None else env)


def services(env: dict[str, str] | None = None) -> dict[str, dict]:
    return compose(env)["services"]


def environment_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # the "KEY=value" list form
        env = dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: "service_started" for name in deps}
    return {name: (spec or {}).get("condition", "service_started") for name, spec in deps.items()}


def healthcheck_test(service: dict) -> list[str]:
    check = service.get("healthcheck") or {}
    if check.get("disable"):
        return []
    test = check.get("test") or []
    return ["CMD-SHELL", test] if isinstance(test, str) else list(test)


def is_long_running(service: dict) -> bool:
    return str(service.get("restart", "no")) != "no"


# --------------------------------------------------------------------------------------
# Dockerfile
# --------------------------------------------------------------------------------------


@dataclass
class Instruction:
    keyword: str
    args: str


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for ins in self.all("ENV"):
            for token in shlex.split(ins.args):
                key, _, value = token.partition("=")
                values[key] = value
        return values


def dockerfile_instructions() -> list[Instruction]:
    """Instructions with continuation lines joined and comment lines dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # comments may also sit between continuation lines
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical = (pending + line).strip()
        pending = ""
        keyword, _, args = logical.partition(" ")
        instructions.append(Instruction(keyword.upper(), " ".join(args.split())))
    assert not pending, "Dockerfile ends inside a continued line"
    return instructions


def dockerfile_stages() -> list[Stage]:
    stages: list[Stage] = []
    for ins in dockerfile_instructions():
        if ins.keyword == "FROM":
            words = [w for w in ins.args.split() if not w.startswith("--")]
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(base=words[0], name=name))
        elif stages:
            stages[-1].instructions.append(ins)
    return stages


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def healthcheck_exec(ins: Instruction) -> list[str]:
    """The command of `HEALTHCHECK [--options] CMD [...]`."""
    match = re.fullmatch(r"((?:--\S+\s+)*)CMD\s+(\[.*\])", ins.args)
    assert match, f"HEALTHCHECK must use the exec form CMD [...]: {ins.args}"
    return exec_form(match.group(2))


# --------------------------------------------------------------------------------------
# nginx configuration
# --------------------------------------------------------------------------------------


@dataclass
class Directive:
    name: str
    args: list[str]
    block: list[Directive] | None = None

    def find(self, name: str) -> list[Directive]:
        return [d for d in self.block or [] if d.name == name]

    def one(self, name: str) -> Directive:
        found = self.find(name)
        assert len(found) == 1, f"expected one `{name}` in `{self.name}`, found {len(found)}"
        return found[0]

    def walk(self) -> Iterator[Directive]:
        for child in self.block or []:
            yield child
            yield from child.walk()


_NGINX_TOKEN = re.compile(
    r"""\s+|\#[^\n]*|"((?:\\.|[^"\\])*)"|'((?:\\.|[^'\\])*)'|([{};])|((?:\\.|[^\s{};"'])+)""",
    re.S,
)


def _nginx_tokens(text: str) -> list[tuple[str, bool]]:
    """(token, is_punctuation) pairs."""
    tokens: list[tuple[str, bool]] = []
    pos = 0
    while pos < len(text):
        match = _NGINX_TOKEN.match(text, pos)
        assert match, f"unparsable nginx text near: {text[pos : pos + 40]!r}"
        pos = match.end()
        dq, sq, punct, word = match.groups()
        if punct:
            tokens.append((punct, True))
        elif dq is not None or sq is not None:
            tokens.append((dq if dq is not None else sq, False))
        elif word is not None:
            tokens.append((word, False))
    return tokens


def parse_nginx(path: Path) -> Directive:
    """Parse an nginx config, expanding `include` relative to the file's directory."""

    def parse(tokens: list[tuple[str, bool]], pos: int, base: Path, depth: int):
        out: list[Directive] = []
        words: list[str] = []
        while pos < len(tokens):
            token, punct = tokens[pos]
            pos += 1
            if not punct:
                words.append(token)
            elif token == ";":
                assert words, "empty directive"
                if words[0] == "include":
                    for target in sorted(base.glob(words[1])) or [base / words[1]]:
                        out.extend(load(target))
                else:
                    out.append(Directive(words[0], words[1:]))
                words = []
            elif token == "{":
                assert words, "block without a name"
                children, pos = parse(tokens, pos, base, depth + 1)
                out.append(Directive(words[0], words[1:], children))
                words = []
            else:  # "}"
                assert depth > 0 and not words, "unbalanced '}' or directive without ';'"
                return out, pos
        assert depth == 0 and not words, "unterminated block or directive"
        return out, pos

    def load(target: Path) -> list[Directive]:
        assert target.is_file(), f"nginx include not found: {target}"
        # An included file is parsed at top level, then spliced where it was included.
        children, _ = parse(_nginx_tokens(target.read_text()), 0, target.parent, 0)
        return children

    return Directive("main", [], load(path))


def nginx_http() -> Directive:
    return parse_nginx(NGINX_CONF).one("http")


def nginx_server() -> Directive:
    return nginx_http().one("server")


def nginx_upstreams(http_block: Directive) -> dict[str, Directive]:
    return {u.args[0]: u for u in http_block.find("upstream")}


def nginx_includes() -> list[str]:
    return [d.args[0] for d in _flat_directives(NGINX_CONF) if d.name == "include"]


def _flat_directives(path: Path) -> list[Directive]:
    """Directives of one file without expanding includes (to list the includes)."""
    found: list[Directive] = []
    words: list[str] = []
    for token, punct in _nginx_tokens(path.read_text()):
        if not punct:
            words.append(token)
        elif words:
            found.append(Directive(words[0], words[1:]))
            words = []
    return found


def location(server: Directive, *args: str) -> Directive:
    matches = [d for d in server.find("location") if d.args == list(args)]
    assert len(matches) == 1, f"expected one `location {' '.join(args)}`"
    return matches[0]


def seconds(value: str) -> float:
    units = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "": 1}
    total = 0.0
    for number, unit in re.findall(r"(\d+)(ms|s|m|h|d|)", value):
        total += int(number) * units[unit]
    return total


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def nginx_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, check=True)
    match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out.stderr + out.stdout)
    assert match, out.stderr
    return tuple(int(part) for part in match.groups())


# ======================================================================================
# docker-compose.yml
# ======================================================================================


def test_compose_defines_the_stack() -> None:
    assert {"postgres", "redis", "migrate", APP_SERVICE, "nginx"} <= set(services())


def test_app_runs_two_interchangeable_replicas() -> None:
    app = services()[APP_SERVICE]
    assert app["deploy"]["replicas"] == 2
    # Either would make the second replica fail to start.
    assert "container_name" not in app
    assert "ports" not in app


def test_long_running_services_have_healthchecks() -> None:
    long_running = {name for name, svc in services().items() if is_long_running(svc)}
    assert {"postgres", "redis", APP_SERVICE, "nginx"} <= long_running
    for name in long_running:
        assert healthcheck_test(services()[name]), f"{name} has no healthcheck"


def test_database_and_redis_healthchecks_probe_the_server() -> None:
    pg = " ".join(healthcheck_test(services()["postgres"]))
    assert "pg_isready" in pg
    # Over TCP, so the image's socket-only init server does not count as ready.
    assert "-h 127.0.0.1" in pg
    assert healthcheck_test(services()["redis"])[1:] == ["redis-cli", "ping"]


def test_postgres_and_redis_images_and_storage() -> None:
    doc = compose()
    pg, redis = doc["services"]["postgres"], doc["services"]["redis"]
    assert pg["image"] == "postgres:15"  # the major of the app image's pg_dump (backups)
    assert redis["image"].split(":")[0] == "redis" and redis["image"].split(":")[1].startswith("7")
    named_volumes = set(doc.get("volumes") or {})
    pg_volume = next(v for v in pg["volumes"] if v.endswith(":/var/lib/postgresql/data"))
    assert pg_volume.split(":")[0] in named_volumes


def test_migrate_is_a_one_shot_of_the_app_image() -> None:
    svcs = services()
    migrate, app = svcs["migrate"], svcs[APP_SERVICE]
    command = migrate["command"]
    command = shlex.split(command) if isinstance(command, str) else command
    assert command == ["avrentals", "migrate"]
    assert not is_long_running(migrate)
    assert migrate["image"] == app["image"]
    assert migrate["build"] == app["build"]
    # Production settings validate the same way in both.
    assert environment_of(migrate) == environment_of(app)
    assert depends_on(migrate).get("postgres") == "service_healthy"


def test_app_starts_after_migrations_and_healthy_backends() -> None:
    deps = depends_on(services()[APP_SERVICE])
    assert deps.get("migrate") == "service_completed_successfully"
    assert deps.get("postgres") == "service_healthy"
    assert deps.get("redis") == "service_healthy"


def test_nginx_waits_for_healthy_app() -> None:
    assert depends_on(services()["nginx"]).get(APP_SERVICE) == "service_healthy"


def test_app_environment_is_production_wired_to_the_services() -> None:
    svcs = services()
    env = environment_of(svcs[APP_SERVICE])
    assert env["APP_ENV"] == "production"

    db = urlsplit(env["DATABASE_URL"])
    assert db.scheme == "postgresql+psycopg"
    assert db.hostname == "postgres" and "postgres" in svcs
    assert (db.port or 5432) == 5432
    pg_env = environment_of(svcs["postgres"])
    assert db.username == pg_env["POSTGRES_USER"]
    assert db.password == pg_env["POSTGRES_PASSWORD"]
    assert db.path.lstrip("/") == pg_env["POSTGRES_DB"]

    redis_url = urlsplit(env["REDIS_URL"])
    assert redis_url.scheme == "redis"
    assert redis_url.hostname == "redis" and "redis" in svcs
    assert env["REFLEX_REDIS_URL"] == env["REDIS_URL"]

    assert int(env["WEB_CONCURRENCY"]) >= 1
    assert int(env["PORT"]) == APP_PORT


def test_database_password_follows_postgres_password_override() -> None:
    svcs = services({**SAMPLE_ENV, "POSTGRES_PASSWORD": "Other-Pass-123"})
    assert (
        urlsplit(environment_of(svcs[APP_SERVICE])["DATABASE_URL"]).password
        == (environment_of(svcs["postgres"])["POSTGRES_PASSWORD"])
        == "Other-Pass-123"
    )


def test_environment_values_are_strings() -> None:
    # Compose rejects booleans in `environment`, and YAML turns bare yes/no/true into them.
    for name, svc in raw_compose()["services"].items():
        env = svc.get("environment") or {}
        if isinstance(env, dict):
            for key, value in env.items():
                assert isinstance(value, str | int), f"{name}.{key} is {value!r}"


def test_jwt_secret_comes_from_the_environment() -> None:
    raw = raw_compose()["services"][APP_SERVICE]["environment"]["JWT_SECRET"]
    assert re.fullmatch(r"\$\{JWT_SECRET:\?[^}]+\}", raw), raw
    assert environment_of(services({"JWT_SECRET": "x" * 40})[APP_SERVICE])["JWT_SECRET"] == (
        "x" * 40
    )
    # Unset or empty: Compose refuses to start instead of using a built-in value.
    for env in ({}, {"JWT_SECRET": ""}):
        with pytest.raises(MissingVariable, match="JWT_SECRET"):
            compose(env)


def test_data_directory_is_shared_between_replicas() -> None:
    doc = compose()
    app = doc["services"][APP_SERVICE]
    data_dir = environment_of(app)["DATA_DIR"]
    mounts = [v for v in app.get("volumes", []) if v.split(":")[1] == data_dir]
    assert mounts, f"no volume mounted at DATA_DIR={data_dir}"
    assert mounts[0].split(":")[0] in (doc.get("volumes") or {}), "DATA_DIR must be a named volume"


def test_browsers_reach_the_app_through_nginx() -> None:
    svcs = services()
    env = environment_of(svcs[APP_SERVICE])
    published = [str(p) for p in svcs["nginx"]["ports"]]
    public_port = int(published[0].split(":")[-2])
    for key in ("REFLEX_API_URL", "CORS_ORIGINS"):
        url = urlsplit(env[key].split(",")[0])
        assert url.port == public_port, f"{key}={env[key]} does not point at nginx"
    custom = environment_of(
        services({**SAMPLE_ENV, "PUBLIC_URL": "https://rentals.example.com"})[APP_SERVICE]
    )
    assert custom["REFLEX_API_URL"] == "https://rentals.example.com"
    assert "https://rentals.example.com" in custom["CORS_ORIGINS"].split(",")


def test_nginx_publishes_its_listen_port_and_mounts_its_config() -> None:
    nginx = services()["nginx"]
    assert nginx["image"].startswith("nginx:1.27")
    listen = nginx_server().one("listen").args[0]
    container_ports = {str(p).split(":")[-1] for p in nginx["ports"]}
    assert listen.split(":")[-1] in container_ports

    mounts = {}
    for volume in nginx["volumes"]:
        source, target = volume.split(":")[:2]
        mounts[target] = source
    assert mounts.get("/etc/nginx/nginx.conf") == "./deploy/nginx.conf"
    for included in nginx_includes():
        source = mounts.get(f"/etc/nginx/{included}")
        assert source, f"{included} (included by nginx.conf) is not mounted next to it"
        assert (ROOT / source).resolve() == (NGINX_CONF.parent / included).resolve()
        assert (ROOT / source).is_file()


def test_nginx_healthcheck_uses_the_health_location() -> None:
    test = " ".join(healthcheck_test(services()["nginx"]))
    listen = nginx_server().one("listen").args[0].split(":")[-1]
    url = urlsplit(re.search(r"http://\S+", test).group(0))
    assert (url.port or 80) == int(listen)
    location(nginx_server(), "=", url.path)


# ======================================================================================
# Dockerfile and .dockerignore
# ======================================================================================


def test_dockerfile_is_multi_stage() -> None:
    stages = dockerfile_stages()
    assert len(stages) >= 2
    builder, final = stages[0], stages[-1]
    assert builder.name
    base_args = {
        ins.args.split("=", 1)[0]: ins.args.split("=", 1)[1]
        for ins in dockerfile_instructions()
        if ins.keyword == "ARG" and "=" in ins.args
    }
    for stage in (builder, final):
        base = stage.base
        if base.startswith("${"):
            base = base_args[base.strip("${}")]
        assert base.startswith("python:3.11-slim"), base


def test_builder_installs_the_project_and_exports_the_frontend() -> None:
    builder = dockerfile_stages()[0]
    runs = [ins.args for ins in builder.all("RUN")]
    assert any("python -m venv /opt/venv" in run for run in runs)
    assert any(re.search(r"\bpip install \.(\s|$)", run) for run in runs)
    assert any("reflex export --frontend-only --no-zip" in run for run in runs)
    # The export must come after the project is installed.
    install = next(i for i, r in enumerate(runs) if re.search(r"\bpip install \.(\s|$)", r))
    export = next(i for i, r in enumerate(runs) if "reflex export" in r)
    assert install < export


def test_reflex_runs_offline_with_npm_in_both_stages() -> None:
    for stage in (dockerfile_stages()[0], dockerfile_stages()[-1]):
        env = stage.env()
        assert env.get("REFLEX_USE_NPM") == "1"
        assert env.get("REFLEX_TELEMETRY_ENABLED") == "false"
        assert env.get("REFLEX_CHECK_LATEST_VERSION") == "false"
        assert env.get("PATH", "").startswith("/opt/venv/bin:")
        # Same Reflex state directory in both, so the runtime sees an initialised app.
        assert env.get("REFLEX_DIR") == dockerfile_stages()[0].env().get("REFLEX_DIR")


def test_runtime_copies_venv_and_built_app_from_the_builder() -> None:
    builder, final = dockerfile_stages()[0], dockerfile_stages()[-1]
    copies = [ins.args for ins in final.all("COPY")]
    assert any(f"--from={builder.name}" in c and c.endswith("/opt/venv /opt/venv") for c in copies)
    assert any(f"--from={builder.name}" in c and c.endswith("/app /app") for c in copies)
    assert final.all("WORKDIR")[-1].args == "/app"
    # The package finds alembic/ next to itself: it must be imported from /app.
    assert "/app" in final.env().get("PYTHONPATH", "").split(":")


def test_runtime_runs_as_the_unprivileged_user() -> None:
    final = dockerfile_stages()[-1]
    users = final.all("USER")
    assert users, "the final stage has no USER"
    user = users[-1].args.split(":")[0]
    assert user not in {"root", "0"}
    runs = " ".join(ins.args for ins in final.all("RUN"))
    created = re.search(r"useradd\b[^&;]*--uid (\d+)[^&;]*\s(\w+)\s*($|&&|;)", runs)
    assert created, "the final stage does not create its user"
    assert user in {created.group(1), created.group(2)}
    assert created.group(1) == "10001" and created.group(2) == "avrentals"
    # Everything the app writes at start (/app incl. .web) belongs to that user.
    app_copy = next(c.args for c in final.all("COPY") if c.args.endswith("/app /app"))
    assert re.search(r"--chown=(10001|avrentals)\b", app_copy)
    # The user is in effect for the command.
    order = [ins.keyword for ins in final.instructions]
    last_user = len(order) - 1 - order[::-1].index("USER")
    assert last_user < order.index("CMD")


def test_runtime_exposes_and_serves_port_3000() -> None:
    final = dockerfile_stages()[-1]
    exposed = {p.split("/")[0] for ins in final.all("EXPOSE") for p in ins.args.split()}
    assert str(APP_PORT) in exposed
    cmd = exec_form(final.all("CMD")[-1].args)
    assert cmd[:2] == ["avrentals", "serve"]
    assert "--build" in cmd  # for the address compose gives it (REFLEX_API_URL)
    assert cmd[cmd.index("--port") + 1] == str(APP_PORT)
    assert build_parser().parse_args(cmd[1:]).func.__name__ == "_serve"


def test_dockerfile_healthcheck_targets_the_api_health_endpoint() -> None:
    final = dockerfile_stages()[-1]
    checks = final.all("HEALTHCHECK")
    assert len(checks) == 1
    command = healthcheck_exec(checks[0])
    assert command[:2] == ["python", "-c"]
    assert HEALTH_URL in command[2]
    assert "curl" not in " ".join(command) and "wget" not in " ".join(command)


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        body = b'{"success": true}' if self.path == "/api/health" else b"{}"
        self.send_response(self.status if self.path == "/api/health" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _run_health_command(code: str, status: int | None) -> int:
    """Run a python -c healthcheck against a local server answering `status` (None: closed)."""

    def run(port: int) -> int:
        local = code.replace(f":{APP_PORT}/", f":{port}/")
        return subprocess.run(
            [sys.executable, "-c", local], capture_output=True, timeout=30
        ).returncode

    if status is None:
        with socket.socket() as probe:  # a port nobody listens on
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return run(port)
    handler = type("Handler", (_Health,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        return run(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def _health_codes() -> dict[str, str]:
    final = dockerfile_stages()[-1]
    codes = {"Dockerfile": healthcheck_exec(final.all("HEALTHCHECK")[0])[2]}
    app_check = healthcheck_test(services()[APP_SERVICE])
    assert app_check[:3] == ["CMD", "python", "-c"]
    codes["docker-compose app"] = app_check[3]
    return codes


@pytest.mark.parametrize("where", ["Dockerfile", "docker-compose app"])
def test_app_healthcheck_passes_only_when_health_answers_ok(where: str) -> None:
    code = _health_codes()[where]
    assert HEALTH_URL in code
    assert _run_health_command(code, 200) == 0
    assert _run_health_command(code, 503) != 0
    assert _run_health_command(code, None) != 0


def _dockerignore_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex (Go filepath.Match plus `**`)."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out + r"\Z")


def _ignored(patterns: list[str], path: str) -> bool:
    """Whether `path` is left out of the build context (last matching pattern wins).

    A pattern that matches a directory leaves out everything below it.
    """
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = _dockerignore_regex(pattern.lstrip("!").strip("/"))
        if any(regex.match(prefix) for prefix in prefixes):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_local_state_out_and_the_project_in() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in (
        ".venv/bin/python",
        ".web/package.json",
        "data/uploads/a.jpg",
        ".git/HEAD",
        "avrentals/__pycache__",
        "avrentals/domain/__pycache__",
        ".env",
        "tests/e2e/artifacts/shot.png",
        ".pytest_cache/v",
    ):
        assert _ignored(patterns, path), f"{path} would be sent to the image build"
    for path in (
        "pyproject.toml",
        "README.md",
        "rxconfig.py",
        "avrentals/avrentals.py",
        "avrentals/settings.py",
        "alembic.ini",
        "alembic/env.py",
        "assets/manifest.json",
        "reflex.lock/package-lock.json",
    ):
        assert not _ignored(patterns, path), f"{path} is needed by the image build"


# ======================================================================================
# deploy/nginx.conf (+ nginx-upstream.conf)
# ======================================================================================


def test_nginx_passes_websocket_upgrades() -> None:
    http_block, server = nginx_http(), nginx_server()
    maps = [m for m in http_block.find("map") if m.args == ["$http_upgrade", "$connection_upgrade"]]
    assert len(maps) == 1
    entries = {d.name: d.args for d in maps[0].block}
    assert entries["default"] == ["upgrade"]
    assert server.one("proxy_http_version").args == ["1.1"]
    headers = {d.args[0].lower(): d.args[1] for d in server.find("proxy_set_header")}
    assert headers["upgrade"] == "$http_upgrade"
    assert headers["connection"] == "$connection_upgrade"


def test_nginx_forwards_client_and_host_headers() -> None:
    headers = {d.args[0].lower(): d.args[1] for d in nginx_server().find("proxy_set_header")}
    assert headers["x-forwarded-for"] == "$proxy_add_x_forwarded_for"
    assert headers["x-forwarded-proto"] == "$scheme"
    assert headers["host"] in {"$host", "$http_host"}
    assert "x-forwarded-host" in headers and "x-real-ip" in headers


def test_nginx_locations_do_not_drop_the_server_headers() -> None:
    # A location with its own proxy_set_header inherits none from the server block,
    # which would silently lose the WebSocket and X-Forwarded-* headers.
    for loc in nginx_server().find("location"):
        assert not loc.find("proxy_set_header"), f"location {loc.args} redefines headers"


def test_nginx_event_socket_has_long_timeouts() -> None:
    event = location(nginx_server(), "/_event")
    assert event.one("proxy_pass").args == ["http://avrentals"]
    assert seconds(event.one("proxy_read_timeout").args[0]) >= 600
    assert seconds(event.one("proxy_send_timeout").args[0]) >= 600


def test_nginx_everything_else_goes_to_the_app() -> None:
    root = location(nginx_server(), "/")
    assert root.one("proxy_pass").args == ["http://avrentals"]
    upstreams = nginx_upstreams(nginx_http())
    for d in parse_nginx(NGINX_CONF).walk():
        if d.name == "proxy_pass":
            assert urlsplit(d.args[0]).hostname in upstreams, d.args


def test_nginx_body_limit_and_health_location() -> None:
    server = nginx_server()
    assert server.one("client_max_body_size").args == ["10m"]
    health = location(server, "=", "/nginx-health")
    assert health.one("return").args[0] == "200"
    assert not health.find("proxy_pass")


def test_nginx_upstream_lists_the_app_service_without_stickiness() -> None:
    upstream = nginx_upstreams(nginx_http())["avrentals"]
    servers = upstream.find("server")
    assert servers
    for server in servers:
        host, _, port = server.args[0].rpartition(":")
        assert host == APP_SERVICE and host in services()
        assert int(port) == APP_PORT
        params = dict(p.partition("=")[::2] for p in server.args[1:])
        assert int(params["max_fails"]) >= 1
        assert seconds(params["fail_timeout"]) > 0
    for sticky in ("ip_hash", "hash", "sticky", "sticky_cookie_insert"):
        assert not upstream.find(sticky), f"upstream uses {sticky}"


def test_nginx_retries_the_next_replica_on_failure() -> None:
    retry = nginx_server().one("proxy_next_upstream").args
    assert {"error", "timeout", "http_502", "http_503"} <= set(retry)
    # Replaying a POST on another replica could book the same gear twice.
    assert "non_idempotent" not in retry


def test_the_app_keeps_idle_connections_longer_than_nginx_reuses_them() -> None:
    """nginx reuses idle upstream connections for `keepalive_timeout` (60 s unless the
    upstream block says otherwise); an app that closed them sooner would race a reused
    connection, and nginx answers a POST caught in that race with 502 (it is not retried)."""
    upstream = nginx_upstreams(nginx_http())["avrentals"]
    assert upstream.find("keepalive"), "the upstream keeps no idle connections"
    reuse = upstream.find("keepalive_timeout")
    nginx_idle = seconds(reuse[0].args[0]) if reuse else 60.0
    app_idle = uvicorn_settings(ServeOptions())["timeout_keep_alive"]
    assert isinstance(app_idle, int | float) and app_idle > nginx_idle


def test_nginx_dynamic_resolution_matches_the_image() -> None:
    http_block = nginx_http()
    upstream = nginx_upstreams(http_block)["avrentals"]
    if any("resolve" in s.args for s in upstream.find("server")):
        assert upstream.find("zone"), "`resolve` needs a shared zone"
        resolvers = http_block.find("resolver") + upstream.find("resolver")
        assert resolvers and resolvers[0].args[0] == "127.0.0.11"  # Docker's embedded DNS
        image = services()["nginx"]["image"]
        version = tuple(int(p) for p in re.match(r"nginx:(\d+)\.(\d+)\.(\d+)", image).groups())
        assert version >= (1, 27, 3), f"{image} predates upstream `resolve`"


def _write_local_copy(tmp_path: Path, upstream_text: str) -> Path:
    """nginx.conf + an upstream on 127.0.0.1, with logs and temp files under tmp_path."""
    (tmp_path / "logs").mkdir()
    conf = NGINX_CONF.read_text().replace("/var/log/nginx/", f"{tmp_path}/logs/")
    (tmp_path / "nginx.conf").write_text(conf)
    temp_paths = "".join(
        f"{kind}_temp_path {tmp_path}/{kind}_temp;\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    for included in nginx_includes():
        (tmp_path / included).write_text(temp_paths + upstream_text)
    return tmp_path / "nginx.conf"


def _compose_upstream_on_localhost(binary: str | None) -> str:
    text = (NGINX_CONF.parent / nginx_includes()[0]).read_text()
    text = re.sub(rf"\bserver\s+{APP_SERVICE}:", "server 127.0.0.1:", text)
    if binary is None or nginx_version(binary) < (1, 27, 3):
        text = re.sub(r"(\bserver\s+\S+.*?)\s+resolve\b", r"\1", text)
    return text


STATIC_UPSTREAM = """
upstream avrentals {
    zone avrentals 64k;
    least_conn;
    server 127.0.0.1:3000 max_fails=3 fail_timeout=10s;
    server 127.0.0.1:3001 max_fails=3 fail_timeout=10s;
    keepalive 32;
}
"""


@pytest.mark.parametrize("upstream", ["compose", "static"])
def test_nginx_config_is_accepted(tmp_path: Path, upstream: str) -> None:
    binary = nginx_binary()
    text = _compose_upstream_on_localhost(binary) if upstream == "compose" else STATIC_UPSTREAM
    conf = _write_local_copy(tmp_path, text)
    if binary is None:
        # No nginx here: at least the copy must parse and define the upstream it uses.
        http_block = parse_nginx(conf).one("http")
        assert "avrentals" in nginx_upstreams(http_block)
        return
    result = subprocess.run(
        [binary, "-t", "-e", "stderr", "-c", str(conf), "-p", f"{tmp_path}/"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
