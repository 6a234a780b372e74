"""Equipment list service: paging, allow-listed sort, search on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, ValidationFailed
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services.equipment import list_equipment
from tests.factories import make_actor, make_item


def test_paging_sort_and_search(engine: Engine) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    names = [f"Item {n:02d}" for n in range(25)]
    for name in names:
        make_item(engine, name=name)
    make_item(engine, name="Yamaha CL5 Digital Mixer", description="48-channel console")
    with Session(engine) as s:
        first = list_equipment(s, viewer, PageRequest(1, 20))
        last = list_equipment(s, viewer, PageRequest(2, 20))
        assert first.total == 26 and first.total_pages == 2
        assert len(first.items) == 20 and len(last.items) == 6
        assert [r["name"] for r in first.items][:3] == ["Item 00", "Item 01", "Item 02"]
        desc = list_equipment(s, viewer, PageRequest(1, 5), sort="name", descending=True)
        assert desc.items[0]["name"] == "Yamaha CL5 Digital Mixer"
        for term in ("yamaha", "YAM", "digital mix", "console"):
            found = list_equipment(s, viewer, PageRequest(1, 20), search=term)
            assert [r["name"] for r in found.items] == ["Yamaha CL5 Digital Mixer"], term
        code = found.items[0]["asset_code"]
        by_code = list_equipment(s, viewer, PageRequest(1, 20), search=code[3:])
        assert [r["asset_code"] for r in by_code.items] == [code]
        assert list_equipment(s, viewer, PageRequest(1, 20), search="zzz-nothing").total == 0
        assert first.items[0]["category_name"].startswith("Audio")


def test_sort_allow_list_and_permission(engine: Engine) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    with Session(engine) as s:
        with pytest.raises(ValidationFailed) as info:
            list_equipment(s, viewer, PageRequest(), sort="password_hash")
        assert "sort" in info.value.fields
        with pytest.raises(Forbidden):
            list_equipment(s, Actor(viewer.user_id, "x", "X", "ghost"), PageRequest())  # type: ignore[arg-type]


def test_page_request_validation() -> None:
    assert PageRequest.parse("3", "50") == PageRequest(3, 50)
    with pytest.raises(ValidationFailed) as info:
        PageRequest.parse("0", "500")
    assert set(info.value.fields) == {"page", "pageSize"}
