"""/profile (everyone): your photo, details (name, phones, contact e-mail, NIF, IBAN,
language, about), with the conflict comparison when an Admin saved your account meanwhile,
and the password change (current password required)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.forms import field_error, form_field, page_form, text_input
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.image_upload import IMAGE_ACCEPT
from avrentals.ui.state.profile import FOLLOW_BROWSER, LANGUAGES, PHOTO_UPLOAD_ID, ProfileState

S = ProfileState
# (field, label key, max length, input type, input mode, hint key)
INPUTS = (
    ("name", "common.field.name", 100, "text", "text", ""),
    ("contact_email", "profile.field.contact_email", 254, "text", "email", ""),
    ("phone", "common.field.phone", 30, "tel", "tel", ""),
    ("emergency_phone", "profile.field.emergency_phone", 30, "tel", "tel", ""),
    ("nif", "profile.field.nif", 20, "text", "numeric", "profile.field.nif_hint"),
    ("iban", "profile.field.iban", 50, "text", "text", "profile.field.iban_hint"),
)


def _input(field: str, label: str, max_len: int, kind: str, mode: str, hint: str):
    control = text_input(S, "profile", field, max_len, kind=kind, input_mode=mode)
    return form_field(
        "profile",
        field,
        t(label),
        control,
        S.errors[field],
        required=field == "name",
        hint=t(hint) if hint else "",
    )


def _language() -> rx.Component:
    picker = rx.select.root(
        rx.select.trigger(
            id="profile-language", width="100%", aria_label=t("profile.field.language")
        ),
        rx.select.content(*[rx.select.item(t(label), value=k) for k, label in LANGUAGES.items()]),
        # "" (no choice: follow the browser) cannot be a select value; FOLLOW_BROWSER stands in.
        value=rx.cond(S.values["language"] == "", FOLLOW_BROWSER, S.values["language"]),
        on_change=S.set_language,
    )
    return form_field(
        "profile",
        "language",
        t("profile.field.language"),
        rx.box(picker, width="100%", custom_attrs={"data-testid": "profile-language"}),
        S.errors["language"],
    )


def _bio() -> rx.Component:
    control = rx.text_area(
        id="profile-bio",
        name="bio",
        default_value=S.values["bio"],
        max_length=1000,
        rows="3",
        width="100%",
        custom_attrs={"data-testid": "profile-bio"},
    )
    return form_field(
        "profile", "bio", t("profile.field.bio_team"), control, S.errors["bio"], full=True
    )


def photo_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.avatar(
                src=S.photo_url,
                fallback=AuthState.user_initials,
                size="8",
                radius="full",
                custom_attrs={"data-testid": "profile-photo"},
            ),
            rx.vstack(
                rx.text(S.values["name"], weight="bold", size="4"),
                rx.text("@", S.username, " · ", t(S.role), size="2", color_scheme="gray"),
                rx.cond(S.job_title != "", rx.text(S.job_title, size="2")),
                align="center",
                spacing="1",
            ),
            rx.upload.root(
                rx.cond(
                    S.uploading,
                    rx.hstack(rx.spinner(size="2"), rx.text(t("profile.photo.checking"), size="2")),
                    rx.hstack(
                        rx.icon("upload", size=16),
                        rx.text(t("profile.photo.change"), size="2", weight="medium"),
                        align="center",
                        spacing="2",
                    ),
                ),
                id=PHOTO_UPLOAD_ID,
                accept=IMAGE_ACCEPT,
                max_files=1,
                multiple=False,
                disabled=S.uploading,
                on_drop=[S.start_photo_upload, S.upload_photo(rx.upload_files(PHOTO_UPLOAD_ID))],
                on_drop_rejected=S.photo_rejected,
                border="1px dashed var(--gray-a8)",
                border_radius="var(--radius-3)",
                padding="10px 14px",
                cursor="pointer",
                custom_attrs={
                    "data-testid": "profile-photo-upload",
                    "aria-label": t("profile.photo.upload"),
                },
            ),
            rx.cond(
                S.photo_url != "",
                rx.button(
                    t("profile.photo.remove"),
                    on_click=S.remove_photo,
                    variant="ghost",
                    color_scheme="red",
                    size="1",
                ),
            ),
            field_error(t(S.photo_error), "photo-error"),
            align="center",
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def details_card() -> rx.Component:
    return rx.card(
        rx.heading(t("profile.details.title"), size="4", as_="h2", margin_bottom="12px"),
        *page_form(
            S,
            "profile",
            rx.grid(
                *[_input(*spec) for spec in INPUTS],
                _language(),
                _bio(),
                grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
                gap="12px",
                width="100%",
            ),
            save_label=t("profile.details.save"),
            save_testid="save-profile",
            form_testid="profile-form",
        ),
        width="100%",
    )


def _password_input(field: str, label: rx.Var, complete: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=f"pw-{field}"),
        rx.input(
            id=f"pw-{field}",
            name=field,
            type="password",
            auto_complete=complete,
            max_length=1024,
            width="100%",
            custom_attrs={"data-testid": f"pw-{field}"},
        ),
        field_error(t(S.password_errors[field]), f"error-{field}"),
        spacing="1",
        width="100%",
    )


def password_card() -> rx.Component:
    return rx.card(
        rx.heading(t("users.field.password"), size="4", as_="h2"),
        rx.text(
            t("profile.password.hint"),
            size="2",
            color_scheme="gray",
            margin_bottom="12px",
        ),
        rx.form(
            rx.grid(
                _password_input(
                    "current_password", t("profile.password.current"), "current-password"
                ),
                _password_input("new_password", t("users.field.new_password"), "new-password"),
                _password_input("confirm_password", t("profile.password.again"), "new-password"),
                grid_template_columns=rx.breakpoints(initial="1fr", md="1fr 1fr 1fr"),
                gap="12px",
                width="100%",
            ),
            rx.flex(
                rx.button(
                    t("profile.password.change"),
                    type="submit",
                    loading=S.changing_password,
                    disabled=S.changing_password,
                    variant="soft",
                    custom_attrs={"data-testid": "change-password"},
                ),
                justify="end",
                margin_top="16px",
            ),
            key=S.password_key,
            on_submit=S.change_password,
            reset_on_submit=False,
            custom_attrs={"data-testid": "password-form"},
        ),
        width="100%",
    )


def profile_page() -> rx.Component:
    return shell(
        routes.PROFILE,
        rx.cond(
            S.loaded,
            rx.grid(
                photo_card(),
                rx.vstack(details_card(), password_card(), spacing="4", width="100%"),
                grid_template_columns=rx.breakpoints(initial="1fr", md="280px 1fr"),
                gap="16px",
                width="100%",
                align_items="start",
            ),
            rx.center(rx.spinner(size="3"), padding="48px"),
        ),
    )
