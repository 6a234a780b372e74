"""What a tablet downloads to open a page: the libraries come in one `vendor` file (see
avrentals/ui/bundling.py), not one file per icon and component (136 files before), and the
build's hashed files are kept by the browser instead of being asked for again."""

from __future__ import annotations

import urllib.error

import pytest
from playwright.sync_api import Response

from avrentals.api.middleware import IMMUTABLE_CACHE
from tests.e2e.conftest import Server, http_get, sign_in, wait_rows

pytestmark = pytest.mark.e2e

MAX_SCRIPT_FILES = 25


def test_a_page_loads_its_libraries_from_one_vendor_file(server: Server, new_context) -> None:
    signed_in = new_context().new_page()
    sign_in(signed_in, server.url, "tech")
    page = new_context(storage_state=signed_in.context.storage_state()).new_page()
    scripts: list[Response] = []
    page.on(
        "response",
        lambda response: (
            scripts.append(response) if response.request.resource_type == "script" else None
        ),
    )
    page.goto(f"{server.url}/equipment")
    wait_rows(page)
    urls = [response.url for response in scripts]
    vendor = [response for response in scripts if "/assets/vendor-" in response.url]
    assert len(vendor) == 1, urls
    assert len(scripts) <= MAX_SCRIPT_FILES, f"{len(scripts)} script files: {urls}"
    assert vendor[0].headers["cache-control"] == IMMUTABLE_CACHE
    # Files outside /assets/ (our own scripts, named without a hash) are revalidated.
    own = [r for r in scripts if "/assets/" not in r.url and r.url.startswith(server.url)]
    assert own and all(r.headers.get("cache-control") != IMMUTABLE_CACHE for r in own)


def test_a_missing_asset_is_not_cached_as_immutable(server: Server) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        http_get(f"{server.url}/assets/vendor-00000000.js")
    assert refused.value.code == 404
    assert refused.value.headers.get("cache-control") != IMMUTABLE_CACHE
