"""The own profile: every role edits only itself, NIF and IBAN checks, versioned edits, the
password change (current password, policy, token revocation), the photo pipeline."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.db import read_session, transaction
from avrentals.domain import media_store, rate_limits
from avrentals.domain.enums import Language, Role
from avrentals.domain.errors import RateLimited, Unauthorized, ValidationFailed, VersionConflict
from avrentals.domain.models import User
from avrentals.domain.services import profile as svc
from avrentals.domain.services.auth import actor_for_token, actor_of, issue_token, verify_password
from avrentals.settings import get_settings
from tests.factories import TEST_PASSWORD, make_user

SECRET = get_settings().jwt_secret


def reload(engine: Engine, user: User) -> User:
    with Session(engine) as s:
        row = s.get(User, user.id)
        assert row is not None
        return row


def update(engine: Engine, user: User, version: int, **data: Any) -> User:
    with transaction(engine) as s:
        return svc.update_profile(s, actor_of(user), version, data)


def png(color: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_edits_its_own_profile(engine: Engine, role: Role) -> None:
    user = make_user(engine, role)
    other = make_user(engine, Role.VIEWER)
    saved = update(
        engine,
        user,
        1,
        name="Ana Costa",
        phone="+351 912 345 678",
        emergency_phone="+351 213 000 000",
        contact_email="ana@example.pt",
        nif="PT 123 456 789",
        iban="pt50 0002 0123 1234 5678 9015 4",
        language="pt",
        bio="Lights and rigging.",
    )
    assert (saved.name, saved.nif, saved.iban, saved.language, saved.version) == (
        "Ana Costa",
        "123456789",
        "PT50000201231234567890154",
        Language.PT,
        2,
    )
    assert reload(engine, other).version == 1  # nobody else was touched
    with read_session(engine) as s:
        assert svc.get_profile(s, actor_of(user))["nif"] == "123456789"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"nif": "123456780"}, "nif"),  # wrong check digit
        ({"nif": "12345678"}, "nif"),  # 8 digits
        ({"nif": "12345678A"}, "nif"),
        ({"iban": "PT50000201231234567890155"}, "iban"),  # mod-97 fails
        ({"iban": "XX00"}, "iban"),
        ({"contact_email": "not-mail"}, "contact_email"),
        ({"language": "fr"}, "language"),
        ({"name": ""}, "name"),
        ({"phone": "9" * 31}, "phone"),
        ({"role": "admin"}, "role"),
        ({"is_active": True}, "is_active"),
        ({"password_hash": "x"}, "password_hash"),
    ],
)
def test_profile_rules_have_field_messages(
    engine: Engine, data: dict[str, Any], field: str
) -> None:
    user = make_user(engine, Role.VIEWER)
    with pytest.raises(ValidationFailed) as info:
        update(engine, user, 1, **data)
    assert field in info.value.fields
    saved = reload(engine, user)
    assert (saved.version, saved.role, saved.nif) == (1, Role.VIEWER, None)


def test_profile_edits_are_versioned(engine: Engine) -> None:
    user = make_user(engine, Role.EMPLOYEE)
    update(engine, user, 1, phone="111")
    with pytest.raises(VersionConflict) as info:
        update(engine, user, 1, phone="222")
    assert info.value.current["phone"] == "111"
    assert "password_hash" not in info.value.current
    assert update(engine, user, 2, phone="111").version == 2  # unchanged: nothing written


def test_change_password_needs_the_current_one_and_the_policy(engine: Engine) -> None:
    user = make_user(engine, Role.TECHNICIAN)
    actor = actor_of(user)
    cases = [
        ("wrong-password", "fresh-long-secret", "current_password"),
        (TEST_PASSWORD, "short", "new_password"),
        (TEST_PASSWORD, "iloveyou123", "new_password"),
        (TEST_PASSWORD, TEST_PASSWORD, "new_password"),
    ]
    for current, new, field in cases:
        with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
            svc.change_password(s, actor, current, new)
        assert field in info.value.fields, (current, new)
    assert reload(engine, user).token_version == 1


def test_change_password_revokes_old_tokens(engine: Engine) -> None:
    user = make_user(engine, Role.VIEWER)
    old_token = issue_token(user, SECRET)
    with transaction(engine) as s:
        saved = svc.change_password(s, actor_of(user), TEST_PASSWORD, "fresh-long-secret")
        new_token = issue_token(saved, SECRET)
    stored = reload(engine, user)
    assert stored.token_version == 2 and verify_password("fresh-long-secret", stored.password_hash)
    with read_session(engine) as s:
        with pytest.raises(Unauthorized):
            actor_for_token(s, old_token, SECRET)
        actor, _ = actor_for_token(s, new_token, SECRET)
    assert actor.user_id == user.id


def test_photo_goes_through_the_media_pipeline(engine: Engine) -> None:
    user = make_user(engine, Role.EMPLOYEE)
    with transaction(engine) as s:
        saved = svc.set_profile_photo(s, actor_of(user), png())
    assert saved.photo and media_store.open_media(saved.photo) is not None
    with read_session(engine) as s:
        view = svc.get_profile(s, actor_of(user))
    assert view["photo_url"].endswith(saved.photo)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.set_profile_photo(s, actor_of(user), b"GIF89a not a photo")
    assert "photo" in info.value.fields
    with transaction(engine) as s:
        assert svc.remove_profile_photo(s, actor_of(user)).photo is None


def test_guessing_the_current_password_is_rate_limited_like_sign_in(engine: Engine) -> None:
    user = make_user(engine, Role.VIEWER)
    actor = actor_of(user)
    limit = rate_limits.limits().login_failures
    for _ in range(limit):
        with pytest.raises(ValidationFailed), transaction(engine) as s:
            svc.change_password(s, actor, "a-wrong-guess", "fresh-long-secret")
    with pytest.raises(RateLimited), transaction(engine) as s:  # even the right one now
        svc.change_password(s, actor, TEST_PASSWORD, "fresh-long-secret")
    assert reload(engine, user).token_version == 1
