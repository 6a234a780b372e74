"""The bodies of a page's "upload an image" and "remove the image" handlers (the profile photo,
the company logo).

The handlers stay on their states (their names are the public events); they delegate here.
Each re-verifies the token through the state's `_actor()`, runs the blocking service write
with `asyncio.to_thread`, puts the service's refusal in the state's error var and, on success,
shows the page again and toasts. The image is checked by the service from its content; only
the first file is read, and at most one byte past the store's limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import reflex as rx

from avrentals.domain import media_store
from avrentals.domain.errors import DomainError, ValidationFailed, VersionConflict
from avrentals.domain.permissions import Actor

Show = Callable[[Actor], Awaitable[None]]
# What the upload pickers offer (the services accept these types, checked from the content).
IMAGE_ACCEPT = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]}


async def upload_image(
    state: Any,
    files: Any,
    *,
    field: str,
    error_var: str,
    store: Callable[[Actor, bytes], None],
    show: Show,
    saved: str,
    unreadable: str = "",
    conflict: str = "",
) -> AsyncIterator[Any]:
    """Store the first of `files` with `store(actor, data)` (blocking), then `show(actor)` and
    toast `saved`. A refusal goes into `state.<error_var>`: the ValidationFailed messages of
    `field` (else its message), `unreadable` when the upload gave no bytes (if set), and
    `conflict` for a VersionConflict (if set; the page is shown again with the saved row).
    `state.uploading` is cleared at the end, whatever happened."""
    try:
        if not isinstance(files, list) or not files:
            return
        actor, auth = await state._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        data = await files[0].read(media_store.MAX_UPLOAD_BYTES + 1)
        if not isinstance(data, bytes):
            if unreadable:
                setattr(state, error_var, unreadable)
            return
        try:
            await asyncio.to_thread(store, actor, data)
        except ValidationFailed as exc:
            setattr(state, error_var, " ".join(exc.fields.get(field) or [exc.message]))
            return
        except VersionConflict as exc:
            setattr(state, error_var, conflict or exc.message)
            if conflict:
                await show(actor)
            return
        except DomainError as exc:
            setattr(state, error_var, exc.message)
            return
        await show(actor)
        yield rx.toast.success(saved)
    finally:
        state.uploading = False


async def remove_image(
    state: Any, *, error_var: str, remove: Callable[[Actor], None], show: Show, removed: str
) -> AsyncIterator[Any]:
    """Take the image off with `remove(actor)` (blocking), then `show(actor)` and toast
    `removed`; a refusal goes into `state.<error_var>`."""
    actor, auth = await state._actor()
    if actor is None:
        yield auth._login_redirect()
        return
    try:
        await asyncio.to_thread(remove, actor)
    except DomainError as exc:
        setattr(state, error_var, exc.message)
        return
    await show(actor)
    yield rx.toast.success(removed)
