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
from avrentals.ui.state.listing import say

Show = Callable[[Actor], Awaitable[None]]


def upload_began(state: Any, flag: str = "uploading") -> None:
    """The drop's first event (over the socket): show the spinner in `state.<flag>`.

    The upload itself goes over HTTP and its handler may finish before this event is
    handled, so each side counts (`_upload_drops` / `_upload_ends` on the state) and the
    spinner shows only while a drop has no end yet: it can never stay on after the upload."""
    state._upload_drops += 1
    setattr(state, flag, state._upload_drops > state._upload_ends)


def upload_ended(state: Any, flag: str = "uploading") -> None:
    """The upload handler is done, whatever happened (see `upload_began`)."""
    state._upload_ends += 1
    setattr(state, flag, state._upload_drops > state._upload_ends)


def upload_refused(state: Any, flag: str = "uploading") -> None:
    """The browser refused the dropped file: no upload follows the drop (see `upload_began`)."""
    state._upload_ends = max(state._upload_ends, state._upload_drops)
    setattr(state, flag, False)


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
    The messages may be texts or catalogue keys (shown in the tab's language).
    `upload_ended(state)` runs at the end, whatever happened."""
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
                setattr(state, error_var, await say(state, unreadable))
            return
        try:
            await asyncio.to_thread(store, actor, data)
        except ValidationFailed as exc:
            setattr(state, error_var, " ".join(exc.fields.get(field) or [exc.message]))
            return
        except VersionConflict as exc:
            setattr(state, error_var, await say(state, conflict) if conflict else exc.message)
            if conflict:
                await show(actor)
            return
        except DomainError as exc:
            setattr(state, error_var, exc.message)
            return
        await show(actor)
        yield rx.toast.success(await say(state, saved))
    finally:
        upload_ended(state)


async def remove_image(
    state: Any, *, error_var: str, remove: Callable[[Actor], None], show: Show, removed: str
) -> AsyncIterator[Any]:
    """Take the image off with `remove(actor)` (blocking), then `show(actor)` and toast
    `removed` (a text or a catalogue key); a refusal goes into `state.<error_var>`."""
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
    yield rx.toast.success(await say(state, removed))
