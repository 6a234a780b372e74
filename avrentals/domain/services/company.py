"""Company settings reads (the Admin settings screen of a later issue writes them)."""

from __future__ import annotations

from sqlmodel import Session

from avrentals.domain.models import CompanySettings

DEFAULT_COMPANY_NAME = "AV Rentals"


def company_name(session: Session) -> str:
    """The company name from the settings row, shown on the sign-in page before anyone is
    signed in (public: no actor). Falls back to "AV Rentals" when the row does not exist."""
    row = session.get(CompanySettings, 1)
    return row.company_name if row is not None and row.company_name else DEFAULT_COMPANY_NAME
