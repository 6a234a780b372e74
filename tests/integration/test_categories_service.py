"""Categories and subcategories: list with counts, create, versioned rename, icons from the
fixed list, unique names as field errors, delete refused while used, permissions, audit."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, InUse, NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, Category, Subcategory
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import categories as svc
from avrentals.domain.services.equipment import create_equipment
from tests.factories import make_actor
from tests.inventory_factories import CommitCheckingBus


def new_category(engine: Engine, actor: Actor, **data: Any) -> Category:
    with transaction(engine) as s:
        return svc.create_category(s, actor, data)


def new_sub(engine: Engine, actor: Actor, category: Category, name: str) -> Subcategory:
    with transaction(engine) as s:
        return svc.create_subcategory(s, actor, {"category_id": category.id, "name": name})


def add_item(engine: Engine, actor: Actor, category: Category, sub: Subcategory | None = None):
    with transaction(engine) as s:
        return create_equipment(
            s,
            actor,
            {
                "name": "Item",
                "category_id": category.id,
                "subcategory_id": sub.id if sub else None,
                "location": "Aisle A",
                "quantity": 1,
            },
        )


def test_list_tree_with_item_counts(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    audio = new_category(engine, tech, name="Audio", icon="speaker", position=1)
    video = new_category(engine, tech, name="Video", icon="monitor", position=0)
    mics = new_sub(engine, tech, audio, "Microphones")
    new_sub(engine, tech, audio, "Amplifiers")
    add_item(engine, tech, audio, mics)
    add_item(engine, tech, audio)
    with Session(engine) as s:
        tree = svc.list_category_tree(s, make_actor(engine, Role.VIEWER))
    assert [(c["name"], c["item_count"]) for c in tree] == [("Video", 0), ("Audio", 2)]
    assert [(x["name"], x["item_count"]) for x in tree[1]["subcategories"]] == [
        ("Amplifiers", 0),
        ("Microphones", 1),
    ]
    assert tree[0]["icon"] == "monitor" and tree[0]["id"] == str(video.id)
    with Session(engine) as s:
        page = svc.list_categories_page(
            s, tech, PageRequest(1, 1), sort="itemCount", descending=True
        )
        assert [r["name"] for r in page.items] == ["Audio"] and page.total == 2
        found = svc.list_categories_page(s, tech, PageRequest(), search="vid")
        assert [r["name"] for r in found.items] == ["Video"]
        subs = svc.list_subcategories_page(s, tech, PageRequest(), category_id=audio.id)
        assert [r["name"] for r in subs.items] == ["Amplifiers", "Microphones"]
        with pytest.raises(ValidationFailed) as info:
            svc.list_categories_page(s, tech, PageRequest(), sort="id")
        assert list(info.value.fields) == ["sort"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Name is required."),
        ({"name": "x" * 51}, "name", "Name must be at most 50 characters."),
        ({"name": "Audio", "icon": "skull"}, "icon", "Choose an icon from the list."),
        ({"name": "Audio", "position": -1}, "position", "Position must be 0 or more."),
        ({"name": "Audio", "colour": "red"}, "colour", "This field cannot be set here."),
    ],
)
def test_category_validation(
    engine: Engine, data: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        new_category(engine, make_actor(engine, Role.MANAGER), **data)
    assert info.value.fields[field] == [message]


def test_icon_allow_list_accepts_lucide_spelling(engine: Engine) -> None:
    category = new_category(
        engine, make_actor(engine, Role.MANAGER), name="FX", icon="sliders-horizontal"
    )
    assert category.icon == "sliders_horizontal"
    assert "package" in svc.ICONS and len(svc.ICONS) == len(set(svc.ICONS))
    assert new_category(engine, make_actor(engine, Role.MANAGER), name="Misc").icon == "package"


def test_unique_names_are_field_errors(engine: Engine) -> None:
    manager = make_actor(engine, Role.MANAGER)
    audio = new_category(engine, manager, name="Audio")
    video = new_category(engine, manager, name="Video")
    with pytest.raises(ValidationFailed) as info:
        new_category(engine, manager, name="audio")
    assert info.value.fields == {"name": ["A category named 'audio' already exists."]}
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.update_category(s, manager, video.id, 1, {"name": "AUDIO"})
    assert "name" in info.value.fields
    new_sub(engine, manager, audio, "Microphones")
    new_sub(engine, manager, video, "Microphones")  # unique per category only
    with pytest.raises(ValidationFailed) as info:
        new_sub(engine, manager, audio, "microphones")
    assert info.value.fields == {"name": ["'Audio' already has a subcategory named 'microphones'."]}


def test_rename_is_versioned_and_audited(engine: Engine) -> None:
    manager = make_actor(engine, Role.MANAGER)
    category = new_category(engine, manager, name="Audio")
    bus = CommitCheckingBus(engine)
    changes.set_bus(bus)
    with transaction(engine) as s:
        svc.update_category(s, manager, category.id, 1, {"name": "Sound", "icon": "mic"})
    with pytest.raises(VersionConflict) as info, transaction(engine) as s:
        svc.update_category(s, manager, category.id, 1, {"name": "Audio again"})
    assert info.value.current["name"] == "Sound" and info.value.current["version"] == 2
    assert [(c.entity, c.action, c.version, ok) for c, ok in bus.published] == [
        ("category", "update", 2, True)
    ]
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.action == "update")).one()
    assert audit.old_values == {"name": "Audio", "icon": "package"}
    assert audit.new_values == {"name": "Sound", "icon": "mic"}
    sub = new_sub(engine, manager, category, "Mics")
    with transaction(engine) as s:
        svc.update_subcategory(s, manager, sub.id, 1, {"name": "Microphones"})
    with pytest.raises(VersionConflict), transaction(engine) as s:
        svc.update_subcategory(s, manager, sub.id, 1, {"name": "Other"})
    with pytest.raises(ValidationFailed) as info2, transaction(engine) as s:
        svc.update_subcategory(s, manager, sub.id, 2, {"category_id": str(uuid.uuid4())})
    assert info2.value.fields == {"category_id": ["This field cannot be set here."]}


def test_delete_refused_while_used(engine: Engine) -> None:
    manager = make_actor(engine, Role.MANAGER)
    audio = new_category(engine, manager, name="Audio")
    mics = new_sub(engine, manager, audio, "Microphones")
    spare = new_sub(engine, manager, audio, "Spare")
    add_item(engine, manager, audio, mics)
    with pytest.raises(InUse) as info, transaction(engine) as s:
        svc.delete_category(s, manager, audio.id)
    assert "used by 1 equipment item(s)" in info.value.message
    with pytest.raises(InUse), transaction(engine) as s:
        svc.delete_subcategory(s, manager, mics.id)
    with transaction(engine) as s:
        svc.delete_subcategory(s, manager, spare.id, version=1)
    empty = new_category(engine, manager, name="Empty")
    new_sub(engine, manager, empty, "Inside")
    with transaction(engine) as s:
        svc.delete_category(s, manager, empty.id)
    with Session(engine) as s:
        assert s.get(Category, empty.id) is None
        assert s.exec(select(Subcategory).where(Subcategory.category_id == empty.id)).all() == []
        actions = [(a.entity_type, a.action) for a in s.exec(select(AuditLog)).all()]
    # "Spare" deleted on its own, "Inside" with its category: each audited.
    assert actions.count(("subcategory", "delete")) == 2
    assert actions.count(("category", "delete")) == 1
    with pytest.raises(NotFound), transaction(engine) as s:
        svc.delete_category(s, manager, empty.id)


def test_permissions(engine: Engine) -> None:
    tech = make_actor(engine, Role.TECHNICIAN)
    category = new_category(engine, tech, name="Audio")
    sub = new_sub(engine, tech, category, "Mics")
    for role in (Role.EMPLOYEE, Role.VIEWER):
        actor = make_actor(engine, role)
        with pytest.raises(Forbidden):
            new_category(engine, actor, name="Nope")
        with pytest.raises(Forbidden):
            new_sub(engine, actor, category, "Nope")
        with Session(engine) as s:
            assert svc.get_category(s, actor, category.id)["name"] == "Audio"
    with pytest.raises(Forbidden), transaction(engine) as s:
        svc.delete_category(s, tech, category.id)
    with pytest.raises(Forbidden), transaction(engine) as s:
        svc.delete_subcategory(s, tech, sub.id)
