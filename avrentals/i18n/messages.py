"""Messages of the domain (validation errors, refusals) in the reader's language.

The services write their messages in English, with values built in (`"Daily rate must be 0
or more."`). The catalogues hold each message's English template under a `msg.` key
(`"msg.validation.min_zero": "{label} must be 0 or more."`) and its translation; field
labels a message names are under `label.` keys (`"label.daily_rate": "Daily rate"`).
`localise_message` finds the template an English message was written from, translates the
labels among its values and fills the translated template. A message no template matches
stays as written (the coverage test in tests/unit/test_domain_messages.py keeps that from
happening to messages the services write).

Which language: `message_language` — a context variable the adapter sets for the work it
does for one reader (the UI sets the tab's language before calling a service); it defaults
to English, so the API and the tests read English unless they ask otherwise. `DomainError`
and `ValidationFailed` localise their messages when they are raised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from avrentals.i18n import DEFAULT_LANGUAGE, catalogue, normalise_language

MESSAGE_PREFIX = "msg."
LABEL_PREFIX = "label."
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

message_language: ContextVar[str] = ContextVar("message_language", default=DEFAULT_LANGUAGE)


@contextmanager
def messages_in(language: object) -> Iterator[None]:
    """Messages raised inside the block are written in `language`."""
    token = message_language.set(normalise_language(language))
    try:
        yield
    finally:
        message_language.reset(token)


@cache
def _templates() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern of the English template, key), the most literal text first so a specific
    template wins over a general one that would also match."""
    found = []
    for key, text in catalogue(DEFAULT_LANGUAGE).items():
        if not key.startswith(MESSAGE_PREFIX):
            continue
        pattern, last = [], 0
        for match in _PLACEHOLDER.finditer(text):
            pattern.append(re.escape(text[last : match.start()]))
            pattern.append(f"(?P<{match.group(1)}>.+?)")
            last = match.end()
        pattern.append(re.escape(text[last:]))
        literal = len(_PLACEHOLDER.sub("", text))
        found.append((literal, re.compile("".join(pattern), re.S), key))
    found.sort(key=lambda item: -item[0])
    return tuple((pattern, key) for _, pattern, key in found)


@cache
def _labels(language: str) -> dict[str, str]:
    """English label -> the label in `language`."""
    english, other = catalogue(DEFAULT_LANGUAGE), catalogue(language)
    return {
        text: other.get(key, text) for key, text in english.items() if key.startswith(LABEL_PREFIX)
    }


def template_of(message: str) -> tuple[str, dict[str, str]] | None:
    """The catalogue key an English message was written from and the values in it."""
    for pattern, key in _templates():
        match = pattern.fullmatch(message)
        if match:
            return key, match.groupdict()
    return None


def localise_message(message: str, language: object | None = None) -> str:
    """`message` (English, as a service wrote it) in `language` (default: the current
    `message_language`); unchanged when it is English or no template matches."""
    code = normalise_language(language if language is not None else message_language.get())
    if code == DEFAULT_LANGUAGE or not isinstance(message, str) or not message:
        return message
    found = template_of(message)
    if found is None:
        return message
    key, values = found
    labels = _labels(code)
    text = catalogue(code).get(key) or catalogue(DEFAULT_LANGUAGE)[key]
    return text.format_map({name: labels.get(value, value) for name, value in values.items()})
