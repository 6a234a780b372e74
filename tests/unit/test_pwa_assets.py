"""The installable-app files in assets/ agree with each other: every file the service worker
pre-caches exists (one missing file makes the whole install fail), the manifest's icons are
PNGs of the sizes it claims, and the committed icons are what scripts/make_pwa_icons.py draws."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "assets"


def _shell_list() -> list[str]:
    source = (ASSETS / "sw.js").read_text()
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S)
    assert block, "sw.js has no SHELL list"
    offline = re.search(r'const OFFLINE_URL = "(/[^"]+)";', source)
    assert offline and "OFFLINE_URL" in block.group(1)
    return [offline.group(1), *re.findall(r'"(/[^"]+)"', block.group(1))]


def test_every_precached_file_exists():
    paths = _shell_list()
    assert "/offline.html" in paths and "/manifest.webmanifest" in paths
    for path in paths:
        assert (ASSETS / path.lstrip("/")).is_file(), path


def test_manifest_icons_are_pngs_of_their_declared_size():
    manifest = json.loads((ASSETS / "manifest.webmanifest").read_text())
    icons = list(manifest["icons"])
    for shortcut in manifest["shortcuts"]:
        icons += shortcut["icons"]
    assert {i.get("purpose", "any") for i in manifest["icons"]} == {"any", "maskable"}
    for icon in icons:
        with Image.open(ASSETS / icon["src"].lstrip("/")) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]
        assert "/" + icon["src"].lstrip("/") in _shell_list(), f"{icon['src']} not pre-cached"


def test_maskable_icon_is_full_bleed():
    # A maskable icon must paint its corners: the platform's mask, not transparency, shapes it.
    with Image.open(ASSETS / "icons" / "icon-maskable-512.png") as image:
        rgba = image.convert("RGBA")
        assert all(rgba.getpixel(p)[3] == 255 for p in ((0, 0), (511, 0), (0, 511), (511, 511)))


def test_committed_icons_match_the_script(tmp_path: Path):
    script = (ROOT / "scripts" / "make_pwa_icons.py").read_text()
    copy = tmp_path / "scripts" / "make_pwa_icons.py"
    copy.parent.mkdir()
    copy.write_text(script)
    subprocess.run([sys.executable, str(copy)], check=True, capture_output=True)
    for drawn in sorted((tmp_path / "assets" / "icons").glob("*.png")):
        with Image.open(drawn) as new, Image.open(ASSETS / "icons" / drawn.name) as committed:
            diff = ImageChops.difference(new.convert("RGBA"), committed.convert("RGBA"))
            assert diff.getbbox() is None, f"{drawn.name} differs: run scripts/make_pwa_icons.py"
