"""Every page of the app builds its component tree (what `reflex export` evaluates first):
a misuse Reflex only reports while compiling — an `rx.cond` on a Var without its else
branch, an unknown catalogue key, a bad prop — fails here in seconds instead of in the
browser suite's frontend build."""

from __future__ import annotations

import pytest
import reflex as rx

from avrentals.avrentals import app

PAGES = dict(app._unevaluated_pages)


def test_every_route_is_here() -> None:
    assert len(PAGES) >= 20 and "quotes/[quote_id]" in {p.route for p in PAGES.values()}


@pytest.mark.parametrize("route", sorted(PAGES))
def test_page_builds(route: str) -> None:
    page = PAGES[route]
    component = page.component() if callable(page.component) else page.component
    assert isinstance(component, rx.Component)
    assert component.render()  # the tree serialises too
