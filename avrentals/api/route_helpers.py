"""What route modules share: the paging query parameters, the sort parser, the common error
descriptions, a versioned write that answers the saved row, and reading an upload.

The query annotations and error maps are the ones the categories routes introduced; they are
re-exported here so every route module documents paging the same way (DESIGN §8).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import File, Query, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.api.envelope import ok
from avrentals.api.routes.categories import (
    READ_ERRORS,
    UPDATE_ERRORS,
    WRITE_ERRORS,
    PageQ,
    PageSizeQ,
)
from avrentals.api.routes.equipment import parse_sort
from avrentals.db import transaction
from avrentals.domain import media_store
from avrentals.domain.errors import VersionConflict

__all__ = [
    "READ_ERRORS",
    "UPDATE_ERRORS",
    "WRITE_ERRORS",
    "IfVersionQ",
    "ImageFile",
    "PageQ",
    "PageSizeQ",
    "current_on_conflict",
    "parse_sort",
    "read_upload",
    "saved_write",
]

ImageFile = Annotated[UploadFile, File(description="JPEG, PNG or WebP, at most 5 MB")]
# `?version=` of a delete-like write: refused with 409 when the row changed since.
IfVersionQ = Annotated[int | None, Query(ge=1, description="Optional: refuse if changed")]


def saved_write(
    engine: Engine,
    write: Callable[[Session], object],
    saved: Callable[[Session], dict[str, Any]],
    *,
    status_code: int = 200,
    wire_conflict: bool = True,
) -> JSONResponse:
    """Run `write` in one transaction and answer `saved(session)`, the row as written.

    A VersionConflict from `write` answers the stored row as `saved` shapes it
    (`current_on_conflict`); with `wire_conflict=False` it keeps the details the service gave.
    """
    with transaction(engine) as session:
        if wire_conflict:
            with current_on_conflict(session, saved):
                write(session)
        else:
            write(session)
        data = saved(session)
    return ok(data, status_code=status_code)


@contextmanager
def current_on_conflict(
    session: Session, saved: Callable[[Session], dict[str, Any]]
) -> Iterator[None]:
    """Raise a VersionConflict from the block again with `saved(session)`, read after a
    rollback (the row as currently stored, in the wire shape), as its `details.current`."""
    try:
        yield
    except VersionConflict as exc:
        session.rollback()
        raise VersionConflict(exc.message, saved(session)) from exc


async def read_upload(file: UploadFile) -> bytes:
    """The uploaded bytes, one byte past the store's limit at most (so an oversized file is
    still refused by the store's own check); the upload is closed."""
    data = await file.read(media_store.MAX_UPLOAD_BYTES + 1)
    await file.close()
    return data
