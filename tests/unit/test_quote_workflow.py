import itertools

import pytest

from avrentals.domain.enums import QuoteStatus as S
from avrentals.domain.errors import InvalidState
from avrentals.domain.quote_workflow import check_transition

EXPECTED = {
    (S.DRAFT, S.SENT),
    (S.DRAFT, S.ARCHIVED),
    (S.SENT, S.ACCEPTED),
    (S.SENT, S.DECLINED),
    (S.SENT, S.ARCHIVED),
    (S.ACCEPTED, S.ARCHIVED),
    (S.DECLINED, S.ARCHIVED),
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_pair_follows_the_table(current: S, target: S) -> None:
    if (current, target) in EXPECTED:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidState) as info:
            check_transition(current, target)
        assert info.value.code == "INVALID_STATE"
        assert current.value in info.value.message and target.value in info.value.message


def test_only_sent_quotes_expire_after_their_valid_until_day() -> None:
    from datetime import date

    from avrentals.domain.quote_workflow import is_expired, valid_until_from

    day = date(2026, 11, 26)
    assert valid_until_from(day) == date(2026, 12, 26)
    assert not is_expired("Sent", day, day)  # the last valid day still counts
    assert is_expired("Sent", day, date(2026, 11, 27))
    assert not is_expired("Sent", None, date(2030, 1, 1))
    for status in ("Draft", "Accepted", "Declined", "Archived"):
        assert not is_expired(status, day, date(2030, 1, 1))


def test_list_rows_flag_expired_sent_quotes() -> None:
    from avrentals.ui.state.quotes import display_row, expired

    assert expired("Sent", "2020-01-01") and not expired("Sent", "2999-01-01")
    assert not expired("Sent", "not a date") and not expired("Draft", "2020-01-01")
    row = {"id": "x", "number": "Q2026-001", "status": "Sent", "valid_until": "2020-01-01"}
    assert display_row(row)["expired"] == "1"
    assert display_row(row | {"status": "Accepted"})["expired"] == ""
