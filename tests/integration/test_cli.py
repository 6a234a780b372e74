"""The `avrentals` command as a user runs it: real subprocesses on a fresh SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from avrentals.db import make_engine
from avrentals.domain.services.auth import verify_password


def run_cli(
    tmp_path: Path, *args: str, stdin: str = "", **extra_env: str
) -> subprocess.CompletedProcess[str]:
    """`avrentals ARGS` on a SQLite file in `tmp_path`, in development mode, without the
    caller's secret or Redis unless `extra_env` names them."""
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    for name in ("JWT_SECRET", "REDIS_URL", "REFLEX_REDIS_URL", "WEB_CONCURRENCY"):
        env.pop(name, None)
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "-m", "avrentals.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_migrate_then_create_user_reads_the_password_from_stdin(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "migrate").returncode == 0
    done = run_cli(
        tmp_path,
        "create-user",
        "jo.silva",
        "--role",
        "manager",
        "--name",
        "Jo Silva",
        stdin="a-long-enough-password\n",
    )
    assert done.returncode == 0, done.stderr
    assert "Created jo.silva (manager)" in done.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with engine.connect() as conn:
        name, role, hashed = conn.execute(
            sa.text("SELECT name, role, password_hash FROM app_user WHERE username='jo.silva'")
        ).one()
        audit = conn.execute(sa.text("SELECT action, actor_username FROM audit_log")).all()
    engine.dispose()
    assert (name, role) == ("Jo Silva", "manager")
    assert hashed.startswith("$argon2") and verify_password("a-long-enough-password", hashed)
    assert audit == [("create", "cli")]
    # A development secret was generated in the data folder.
    assert len((tmp_path / ".jwt_secret").read_text()) >= 32


def test_create_user_refuses_bad_input_with_field_messages(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "migrate").returncode == 0
    weak = run_cli(tmp_path, "create-user", "sam", "--role", "viewer", stdin="password\n")
    assert weak.returncode == 2 and "password: This password is too common." in weak.stderr
    short = run_cli(tmp_path, "create-user", "sam", "--role", "viewer", stdin="short\n")
    assert short.returncode == 2 and "at least 8 characters" in short.stderr
    bad_name = run_cli(tmp_path, "create-user", "S!", "--role", "viewer", stdin="long-password\n")
    assert bad_name.returncode == 2 and bad_name.stderr.startswith("username:")
    assert (
        run_cli(
            tmp_path, "create-user", "sam", "--role", "viewer", stdin="long-password\n"
        ).returncode
        == 0
    )
    again = run_cli(tmp_path, "create-user", "sam", "--role", "viewer", stdin="long-password\n")
    assert again.returncode == 2 and "taken" in again.stderr
    # The role list is closed and the password is never accepted as an argument.
    assert run_cli(tmp_path, "create-user", "kim", "--role", "owner").returncode == 2
    assert (
        run_cli(tmp_path, "create-user", "kim", "--role", "viewer", "--password", "x").returncode
        == 2
    )


def test_production_without_secret_refuses_to_start(tmp_path: Path) -> None:
    env = {**os.environ, "APP_ENV": "production", "DATA_DIR": str(tmp_path)}
    env.pop("JWT_SECRET", None)
    done = subprocess.run(
        [sys.executable, "-m", "avrentals.cli", "check-config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "JWT_SECRET" in done.stderr


def test_seed_demo_is_idempotent_and_prints_the_sign_ins(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "migrate").returncode == 0
    first = run_cli(tmp_path, "seed-demo", "--if-empty", "--print-sign-ins")
    assert first.returncode == 0, first.stderr
    assert "Demo data: 5 users" in first.stdout
    for username in ("admin", "manager", "tech", "employee", "viewer"):
        assert f"  {username}" in first.stdout
    assert "rentals-demo" in first.stdout
    second = run_cli(tmp_path, "seed-demo", "--if-empty")
    assert second.returncode == 0 and "not loaded" in second.stdout
    third = run_cli(tmp_path, "seed-demo")
    assert "nothing added" in third.stdout
