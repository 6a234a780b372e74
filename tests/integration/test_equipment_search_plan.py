"""The equipment list's PostgreSQL plans (migration 0003, issue 3 "Performance"): a search
reaches both search indexes through the CTE the service materialises, and a page by name
comes from the `(name, id)` index. Also the search behaviour those plans must keep."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.db import captured_statements
from avrentals.domain.enums import Role
from avrentals.domain.models import EquipmentItem
from avrentals.domain.pagination import PageRequest
from avrentals.domain.services.equipment import list_equipment
from tests.factories import make_actor, make_item


def plans(engine: Engine, sent: list[tuple[str, Any]]) -> list[str]:
    """EXPLAIN of each captured statement, with sequential scans priced out (the test table
    is tiny, so the planner would otherwise rightly skip every index)."""
    out = []
    with engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, params in sent:
            rows = conn.exec_driver_sql("EXPLAIN " + statement, params).scalars()
            out.append("\n".join(rows))
    return out


def test_search_uses_both_indexes_and_name_pages_use_name_id(pg_engine: Engine) -> None:
    # The fixture empties tables with DELETE, which leaves the earlier tests' pages behind, and
    # the planner prices plans from the table's physical size: start from an empty file.
    with pg_engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE equipment_item CASCADE")
    viewer = make_actor(pg_engine, Role.VIEWER)
    for n in range(30):
        make_item(pg_engine, name=f"Shure SM58 Vocal Microphone {n:02d}")
    with pg_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE equipment_item")
    with Session(pg_engine) as s, captured_statements(pg_engine) as sent:
        found = list_equipment(s, viewer, PageRequest(1, 20), search="micro")
    assert found.total == 30 and len(found.items) == 20
    # One statement: the page and its count, both from the materialised matches.
    (plan,) = plans(pg_engine, [q for q in sent if "equipment_item" in q[0]])
    assert "CTE matches" in plan, plan
    assert "ix_equipment_fulltext" in plan, plan
    assert "ix_equipment_asset_code_trgm" in plan, plan
    with Session(pg_engine) as s, captured_statements(pg_engine) as sent:
        page = list_equipment(s, viewer, PageRequest(2, 20))
    assert [r["name"] for r in page.items][:2] == [
        "Shure SM58 Vocal Microphone 20",
        "Shure SM58 Vocal Microphone 21",
    ]
    assert "ix_equipment_name_id" in plans(pg_engine, sent[-1:])[0]


def test_search_behaviour_on_both_backends(engine: Engine) -> None:
    """Word prefixes over name and description, codes by substring from 3 characters and by
    prefix below, LIKE wildcards taken literally, filters combined with the search."""
    viewer = make_actor(engine, Role.VIEWER)
    mixer = make_item(engine, name="Yamaha CL5 Digital Mixer", description="48-channel console")
    spot = make_item(engine, name="Robe Spot")
    tube = make_item(engine, name="Astera Tube")
    with engine.begin() as conn:
        for item, code in ((mixer, "AUD-0042"), (spot, "LX-100_A"), (tube, "XAU-0001")):
            conn.execute(
                sa.update(EquipmentItem).where(EquipmentItem.id == item.id).values(asset_code=code)  # type: ignore[arg-type]
            )

    def codes(search: str, **kw: Any) -> list[str]:
        with Session(engine) as s:
            page = list_equipment(s, viewer, PageRequest(1, 20), search=search, **kw)
            return sorted(r["asset_code"] for r in page.items)

    assert codes("dig mix") == ["AUD-0042"]
    assert codes("CONSOLE") == ["AUD-0042"]
    assert codes("0042") == ["AUD-0042"]
    assert codes("au") == ["AUD-0042"]  # short input: code prefix only, not XAU-0001
    assert codes("aud-0") == ["AUD-0042"]
    assert codes("100_a") == ["LX-100_A"]
    assert codes("100%") == []
    assert codes("mixer", category_id=mixer.category_id) == ["AUD-0042"]
    assert codes("mixer", status="damaged") == []


def test_total_on_full_empty_and_past_the_end_pages(engine: Engine) -> None:
    viewer = make_actor(engine, Role.VIEWER)
    for n in range(3):
        make_item(engine, name=f"Truss {n}")

    def page(n: int, search: str | None = None) -> tuple[int, int]:
        with Session(engine) as s:
            result = list_equipment(s, viewer, PageRequest(n, 2), search=search)
            return len(result.items), result.total

    assert page(1) == (2, 3)
    assert page(2) == (1, 3)
    assert page(5) == (0, 3)
    assert page(5, "truss") == (0, 3)
    assert page(1, "nothing-like-this") == (0, 0)
