"""`avrentals backup` / `avrentals restore` round trips, run as a user runs them (subprocesses),
on SQLite and on a real PostgreSQL database of their own."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from avrentals.db import make_engine
from tests.conftest import TEST_DATABASE_URL, ensure_postgres_database

ITEM_COUNT_SQL = "SELECT count(*) FROM equipment_item"


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "avrentals.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "APP_ENV": "development", **env},
        timeout=300,
        check=False,
    )


def scalar(url: str, sql: str) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar_one()
    finally:
        engine.dispose()


def client_names(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT name FROM client ORDER BY name")).scalars())
    finally:
        engine.dispose()


def execute(url: str, sql: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(sql))
    finally:
        engine.dispose()


def backup_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'avrentals.db'}"
    base = TEST_DATABASE_URL.rsplit("/", 1)[0]
    return ensure_postgres_database(f"{base}/avrentals_backup_{uuid.uuid4().hex[:8]}")


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    base, name = url.rsplit("/", 1)
    admin = make_engine(f"{base}/postgres")
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def installation(request: pytest.FixtureRequest, tmp_path: Path):
    url = backup_url(request.param, tmp_path)
    env = {"DATABASE_URL": url, "DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "data").mkdir(exist_ok=True)
    assert run_cli(env, "migrate").returncode == 0
    seeded = run_cli(env, "seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    yield url, env, tmp_path
    drop_database(url)


def test_backup_then_restore_brings_back_every_row_and_the_media(installation) -> None:
    url, env, tmp_path = installation
    media = tmp_path / "data" / "media" / "equipment"
    media.mkdir(parents=True)
    (media / "photo.jpg").write_bytes(b"\xff\xd8photo-bytes")
    items_before = scalar(url, ITEM_COUNT_SQL)
    names_before = client_names(url)
    assert items_before > 0

    made = run_cli(env, "backup", "--dir", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    archive = Path(made.stdout.split("Backup written to ", 1)[1].strip())
    assert archive.is_file() and archive.name.startswith("avrentals-")

    # Disaster: rows deleted, a photo lost, a stray client added.
    execute(url, "DELETE FROM rental")
    execute(url, "DELETE FROM quote_item")
    execute(url, "UPDATE equipment_item SET name = 'wrong'")
    (media / "photo.jpg").unlink()

    refused = run_cli(env, "restore", str(archive))  # no --yes and no terminal
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert scalar(url, "SELECT count(*) FROM equipment_item WHERE name = 'wrong'") == items_before

    restored = run_cli(env, "restore", str(archive), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert scalar(url, ITEM_COUNT_SQL) == items_before
    assert scalar(url, "SELECT count(*) FROM equipment_item WHERE name = 'wrong'") == 0
    assert scalar(url, "SELECT count(*) FROM rental") > 0
    assert client_names(url) == names_before
    assert (media / "photo.jpg").read_bytes() == b"\xff\xd8photo-bytes"
    # The restored database is at the current schema and usable.
    assert run_cli(env, "migrate").returncode == 0


def test_backup_keeps_only_the_newest_archives(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from avrentals.backups import create_backup

    db = tmp_path / "keep.db"
    execute(f"sqlite:///{db}", "CREATE TABLE t (x INTEGER)")
    start = datetime(2026, 11, 1, tzinfo=UTC)
    made = [
        create_backup(
            f"sqlite:///{db}", tmp_path, tmp_path / "b", keep=3, now=start + timedelta(days=i)
        )
        for i in range(5)
    ]
    left = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert left == [m.path.name for m in made[2:]]
    assert made[-1].removed == (made[1].path,)


def test_restore_refuses_a_tampered_or_foreign_archive(tmp_path: Path) -> None:
    from avrentals.backups import BackupError, restore_backup

    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "x"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="../../etc/cron.d/x")
    db_url = f"sqlite:///{tmp_path / 'a.db'}"
    with pytest.raises(BackupError, match="Unexpected entry"):
        restore_backup(evil, db_url, tmp_path)
    with pytest.raises(BackupError, match="No backup file"):
        restore_backup(tmp_path / "missing.tar.gz", db_url, tmp_path)
    assert not (tmp_path / "a.db").exists()
