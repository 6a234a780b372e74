"""Record ids from untrusted input (event arguments any client can send)."""

from __future__ import annotations

import uuid
from typing import Any

MAX_ID_LENGTH = 64


def parse_client_id(value: Any) -> uuid.UUID | None:
    """A UUID from untrusted input (a string of at most 64 characters), else None."""
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
