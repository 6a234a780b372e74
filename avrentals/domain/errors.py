"""Domain errors. Adapters map each `code` to one HTTP status / UI message (DESIGN §8)."""

from __future__ import annotations

from typing import Any

from avrentals.i18n.messages import localise_message


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "BAD_REQUEST"
    # True when the transaction that raised must still commit what it wrote (the audit
    # row of a refused sign-in); everything else rolls back.
    keep_writes = False

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        # Written in the reader's language (`i18n.messages.message_language`; English
        # unless an adapter set it).
        message = localise_message(message)
        super().__init__(message)
        self.message = message
        self.details = details or {}


class ValidationFailed(DomainError):
    """Input broke a rule; `details` maps each field to its messages."""

    code = "VALIDATION_ERROR"

    def __init__(self, fields: dict[str, list[str]], message: str = "Validation failed") -> None:
        localised = {k: [localise_message(m) for m in v] for k, v in fields.items()}
        super().__init__(message, localised)

    @property
    def fields(self) -> dict[str, list[str]]:
        return self.details


class Unauthorized(DomainError):
    """No valid identity: missing, invalid, expired or revoked credentials."""

    code = "UNAUTHORIZED"


class LoginFailed(Unauthorized):
    """Wrong credentials or inactive account. One message for every cause; the audit row
    written before raising is kept (keep_writes)."""

    keep_writes = True


class Forbidden(DomainError):
    """The actor's role lacks the permission."""

    code = "FORBIDDEN"


class NotFound(DomainError):
    """Unknown object, or one the actor may not see at all."""

    code = "NOT_FOUND"


class VersionConflict(DomainError):
    """A versioned update carried a stale version; `current` is the saved object."""

    code = "VERSION_CONFLICT"

    def __init__(self, message: str, current: dict[str, Any]) -> None:
        super().__init__(message, {"current": current})
        self.current = current


class InUse(DomainError):
    """A delete was refused because other objects still use this one."""

    code = "IN_USE"


class RentalConflict(DomainError):
    """A booking would exceed the bookable units on some day (DESIGN §5)."""

    code = "RENTAL_CONFLICT"


class InvalidState(DomainError):
    """The requested workflow step is not allowed from the object's current state."""

    code = "INVALID_STATE"


class EmailFailed(DomainError):
    """An e-mail could not be handed to the mail server (not configured, unreachable,
    refused); whatever the e-mail was meant to record was not written."""

    code = "EMAIL_FAILED"


class RateLimited(DomainError):
    """Too many attempts; retry after `retry_after` seconds."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, {"retryAfter": retry_after})
        self.retry_after = retry_after
