"""/settings (Admin): company identity and contacts, logo, primary colour, currency, default
tax rate (as a percentage), default language, quote terms and SMTP (password write-only).
Saved changes apply live in every signed-in browser (header name, colour)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.forms import field_error, form_field, page_form, text_input
from avrentals.ui.components.listing import message_box
from avrentals.ui.components.shell import shell
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
    hint: str = "",
    required: bool = False,
) -> rx.Component:
    control = text_input(S, "settings", field, max_len, kind=kind, input_mode=mode)
    return form_field(
        "settings", field, label, control, S.errors[field], full=full, hint=hint, required=required
    )


def _choice(field: str, label: str, options: rx.Var | list[list[str]]) -> rx.Component:
    picker = rx.select.root(
        rx.select.trigger(id=f"settings-{field}", width="100%", aria_label=label),
        rx.select.content(
            rx.foreach(options, lambda o: rx.select.item(o[1], value=o[0]))
            if isinstance(options, rx.Var)
            else rx.fragment(*[rx.select.item(text, value=key) for key, text in options])
        ),
        value=S.values[field],
        on_change=lambda value: S.set_choice(field, value),
    )
    return form_field(
        "settings",
        field,
        label,
        rx.box(picker, width="100%", custom_attrs={"data-testid": f"settings-{field}"}),
        S.errors[field],
    )


def _section(title: str, *fields: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="3", as_="h2"),
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
            placeholder="#1e40af",
            width="100%",
            custom_attrs={"data-testid": "settings-primary_color"},
        ),
        align="center",
        width="100%",
    )
    return form_field(
        "settings",
        "primary_color",
        "Primary colour",
        control,
        S.errors["primary_color"],
        hint="A hex colour such as #1e40af (buttons, links, highlights).",
    )


def _tls() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.hstack(
                rx.switch(
                    checked=S.values["smtp_use_tls"] == "yes",
                    on_change=lambda value: S.set_choice("smtp_use_tls", value),
                ),
                rx.text("Use TLS", size="2"),
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
        "settings", "quote_terms", "Quote terms", control, S.errors["quote_terms"], full=True
    )


def logo_card() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.cond(
                S.logo_url != "",
                rx.image(src=S.logo_url, height="56px", alt="Company logo"),
                rx.center(
                    rx.icon("image", size=22),
                    width="56px",
                    height="56px",
                    background="var(--gray-a3)",
                    border_radius="var(--radius-3)",
                ),
            ),
            rx.vstack(
                rx.text("Logo", weight="medium"),
                rx.text(
                    "Shown in the app and on quote PDFs. JPEG, PNG or WebP, max 5 MB.",
                    size="1",
                    color_scheme="gray",
                ),
                field_error(S.logo_error, "logo-error"),
                spacing="1",
                flex="1",
            ),
            rx.upload.root(
                rx.button(
                    rx.cond(S.uploading, rx.spinner(size="1"), rx.icon("upload", size=14)),
                    "Upload",
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
                    "Remove", on_click=S.remove_logo, variant="ghost", color_scheme="red", size="1"
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
        "A password is stored; leave blank to keep it.",
        "No password stored.",
    )
    return rx.card(
        *page_form(
            S,
            "settings",
            rx.vstack(
                _section(
                    "Company",
                    _input("company_name", "Company name", 100, required=True),
                    _input("tagline", "Tagline", 200),
                    _input("email", "Email", 254, mode="email"),
                    _input("phone", "Phone", 30, kind="tel"),
                    _input("website", "Website", 200, mode="url", hint="https://…"),
                    _input("tax_id", "Tax id (NIF)", 20),
                    _input("address", "Address", 200, full=True),
                ),
                _section(
                    "Money, language and branding",
                    _choice("currency", "Currency", S.currencies),
                    _input(
                        "default_tax_rate",
                        "Default tax rate (%)",
                        8,
                        mode="decimal",
                        hint="For new quotes, e.g. 23.",
                    ),
                    _choice(
                        "default_language", "Default language", list(map(list, LANGUAGES.items()))
                    ),
                    _color(),
                    _terms(),
                ),
                _section(
                    "E-mail (SMTP)",
                    _input("smtp_host", "SMTP host", 200),
                    _input("smtp_port", "SMTP port", 5, mode="numeric"),
                    _input("smtp_username", "SMTP user", 200),
                    form_field(
                        "settings",
                        "smtp_password",
                        "SMTP password",
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
                    _input("smtp_from", "Sender address", 254, mode="email"),
                    _tls(),
                ),
                spacing="5",
                width="100%",
            ),
            save_label="Save settings",
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
                    "Admins only",
                    "Only Admins can change the company settings.",
                    testid="settings-forbidden",
                ),
                rx.vstack(
                    logo_card(), settings_form(), spacing="4", width="100%", max_width="900px"
                ),
            ),
            rx.center(rx.spinner(size="3"), padding="48px"),
        ),
    )
