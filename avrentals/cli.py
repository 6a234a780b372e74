"""`avrentals` command line: serve, migrate, seed-demo, create-user, check-config, backup,
restore."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from avrentals.domain.enums import Role
from avrentals.settings import ConfigError, get_settings


def _migrate(_args: argparse.Namespace) -> int:
    from avrentals import migrations

    settings = get_settings()
    if settings.is_sqlite:
        Path(settings.database_url.removeprefix("sqlite:///")).parent.mkdir(
            parents=True, exist_ok=True
        )
    migrations.upgrade(settings.database_url)
    print("Database is at the latest schema.")
    return 0


def _seed_demo(args: argparse.Namespace) -> int:
    from avrentals.db import transaction
    from avrentals.domain.services.demo import DEMO_PASSWORD, DEMO_USERS, seed_demo

    with transaction() as session:
        summary = seed_demo(session, only_if_empty=args.if_empty)
    print(summary)
    if args.print_sign_ins:
        print("Demo sign-ins (username / password):")
        for username, _name, role in DEMO_USERS:
            print(f"  {username:<12} {DEMO_PASSWORD}   ({role.value})")
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Repeat password: "):
            raise SystemExit("Passwords do not match.")
        return first
    return sys.stdin.readline().rstrip("\n")


def _create_user(args: argparse.Namespace) -> int:
    from avrentals.db import transaction
    from avrentals.domain.errors import ValidationFailed
    from avrentals.domain.services.users import create_user

    password = _read_password()
    try:
        with transaction() as session:
            user = create_user(
                session,
                None,
                username=args.username,
                name=args.name or args.username,
                password=password,
                role=args.role,
                email=args.email,
            )
    except ValidationFailed as exc:
        for field, messages in exc.fields.items():
            print(f"{field}: {'; '.join(messages)}", file=sys.stderr)
        return 2
    print(f"Created {user.username} ({user.role.value}).")
    return 0


def _check_config(_args: argparse.Namespace) -> int:
    for key, value in get_settings().masked().items():
        print(f"{key}={value}")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from avrentals.backups import BackupError, create_backup

    settings = get_settings()
    folder = Path(args.dir) if args.dir else settings.data_dir / "backups"
    try:
        result = create_backup(settings.database_url, settings.data_dir, folder, keep=args.keep)
    except BackupError as exc:
        print(f"Backup failed: {exc}", file=sys.stderr)
        return 1
    print(f"Backup written to {result.path}")
    for path in result.removed:
        print(f"Removed old backup {path.name}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from avrentals.backups import BackupError, restore_backup

    settings = get_settings()
    if not args.yes:
        if not sys.stdin.isatty():
            print("Restoring replaces every record: pass --yes to confirm.", file=sys.stderr)
            return 2
        answer = input(f"Replace ALL data of {settings.masked()['DATABASE_URL']}? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            print("Nothing restored.")
            return 1
    try:
        kind = restore_backup(Path(args.file), settings.database_url, settings.data_dir)
    except BackupError as exc:
        print(f"Restore failed: {exc}", file=sys.stderr)
        return 1
    print(f"Restored the {kind} database and media from {args.file}.")
    print("Run `avrentals migrate` if the backup comes from an older version.")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import os

    from avrentals.server import ServeOptions, ServerError, build_frontend, default_workers, serve

    settings = get_settings()
    try:
        options = ServeOptions(
            host=args.host,
            port=args.port or settings.port,
            workers=args.workers or default_workers(settings.redis_url),
            log_level=settings.log_level.lower(),
        )
        if args.build:
            public_url = (
                args.public_url
                or os.environ.get("REFLEX_API_URL")
                or f"http://localhost:{options.port}"
            )
            print(f"Building the frontend for {public_url} ...", flush=True)
            build_frontend(public_url)
        print(
            f"AV Rentals on http://{options.host}:{options.port} "
            f"({options.workers} worker{'s' if options.workers > 1 else ''})",
            flush=True,
        )
        serve(options, settings.redis_url)
    except ServerError as exc:
        print(f"Cannot serve: {exc}", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="avrentals", description="AV Rentals administration")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the production web server (frontend, socket, API)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default all)")  # noqa: S104
    serve.add_argument("--port", type=int, help="port (default PORT, 3000)")
    serve.add_argument(
        "--workers", type=int, help="worker processes (default WEB_CONCURRENCY, else 2 with Redis)"
    )
    serve.add_argument("--build", action="store_true", help="build the frontend first")
    serve.add_argument(
        "--public-url", help="address browsers use, for --build (default REFLEX_API_URL)"
    )
    serve.set_defaults(func=_serve)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=_migrate)
    seed = sub.add_parser("seed-demo", help="load the demo catalogue, clients, events, quotes")
    seed.add_argument("--if-empty", action="store_true", help="only when there are no users")
    seed.add_argument("--print-sign-ins", action="store_true")
    seed.set_defaults(func=_seed_demo)
    create = sub.add_parser("create-user", help="create a user (password from stdin/prompt)")
    create.add_argument("username")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name")
    create.add_argument("--email")
    create.set_defaults(func=_create_user)
    sub.add_parser("check-config", help="print the effective configuration").set_defaults(
        func=_check_config
    )
    backup = sub.add_parser("backup", help="archive the database and uploads, keep the last N")
    backup.add_argument("--dir", help="backup folder (default: DATA_DIR/backups)")
    backup.add_argument("--keep", type=int, default=7, help="archives to keep (default 7)")
    backup.set_defaults(func=_backup)
    restore = sub.add_parser("restore", help="replace the database and uploads with a backup")
    restore.add_argument("file")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(func=_restore)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
