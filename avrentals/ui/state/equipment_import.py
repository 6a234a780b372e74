"""/equipment/import: upload a CSV file, preview it (counts, first rows, every row error),
import it all-or-nothing with a progress bar, then a summary.

The uploaded bytes never travel in the state (a 10 MB file would be pickled on every event):
they are kept in a file under DATA_DIR/imports named by a random id held in a backend-only
var, so a client can only ever import the file it uploaded itself. Preview and import call
`equipment_csv.preview_equipment_csv` / `import_equipment_csv` in a worker thread; the import
runs as a background event that reports progress under `async with self`. The services check
`equipment:write`; the page only spares other roles a form they could not use.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from pathlib import Path
from typing import Any

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.errors import DomainError, ValidationFailed
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment_csv
from avrentals.settings import get_settings
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import format_count, tab_language

UPLOAD_ID = "equipment-csv"
STALE_UPLOAD_SECONDS = 24 * 3600
MAX_ERROR_ROWS_SHOWN = 200  # the table lists this many row errors; the counts say the rest
PROGRESS_POLL_SECONDS = 0.25
# Error table's column: the file's own column names, or catalogue keys (the page renders
# `t(column)`, which shows a name that is not a key as itself).
COLUMN_LABELS = {key: label for key, label in equipment_csv.COLUMNS} | {
    "row": "equipment.import.col_row",
    "file": "equipment.import.col_file",
}
SAMPLE_KEYS = ("asset_code", "name", "category", "subcategory", "quantity", "location")


def uploads_dir() -> Path:
    return get_settings().data_dir / "imports"


def _store_upload(data: bytes) -> str:
    """Keep the bytes under a fresh random id (and drop uploads older than a day)."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for old in folder.glob("*.csv"):
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                old.unlink()
    upload_id = uuid.uuid4().hex
    (folder / f"{upload_id}.csv").write_bytes(data)
    return upload_id


def _upload_path(upload_id: str) -> Path:
    return uploads_dir() / f"{uuid.UUID(hex=upload_id).hex}.csv"


def _discard_upload(upload_id: str) -> None:
    if upload_id:
        with contextlib.suppress(OSError, ValueError):
            _upload_path(upload_id).unlink()


def _preview(actor: Actor, upload_id: str) -> equipment_csv.ImportPreview:
    data = _upload_path(upload_id).read_bytes()
    with read_session() as session:
        return equipment_csv.preview_equipment_csv(session, actor, data)


def _import(actor: Actor, upload_id: str, progress: equipment_csv.Progress) -> int:
    data = _upload_path(upload_id).read_bytes()
    with transaction() as session:
        return equipment_csv.import_equipment_csv(session, actor, data, progress=progress)


def error_rows(errors: list[tuple[int, dict[str, list[str]]]]) -> list[dict[str, str]]:
    """Row errors as table lines: row number, column label, message (one line each)."""
    lines: list[dict[str, str]] = []
    for row_number, fields in errors:
        for column, messages in fields.items():
            for message in messages:
                lines.append(
                    {
                        "row": str(row_number),
                        "column": COLUMN_LABELS.get(column, column),
                        "message": message,
                    }
                )
    return lines


