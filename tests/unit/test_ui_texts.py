"""Every text the interface shows comes from the translation catalogues.

A static check of `avrentals/ui`: a string literal with letters in it may not be passed to a
Reflex component (`rx.text("Save")`), to a visible keyword of any call (`placeholder=`,
`title=`, `aria_label=`, `label=`...), to a toast, or be assigned to a state var in a handler
(`self.error = "..."`) — those texts go through `t("area.part.name")` (a Var, in the page) or
`LocaleState.text` / `translate` (on the server). And every key named in the code exists in
the English catalogue (the catalogues' own test checks that every language has every key).

`# i18n: not text` at the end of a line exempts it (identifiers that happen to be strings,
e.g. a CSS value passed positionally); use it sparingly.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from avrentals.i18n import catalogue

UI = Path(__file__).resolve().parents[2] / "avrentals" / "ui"
EXEMPT = "# i18n: not text"

# Calls under `rx.` whose string arguments are not shown as text.
NOT_TEXT_CALLS = {
    "rx.icon",
    "rx.color",
    "rx.breakpoints",
    "rx.redirect",
    "rx.call_script",
    "rx.asset",
    "rx.Var",
    "rx.el.style",
    "rx.script",
    "rx.upload_files",
    "rx.selected_files",
    "rx.clear_selected_files",
    "rx.set_value",
    "rx.set_focus",
    "rx.scroll_to",
    "rx.download",
    "rx.match",
    "rx.foreach",
    "rx.ImportVar",
    "rx.Field",
    "rx.event",
    "rx.LocalStorage",
    "rx.Cookie",
    "rx.SessionStorage",
    "rx.console_log",
    "rx.el.meta",
    "rx.el.link",
}
VISIBLE_KEYWORDS = {
    "placeholder",
    "title",
    "aria_label",
    "label",
    "alt",
    "content",
    "description",
    "text",
    "message",
    "empty_text",
    "confirm_text",
    "cancel_text",
    "hint",
    "help_text",
    "subtitle",
    "heading",
}
LETTERS = re.compile(r"[A-Za-z]{2,}")
KEY_CALLS = {"t", "text", "translate"}


def _dotted(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _is_text(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(LETTERS.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_text(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def _capitalised(node: ast.expr) -> bool:
    first = node.values[0] if isinstance(node, ast.JoinedStr) and node.values else node
    text = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and letters[0].isupper()


def _literal(node: ast.expr) -> str:
    return ast.unparse(node)[:70]


def offences(path: Path) -> Iterator[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and n.body
        and isinstance(n.body[0], ast.Expr)
    }

    def report(node: ast.expr, why: str) -> Iterator[str]:
        if id(node) in docstrings or lines[node.lineno - 1].rstrip().endswith(EXEMPT):
            return
        yield f"{path.relative_to(UI.parent.parent)}:{node.lineno}: {why}: {_literal(node)}"

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            if name.startswith("rx.") and name not in NOT_TEXT_CALLS:
                for arg in node.args:
                    if _is_text(arg):
                        yield from report(arg, f"text passed to {name}")
            for keyword in node.keywords:
                if keyword.arg in VISIBLE_KEYWORDS and _is_text(keyword.value):
                    yield from report(keyword.value, f"text as {keyword.arg}=")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            # Values of state vars are often identifiers ("edit", "checked-out"); a text
            # shown to people starts with a capital letter.
            if value is None or not _is_text(value) or not _capitalised(value):
                continue
            if any(
                isinstance(tg, ast.Attribute)
                and isinstance(tg.value, ast.Name)
                and tg.value.id == "self"
                for tg in targets
            ):
                yield from report(value, "text assigned to a state var")


def keys_named(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and _dotted(node.func).split(".")[-1] in KEY_CALLS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+){2,}", node.args[0].value)
        ):
            yield node.args[0].value, node.lineno


UI_FILES = sorted(UI.rglob("*.py"))


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(UI)))
def test_no_visible_text_outside_the_catalogues(path: Path) -> None:
    found = list(offences(path))
    assert found == [], "texts not in the catalogues:\n" + "\n".join(found)


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(UI)))
def test_every_key_the_interface_names_exists(path: Path) -> None:
    english = catalogue("en")
    missing = [f"{path.name}:{line}: {key}" for key, line in keys_named(path) if key not in english]
    assert missing == []


def test_the_check_finds_texts_it_must_find(tmp_path: Path) -> None:
    sample = UI / "_sample_for_the_check.py"
    sample.write_text(
        "import reflex as rx\n"
        "def page():\n"
        '    rx.text("Save changes")\n'
        '    rx.icon("save")\n'
        '    form_field(label="Name", name="name")\n'
        '    rx.button(t("common.save.label"), size="2")\n'
        '    rx.text("—")\n'
        "class S:\n"
        "    def h(self):\n"
        '        self.error = "Name is required"\n'
        '        self.mode = "edit"\n',
        encoding="utf-8",
    )
    try:
        found = list(offences(sample))
    finally:
        sample.unlink()
    assert [line.split(": ", 1)[1] for line in found] == [
        "text passed to rx.text: 'Save changes'",
        "text as label=: 'Name'",
        "text assigned to a state var: 'Name is required'",
    ], found
