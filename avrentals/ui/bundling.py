"""How the production frontend is split into JavaScript files.

Left to itself the bundler cuts the libraries into one file per icon, per Radix component and
per helper: the equipment page alone asked for 136 files (≈500 KB compressed). A tablet on
the warehouse Wi-Fi fetches them six at a time, each a round trip. `VendorChunkPlugin` puts
every library module (everything under `node_modules`) in one `vendor` file, fetched once and
then cached by its content hash; the app's own pages keep their per-page files.

It is a Reflex plugin: after Reflex writes `vite.config.js` (on every compile) it adds the
group to the config's `output.codeSplitting.groups`. A Reflex version whose config no longer
has that list fails the build with a message, rather than silently going back to 136 files.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

VITE_CONFIG = "vite.config.js"
GROUPS_MARKER = "codeSplitting: {\n          groups: ["
VENDOR_GROUP = '\n            { name: "vendor", test: /[\\\\/]node_modules[\\\\/]/ },'


class BundlingError(RuntimeError):
    """Reflex's vite.config.js no longer has the place the vendor group goes."""


def with_vendor_chunk(vite_config: str) -> str:
    """`vite_config` with the vendor group first in `codeSplitting.groups` (idempotent).
    Raises BundlingError when the config has no such list."""
    if VENDOR_GROUP in vite_config:
        return vite_config
    if vite_config.count(GROUPS_MARKER) != 1:
        raise BundlingError(
            f"{VITE_CONFIG} has no single `codeSplitting.groups` list to add the vendor chunk "
            "to (Reflex's template changed?): see avrentals/ui/bundling.py"
        )
    return vite_config.replace(GROUPS_MARKER, GROUPS_MARKER + VENDOR_GROUP)


class VendorChunkPlugin(rx.plugins.Plugin):
    """Adds the vendor chunk to every compiled vite.config.js (see the module doc)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](VITE_CONFIG, with_vendor_chunk)
