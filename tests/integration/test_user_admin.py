"""User administration: list filters and paging, create with the password policy, versioned
edits, self-protection, activation, password reset and sign-out-everywhere revoking tokens,
delete refused for users with history, NIF/IBAN privacy, audit and the change bus."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from avrentals.db import read_session, transaction
from avrentals.domain import changes
from avrentals.domain.enums import Role
from avrentals.domain.errors import (
    Forbidden,
    InUse,
    InvalidState,
    NotFound,
    Unauthorized,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.models import AuditLog, User
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import ROLE_DESCRIPTIONS, Actor
from avrentals.domain.services import user_admin as svc
from avrentals.domain.services.auth import actor_for_token, actor_of, issue_token, login
from avrentals.domain.services.users import password_errors
from avrentals.settings import get_settings
from tests.factories import TEST_PASSWORD, make_user
from tests.inventory_factories import make_client

SECRET = get_settings().jwt_secret


def admin(engine: Engine) -> Actor:
    return actor_of(make_user(engine, Role.ADMIN))


def create(engine: Engine, actor: Actor, **data: Any) -> User:
    base = {
        "username": "newhire",
        "name": "New Hire",
        "password": "long-enough-pass",
        "role": "employee",
    }
    with transaction(engine) as s:
        return svc.create_user(s, actor, base | data)


def reload(engine: Engine, user_id: uuid.UUID) -> User:
    with Session(engine) as s:
        user = s.get(User, user_id)
        assert user is not None
        return user


def token_valid(engine: Engine, token: str) -> bool:
    with read_session(engine) as s:
        try:
            actor_for_token(s, token, SECRET)
        except Unauthorized:
            return False
    return True


def test_role_choices_carry_every_role_with_its_description() -> None:
    choices = svc.role_choices()
    assert [c["value"] for c in choices] == [r.value for r in Role]
    assert all(c["description"] == ROLE_DESCRIPTIONS[Role(c["value"])] for c in choices)


def test_list_filters_search_and_pages(engine: Engine) -> None:
    me = admin(engine)
    make_user(engine, Role.MANAGER, username="mia", name="Mia Santos", job_title="Sales lead")
    make_user(engine, Role.TECHNICIAN, username="tom", name="Tom Reis", is_active=False)
    for i in range(3):
        make_user(engine, Role.VIEWER, username=f"viewer{i}", name=f"Viewer {i}")
    with read_session(engine) as s:
        everyone = svc.list_users(s, me, PageRequest(1, 20))
        assert everyone.total == 6
        assert (
            svc.list_users(s, me, PageRequest(1, 20), search="sales").items[0]["username"] == "mia"
        )
        assert [
            r["username"]
            for r in svc.list_users(s, me, PageRequest(1, 20), role="technician").items
        ] == ["tom"]
        inactive = svc.list_users(s, me, PageRequest(1, 20), active="inactive")
        assert [r["username"] for r in inactive.items] == ["tom"]
        assert svc.list_users(s, me, PageRequest(1, 20), active="active").total == 5
        page2 = svc.list_users(s, me, PageRequest(2, 4), sort="username")
        assert page2.total == 6 and len(page2.items) == 2
        with pytest.raises(ValidationFailed) as info:
            svc.list_users(
                s, me, PageRequest(1, 20), role="boss", active="maybe", sort="password_hash"
            )
        assert set(info.value.fields) == {"role", "active", "sort"}


@pytest.mark.parametrize("role", [Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER])
def test_only_admins_and_managers_list_users(engine: Engine, role: Role) -> None:
    actor = actor_of(make_user(engine, role))
    with read_session(engine) as s, pytest.raises(Forbidden):
        svc.list_users(s, actor, PageRequest(1, 20))


def test_private_fields_reach_only_the_user_and_admins(engine: Engine) -> None:
    target = make_user(engine, Role.EMPLOYEE, nif="123456789", iban="PT50000201231234567890154")
    manager = actor_of(make_user(engine, Role.MANAGER))
    me = admin(engine)
    with read_session(engine) as s:
        seen_by_manager = svc.get_user(s, manager, target.id)
        listed = svc.list_users(s, manager, PageRequest(1, 50)).items
        assert "nif" not in seen_by_manager and "iban" not in seen_by_manager
        others = [r for r in listed if r["id"] != str(manager.user_id)]
        assert len(others) == 2 and all("nif" not in r and "iban" not in r for r in others)
        assert "123456789" not in str(listed)
        assert svc.get_user(s, me, target.id)["nif"] == "123456789"
        assert svc.get_user(s, actor_of(target), target.id)["iban"] == "PT50000201231234567890154"
        assert all(
            "password_hash" not in r for r in svc.list_users(s, me, PageRequest(1, 50)).items
        )


def test_create_validates_and_applies_the_password_policy(engine: Engine) -> None:
    me = admin(engine)
    with pytest.raises(ValidationFailed) as info:
        create(engine, me, username="x", name="", password="short", role="boss", email="nope")
    assert set(info.value.fields) >= {"username", "name", "password", "role", "email"}
    with pytest.raises(ValidationFailed) as info:
        create(engine, me, password="password123")
    assert info.value.fields["password"] == ["This password is too common."]
    assert password_errors("Sunshine1") == ["This password is too common."]  # case-insensitive
    user = create(engine, me, job_title="Rigger", is_team_member=True, email="hire@av.pt")
    assert (user.username, user.job_title, user.is_team_member, user.role) == (
        "newhire",
        "Rigger",
        True,
        Role.EMPLOYEE,
    )
    with pytest.raises(ValidationFailed) as info:
        create(engine, me, username="other", email="HIRE@av.pt")
    assert info.value.fields["email"] == ["Another user has this e-mail address."]
    with transaction(engine) as s:  # the new user can sign in
        token, _ = login(s, "newhire", "long-enough-pass", SECRET)
    assert token_valid(engine, token)


def test_versioned_edit_audits_and_publishes(
    engine: Engine, fresh_bus: changes.InProcessBus
) -> None:
    me = admin(engine)
    target = make_user(engine, Role.VIEWER)
    published: list[changes.Change] = []
    fresh_bus.publish = published.append  # type: ignore[method-assign]
    with transaction(engine) as s:
        svc.update_user(s, me, target.id, 1, {"name": "Renamed", "role": "technician"})
    saved = reload(engine, target.id)
    assert (saved.name, saved.role, saved.version) == ("Renamed", Role.TECHNICIAN, 2)
    assert [(c.entity, c.action, c.id) for c in published] == [("user", "update", str(target.id))]
    with Session(engine) as s:
        row = s.exec(select(AuditLog).where(AuditLog.entity_id == str(target.id))).one()
        assert row.new_values == {"name": "Renamed", "role": "technician"}
    with pytest.raises(VersionConflict) as conflict, transaction(engine) as s:
        svc.update_user(s, me, target.id, 1, {"name": "Stale"})
    assert conflict.value.current["name"] == "Renamed"
    assert "password_hash" not in conflict.value.current
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.update_user(s, me, target.id, 2, {"password_hash": "x", "is_active": False})
    assert set(info.value.fields) == {"password_hash", "is_active"}


def test_an_admin_cannot_demote_deactivate_or_delete_themselves(engine: Engine) -> None:
    me_user = make_user(engine, Role.ADMIN)
    me = actor_of(me_user)
    with pytest.raises(InvalidState, match="own role"), transaction(engine) as s:
        svc.update_user(s, me, me.user_id, 1, {"role": "viewer"})
    with pytest.raises(InvalidState, match="deactivate your own"), transaction(engine) as s:
        svc.set_active(s, me, me.user_id, False)
    with pytest.raises(Forbidden, match="re-activate your own"), transaction(engine) as s:
        svc.set_active(s, me, me.user_id, True)
    with pytest.raises(InvalidState, match="delete your own"), transaction(engine) as s:
        svc.delete_user(s, me, me.user_id)
    saved = reload(engine, me.user_id)
    assert (saved.role, saved.is_active, saved.version) == (Role.ADMIN, True, 1)
    with transaction(engine) as s:  # other fields of one's own account are fine
        svc.update_user(s, me, me.user_id, 1, {"job_title": "Owner"})


@pytest.mark.parametrize("role", [Role.MANAGER, Role.TECHNICIAN, Role.EMPLOYEE, Role.VIEWER])
def test_nobody_but_admins_changes_accounts_not_even_their_own_role(
    engine: Engine, role: Role
) -> None:
    user = make_user(engine, role)
    actor = actor_of(user)
    other = make_user(engine, Role.VIEWER)
    calls = [
        lambda s: svc.update_user(s, actor, user.id, 1, {"role": "admin"}),
        lambda s: svc.update_user(s, actor, other.id, 1, {"name": "X"}),
        lambda s: svc.set_active(s, actor, other.id, False),
        lambda s: svc.reset_password(s, actor, other.id, "brand-new-secret"),
        lambda s: svc.sign_out_everywhere(s, actor, other.id),
        lambda s: svc.delete_user(s, actor, other.id),
        lambda s: svc.create_user(
            s,
            actor,
            {"username": "sneaky", "name": "S", "password": "long-enough-pass", "role": "admin"},
        ),
    ]
    for call in calls:
        with pytest.raises(Forbidden), transaction(engine) as s:
            call(s)
    assert reload(engine, user.id).role == role


def test_deactivation_reset_and_sign_out_everywhere_revoke_tokens(engine: Engine) -> None:
    me = admin(engine)
    target = make_user(engine, Role.EMPLOYEE)
    for action in ("sign_out", "reset", "deactivate"):
        token = issue_token(reload(engine, target.id), SECRET)
        assert token_valid(engine, token)
        with transaction(engine) as s:
            if action == "sign_out":
                svc.sign_out_everywhere(s, me, target.id)
            elif action == "reset":
                svc.reset_password(s, me, target.id, "a-new-long-secret")
            else:
                svc.set_active(s, me, target.id, False)
        assert not token_valid(engine, token), action
    saved = reload(engine, target.id)
    assert (saved.token_version, saved.is_active) == (4, False)
    with transaction(engine) as s:  # re-activated, they sign in with the reset password
        svc.set_active(s, me, target.id, True)
    with transaction(engine) as s:
        token, _ = login(s, target.username, "a-new-long-secret", SECRET)
    assert token_valid(engine, token)
    with Session(engine) as s:
        audits = s.exec(select(AuditLog).where(AuditLog.entity_id == str(target.id))).all()
        assert all("password_hash" not in (a.new_values or {}) for a in audits)


def test_reset_password_policy_and_own_account(engine: Engine) -> None:
    me = admin(engine)
    target = make_user(engine, Role.EMPLOYEE)
    with pytest.raises(ValidationFailed) as info, transaction(engine) as s:
        svc.reset_password(s, me, target.id, "qwerty123")
    assert "password" in info.value.fields
    with pytest.raises(InvalidState, match="profile"), transaction(engine) as s:
        svc.reset_password(s, me, me.user_id, "a-new-long-secret")
    assert reload(engine, target.id).token_version == 1


def test_delete_only_users_without_history(engine: Engine) -> None:
    me = admin(engine)
    fresh = make_user(engine, Role.VIEWER)
    with transaction(engine) as s:
        svc.delete_user(s, me, fresh.id)
    with Session(engine) as s:
        assert s.get(User, fresh.id) is None
    worker = make_user(engine, Role.EMPLOYEE)
    with transaction(engine) as s:  # they signed in once: an audit row refers to them
        login(s, worker.username, TEST_PASSWORD, SECRET)
    with pytest.raises(InUse, match="deactivate"), transaction(engine) as s:
        svc.delete_user(s, me, worker.id)
    client = make_client(engine, "Acme")
    creator = make_user(engine, Role.EMPLOYEE)
    with Session(engine) as s:
        row = s.get(type(client), client.id)
        assert row is not None
        row.created_by = creator.id
        s.add(row)
        s.commit()
    with pytest.raises(InUse), transaction(engine) as s:
        svc.delete_user(s, me, creator.id)
    assert reload(engine, creator.id).is_active
    with pytest.raises(NotFound), transaction(engine) as s:
        svc.delete_user(s, me, uuid.uuid4())


def test_team_members_are_active_flagged_users_without_private_fields(engine: Engine) -> None:
    make_user(
        engine,
        Role.TECHNICIAN,
        name="Ana",
        is_team_member=True,
        job_title="Rigger",
        nif="123456789",
    )
    make_user(engine, Role.TECHNICIAN, name="Bruno", is_team_member=True, is_active=False)
    make_user(engine, Role.VIEWER, name="Carla")
    viewer = actor_of(make_user(engine, Role.VIEWER))
    with read_session(engine) as s:
        team = svc.team_members(s, viewer)
    assert [m["name"] for m in team] == ["Ana"]
    assert team[0]["job_title"] == "Rigger"
    assert "nif" not in team[0] and "123456789" not in str(team)


def test_concurrent_edits_of_one_user_never_both_win(pg_engine: Engine) -> None:
    """Two Admins save the same version at once (real threads, real commits): exactly one
    wins, the other gets VersionConflict; the row ends at version 2."""
    import threading

    first, second = admin(pg_engine), admin(pg_engine)
    target_user = make_user(pg_engine, Role.VIEWER)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def edit(actor: Actor, title: str) -> None:
        barrier.wait()
        try:
            with transaction(pg_engine) as s:
                svc.update_user(s, actor, target_user.id, 1, {"job_title": title})
            outcomes.append("saved")
        except VersionConflict:
            outcomes.append("conflict")

    threads = [
        threading.Thread(target=edit, args=(first, "Rigger")),
        threading.Thread(target=edit, args=(second, "Driver")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert reload(pg_engine, target_user.id).version == 2


def test_ui_rows_never_carry_private_fields(engine: Engine) -> None:
    """What the users list and the user form send to a browser has no NIF, IBAN or hash."""
    from avrentals.ui.state.user_form import form_values
    from avrentals.ui.state.users import display_row

    owner = make_user(engine, Role.EMPLOYEE, nif="123456789", iban="PT50000201231234567890154")
    me = admin(engine)
    with read_session(engine) as s:
        row = svc.get_user(s, me, owner.id)  # the Admin view has them...
    assert row["nif"] == "123456789"
    shown = {**display_row(row), **form_values(row)}  # ...the browser's copies do not
    assert "123456789" not in str(shown) and "PT50" not in str(shown)
    assert not {"nif", "iban", "password_hash"} & set(shown)
