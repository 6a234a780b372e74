"""Quote status workflow: Draft → Sent → Accepted | Declined; any status → Archived. A quote
given to the client (e-mailed or marked as sent) is valid VALIDITY_DAYS from that day."""

from __future__ import annotations

from datetime import date, timedelta

from avrentals.domain.enums import QuoteStatus
from avrentals.domain.errors import InvalidState

S = QuoteStatus
VALIDITY_DAYS = 30

ALLOWED_TRANSITIONS: dict[QuoteStatus, frozenset[QuoteStatus]] = {
    S.DRAFT: frozenset({S.SENT, S.ARCHIVED}),
    S.SENT: frozenset({S.ACCEPTED, S.DECLINED, S.ARCHIVED}),
    S.ACCEPTED: frozenset({S.ARCHIVED}),
    S.DECLINED: frozenset({S.ARCHIVED}),
    S.ARCHIVED: frozenset(),
}


def check_transition(current: QuoteStatus, target: QuoteStatus) -> None:
    """Allow `current → target` only per ALLOWED_TRANSITIONS; else raise InvalidState (409)."""
    allowed = ALLOWED_TRANSITIONS[QuoteStatus(current)]
    if QuoteStatus(target) in allowed:
        return
    names = ", ".join(sorted(s.value for s in allowed)) or "none"
    raise InvalidState(
        f"A quote cannot go from {QuoteStatus(current).value} to {QuoteStatus(target).value}; "
        f"allowed from {QuoteStatus(current).value}: {names}.",
        {"from": QuoteStatus(current).value, "to": QuoteStatus(target).value},
    )


def valid_until_from(issued: date) -> date:
    """The last day a quote issued on `issued` is valid: VALIDITY_DAYS later."""
    return issued + timedelta(days=VALIDITY_DAYS)


def is_expired(status: QuoteStatus | str, valid_until: date | None, today: date) -> bool:
    """A Sent quote the client has not answered by its valid-until day (the day itself
    still counts); other statuses never expire."""
    return QuoteStatus(status) == S.SENT and valid_until is not None and valid_until < today
