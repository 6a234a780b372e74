"""Server-side paging shared by every list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from avrentals.domain.errors import ValidationFailed

PAGE_SIZES = (20, 50, 100)
MAX_PAGE_SIZE = 100
# Far beyond any real list, and keeps the OFFSET within a 64-bit integer for the database.
MAX_PAGE = 1_000_000

T = TypeVar("T")


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    page_size: int = 20

    @classmethod
    def parse(cls, page: Any = 1, page_size: Any = 20) -> PageRequest:
        """Validate untrusted paging input; raises ValidationFailed."""
        errors: dict[str, list[str]] = {}
        try:
            p = int(page)
            if not 1 <= p <= MAX_PAGE:
                raise ValueError
        except (TypeError, ValueError):
            errors["page"] = [f"page must be an integer from 1 to {MAX_PAGE}"]
            p = 1
        try:
            s = int(page_size)
            if not 1 <= s <= MAX_PAGE_SIZE:
                raise ValueError
        except (TypeError, ValueError):
            errors["pageSize"] = [f"pageSize must be an integer from 1 to {MAX_PAGE_SIZE}"]
            s = 20
        if errors:
            raise ValidationFailed(errors)
        return cls(page=p, page_size=s)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    page_size: int
    total: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    def meta(self) -> dict[str, int]:
        return {
            "page": self.page,
            "pageSize": self.page_size,
            "total": self.total,
            "totalPages": self.total_pages,
        }