class EquipmentImportState(rx.State):
    """One tab's import: stage (upload -> preview -> importing -> done) and what it shows."""

    stage: str = "upload"
    file_name: str = ""
    file_error: str = ""
    checking: bool = False
    total_rows: int = 0
    valid_count: int = 0
    error_count: int = 0
    errors: list[dict[str, str]] = []
    errors_truncated: bool = False
    sample: list[dict[str, str]] = []
    ignored_columns: str = ""
    progress_done: int = 0
    progress_total: int = 0
    created: int = 0

    _upload_id: str = ""

    @rx.var
    def can_import(self) -> bool:
        return (
            self.stage == "preview"
            and self.error_count == 0
            and self.valid_count > 0
            and not self.checking
        )

    @rx.var
    async def valid_count_text(self) -> str:
        return format_count(self.valid_count, await tab_language(self))

    @rx.var
    def progress_percent(self) -> int:
        if self.progress_total <= 0:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @rx.var
    async def progress_total_text(self) -> str:
        return format_count(self.progress_total, await tab_language(self))

    @rx.var
    async def created_text(self) -> str:
        return format_count(self.created, await tab_language(self))

    def _reset_file(self) -> None:
        _discard_upload(self._upload_id)
        self._upload_id = ""
        self.stage = "upload"
        self.file_name = ""
        self.file_error = ""
        self.total_rows = self.valid_count = self.error_count = 0
        self.errors = []
        self.errors_truncated = False
        self.sample = []
        self.ignored_columns = ""
        self.progress_done = self.progress_total = self.created = 0

    def _reset_file_keep_name(self) -> None:
        name = self.file_name
        self._reset_file()
        self.file_name = name

    def _show_preview(self, preview: equipment_csv.ImportPreview) -> None:
        self.stage = "preview"
        self.total_rows = preview.total_rows
        self.valid_count = preview.valid_count
        self.error_count = len(preview.errors)
        lines = error_rows(preview.errors)
        self.errors = lines[:MAX_ERROR_ROWS_SHOWN]
        self.errors_truncated = len(lines) > MAX_ERROR_ROWS_SHOWN
        self.sample = [
            {"row": r["row"], **{k: r.get(k, "") for k in SAMPLE_KEYS}} for r in preview.sample
        ]
        self.ignored_columns = ", ".join(preview.ignored_columns)

    async def _writer(self) -> tuple[Actor | None, Any]:
        """The verified Actor when it may import (else None and the event to send)."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            return None, auth._login_redirect()
        if not actor.can("equipment:write"):
            return None, rx.toast.error(await tr(self, "equipment.import.cannot_import"))
        return actor, None

    @rx.event
    async def load(self):
        """on_load of /equipment/import: verify the token; roles without `equipment:write`
        go back to the inventory. A finished or abandoned import starts afresh."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        if not actor.can("equipment:write"):
            yield rx.redirect(routes.EQUIPMENT)
            yield rx.toast.error(await tr(self, "equipment.import.cannot_import"))
            return
        if self.stage != "importing" and not self.checking:
            self._reset_file()

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]):
        """The dropped / chosen file: the first one only, read up to one byte past the size
        limit (the service names the limit), kept under a fresh id; then `check_file`."""
        if self.stage == "importing" or self.checking:
            return
        if not isinstance(files, list) or not files or not isinstance(files[0], rx.UploadFile):
            return  # only the upload endpoint hands real files to this handler
        actor, refusal = await self._writer()
        if actor is None:
            yield refusal
            return
        upload = files[0]
        self._reset_file()
        self.file_name = str(getattr(upload, "name", None) or "upload.csv")[:200]
        data = await upload.read(equipment_csv.MAX_FILE_BYTES + 1)
        self._upload_id = await asyncio.to_thread(_store_upload, data)
        self.checking = True
        yield EquipmentImportState.check_file

    @rx.event(background=True)
    async def check_file(self):
        """Preview the uploaded file (`preview_equipment_csv`: every row validated). In the
        background: a 20,000-row file takes seconds and must not hold the tab's lock."""
        async with self:
            upload_id = self._upload_id
            if not self.checking or not upload_id:
                return
            actor, refusal = await self._writer()
            if actor is None:
                self.checking = False
                yield refusal
                return
        try:
            preview = await asyncio.to_thread(_preview, actor, upload_id)
        except DomainError as exc:
            message = " ".join(
                (exc.fields.get("file") if isinstance(exc, ValidationFailed) else None)
                or [exc.message]
            )
            async with self:
                if self._upload_id == upload_id:
                    self._reset_file_keep_name()
                    self.file_error = message
            return
        finally:
            async with self:
                self.checking = False
        async with self:
            if self._upload_id == upload_id:  # not replaced by another file meanwhile
                self._show_preview(preview)

    @rx.event
    def start_over(self):
        """Drop the current file and go back to the upload step. No arguments."""
        if self.stage != "importing":
            self._reset_file()

    @rx.event
    def download_template(self):
        """Download an empty import file with the expected columns. No arguments."""
        return rx.download(data=equipment_csv.csv_template(), filename="equipment-template.csv")

    @rx.event(background=True)
    async def start_import(self):
        """Import the previewed file (all rows or none), reporting progress as it goes. Only
        from the preview step without errors; the service re-validates every row, checks
        `equipment:write` and refuses everything if anything changed meanwhile."""
        async with self:
            if not self.can_import or not self._upload_id:
                return
            actor, refusal = await self._writer()
            if actor is None:
                yield refusal
                return
            upload_id = self._upload_id
            self.stage = "importing"
            self.progress_done = 0
            self.progress_total = self.valid_count
        seen = {"done": 0, "total": self.valid_count}

        def progress(done: int, total: int) -> None:
            seen["done"], seen["total"] = done, total

        task = asyncio.ensure_future(asyncio.to_thread(_import, actor, upload_id, progress))
        while not task.done():
            await asyncio.wait({task}, timeout=PROGRESS_POLL_SECONDS)
            async with self:
                self.progress_done, self.progress_total = seen["done"], seen["total"]
        try:
            created = task.result()
        except equipment_csv.ImportRowsFailed as exc:
            async with self:
                preview = equipment_csv.ImportPreview(
                    total_rows=self.total_rows,
                    valid_count=self.total_rows - len(exc.rows),
                    errors=exc.rows,
                )
                sample = self.sample
                self._show_preview(preview)
                self.sample = sample
                message = await tr(self, "equipment.import.rows_invalid")
            yield rx.toast.error(message)
            return
        except DomainError as exc:
            async with self:
                self.stage = "preview"
                self.file_error = " ".join(
                    (exc.fields.get("file") if isinstance(exc, ValidationFailed) else None)
                    or [exc.message]
                )
                message = await tr(self, "equipment.import.nothing_imported")
            yield rx.toast.error(message)
            return
        except Exception:
            async with self:
                self.stage = "preview"
                self.file_error = "equipment.import.failed"  # a key: the page translates it
            raise
        async with self:
            _discard_upload(self._upload_id)
            self._upload_id = ""
            self.created = created
            self.progress_done = self.progress_total
            self.stage = "done"
            key = "equipment.import.toast_one" if created == 1 else "equipment.import.toast_other"
            message = await tr(self, key, count=format_count(created, await tab_language(self)))
        yield rx.toast.success(message)
