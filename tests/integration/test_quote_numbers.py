import threading

import pytest
from sqlalchemy import Engine

from avrentals.db import transaction
from avrentals.domain.services.quote_numbers import next_quote_number


def test_numbers_count_per_year_and_restart_at_001(engine: Engine) -> None:
    with transaction(engine) as s:
        assert [next_quote_number(s, 2026) for _ in range(3)] == [
            "Q2026-001",
            "Q2026-002",
            "Q2026-003",
        ]
        assert next_quote_number(s, 2027) == "Q2027-001"
    with transaction(engine) as s:
        assert next_quote_number(s, 2026) == "Q2026-004"


def test_rolled_back_number_is_reused_so_no_gap(engine: Engine) -> None:
    # The counter lives in the caller's transaction: a rollback gives the number back.
    with transaction(engine) as s:
        assert next_quote_number(s, 2026) == "Q2026-001"
    with pytest.raises(RuntimeError), transaction(engine) as s:
        assert next_quote_number(s, 2026) == "Q2026-002"
        raise RuntimeError("abort")
    with transaction(engine) as s:
        assert next_quote_number(s, 2026) == "Q2026-002"


def test_more_than_999_grows_beyond_three_digits(engine: Engine) -> None:
    from avrentals.domain.models.quotes import QuoteSequence

    with transaction(engine) as s:
        s.add(QuoteSequence(year=2026, last_number=999))
    with transaction(engine) as s:
        assert next_quote_number(s, 2026) == "Q2026-1000"


def test_concurrent_threads_get_distinct_consecutive_numbers(pg_engine: Engine) -> None:
    results: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(10):
                with transaction(pg_engine) as s:
                    number = next_quote_number(s, 2026)
                with lock:
                    results.append(number)
        except BaseException as exc:  # surfaced by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 160
    assert sorted(results) == [f"Q2026-{n:03d}" for n in range(1, 161)]
