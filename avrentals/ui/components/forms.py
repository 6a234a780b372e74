"""Form pieces shared by the edit dialogs: field-level error text, the search box of a picker,
the conflict callout and the field-by-field conflict comparison (rows, table, apply-mine /
discard-mine buttons), the stale notice, and the versioned form of a page of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from avrentals.i18n import catalogue
from avrentals.ui.i18n import t

Text = str | rx.Var[str]
# What `conflict_rows` puts in a row (kept in English: the tests and the states compare them);
# the comparison table shows them in the reader's language.
EMPTY_VALUE = "(empty)"  # i18n: not text
KEEPS_YOURS = "Yours"  # i18n: not text
KEEPS_SAVED = "Saved"  # i18n: not text


def field_error(message: rx.Var, testid: str) -> rx.Component:
    """The service's message for one field, under its input (hidden while empty)."""
    return rx.cond(
        message != "",
        rx.text(message, size="1", color_scheme="red", custom_attrs={"data-testid": testid}),
    )


def picker_search(
    placeholder: Text, on_change: Any, key: Any, label: Text, testid: str
) -> rx.Component:
    """The search box above a picker list in a dialog (`key` bumped to clear it)."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=14)),
        placeholder=placeholder,
        on_change=on_change,
        key=key,
        type="search",
        size="2",
        width="100%",
        aria_label=label,
        custom_attrs={"data-testid": testid},
    )


def field_label(html_for: str, label: Text, required: bool = False) -> rx.Component:
    """A form label bound to its input (`html_for` is the input's id); " *" when required."""
    return rx.text(
        label,
        rx.cond(required, rx.text.span(" *", color="var(--red-11)")),
        as_="label",
        size="2",
        weight="medium",
        html_for=html_for,
    )


def form_field(
    prefix: str,
    field: str,
    label: Text,
    control: rx.Component,
    error: rx.Var,
    *,
    required: bool = False,
    full: bool = False,
    hint: Any = "",
) -> rx.Component:
    """Label, control, optional hint and the service's message for one field of a dialog
    grid. The control's id is `{prefix}-{field}`; `full` spans the whole grid row."""
    return rx.vstack(
        field_label(f"{prefix}-{field}", label, required),
        control,
        rx.fragment()
        if isinstance(hint, str) and not hint
        else rx.text(hint, size="1", color_scheme="gray"),
        field_error(error, f"error-{field}"),
        spacing="1",
        width="100%",
        min_width="0",
        grid_column="1 / -1" if full else "auto",
    )


def field_binder(
    prefix: str, errors: rx.Var, translate_errors: bool = False
) -> Callable[..., rx.Component]:
    """`form_field` bound to one dialog: its id prefix and its state's `errors` mapping
    (`translate_errors`: the messages are catalogue keys or texts, shown through `t`)."""

    def field(
        name: str,
        label: Text,
        control: rx.Component,
        *,
        required: bool = False,
        full: bool = False,
        hint: Any = "",
    ) -> rx.Component:
        error = t(errors[name]) if translate_errors else errors[name]
        return form_field(
            prefix, name, label, control, error, required=required, full=full, hint=hint
        )

    return field


def conflict_callout(message: rx.Var, testid: str = "edit-conflict", *body: rx.Component):
    """Amber "someone else saved first" callout (hidden while `message` is empty)."""
    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(message, custom_attrs={"data-testid": testid}),
            *body,
            color_scheme="amber",
            size="1",
            margin_bottom="12px",
        ),
    )


def conflict_table(rows: rx.Var) -> rx.Component:
    """Field-by-field comparison after a version conflict. `rows` is a list of dicts with
    `field`, `label`, `mine`, `saved`, `keeps` (see the form states' `conflict_rows`)."""

    def value(v: rx.Var) -> rx.Var:
        return rx.cond(v == EMPTY_VALUE, t("ui.form.conflict.empty"), v)

    def row(r: rx.Var) -> rx.Component:
        # A label may be a catalogue key or a text already (an unknown key shows as itself).
        return rx.table.row(
            rx.table.row_header_cell(t(r["label"].to(str))),
            rx.table.cell(rx.text(value(r["mine"]), custom_attrs={"data-col": "mine"})),
            rx.table.cell(rx.text(value(r["saved"]), custom_attrs={"data-col": "saved"})),
            rx.table.cell(
                rx.match(
                    r["keeps"],
                    (KEEPS_YOURS, t("ui.form.conflict.keeps_yours")),
                    (KEEPS_SAVED, t("ui.form.conflict.keeps_saved")),
                    r["keeps"],
                ),
                white_space="nowrap",
            ),
            custom_attrs={"data-testid": "conflict-row", "data-field": r["field"]},
        )

    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("ui.form.conflict.field")),
                    rx.table.column_header_cell(t("ui.form.conflict.yours")),
                    rx.table.column_header_cell(t("ui.form.conflict.saved")),
                    rx.table.column_header_cell(t("ui.form.conflict.keeps")),
                )
            ),
            rx.table.body(rx.foreach(rows, row)),
            size="1",
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        margin_top="8px",
    )


