"""The one place where an exception escaping an event handler becomes something the user sees.

Handlers catch the errors they expect (validation, conflicts) and show them in place; this is
the safety net: a DomainError's message is meant for people, anything else is a bug and gets
a generic message (the details stay in the server log).
"""

# No `from __future__ import annotations`: Reflex inspects this signature at startup.
import logging

import reflex as rx
from reflex.event import EventSpec

from avrentals.db import is_database_unavailable
from avrentals.domain.errors import DomainError, Unauthorized
from avrentals.ui import routes

logger = logging.getLogger(__name__)

GENERIC_MESSAGE = "Something went wrong. Please try again."
DATABASE_UNAVAILABLE_MESSAGE = (
    "The database is unavailable right now; nothing was saved. The app reconnects by itself — "
    "try again in a few seconds."
)
DATABASE_TOAST_ID = "database-unavailable"


def on_backend_error(exception: Exception) -> list[EventSpec]:
    """Map an unhandled handler exception to a toast (and, for Unauthorized, to /login)."""
    if isinstance(exception, Unauthorized):
        return [rx.toast.error(exception.message), rx.redirect(routes.LOGIN)]
    if isinstance(exception, DomainError):
        return [rx.toast.error(exception.message)]
    if is_database_unavailable(exception):
        logger.warning("Database unavailable in an event handler: %s", type(exception).__name__)
        # One toast, replaced rather than stacked while the outage lasts.
        return [rx.toast.error(DATABASE_UNAVAILABLE_MESSAGE, id=DATABASE_TOAST_ID, duration=10_000)]
    logger.error("Unhandled error in an event handler", exc_info=exception)
    return [rx.toast.error(GENERIC_MESSAGE)]
