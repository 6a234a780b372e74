"""Company settings: public vs Admin view (the SMTP password never read back), validation,
versioned updates (row created on first write), logo through the media pipeline, audit
without the password and the "settings" change published after commit."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import read_session, transaction
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.errors import Forbidden, ValidationFailed, VersionConflict
from avrentals.domain.models import AuditLog, CompanySettings
from avrentals.domain.permissions import Actor
from avrentals.domain.services import settings_admin as svc
from avrentals.domain.services.auth import actor_of
from avrentals.domain.services.company import company_name
from tests.factories import make_user


def admin(engine: Engine) -> Actor:
    return actor_of(make_user(engine, Role.ADMIN))


def update(engine: Engine, actor: Actor, version: int, **data: Any) -> CompanySettings:
    with transaction(engine) as s:
        return svc.update_settings(s, actor, version, data)


def test_first_write_creates_the_row_and_others_read_the_public_part(
    engine: Engine, fresh_bus: changes.InProcessBus
) -> None:
    published: list[changes.Change] = []
    fresh_bus.publish = published.append  # type: ignore[method-assign]
    me = admin(engine)
    saved = update(
        engine,
        me,
        1,
        company_name="Luz & Som",
        default_tax_rate="0.06",
        currency="usd",
        primary_color="#AA00CC",
        smtp_host="smtp.example.pt",
        smtp_port=587,
        smtp_password="super-secret",
        default_language="pt",
    )
    assert (saved.version, saved.currency, saved.primary_color) == (2, "USD", "#aa00cc")
    assert saved.default_tax_rate == Decimal("0.06")
    assert [(c.entity, c.action) for c in published] == [("settings", "update")]
    viewer = actor_of(make_user(engine, Role.VIEWER))
    with read_session(engine) as s:
        public = svc.read_settings(s, viewer)
        full = svc.read_settings(s, me)
        assert company_name(s) == "Luz & Som"
    assert public["company_name"] == "Luz & Som" and "smtp_host" not in public
    assert "version" not in public and "smtp_password_set" not in public
    assert full["smtp_host"] == "smtp.example.pt" and full["smtp_password_set"] is True
    assert "super-secret" not in str(full) and "super-secret" not in str(public)
    with Session(engine) as s:
        audit = s.exec(select(AuditLog).where(AuditLog.entity_type == "settings")).one()
    assert audit.new_values is not None and audit.new_values["smtp_password"] == "(set)"
    assert "super-secret" not in str(audit.old_values) + str(audit.new_values)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"company_name": ""}, "company_name"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": 978}, "currency"),
        ({"default_tax_rate": "1.5"}, "default_tax_rate"),
        ({"default_tax_rate": "-0.01"}, "default_tax_rate"),
        ({"default_tax_rate": "0.123456"}, "default_tax_rate"),
        ({"default_tax_rate": "abc"}, "default_tax_rate"),
        ({"primary_color": "blue"}, "primary_color"),
        ({"primary_color": "#12345"}, "primary_color"),
        ({"primary_color": "#12345g"}, "primary_color"),
        ({"smtp_port": 70000}, "smtp_port"),
        ({"smtp_from": "nobody"}, "smtp_from"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"default_language": "de"}, "default_language"),
        ({"smtp_use_tls": "yes"}, "smtp_use_tls"),
        ({"logo": "x.png"}, "logo"),
        ({"id": 2}, "id"),
    ],
)
def test_every_rule_has_a_field_message(engine: Engine, data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        update(engine, admin(engine), 1, **data)
    assert field in info.value.fields
    with Session(engine) as s:
        assert s.get(CompanySettings, 1) is None  # nothing written


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER])
def test_only_admins_change_settings(engine: Engine, role: Role) -> None:
    actor = actor_of(make_user(engine, role))
    with pytest.raises(Forbidden):
        update(engine, actor, 1, company_name="Mine now")
    with pytest.raises(Forbidden), transaction(engine) as s:
        svc.remove_logo(s, actor)


def test_stale_version_is_a_conflict_with_the_saved_settings(engine: Engine) -> None:
    me = admin(engine)
    update(engine, me, 1, tagline="Sound and light")
    with pytest.raises(VersionConflict) as info:
        update(engine, me, 1, tagline="Older")
    assert info.value.current["tagline"] == "Sound and light"
    assert info.value.current["version"] == 2 and "smtp_password" not in info.value.current


def test_logo_upload_uses_the_media_pipeline(engine: Engine) -> None:
    me = admin(engine)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 80, 160)).save(buffer, format="PNG")
    with transaction(engine) as s:
        saved = svc.set_logo(s, me, buffer.getvalue())
    assert saved.logo and saved.version == 2
    with read_session(engine) as s:
        assert svc.public_settings(s)["logo_url"].endswith(saved.logo)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.set_logo(s, me, b"%PDF-1.4 not an image")
    assert "logo" in info.value.fields
    with transaction(engine) as s:
        assert svc.remove_logo(s, me, version=2).logo is None
