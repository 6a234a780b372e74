"""The interface language of a tab on PostgreSQL: the signed-in user's stored choice wins,
else the browser's Accept-Language, else the company's default language; the header switch
stores the choice on the user's row (and only theirs), "" goes back to following the
browser, and anything else changes nothing. Handlers run in-process on the real state tree
(`Handler.fn(state, ...)`), as the role matrix test does."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
from reflex.istate.data import HeaderData
from sqlalchemy.engine import Engine
from sqlmodel import Session

import avrentals.db
from avrentals.db import transaction
from avrentals.domain.enums import Language, Role
from avrentals.domain.models import User
from avrentals.domain.services import settings_admin
from avrentals.domain.services.auth import actor_of
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.locale import LocaleState
from tests.factories import make_user
from tests.integration.test_ui_handler_roles import Tab


@pytest.fixture
def db(pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(avrentals.db, "get_engine", lambda: pg_engine)
    return pg_engine


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def tab_with_browser(accept_language: str) -> Tab:
    tab = Tab()
    headers = HeaderData(accept_language=accept_language)
    tab.root.router = dataclasses.replace(tab.root.router, headers=headers)
    return tab


def stored_language(engine: Engine, user: User) -> Language | None:
    with Session(engine) as s:
        row = s.get(User, user.id)
        assert row is not None
        return row.language


def test_a_user_without_a_choice_follows_the_browser_then_the_company(db: Engine) -> None:
    user = make_user(db, Role.EMPLOYEE)
    assert stored_language(db, user) is None  # new accounts follow the browser

    tab = tab_with_browser("pt-PT,pt;q=0.9,en;q=0.8")
    tab.sign_in(user)
    run(tab.call(AuthState, "require_login"))
    assert tab.state(LocaleState).language == "pt"
    assert tab.state(LocaleState).chosen == ""

    admin = actor_of(make_user(db, Role.ADMIN))
    with transaction(db) as s:
        current = settings_admin.read_settings(s, admin)
        settings_admin.update_settings(s, admin, current["version"], {"default_language": "pt"})
    german = tab_with_browser("de-DE,de;q=0.9")
    german.sign_in(user)
    run(german.call(AuthState, "require_login"))
    assert german.state(LocaleState).language == "pt"  # no supported browser language


def test_the_switch_stores_the_choice_for_the_user_and_every_tab_follows_it(db: Engine) -> None:
    user = make_user(db, Role.TECHNICIAN)
    other = make_user(db, Role.TECHNICIAN)
    tab = tab_with_browser("en-GB,en;q=0.9")
    tab.sign_in(user)
    run(tab.call(AuthState, "require_login"))
    assert tab.state(LocaleState).language == "en"

    run(tab.call(LocaleState, "choose_language", "pt"))
    assert tab.state(LocaleState).language == "pt"
    assert stored_language(db, user) == Language.PT
    assert stored_language(db, other) is None

    second_device = tab_with_browser("en-US")
    second_device.sign_in(user)
    run(second_device.call(AuthState, "require_login"))
    assert second_device.state(LocaleState).language == "pt"

    run(tab.call(LocaleState, "choose_language", ""))  # back to following the browser
    assert stored_language(db, user) is None
    assert tab.state(LocaleState).language == "en"


@pytest.mark.parametrize("value", ["de", "PT ", 7, None, ["pt"], "x" * 5000])
def test_anything_but_a_language_changes_nothing(db: Engine, value: Any) -> None:
    user = make_user(db, Role.EMPLOYEE)
    tab = tab_with_browser("en")
    tab.sign_in(user)
    run(tab.call(AuthState, "require_login"))
    run(tab.call(LocaleState, "choose_language", value))
    assert tab.state(LocaleState).language == "en"
    assert stored_language(db, user) is None


def test_on_the_sign_in_page_the_switch_changes_only_the_tab(db: Engine) -> None:
    user = make_user(db, Role.EMPLOYEE)
    tab = tab_with_browser("en")
    run(tab.call(AuthState, "open_login"))
    run(tab.call(LocaleState, "choose_language", "pt"))
    assert tab.state(LocaleState).language == "pt"
    assert stored_language(db, user) is None


def test_what_the_services_refuse_is_written_in_the_tabs_language(db: Engine) -> None:
    from avrentals.domain.errors import ValidationFailed
    from avrentals.domain.services import profile as profile_service
    from avrentals.ui.state.auth import AuthState as Auth

    user = make_user(db, Role.EMPLOYEE)
    tab = tab_with_browser("pt-PT")
    tab.sign_in(user)

    async def refused_in_tab() -> ValidationFailed:
        await tab.call(Auth, "require_login")  # the tab's language: Portuguese
        actor = await tab.state(Auth)._current_actor()
        with pytest.raises(ValidationFailed) as caught, transaction(db) as s:
            profile_service.update_profile(s, actor, user.version, {"name": ""})
        return caught.value

    refusal = run(refused_in_tab())
    assert tab.state(LocaleState).language == "pt"
    message = refusal.fields["name"][0]
    assert message == "O nome é obrigatório.", message

    with pytest.raises(ValidationFailed) as english, transaction(db) as s:  # no tab: English
        profile_service.update_profile(s, actor_of(user), user.version, {"name": ""})
    assert english.value.fields["name"] == ["Name is required."]
