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
