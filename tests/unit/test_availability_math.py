"""Pure availability maths (DESIGN §5) against a brute-force day-by-day oracle."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avrentals.domain import availability as av

D0 = date(2026, 6, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def win(a: int, b: int) -> av.Window:
    return av.Window(day(a), day(b))


def booking(event: str, qty: int, a: int, b: int) -> av.Booking:
    return av.Booking(event, qty, win(a, b), rental_id=f"r-{event}", event_name=event)


def oracle_usage(bookings: list[av.Booking], d: date, exclude: object = None) -> int:
    return sum(
        b.quantity
        for b in bookings
        if b.window.start <= d <= b.window.end and (exclude is None or b.event_id != exclude)
    )


bookings_st = st.lists(
    st.builds(
        lambda e, q, a, length: booking(f"e{e}", q, a, a + length),
        st.integers(0, 6),
        st.integers(0, 5),
        st.integers(-10, 40),
        st.integers(0, 15),
    ),
    max_size=12,
)
window_st = st.builds(lambda a, length: win(a, a + length), st.integers(-5, 35), st.integers(0, 20))


def test_blocked_window_adds_buffers_inclusive() -> None:
    w = av.blocked_window(day(10), day(12), 2, 3)
    assert (w.start, w.end, w.days) == (day(8), day(15), 8)


def test_window_rejects_end_before_start() -> None:
    with pytest.raises(ValueError):
        av.Window(day(2), day(1))


def test_peak_not_sum_for_rentals_that_do_not_overlap_each_other() -> None:
    # both touch the window, never the same day: peak 6, a sum would say 10
    bookings = [booking("a", 6, 0, 2), booking("b", 4, 3, 5)]
    assert av.peak(bookings, win(0, 5)).usage == 6
    assert av.available(10, bookings, win(0, 5)) == 4


def test_excluded_event_does_not_count() -> None:
    bookings = [booking("a", 6, 0, 2), booking("b", 4, 1, 5)]
    assert av.peak(bookings, win(0, 5)).usage == 10
    assert av.peak(bookings, win(0, 5), exclude="a").usage == 4


def test_back_to_back_events_do_not_add_up() -> None:
    bookings = [booking("a", 5, 0, 2), booking("b", 5, 3, 4)]
    assert av.available(5, bookings, win(0, 4)) == 0
    assert all(s.usage == 5 for s in av.segments(bookings, win(0, 4)))


def test_peak_days_and_consumers() -> None:
    a, b, c = booking("a", 2, 0, 3), booking("b", 3, 2, 4), booking("c", 1, 8, 9)
    top = av.peak([a, b, c], win(0, 9))
    assert top.usage == 5
    assert top.dates() == [day(2), day(3)]
    assert set(top.bookings) == {a, b}


def test_ledger_lists_each_day_with_its_bookings() -> None:
    a = booking("a", 2, 1, 1)
    rows = av.ledger(3, [a], win(0, 2))
    assert [(r.day, r.usage, r.available, r.bookings) for r in rows] == [
        (day(0), 0, 3, ()),
        (day(1), 2, 1, (a,)),
        (day(2), 0, 3, ()),
    ]


def test_conflict_days_only_where_usage_exceeds_bookable() -> None:
    bookings = [booking("a", 3, 0, 4), booking("b", 2, 3, 6)]
    days = av.conflict_days(4, bookings, win(0, 9))
    assert [(c.day, c.usage) for c in days] == [(day(3), 5), (day(4), 5)]


def test_check_lines_reports_every_failing_line() -> None:
    lines = [av.Line("x", 3, 4, "X"), av.Line("y", 1, 5, "Y"), av.Line("z", 2, 1, "Z")]
    by_item = {"x": [booking("a", 2, 0, 1)], "y": [booking("a", 4, 0, 1)]}
    failures = av.check_lines(lines, by_item, win(0, 1))
    assert [(f.line.item_id, f.available) for f in failures] == [("x", 2), ("z", 1)]


def test_added_windows() -> None:
    assert av.added_windows(win(0, 5), win(2, 4)) == []
    assert av.added_windows(win(0, 5), win(3, 7)) == [win(6, 7)]
    assert av.added_windows(win(0, 5), win(-2, 7)) == [win(-2, -1), win(6, 7)]
    assert av.added_windows(win(0, 5), win(10, 12)) == [win(10, 12)]


@settings(max_examples=300, deadline=None)
@given(bookings_st, window_st, st.sampled_from([None, "e0", "e1"]))
def test_segments_match_brute_force_per_day(bookings, window, exclude) -> None:
    segs = av.segments(bookings, window, exclude=exclude)
    covered = [d for s in segs for d in s.window.dates()]
    assert covered == list(window.dates())
    for s in segs:
        for d in s.window.dates():
            assert s.usage == oracle_usage(bookings, d, exclude)
            assert s.usage == sum(b.quantity for b in s.bookings)


@settings(max_examples=300, deadline=None)
@given(bookings_st, window_st, st.integers(0, 20), st.sampled_from([None, "e0"]))
def test_available_is_bookable_minus_brute_force_peak(bookings, window, bookable, exclude) -> None:
    brute_peak = max(oracle_usage(bookings, d, exclude) for d in window.dates())
    got = av.available(bookable, bookings, window, exclude=exclude)
    assert got == bookable - brute_peak
    assert got <= bookable
    top = av.peak(bookings, window, exclude=exclude)
    assert top.dates() == (
        [d for d in window.dates() if oracle_usage(bookings, d, exclude) == brute_peak]
        if brute_peak
        else []
    )


@settings(max_examples=200, deadline=None)
@given(bookings_st, window_st, st.integers(0, 10))
def test_conflicts_and_ledger_match_brute_force(bookings, window, bookable) -> None:
    usage = Counter({d: oracle_usage(bookings, d) for d in window.dates()})
    expected = [d for d in window.dates() if usage[d] > bookable]
    assert [c.day for c in av.conflict_days(bookable, bookings, window)] == expected
    assert [(r.day, r.usage) for r in av.ledger(bookable, bookings, window)] == [
        (d, usage[d]) for d in window.dates()
    ]


@settings(max_examples=200, deadline=None)
@given(bookings_st, window_st, st.integers(0, 10), st.integers(1, 10))
def test_check_lines_agrees_with_brute_force(bookings, window, bookable, requested) -> None:
    brute_free = bookable - max(oracle_usage(bookings, d) for d in window.dates())
    failures = av.check_lines([av.Line("x", requested, bookable)], {"x": bookings}, window)
    assert bool(failures) == (requested > brute_free)
    if failures:
        assert failures[0].available == brute_free
