"""Pure availability maths (DESIGN §5). No database, no I/O.

Rules:
- An event blocks its equipment on every day from `start_date - prep_days` to
  `end_date + return_days`, inclusive (`blocked_window`).
- `usage(X, d)` = sum of the quantities of the bookings of X whose blocked window contains d;
  the event being re-checked is left out (`exclude`).
- `available(X, window)` = `bookable(X) - max over d in window of usage(X, d)`: the PEAK, never
  the sum of everything that touches the window.
- A conflict is a day where usage > bookable.

Usage is computed with a sweep over the bookings' start/end boundaries (O(n log n) in the
number of bookings, independent of the window length): `segments` yields the piecewise-constant
usage; day-by-day expansion happens only where a per-day answer is asked for (`ledger`,
`conflict_days`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, order=True)
class Window:
    """Inclusive calendar-day range `start..end` (end >= start)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"window ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def overlaps(self, other: Window) -> bool:
        return self.start <= other.end and other.start <= self.end

    def clip(self, other: Window) -> Window | None:
        """The part of `self` inside `other`, or None when they do not overlap."""
        if not self.overlaps(other):
            return None
        return Window(max(self.start, other.start), min(self.end, other.end))

    def dates(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += ONE_DAY


def blocked_window(start_date: date, end_date: date, prep_days: int, return_days: int) -> Window:
    """The days an event blocks its equipment: start - prep .. end + return, inclusive."""
    return Window(start_date - timedelta(days=prep_days), end_date + timedelta(days=return_days))


def added_windows(old: Window, new: Window) -> list[Window]:
    """The days of `new` that `old` does not cover (0, 1 or 2 runs): what moving or extending
    an event from `old` to `new` newly blocks."""
    if not new.overlaps(old):
        return [new]
    added = []
    if new.start < old.start:
        added.append(Window(new.start, old.start - ONE_DAY))
    if new.end > old.end:
        added.append(Window(old.end + ONE_DAY, new.end))
    return added


@dataclass(frozen=True)
class Booking:
    """One rental line as the maths sees it: `quantity` units blocked over `window`."""

    event_id: Hashable
    quantity: int
    window: Window
    rental_id: Hashable = None
    event_name: str = ""


@dataclass(frozen=True)
class Segment:
    """A maximal run of days with the same set of active bookings (so the same usage)."""

    window: Window
    usage: int
    bookings: tuple[Booking, ...] = ()


def _active(bookings: Iterable[Booking], window: Window, exclude: Hashable) -> list[Booking]:
    return [
        b
        for b in bookings
        if b.quantity and b.window.overlaps(window) and (exclude is None or b.event_id != exclude)
    ]


def segments(
    bookings: Iterable[Booking], window: Window, *, exclude: Hashable = None
) -> list[Segment]:
    """Piecewise-constant usage over `window`, covering every day of it in order.

    Sweep: each booking (clipped to the window) opens at its first day and closes the day after
    its last; between two consecutive boundaries the active set is constant.
    """
    active = _active(bookings, window, exclude)
    starts: dict[date, list[int]] = {}
    ends: dict[date, list[int]] = {}
    for n, b in enumerate(active):
        clipped = b.window.clip(window)
        assert clipped is not None
        starts.setdefault(clipped.start, []).append(n)
        ends.setdefault(clipped.end + ONE_DAY, []).append(n)
    points = sorted({window.start, window.end + ONE_DAY, *starts, *ends})
    result: list[Segment] = []
    current: dict[int, Booking] = {}  # insertion-ordered: bookings in the order they began
    usage = 0
    for first, after in pairwise(points):
        for n in ends.get(first, ()):
            usage -= current.pop(n).quantity
        for n in starts.get(first, ()):
            current[n] = active[n]
            usage += active[n].quantity
        result.append(Segment(Window(first, after - ONE_DAY), usage, tuple(current.values())))
    return result


@dataclass(frozen=True)
class Peak:
    """The highest usage over a window, the runs of days that reach it, and the bookings
    active on those days."""

    usage: int
    days: tuple[Window, ...] = ()
    bookings: tuple[Booking, ...] = ()

    def dates(self) -> list[date]:
        return [d for w in self.days for d in w.dates()]


def peak(bookings: Iterable[Booking], window: Window, *, exclude: Hashable = None) -> Peak:
    """Max usage over `window` (0 when nothing is booked) and where it happens."""
    segs = segments(bookings, window, exclude=exclude)
    top = max(s.usage for s in segs)
    if top == 0:
        return Peak(0)
    at_top = [s for s in segs if s.usage == top]
    seen: dict[int, Booking] = {}  # by identity, in order of appearance
    for s in at_top:
        for b in s.bookings:
            seen.setdefault(id(b), b)
    return Peak(top, tuple(s.window for s in at_top), tuple(seen.values()))


def available(
    bookable: int, bookings: Iterable[Booking], window: Window, *, exclude: Hashable = None
) -> int:
    """`bookable - peak usage over window` (negative when reality already overbooks)."""
    return bookable - peak(bookings, window, exclude=exclude).usage


@dataclass(frozen=True)
class LedgerDay:
    """One day of an explanation: usage, what remains, and the bookings making it up."""

    day: date
    usage: int
    available: int
    bookings: tuple[Booking, ...]


def ledger(
    bookable: int, bookings: Iterable[Booking], window: Window, *, exclude: Hashable = None
) -> list[LedgerDay]:
    """Per-day ledger for `explain`: every day of `window` with its usage and bookings."""
    return [
        LedgerDay(day, s.usage, bookable - s.usage, s.bookings)
        for s in segments(bookings, window, exclude=exclude)
        for day in s.window.dates()
    ]


def conflict_segments(bookable: int, bookings: Iterable[Booking], window: Window) -> list[Segment]:
    """The runs of days in `window` where usage > bookable (overbooked)."""
    return [s for s in segments(bookings, window) if s.usage > bookable]


def conflict_days(bookable: int, bookings: Iterable[Booking], window: Window) -> list[LedgerDay]:
    """Every overbooked day in `window`, with the bookings making it up."""
    return [
        LedgerDay(day, s.usage, bookable - s.usage, s.bookings)
        for s in conflict_segments(bookable, bookings, window)
        for day in s.window.dates()
    ]


@dataclass(frozen=True)
class Line:
    """A requested line of a check: the TOTAL quantity of an item the event would hold."""

    item_id: Hashable
    requested: int
    bookable: int
    item_name: str = ""


@dataclass(frozen=True)
class LineFailure:
    """A line that does not fit: what was asked, what is available, where the peak is and
    which bookings consume the stock there."""

    line: Line
    available: int
    peak: Peak = field(default_factory=lambda: Peak(0))


def check_lines(
    lines: Sequence[Line],
    bookings_by_item: Mapping[Any, Sequence[Booking]],
    window: Window,
    *,
    exclude: Hashable = None,
) -> list[LineFailure]:
    """Every line whose requested quantity exceeds availability over `window` (all of them,
    not just the first). `exclude` is the event being (re)checked, left out of usage."""
    failures: list[LineFailure] = []
    for line in lines:
        top = peak(bookings_by_item.get(line.item_id, []), window, exclude=exclude)
        free = line.bookable - top.usage
        if line.requested > free:
            failures.append(LineFailure(line, free, top))
    return failures
