"""The vendor chunk is added to the vite.config.js Reflex writes (avrentals/ui/bundling.py)."""

from __future__ import annotations

import pytest
from reflex.utils.frontend_skeleton import _compile_vite_config

import rxconfig
from avrentals.ui.bundling import VENDOR_GROUP, BundlingError, VendorChunkPlugin, with_vendor_chunk


def reflex_vite_config() -> str:
    """The config this Reflex version writes for our app (before the plugin runs)."""
    return _compile_vite_config(rxconfig.config)


def test_the_vendor_group_goes_into_reflexs_own_config_once() -> None:
    patched = with_vendor_chunk(reflex_vite_config())
    assert patched.count(VENDOR_GROUP) == 1
    groups = patched.index("groups: [")
    assert patched.index('name: "vendor"') > groups
    assert patched.index("node_modules") > groups
    assert with_vendor_chunk(patched) == patched


def test_a_config_without_the_groups_list_fails_the_build_with_a_message() -> None:
    config = reflex_vite_config().replace("codeSplitting", "chunking")
    with pytest.raises(BundlingError, match=r"codeSplitting\.groups"):
        with_vendor_chunk(config)


def test_the_plugin_is_configured_and_asks_to_modify_vite_config() -> None:
    plugins = [p for p in rxconfig.config.plugins if isinstance(p, VendorChunkPlugin)]
    assert len(plugins) == 1
    tasks: list[tuple] = []
    plugins[0].pre_compile(add_modify_task=lambda *args: tasks.append(args))
    assert tasks == [("vite.config.js", with_vendor_chunk)]
