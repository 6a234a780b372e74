"""The delete confirmation shared by the client, equipment and category states.

`DeleteConfirmMixin` holds the dialog's vars and its open/close handler; the module-level
helpers hold the steps every `ask_delete` / `confirm_delete` / `_apply_changes` repeats. The
public handlers stay on each state: they validate their arguments and resolve the actor
(`AuthState._current_actor`) themselves before calling these helpers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import reflex as rx

from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, InUse, NotFound, VersionConflict
from avrentals.i18n import translate
from avrentals.ui.state.formatting import tab_language, text
from avrentals.ui.state.listing import live_context, noun_phrase, text_in


class DeleteConfirmMixin(rx.State, mixin=True):
    """Vars of one tab's delete confirmation (client / equipment item)."""

    delete_open: bool = False
    delete_id: str = ""
    delete_name: str = ""
    delete_version: int = 0
    delete_error: str = ""
    delete_blocked: bool = False  # refused as in use: only "Close" is offered
    deleting: bool = False

    @rx.event
    def set_delete_open(self, value: bool):
        """Confirmation open/close from the browser: only closing is honoured."""
        if value is False and not self.deleting:
            self.delete_open = False
            self.delete_error = ""


def open_confirmation(state: Any, delete_id: str, name: str, version: int) -> None:
    """Show the confirmation for `delete_id` (its `version` is what the delete carries)."""
    state.delete_id = delete_id
    state.delete_name = name
    state.delete_version = version
    state.delete_error = ""
    state.delete_blocked = False
    state.delete_open = True


async def run_delete(
    state: Any,
    delete: Callable[[], None],
    *,
    in_use: Callable[[InUse], str],
    stale: str,
    gone: str,
    on_deleted: Callable[[], Awaitable[Any]],
    rename_on_conflict: bool = True,
) -> AsyncIterator[Any]:
    """The body of `confirm_delete` once the caller has checked the dialog and the actor:
    run `delete` in a thread, explain InUse / a stale version / an error in the dialog, and
    on success close it, toast and yield what `on_deleted()` returns (if anything).
    The messages (`in_use`'s, `stale`, `gone`) may be texts or catalogue keys.
    Re-yield everything from the handler (a bare `yield` sends the "deleting" delta)."""
    language = await tab_language(state)
    state.deleting = True
    state.delete_error = ""
    yield None
    try:
        await asyncio.to_thread(delete)
    except InUse as exc:
        state.delete_error = text_in(in_use(exc), language)
        state.delete_blocked = True
    except VersionConflict as exc:
        state.delete_version = int(exc.current.get("version") or state.delete_version)
        if rename_on_conflict:
            state.delete_name = text(exc.current.get("name")) or state.delete_name
        state.delete_error = text_in(stale, language)
    except NotFound:
        state.delete_open = False
        yield rx.toast.info(text_in(gone, language))
    except DomainError as exc:
        state.delete_error = exc.message
    else:
        state.delete_open = False
        yield rx.toast.success(translate("ui.delete.deleted", language, name=state.delete_name))
        event = await on_deleted()
        if event is not None:
            yield event
    finally:
        state.deleting = False


async def warn_changed(state: Any, changes: list[Change], entity: str, noun: str) -> None:
    """Warn a user with the confirmation open that someone just changed what it names."""
    if not state.delete_open or state.delete_blocked:
        return
    _token, _ip, _ua, own = await live_context(state)
    language = await tab_language(state)
    subject = noun_phrase(noun, language)
    for change in changes:
        mine = change.actor and change.actor == own
        if change.entity != entity or change.id != state.delete_id or mine:
            continue
        who = change.actorName or change.actor or translate("ui.live.someone_else", language)
        key = "ui.live.just_deleted" if change.action == "delete" else "ui.delete.changed"
        state.delete_error = translate(key, language, who=who, subject=subject)
