"""Quote status workflow: Draft → Sent → Accepted | Declined; any status → Archived."""

from __future__ import annotations

from avrentals.domain.enums import QuoteStatus
from avrentals.domain.errors import InvalidState

S = QuoteStatus

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
