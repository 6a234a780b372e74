"""Backups of the whole installation: the database plus the uploaded media, in one archive.

`create_backup` writes `avrentals-YYYYmmdd-HHMMSS.tar.gz` into the backup folder and keeps the
newest `keep` archives (older ones are removed only after the new one is complete, so a failed
run never leaves fewer good backups than before). The archive holds:

- `database.dump` — `pg_dump --format=custom` of PostgreSQL, or `database.sqlite3` — an online,
  consistent copy of the SQLite file made with SQLite's backup API (safe while the app runs);
- `media/` — the uploaded photos and logos under `DATA_DIR/media`;
- `backup.json` — format version, database kind, creation time.

`restore_backup` replaces the current database (and media) with the archive's: PostgreSQL via
`pg_restore --clean --if-exists --single-transaction` (all or nothing), SQLite by copying into the
file with the backup API. Raises BackupError with a clear message on anything it cannot do.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

FORMAT_VERSION = 1
ARCHIVE_PREFIX = "avrentals-"
ARCHIVE_SUFFIX = ".tar.gz"
PG_DUMP_NAME = "database.dump"
SQLITE_NAME = "database.sqlite3"
MEDIA_DIR = "media"
MANIFEST = "backup.json"
DEFAULT_KEEP = 7
TOOL_TIMEOUT_S = 3600


class BackupError(RuntimeError):
    """A backup or restore could not be completed; nothing was replaced."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    removed: tuple[Path, ...]


def libpq_url(database_url: str) -> str:
    """`postgresql+psycopg://…` → `postgresql://…` for pg_dump / pg_restore."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def sqlite_path(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


def _run(args: list[str]) -> None:
    try:
        # Fixed tool names and our own arguments, no shell.
        done = subprocess.run(args, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            f"{args[0]} is not installed; install the PostgreSQL client tools "
            "(Debian: `apt-get install postgresql-client`)."
        ) from exc
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _sqlite_copy(source: Path, target: Path) -> None:
    """Consistent copy of a live SQLite database (backup API, not a file copy)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _archives(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))


def create_backup(
    database_url: str,
    data_dir: Path,
    folder: Path,
    *,
    keep: int = DEFAULT_KEEP,
    now: datetime | None = None,
) -> BackupResult:
    """Write one archive of the database and media into `folder`; keep the newest `keep`."""
    if keep < 1:
        raise BackupError("--keep must be at least 1.")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}"
    if target.exists():
        raise BackupError(f"{target} already exists; try again in a second.")
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with tempfile.TemporaryDirectory(dir=folder) as work:
        staging = Path(work)
        if kind == "sqlite":
            source = sqlite_path(database_url)
            if not source.exists():
                raise BackupError(f"There is no database at {source}.")
            _sqlite_copy(source, staging / SQLITE_NAME)
        else:
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={staging / PG_DUMP_NAME}",
                    f"--dbname={libpq_url(database_url)}",
                ]
            )
        manifest = {"format": FORMAT_VERSION, "database": kind, "createdAt": stamp}
        (staging / MANIFEST).write_text(json.dumps(manifest))
        partial = target.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            for name in (MANIFEST, SQLITE_NAME, PG_DUMP_NAME):
                if (staging / name).exists():
                    tar.add(staging / name, arcname=name)
            media = data_dir / MEDIA_DIR
            if media.is_dir():
                tar.add(media, arcname=MEDIA_DIR)
        partial.rename(target)
    older = _archives(folder)[:-keep]
    for path in older:
        path.unlink()
    return BackupResult(target, tuple(older))


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Only our own names, no links, no absolute or parent paths (archives can be tampered)."""
    members = []
    for member in tar.getmembers():
        name = member.name
        top = name.split("/", 1)[0]
        if top not in {MANIFEST, SQLITE_NAME, PG_DUMP_NAME, MEDIA_DIR}:
            raise BackupError(f"Unexpected entry {name!r} in the archive.")
        if name.startswith("/") or ".." in Path(name).parts:
            raise BackupError(f"Unsafe path {name!r} in the archive.")
        if not (member.isfile() or member.isdir()):
            raise BackupError(f"Entry {name!r} is not a plain file.")
        members.append(member)
    return members


def restore_backup(archive: Path, database_url: str, data_dir: Path) -> str:
    """Replace the database and media with the archive's; returns the database kind."""
    if not archive.is_file():
        raise BackupError(f"No backup file at {archive}.")
    kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with tempfile.TemporaryDirectory() as work:
        staging = Path(work)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(staging, members=_safe_members(tar), filter="data")
            manifest = json.loads((staging / MANIFEST).read_text())
        except (tarfile.TarError, OSError, ValueError) as exc:
            raise BackupError(f"{archive} is not an AV Rentals backup: {exc}") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unsupported backup format {manifest.get('format')!r}.")
        if manifest.get("database") != kind:
            raise BackupError(
                f"The backup holds a {manifest.get('database')} database but DATABASE_URL "
                f"points to {kind}."
            )
        if kind == "sqlite":
            target = sqlite_path(database_url)
            target.parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(staging / SQLITE_NAME, target)
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    f"--dbname={libpq_url(database_url)}",
                    str(staging / PG_DUMP_NAME),
                ]
            )
        media = staging / MEDIA_DIR
        if media.is_dir():
            live = data_dir / MEDIA_DIR
            shutil.rmtree(live, ignore_errors=True)
            shutil.copytree(media, live)
    return kind