def noun_text(noun: Text) -> Text:
    """`noun` as the reader reads it: a noun the catalogue knows ("client", "maintenance
    log": `ui.noun.<noun>.name`) in the tab's language, anything else as given."""
    if isinstance(noun, str):
        key = f"ui.noun.{noun.strip().lower().replace(' ', '_')}.name"
        if key in catalogue("en"):
            return t(key)
    return noun


def conflict_resolution(state: Any, noun: Text) -> rx.Component:
    """The whole conflict callout of a versioned edit form: message, comparison table and
    the "Discard mine" / "Apply my changes on top" buttons. `state` has `conflict`,
    `conflict_rows`, `saving`, `discard_mine` and `apply_mine`."""
    return conflict_callout(
        state.conflict,
        "edit-conflict",
        conflict_table(state.conflict_rows),
        rx.text(t("ui.form.conflict.help", noun=noun_text(noun)), size="1"),
        rx.flex(
            rx.button(
                t("ui.form.conflict.discard_mine"),
                on_click=state.discard_mine,
                variant="soft",
                color_scheme="gray",
                type="button",
                custom_attrs={"data-testid": "discard-mine"},
            ),
            rx.button(
                t("ui.form.conflict.apply_mine"),
                on_click=state.apply_mine,
                loading=state.saving,
                color_scheme="amber",
                type="button",
                custom_attrs={"data-testid": "apply-mine"},
            ),
            gap="2",
            justify="end",
            wrap="wrap",
        ),
    )


def text_input(
    state: Any, prefix: str, field: str, max_len: int, *, kind: str = "text", **props: Any
) -> rx.Component:
    """An uncontrolled text input of a form: id and test id `{prefix}-{field}`, the loaded
    value of `state.values[field]`, no browser autofill; `props` go to `rx.input` (e.g.
    `input_mode`, `size`, `placeholder`)."""
    return rx.input(
        id=f"{prefix}-{field}",
        name=field,
        default_value=state.values[field],
        max_length=max_len,
        type=kind,
        auto_complete="off",
        width="100%",
        custom_attrs={"data-testid": f"{prefix}-{field}"},
        **props,
    )


def stale_notice(state: Any) -> rx.Component:
    """The notice that someone else saved the open record meanwhile (`state.stale_notice`;
    hidden while empty)."""
    return rx.cond(
        state.stale_notice != "",
        rx.callout(
            state.stale_notice,
            icon="radio",
            color_scheme="blue",
            size="1",
            margin_bottom="12px",
            custom_attrs={"data-testid": "form-stale"},
        ),
    )


def save_button(state: Any, label: Text, testid: str) -> rx.Component:
    """The submit button of a versioned form: busy while saving, gone during a conflict
    (the conflict callout offers the ways on)."""
    return rx.cond(
        state.conflict == "",
        rx.button(
            label,
            type="submit",
            loading=state.saving,
            disabled=state.saving,
            custom_attrs={"data-testid": testid},
        ),
    )


def page_form(
    state: Any,
    noun: Text,
    body: rx.Component,
    *,
    save_label: Text,
    save_testid: str,
    form_testid: str,
) -> tuple[rx.Component, ...]:
    """A versioned form shown on its own page (profile, settings) rather than in a dialog:
    the stale notice, the conflict resolution and the form (`body`, the form error, and the
    save button, hidden during a conflict). Splat it into the page's card."""
    S = state
    return (
        stale_notice(S),
        conflict_resolution(S, noun),
        rx.form(
            body,
            rx.cond(
                S.form_error != "",
                rx.callout(
                    S.form_error, icon="circle-alert", color_scheme="red", margin_top="12px"
                ),
            ),
            rx.flex(save_button(S, save_label, save_testid), justify="end", margin_top="16px"),
            key=S.form_key,
            on_submit=S.save,
            reset_on_submit=False,
            custom_attrs={"data-testid": form_testid},
        ),
    )


def changed_fields(
    field_names: tuple[str, ...], mine: dict[str, str], original: dict[str, str]
) -> dict[str, str]:
    """The fields of `field_names` the user changed (whitespace at the ends does not count)."""
    return {
        f: mine[f] for f in field_names if mine.get(f, "").strip() != original.get(f, "").strip()
    }


def conflict_rows(
    fields: tuple[tuple[str, str], ...],
    mine: dict[str, str],
    original: dict[str, str],
    saved: dict[str, str],
) -> list[dict[str, str]]:
    """Rows for `conflict_table`: every field (of `fields`, (name, label) pairs) that you or
    the other person changed and where your value differs from the saved one. Values are
    the display strings of the form (compared with whitespace at the ends trimmed)."""
    out = []
    for field, label in fields:
        yours, theirs, before = (
            mine.get(field, "").strip(),
            saved.get(field, "").strip(),
            original.get(field, "").strip(),
        )
        if yours == theirs:
            continue
        you, they = yours != before, theirs != before
        if not (you or they):
            continue
        who = "both" if you and they else ("you" if you else "them")
        out.append(
            {
                "field": field,
                "label": label,
                "mine": yours or EMPTY_VALUE,
                "saved": theirs or EMPTY_VALUE,
                "changed_by": who,
                "keeps": KEEPS_YOURS if you else KEEPS_SAVED,
            }
        )
    return out
