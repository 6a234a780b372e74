"""The one place where an exception escaping an event handler becomes something the user sees.

Handlers catch the errors they expect (validation, conflicts) and show them in place; this is
the safety net: a DomainError's message is meant for people, anything else is a bug and gets
a generic message (the details stay in the server log).
"""

# No `from __future__ import annotations`: Reflex inspects this signature at startup.
import json
import logging

import reflex as rx
from reflex.event import EventSpec

from avrentals.db import is_database_unavailable
from avrentals.domain.errors import DomainError, Unauthorized
from avrentals.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from avrentals.ui import routes

logger = logging.getLogger(__name__)

GENERIC_KEY = "ui.error.generic"
DATABASE_UNAVAILABLE_KEY = "ui.error.database_unavailable"
# The English texts (the reference; the toast shows the tab's language).
GENERIC_MESSAGE = translate(GENERIC_KEY, DEFAULT_LANGUAGE)
DATABASE_UNAVAILABLE_MESSAGE = translate(DATABASE_UNAVAILABLE_KEY, DEFAULT_LANGUAGE)
DATABASE_TOAST_ID = "database-unavailable"
# This handler has no state to read the tab's language from (Reflex calls it with the
# exception only): the toast picks its text in the browser from `<html lang>`, which the
# page keeps on the tab's language (`components.language_switch.DocumentLanguage`).
PAGE_LANGUAGE = "document.documentElement.lang"


def in_tab_language(key: str) -> rx.Var[str]:
    """The text of `key` in the language the page shows (English when the page does not
    say), chosen in the browser among every catalogue's text."""
    texts = {language: translate(key, language) for language in LANGUAGES}
    return rx.Var(
        _js_expr=f"(({json.dumps(texts, ensure_ascii=False)})[{PAGE_LANGUAGE}]"
        f" ?? {json.dumps(texts[DEFAULT_LANGUAGE], ensure_ascii=False)})",
        _var_type=str,
    )


def on_backend_error(exception: Exception) -> list[EventSpec]:
    """Map an unhandled handler exception to a toast (and, for Unauthorized, to /login)."""
    if isinstance(exception, Unauthorized):
        return [rx.toast.error(exception.message), rx.redirect(routes.LOGIN)]
    if isinstance(exception, DomainError):
        return [rx.toast.error(exception.message)]
    if is_database_unavailable(exception):
        logger.warning("Database unavailable in an event handler: %s", type(exception).__name__)
        # One toast, replaced rather than stacked while the outage lasts.
        return [
            rx.toast.error(
                in_tab_language(DATABASE_UNAVAILABLE_KEY), id=DATABASE_TOAST_ID, duration=10_000
            )
        ]
    logger.error("Unhandled error in an event handler", exc_info=exception)
    return [rx.toast.error(in_tab_language(GENERIC_KEY))]
