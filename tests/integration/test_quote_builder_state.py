"""The quote builder's state against the real quote service on PostgreSQL: a new document
starts with the required fees, prices through `preview_totals`, is created by the first
save and saved again with its version; a concurrent save ends in the field-by-field
conflict and "apply mine" keeps both people's edits; read-only roles change nothing.

Handlers run in-process on the real state tree (`Handler.fn(state, ...)`), as the role
matrix test does."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from reflex.istate.data import ReflexURL
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import avrentals.db
from avrentals.db import transaction
from avrentals.domain.changes import Change
from avrentals.domain.enums import Role
from avrentals.domain.models import Quote, QuoteItem
from avrentals.domain.services import fee_catalogue, quotes, service_catalogue
from avrentals.domain.services.auth import actor_of
from avrentals.domain.services.quote_values import HEADER_FIELDS, LINE_FIELDS
from avrentals.ui.state.quote_builder import QuoteBuilderState
from avrentals.ui.state.quote_send import QuoteSendState
from tests.factories import make_item, make_user
from tests.integration.test_ui_handler_roles import Tab
from tests.inventory_factories import make_client
from tests.smtp_server import configure, running_server

B = QuoteBuilderState


@pytest.fixture
def db(pg_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setattr(avrentals.db, "get_engine", lambda: pg_engine)
    return pg_engine


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def catalogue(engine: Engine) -> dict[str, Any]:
    admin = actor_of(make_user(engine, Role.ADMIN))
    with transaction(engine) as s:
        service = service_catalogue.create_service(
            s, admin, {"name": "Sound technician", "unit_price": "200.00", "unit": "day"}
        )
        fee = fee_catalogue.create_fee(
            s, admin, {"name": "Transport", "amount": "50.00", "is_required": True}
        )
        ids = {"service": str(service.id), "fee": str(fee.id)}
    item = make_item(engine, name="Shure SM58", quantity=10)  # daily rate 12.50
    client = make_client(engine, "Acme Events")
    return ids | {"item": str(item.id), "client": str(client.id)}


async def current_actor(tab: Tab) -> Any:
    from avrentals.ui.state.auth import AuthState

    return await tab.state(AuthState)._current_actor()


async def build_draft(tab: Tab, ids: dict[str, Any]) -> Any:
    builder = tab.state(B)
    actor = await current_actor(tab)
    builder._reset()
    builder.can_write = actor.can("quotes:write")
    await builder._open_new(actor)
    builder.loaded = True
    await tab.call(B, "set_field", "name", "Summer Gala")
    await tab.call(B, "search_clients", "Acme")
    await tab.call(B, "pick_client", ids["client"])
    await tab.call(B, "search_equipment", "SM58")
    await tab.call(B, "equipment_key", "Enter")  # adds the highlighted result
    await tab.call(B, "add_service", ids["service"])
    return builder


def saved_quote(engine: Engine, quote_id: str) -> tuple[Quote, list[QuoteItem]]:
    with Session(engine) as s:
        quote = s.get(Quote, uuid.UUID(quote_id))
        assert quote is not None
        lines = s.exec(
            select(QuoteItem).where(QuoteItem.quote_id == quote.id).order_by(QuoteItem.position)
        ).all()
        return quote, list(lines)


def test_new_quote_prices_on_the_server_and_autosaves(db: Engine) -> None:
    ids = catalogue(db)
    tab = Tab()
    tab.sign_in(make_user(db, Role.EMPLOYEE))

    async def scenario() -> None:
        builder = await build_draft(tab, ids)
        # The required fee was on the new document before anything was saved.
        assert [line["item_type"] for line in builder.lines] == ["fee", "equipment", "service"]
        assert builder.header["client_email"] == ""  # make_client has no e-mail
        assert builder.header["client_name"] == "Acme Events"
        equipment = builder.lines[1]
        assert equipment["unit_price"] == "12.5"
        assert equipment["short"] == "available 10 of 10"
        # Totals are the service's: 1 x 12.50 + 1 x 200 (one day) + 50 fee, 23 % tax.
        assert builder.totals["sub_total"] == "€212.50"
        assert builder.totals["fees"] == "€50.00"
        assert builder.totals["total"] == "€322.88"
        assert builder.save_status == "unsaved"
        key = equipment["key"]
        await tab.call(B, "set_line", key, "quantity", "3")
        assert builder.totals["sub_total"] == "€237.50"
        assert builder.lines[1]["line_total"] == "€37.50"

        await tab.call(B, "autosave")  # the background task: waits for the pause, saves
        assert builder.save_status == "saved", builder.form_error
        assert builder.quote_id and builder.number.startswith("Q")
        quote, lines = saved_quote(db, builder.quote_id)
        assert quote.name == "Summer Gala" and str(quote.client_id) == ids["client"]
        assert [ln.quantity for ln in lines] == [1, 3, 1]
        assert quote.total == Decimal("353.63")  # (237.50 + 50) x 1.23
        assert builder.totals["total"] == "€353.63"
        version = builder.version

        await tab.call(B, "set_field", "discount_value", "10")
        await tab.call(B, "set_discount_type", "percentage")
        assert builder.totals["discount_label"] == "Discount (10 %)"
        await tab.call(B, "save_now")
        quote, _lines = saved_quote(db, builder.quote_id)
        assert quote.version == version + 1 == builder.version
        assert quote.discount_amount == Decimal("23.75")

        # Another device opens the same draft and sees the same document.
        other = Tab()
        other.sign_in(make_user(db, Role.EMPLOYEE))
        second = other.state(B)
        second.quote_id = builder.quote_id
        second.can_write = True
        await second._reload_saved(await current_actor(other))
        assert second.header["name"] == "Summer Gala"
        assert [ln["quantity"] for ln in second.lines] == ["1", "3", "1"]
        assert second.totals == builder.totals

    run(scenario())


def test_field_messages_come_from_the_service(db: Engine) -> None:
    ids = catalogue(db)
    tab = Tab()
    tab.sign_in(make_user(db, Role.MANAGER))

    async def scenario() -> None:
        builder = await build_draft(tab, ids)
        key = builder.lines[1]["key"]
        await tab.call(B, "set_line", key, "quantity", "0")
        assert builder.lines[1]["err_quantity"]
        assert builder.totals_note
        await tab.call(B, "set_line", key, "quantity", "2")
        await tab.call(B, "set_field", "end_date", "2000-01-01")
        assert builder.errors["end_date"]
        await tab.call(B, "set_field", "tax_percent", "abc")
        assert builder.errors["tax_percent"]
        assert not builder._preview_ok
        await tab.call(B, "save_now")
        assert not builder.quote_id  # nothing was created

    run(scenario())


def test_concurrent_save_shows_the_conflict_and_apply_mine_keeps_both(db: Engine) -> None:
    ids = catalogue(db)
    tab = Tab()
    user = make_user(db, Role.EMPLOYEE)
    tab.sign_in(user)

    async def scenario() -> None:
        builder = await build_draft(tab, ids)
        await tab.call(B, "save_now")
        assert builder.save_status == "saved"
        save_elsewhere(db, user, builder.quote_id, location="Porto")  # someone else first
        await tab.call(B, "set_field", "name", "Summer Gala 2")
        await tab.call(B, "save_now")
        assert "changed this quote" in builder.conflict
        fields = {row["field"] for row in builder.conflict_rows}
        assert {"name", "location"} <= fields
        await tab.call(B, "apply_mine")
        await tab.call(B, "save_now")
        quote, _lines = saved_quote(db, builder.quote_id)
        assert (quote.name, quote.location) == ("Summer Gala 2", "Porto")
        assert builder.save_status == "saved" and not builder.conflict

    run(scenario())


@pytest.mark.parametrize("role", [Role.VIEWER, Role.TECHNICIAN])
def test_read_only_roles_change_nothing(db: Engine, role: Role) -> None:
    ids = catalogue(db)
    tab = Tab()
    tab.sign_in(make_user(db, role))

    async def scenario() -> None:
        builder = tab.state(B)
        actor = await current_actor(tab)
        builder.can_write = actor.can("quotes:write")
        await builder._open_new(actor)
        builder.loaded = True
        assert not builder.editable
        await tab.call(B, "set_field", "name", "Sneaky")
        await tab.call(B, "add_service", ids["service"])
        await tab.call(B, "save_now")
        assert builder.header["name"] == "" and builder.save_status == "new"

    run(scenario())
    with Session(db) as s:
        assert s.exec(select(Quote)).first() is None


def on_page(tab: Tab, quote_id: str) -> None:
    """The tab has /quotes/<id> open (what the live updates check)."""
    url = ReflexURL(f"http://localhost:3000/quotes/{quote_id}")
    tab.root.router = dataclasses.replace(tab.root.router, url=url)


def save_elsewhere(engine: Engine, user: Any, quote_id: str, **changes: Any) -> int:
    """Someone else saves the quote (the service, another session); returns the version."""
    actor = actor_of(user)
    with transaction(engine) as s:
        saved = quotes.quote_payload(s, quotes.get_quote(s, actor, uuid.UUID(quote_id)))
        values = {k: v for k, v in saved.items() if k in HEADER_FIELDS and v is not None}
        values["items"] = [
            {k: v for k, v in line.items() if k in LINE_FIELDS and v is not None}
            for line in saved["items"]
        ]
        quote = quotes.update_quote(
            s, actor, uuid.UUID(quote_id), values | changes, saved["version"]
        )
        return quote.version


def test_live_change_shows_their_version_or_keeps_unsaved_typing(db: Engine) -> None:
    ids = catalogue(db)
    tab = Tab()
    tab.sign_in(make_user(db, Role.EMPLOYEE))
    mia = make_user(db, Role.MANAGER, name="Mia Santos")

    async def scenario() -> None:
        builder = await build_draft(tab, ids)
        await tab.call(B, "save_now")
        on_page(tab, builder.quote_id)
        # Nothing unsaved here: their version shows, and who changed it.
        version = save_elsewhere(db, mia, builder.quote_id, location="Porto")
        change = Change("quote", "update", builder.quote_id, version, mia.username, mia.name)
        await builder._apply_changes([change])
        assert builder.header["location"] == "Porto" and builder.version == version
        assert builder.live_notice.startswith("Mia Santos changed this quote")
        # Unsaved typing is kept; the user is told before the save conflicts.
        await tab.call(B, "set_field", "name", "My new name")
        version = save_elsewhere(db, mia, builder.quote_id, location="Braga")
        change = Change("quote", "update", builder.quote_id, version, mia.username, mia.name)
        await builder._apply_changes([change])
        assert builder.header["name"] == "My new name"
        assert builder.header["location"] == "Porto"
        assert builder.stale_notice.startswith("Mia Santos changed this quote")
        # The tab's own save is not news.
        builder.stale_notice = ""
        await tab.call(B, "discard_mine")
        await tab.call(B, "set_field", "notes", "Side stage")
        await tab.call(B, "save_now")
        own = Change("quote", "update", builder.quote_id, builder.version, "x", "x")
        await builder._apply_changes([own])
        assert not builder.stale_notice and builder.header["notes"] == "Side stage"

    run(scenario())


def test_a_failed_delivery_is_shown_and_changes_nothing(db: Engine) -> None:
    ids = catalogue(db)
    tab = Tab()
    tab.sign_in(make_user(db, Role.EMPLOYEE))

    async def scenario() -> None:
        builder = await build_draft(tab, ids)
        await tab.call(B, "save_now")
        with running_server() as smtp:
            configure(db, smtp.port)
            smtp.inbox.refuse = True
            await tab.call(QuoteSendState, "open_send")
            send = tab.state(QuoteSendState)
            assert send.send_open
            await tab.call(QuoteSendState, "set_recipient", "events@acme.example")
            await tab.call(QuoteSendState, "send")
            assert send.send_open and send.send_error
            quote, _lines = saved_quote(db, builder.quote_id)
            assert quote.status == "Draft" and quote.sent_at is None
            smtp.inbox.refuse = False
            await tab.call(QuoteSendState, "send")
            assert not send.send_open, send.send_error
            assert builder.status == "Sent" and len(smtp.inbox.messages) == 1

    run(scenario())


def test_mark_sent_then_declined_from_the_confirmation(db: Engine) -> None:
    """A quote given to the client another way is marked Sent (nothing e-mailed), then
    Declined; each step is confirmed first, and a step the workflow does not allow is shown
    in the dialog and changes nothing."""
    from avrentals.ui.state.quote_actions import QuoteActionsState as X

    ids = catalogue(db)
    tab = Tab()
    tab.sign_in(make_user(db, Role.EMPLOYEE))

    async def scenario() -> None:
        builder = await build_draft(tab, ids)
        await tab.call(B, "save_now")
        quote_id = builder.quote_id
        actions = tab.state(X)
        # Declining a Draft is not a step of the workflow: refused in the dialog.
        await tab.call(X, "ask", "decline", quote_id)
        assert actions.confirm_open and actions.target_status == "Draft"
        await tab.call(X, "confirm")
        assert actions.confirm_open and "Draft to Declined" in actions.error
        assert saved_quote(db, quote_id)[0].status == "Draft"
        await tab.call(X, "set_confirm_open", False)

        await tab.call(X, "ask", "mark_sent", quote_id)
        await tab.call(X, "confirm")
        assert not actions.confirm_open and not actions.error
        quote, _lines = saved_quote(db, quote_id)
        assert quote.status == "Sent" and quote.sent_to is None  # nothing was e-mailed
        assert quote.sent_at is not None  # the day the client got it
        assert quote.valid_until == quote.sent_at.date() + timedelta(days=30)
        assert builder.status == "Sent"  # the open builder follows
        assert builder.sent_on and builder.valid_until and not builder.expired
        assert not builder.changed_since_sent

        # Changed after the client got it: the builder and the approval both say so.
        await tab.call(B, "set_field", "location", "Another venue")
        await tab.call(B, "save_now")
        assert builder.save_status == "saved" and builder.changed_since_sent
        await tab.call(X, "ask", "approve", quote_id)
        assert actions.confirm_open and actions.target_changed
        await tab.call(X, "set_confirm_open", False)

        await tab.call(X, "ask", "decline", quote_id)
        await tab.call(X, "confirm")
        assert not actions.confirm_open and not actions.error
        assert saved_quote(db, quote_id)[0].status == "Declined"
        assert builder.status == "Declined" and not builder.editable

        # An unknown kind opens nothing.
        await tab.call(X, "ask", "accept", quote_id)
        assert not actions.confirm_open

    run(scenario())


@pytest.mark.parametrize("role", [Role.VIEWER, Role.TECHNICIAN])
def test_read_only_roles_cannot_change_the_status(db: Engine, role: Role) -> None:
    from avrentals.ui.state.quote_actions import QuoteActionsState as X

    ids = catalogue(db)
    writer = Tab()
    writer.sign_in(make_user(db, Role.EMPLOYEE))
    reader = Tab()
    reader.sign_in(make_user(db, role))

    async def scenario() -> None:
        builder = await build_draft(writer, ids)
        await writer.call(B, "save_now")
        await reader.call(X, "ask", "mark_sent", builder.quote_id)
        assert not reader.state(X).confirm_open
        # Even with the dialog state forced open, the service refuses.
        actions = reader.state(X)
        actions.kind, actions.target_id, actions.confirm_open = (
            "mark_sent",
            builder.quote_id,
            True,
        )
        actions._version = builder.version
        await reader.call(X, "confirm")
        assert actions.error
        assert saved_quote(db, builder.quote_id)[0].status == "Draft"

    run(scenario())
