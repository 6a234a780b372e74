"""Every message the services write has its template in the catalogues, so a Portuguese
reader gets it in Portuguese (`avrentals.i18n.messages`).

A static scan of `avrentals/domain`: the text given to a DomainError (any of its classes),
to `Errors.add(field, text)`, in a `ValidationFailed({...: [text]})` literal, and module
constants named `*_MESSAGE` / `*_ERROR`. An f-string becomes a sample with a stand-in for
each value; the sample must match one `msg.` template of the English catalogue, and the
labels those messages name must have `label.` entries. A message built elsewhere and passed
in a variable is not seen here (it is checked where it is written, if it is a literal).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from avrentals.domain import errors as domain_errors
from avrentals.domain.errors import DomainError, ValidationFailed
from avrentals.i18n import catalogue, placeholders
from avrentals.i18n.messages import (
    LABEL_PREFIX,
    MESSAGE_PREFIX,
    localise_message,
    messages_in,
    template_of,
)

DOMAIN = Path(__file__).resolve().parents[2] / "avrentals" / "domain"
ERROR_CLASSES = {
    name
    for name, value in vars(domain_errors).items()
    if isinstance(value, type) and issubclass(value, DomainError)
}
STAND_IN = "Qz"


def _sample(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
            else:
                parts.append(STAND_IN)
        return "".join(parts)
    return None


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_errors(func: ast.expr) -> bool:
    """`<...>errors<...>.add(field, text)` / `strict.add(...)`: a validation.Errors."""
    receiver = func.value if isinstance(func, ast.Attribute) else None
    name = _name(receiver) if isinstance(receiver, ast.expr) else ""
    return "errors" in name or name == "strict"


def messages_written(path: Path) -> Iterator[tuple[int, str]]:
    """(line, sample) of every literal message in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        candidates: list[ast.expr] = []
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in ERROR_CLASSES and name != "ValidationFailed":
                candidates += node.args[:1]
                candidates += [k.value for k in node.keywords if k.arg == "message"]
            elif name == "ValidationFailed" and node.args and isinstance(node.args[0], ast.Dict):
                for value in node.args[0].values:
                    if isinstance(value, ast.List | ast.Tuple):
                        candidates += value.elts
            elif name == "add" and len(node.args) == 2 and _is_errors(node.func):
                candidates.append(node.args[1])
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id.endswith(("_MESSAGE", "_ERROR")):
                    candidates.append(node.value)
        for candidate in candidates:
            sample = _sample(candidate)
            if sample and any(c.isalpha() for c in sample):
                yield candidate.lineno, sample


DOMAIN_FILES = sorted(DOMAIN.rglob("*.py"))


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_every_message_the_domain_writes_has_a_template(path: Path) -> None:
    missing = [
        f"{path.name}:{line}: {sample!r}"
        for line, sample in messages_written(path)
        if template_of(sample) is None
    ]
    assert missing == [], "messages without a msg. template:\n" + "\n".join(missing)


def labels_named(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every `label="..."` a domain module passes (the field names its
    messages carry)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "label" and isinstance(keyword.value, ast.Constant):
                    yield keyword.value.lineno, str(keyword.value.value)


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_every_label_the_domain_names_is_in_the_catalogue(path: Path) -> None:
    english = catalogue("en")
    known = {t for k, t in english.items() if k.startswith(LABEL_PREFIX)}
    missing = [
        f"{path.name}:{line}: {text!r}" for line, text in labels_named(path) if text not in known
    ]
    assert missing == [], "labels without a label. entry:\n" + "\n".join(missing)


def test_the_scan_sees_the_messages_it_must_see() -> None:
    samples = {sample for path in DOMAIN_FILES for _, sample in messages_written(path)}
    assert "Qz must be text." in samples  # an f-string in validation.text
    assert "This field cannot be set here." in samples  # a *_MESSAGE constant
    assert len(samples) > 100


def test_templates_and_labels_are_well_formed() -> None:
    english = catalogue("en")
    for key, text in english.items():
        if key.startswith(LABEL_PREFIX):
            assert not placeholders(text), key
        if key.startswith(MESSAGE_PREFIX):
            assert text.strip() == text and text, key
    labels = [t for k, t in english.items() if k.startswith(LABEL_PREFIX)]
    assert len(labels) == len(set(labels)), "two label keys with the same English text"
    templates = [t for k, t in english.items() if k.startswith(MESSAGE_PREFIX)]
    assert len(templates) == len(set(templates)), "two msg. keys with the same English text"


def test_a_message_is_written_in_the_readers_language() -> None:
    message = "Daily rate must be 0 or more."
    assert localise_message(message, "en") == message
    portuguese = localise_message(message, "pt")
    assert portuguese != message and "Qz" not in portuguese
    with messages_in("pt"):
        raised = ValidationFailed({"daily_rate": [message]})
        refused = DomainError(message)
    assert raised.fields["daily_rate"] == [portuguese]
    assert refused.message == portuguese
    assert DomainError(message).message == message  # English outside the block
    assert localise_message("A text no template knows.", "pt") == "A text no template knows."


def test_a_role_in_a_refusal_is_named_in_the_readers_language() -> None:
    """The role code the permission check writes is a value, so each role has its own
    template (as quote statuses do); Portuguese names it as the users page does."""
    message = "Your role (viewer) may not do this (equipment.write)."
    assert localise_message(message, "en") == message
    assert localise_message(message, "pt") == (
        "A sua função (Consulta) não permite fazer isto (equipment.write)."
    )
    assert localise_message("Your role (manager) may not do this (users.manage).", "pt") == (
        "A sua função (Gestor) não permite fazer isto (users.manage)."
    )
