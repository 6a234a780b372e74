"""/settings (Admin): company identity and contacts, logo, primary colour, currency, default
tax rate (as a percentage), default language, quote terms and SMTP (password write-only).
Saved changes apply live in every signed-in browser (header name, colour)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.forms import field_error, form_field, page_form, text_input
from avrentals.ui.components.listing import message_box
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.image_upload import IMAGE_ACCEPT
from avrentals.ui.state.settings import LANGUAGES, LOGO_UPLOAD_ID, SettingsState

S = SettingsState


def _input(
    field: str,
    label: str,
    max_len: int,
    *,
    kind: str = "text",
    mode: str = "text",
    full: bool = False,
    hint: str | rx.Var[str] = "",
    required: bool = False,
) -> rx.Component:
    """A text input; `label` is a catalogue key."""
    control = text_input(S, "settings", field, max_len, kind=kind, input_mode=mode)
    return form_field(
        "settings",
        field,
        t(label),
        control,
        S.errors[field],
        full=full,
        hint=hint,
        required=required,
    )


def _choice(field: str, label: str, options: rx.Var | list[list[str]]) -> rx.Component:
    """A picker; `label` is a catalogue key, and so are the labels of a list of options."""
    picker = rx.select.root(
        rx.select.trigger(id=f"settings-{field}", width="100%", aria_label=t(label)),
        rx.select.content(
            rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))
            if isinstance(options, rx.Var)
            else rx.fragment(*[rx.select.item(t(text), value=key) for key, text in options])
        ),
        value=S.values[field],
        on_change=lambda value: S.set_choice(field, value),
    )
    return form_field(
        "settings",
        field,
        t(label),
        rx.box(picker, width="100%", custom_attrs={"data-testid": f"settings-{field}"}),
        S.errors[field],
    )


def _section(title: str, *fields: rx.Component) -> rx.Component:
    """A titled group of fields; `title` is a catalogue key."""
    return rx.vstack(
        rx.heading(t(title), size="3", as_="h2"),
        rx.grid(
            *fields,
            grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
            gap="12px",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _color() -> rx.Component:
    control = rx.hstack(
        rx.box(
            width="32px",
            height="32px",
            border_radius="var(--radius-2)",
            background=S.values["primary_color"],
            border="1px solid var(--gray-a6)",
            flex_shrink="0",
        ),
        rx.input(
            id="settings-primary_color",
            name="primary_color",
            default_value=S.values["primary_color"],
            max_length=7,
            placeholder="#1e40af",  # i18n: not text
            width="100%",
            custom_attrs={"data-testid": "settings-primary_color"},
        ),
        align="center",
        width="100%",
    )
    return form_field(
        "settings",
        "primary_color",
        t("settings.field.primary_color"),
        control,
        S.errors["primary_color"],
        hint=t("settings.field.primary_color_hint"),
    )


def _tls() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.hstack(
                rx.switch(
                    checked=S.values["smtp_use_tls"] == "yes",
                    on_change=lambda value: S.set_choice("smtp_use_tls", value),
                ),
                rx.text(t("settings.field.smtp_use_tls"), size="2"),
                align="center",
                spacing="2",
            )
        ),
        field_error(S.errors["smtp_use_tls"], "error-smtp_use_tls"),
        spacing="1",
    )


def _terms() -> rx.Component:
    control = rx.text_area(
        id="settings-quote_terms",
        name="quote_terms",
        default_value=S.values["quote_terms"],
        max_length=4000,
        rows="4",
        width="100%",
    )
    return form_field(
        "settings",
        "quote_terms",
        t("settings.field.quote_terms"),
        control,
        S.errors["quote_terms"],
        full=True,
    )


def logo_card() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.cond(
                S.logo_url != "",
                rx.image(src=S.logo_url, height="56px", alt=t("settings.logo.alt")),
                rx.center(
                    rx.icon("image", size=22),
                    width="56px",
                    height="56px",
                    background="var(--gray-a3)",
                    border_radius="var(--radius-3)",
                ),
            ),
            rx.vstack(
                rx.text(t("settings.logo.title"), weight="medium"),
                rx.text(
                    t("settings.logo.hint"),
                    size="1",
                    color_scheme="gray",
                ),
                field_error(t(S.logo_error), "logo-error"),
                spacing="1",
                flex="1",
            ),
            rx.upload.root(
                rx.button(
                    rx.cond(S.uploading, rx.spinner(size="1"), rx.icon("upload", size=14)),
                    t("settings.logo.upload"),
                    variant="soft",
                    type="button",
                ),
                id=LOGO_UPLOAD_ID,
                accept=IMAGE_ACCEPT,
                max_files=1,
                multiple=False,
                disabled=S.uploading,
                on_drop=[S.start_logo_upload, S.upload_logo(rx.upload_files(LOGO_UPLOAD_ID))],
                on_drop_rejected=S.logo_rejected,
                custom_attrs={"data-testid": "logo-upload"},
            ),
            rx.cond(
                S.logo_url != "",
                rx.button(
                    t("common.action.remove"),
                    on_click=S.remove_logo,
                    variant="ghost",
                    color_scheme="red",
                    size="1",
                ),
            ),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
    )


def settings_form() -> rx.Component:
    smtp_hint = rx.cond(
        S.smtp_password_set,
        t("settings.smtp.password_stored"),
        t("settings.smtp.no_password"),
    )
    return rx.card(
        *page_form(
            S,
            "settings",
            rx.vstack(
                _section(
                    "settings.section.company",
                    _input("company_name", "settings.field.company_name", 100, required=True),
                    _input("tagline", "settings.field.tagline", 200),
                    _input("email", "clients.field.email", 254, mode="email"),
                    _input("phone", "common.field.phone", 30, kind="tel"),
                    _input(
                        "website",
                        "settings.field.website",
                        200,
                        mode="url",
                        hint="https://…",  # i18n: not text
                    ),
                    _input("tax_id", "settings.field.tax_id", 20),
                    _input("address", "common.field.address", 200, full=True),
                ),
                _section(
                    "settings.section.money",
                    _choice("currency", "settings.field.currency", S.currencies),
                    _input(
                        "default_tax_rate",
                        "settings.field.default_tax_rate",
                        8,
                        mode="decimal",
                        hint=t("settings.field.default_tax_rate_hint"),
                    ),
                    _choice(
                        "default_language",
                        "settings.field.default_language",
                        list(map(list, LANGUAGES.items())),
                    ),
                    _color(),
                    _terms(),
                ),
                _section(
                    "settings.section.smtp",
                    _input("smtp_host", "settings.field.smtp_host", 200),
                    _input("smtp_port", "settings.field.smtp_port", 5, mode="numeric"),
                    _input("smtp_username", "settings.field.smtp_username", 200),
                    form_field(
                        "settings",
                        "smtp_password",
                        t("settings.field.smtp_password"),
                        rx.input(
                            id="settings-smtp_password",
                            name="smtp_password",
                            type="password",
                            auto_complete="new-password",
                            max_length=200,
                            width="100%",
                        ),
                        S.errors["smtp_password"],
                        hint=smtp_hint,
                    ),
                    _input("smtp_from", "settings.field.smtp_from", 254, mode="email"),
                    _tls(),
                ),
                spacing="5",
                width="100%",
            ),
            save_label=t("settings.form.save"),
            save_testid="save-settings",
            form_testid="settings-form",
        ),
        width="100%",
    )


def settings_page() -> rx.Component:
    return shell(
        routes.SETTINGS,
        rx.cond(
            S.loaded,
            rx.cond(
                S.forbidden,
                message_box(
                    "lock",
                    t("settings.forbidden.title"),
                    t("settings.forbidden.text"),
                    testid="settings-forbidden",
                ),
                rx.vstack(
                    logo_card(), settings_form(), spacing="4", width="100%", max_width="900px"
                ),
            ),
            rx.center(rx.spinner(size="3"), padding="48px"),
        ),
    )
