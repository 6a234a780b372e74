"""Interface texts in the reader's language.

`t("nav.inventory")` is a Reflex Var: the browser looks the key up in the catalogues of
`avrentals/i18n` (shipped once, as a static module generated from them when the app is
compiled) for the tab's current `LocaleState.language`, so switching the language re-renders
every label at once without sending texts over the socket. Texts built on the server
(toasts, messages set by handlers) use `tr(state, key)` / `translate` with the same
keys.

The language of a tab is, in order: the signed-in user's own choice (stored on their user
row), else the browser's language (`Accept-Language` of the live connection), else the
company's default language from the settings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import reflex as rx
from reflex.vars.base import VarData

from avrentals.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue
from avrentals.ui.state.locale import LocaleState

_MODULE_PATH = "/i18n/catalogues.js"
_IMPORTABLE = f"$/public{_MODULE_PATH}"
_FUNCTION = "avrTranslate"

_MODULE_SOURCE = """// Generated from avrentals/i18n at compile time; do not edit.
export const CATALOGUES = {catalogues};
export function {function}(key, language, params) {{
  const own = CATALOGUES[language] || {{}};
  let text = own[key] ?? CATALOGUES.{default}[key] ?? key;
  if (params) {{
    text = text.replace(/\\{{(\\w+)\\}}/g, (whole, name) =>
      params[name] === undefined || params[name] === null ? whole : String(params[name]));
  }}
  return text;
}}
"""


def write_catalogue_module(assets_dir: Path) -> Path:
    """Write the browser's catalogue module into `assets_dir` (Reflex copies the assets to
    the web build when it compiles); returns its path. Rewritten only when it changed."""
    target = assets_dir / _MODULE_PATH.lstrip("/")
    source = _MODULE_SOURCE.format(
        catalogues=json.dumps(
            {lang: catalogue(lang) for lang in LANGUAGES}, ensure_ascii=False, sort_keys=True
        ),
        function=_FUNCTION,
        default=DEFAULT_LANGUAGE,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_text(encoding="utf-8") != source:
        target.write_text(source, encoding="utf-8")
    return target


def _param_js(value: Any) -> str:
    if isinstance(value, rx.Var):
        return str(value)
    return json.dumps(value)


def t(key: str | rx.Var[str], **params: Any) -> rx.Var[str]:
    """The text of catalogue `key` in the tab's language, as a Var; `params` fill `{name}`
    placeholders and may be Vars themselves. `key` may be a Var (a state var holding a
    key, e.g. a status message chosen by a handler); an unknown key then shows as itself.

    Raises KeyError at compile time when a literal key is not in the English catalogue, so
    a typo fails the build rather than showing a key to users."""
    if isinstance(key, str) and key not in catalogue(DEFAULT_LANGUAGE):
        raise KeyError(f"{key!r} is not in the English catalogue")
    language = LocaleState.language
    var_data = [
        language._get_all_var_data(),
        VarData(imports={_IMPORTABLE: [rx.ImportVar(tag=_FUNCTION)]}),
    ]
    if isinstance(key, rx.Var):
        var_data.append(key._get_all_var_data())
        args = [str(key), str(language)]
    else:
        args = [json.dumps(key), str(language)]
    if params:
        args.append(
            "{" + ", ".join(f"{json.dumps(k)}: {_param_js(v)}" for k, v in params.items()) + "}"
        )
        var_data += [v._get_all_var_data() for v in params.values() if isinstance(v, rx.Var)]
    return rx.Var(
        _js_expr=f"{_FUNCTION}({', '.join(args)})",
        _var_type=str,
        _var_data=VarData.merge(*var_data),
    )


async def tr(state: rx.State, key: str, **params: Any) -> str:
    """`key` in the language of the tab `state` belongs to, for texts a handler builds on
    the server (toasts, messages): `self.error = await tr(self, "clients.form.saved")`."""
    locale = await state.get_state(LocaleState)
    return locale._text(key, **params)
