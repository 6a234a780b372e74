"""Pieces shared by the quote list and the builder: the status badge, the PDF preview /
download (fetched by the browser from `/api/quotes/{id}/pdf` with the tab's bearer token,
as the API requires), the archive / approve / delete confirmation and the send dialog."""

from __future__ import annotations

import json
from collections.abc import Callable

import reflex as rx

from avrentals.ui.i18n import t
from avrentals.ui.pages.event_dialogs import rental_conflict_box
from avrentals.ui.state.auth import TOKEN_STORAGE_KEY
from avrentals.ui.state.quote_actions import QuoteActionsState
from avrentals.ui.state.quote_send import QuoteSendState
from avrentals.ui.state.quotes import STATUS_KEYS

X = QuoteActionsState
SEND = QuoteSendState

# (quote id, download?) -> "" when the PDF opened, else why not (for `file_result`, which
# words the codes "#status <n>", "#popups", "#load <reason>" in the tab's language). The tab
# opens before the request so the browser counts it as the user's click (no pop-up block).
_PDF_SCRIPT = (
    """(async (id, download) => {
  const win = download ? null : window.open("", "_blank");
  try {
    const token = localStorage.getItem(TOKEN_KEY) || "";
    const url = "/api/quotes/" + encodeURIComponent(id) + "/pdf" + (download ? "?download=1" : "");
    const r = await fetch(url, { headers: { Authorization: "Bearer " + token } });
    if (!r.ok) {
      let msg = "#status " + r.status;
      try {
        const body = await r.json();
        if (body && body.error) { msg = body.error; }
      } catch (e) {}
      if (win) { win.close(); }
      return msg;
    }
    const href = URL.createObjectURL(await r.blob());
    if (download) {
      const m = /filename="?([^";]+)"?/.exec(r.headers.get("Content-Disposition") || "");
      const a = document.createElement("a");
      a.href = href;
      a.download = m ? m[1] : "quote.pdf";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60000);
    } else if (win) {
      win.location.href = href;
    } else {
      return "#popups";
    }
    return "";
  } catch (e) {
    if (win) { win.close(); }
    return "#load " + e.message;
  }
})("""
).replace("TOKEN_KEY", json.dumps(TOKEN_STORAGE_KEY))

STATUS_BADGE = {
    "Draft": ("gray", "soft"),
    "Sent": ("blue", "soft"),
    "Accepted": ("green", "soft"),
    "Declined": ("red", "soft"),
    "Archived": ("gray", "outline"),
}


def open_pdf(quote_id: rx.Var, *, download: bool = False):
    """The click event that previews (new tab) or downloads the quote's PDF."""
    flag = "true" if download else "false"
    return rx.call_script(
        _PDF_SCRIPT + '"' + quote_id.to(str) + f'", {flag})',
        callback=X.file_result,
    )


def status_badge(status: rx.Var) -> rx.Component:
    """Draft grey, Sent blue, Accepted green, Declined red, Archived muted (outline)."""

    def badge(color: str, variant: str, label: rx.Var | None = None) -> rx.Component:
        return rx.badge(
            status if label is None else label,
            color_scheme=color,
            variant=variant,
            radius="full",
            custom_attrs={"data-testid": "quote-status", "data-status": status},
        )

    return rx.match(
        status,
        *[
            (key, badge(color, variant, t(STATUS_KEYS[key])))
            for key, (color, variant) in STATUS_BADGE.items()
        ],
        badge("gray", "soft"),
    )


def action_menu_item(
    icon: str, label: str | rx.Var[str], testid: str, on_click, color: str | None = None
) -> rx.Component:
    """One entry of a quote's actions menu (the list's rows and the builder)."""
    extra = {"color": color} if color else {}
    return rx.menu.item(
        rx.hstack(rx.icon(icon, size=16), rx.text(label), spacing="2", align="center"),
        on_click=on_click,
        custom_attrs={"data-testid": testid},
        **extra,
    )


# (icon, label key, testid name, QuoteActionsState kind, the one status it applies to or
# "" for any but Archived); "approve" only where the page has no button for it.
_STEPS = (
    ("copy", "quotes.action.duplicate", "duplicate", "", "*"),
    ("mail-check", "quotes.action.mark_sent", "mark-sent", "mark_sent", "Draft"),
    ("calendar-check", "quotes.action.approve_into_event", "approve", "approve", "Sent"),
    ("thumbs-down", "quotes.action.mark_declined", "decline", "decline", "Sent"),
    ("archive", "common.action.archive", "archive", "archive", ""),
)


def quote_menu_actions(
    quote_id: rx.Var,
    status: rx.Var,
    testid: Callable[[str], str],
    *,
    can_write: rx.Var[bool],
    can_delete: rx.Var[bool],
    with_approve: bool,
) -> rx.Component:
    """The writes of a quote's actions menu (list rows and builder): duplicate, mark as sent
    (Draft), approve into an event (Sent; only `with_approve`), mark as declined (Sent),
    archive (not Archived), then delete. Each shows only for the statuses and roles it
    applies to; the services refuse anyway. `testid(name)` names each entry."""
    entries = []
    for icon, label, name, kind, applies in _STEPS:
        if name == "approve" and not with_approve:
            continue
        click = X.duplicate(quote_id) if name == "duplicate" else X.ask(kind, quote_id)
        entry = action_menu_item(icon, t(label), testid(name), click)
        if applies == "":
            entry = rx.cond(status != "Archived", entry)
        elif applies != "*":
            entry = rx.cond(status == applies, entry)
        entries.append(entry)
    delete = action_menu_item(
        "trash-2", t("common.action.delete"), testid("delete"), X.ask("delete", quote_id), "red"
    )
    return rx.fragment(
        rx.cond(can_write, rx.fragment(*entries)),
        rx.cond(can_delete, rx.fragment(rx.menu.separator(), delete)),
    )


# --- archive / approve / delete / mark as sent / mark as declined ------------------------------


def _confirm_text() -> rx.Component:
    """The confirmation's sentence per kind (verb, the quote, what follows); approval adds
    what may stop it."""
    return rx.match(
        X.kind,
        *[
            (
                kind,
                rx.text(
                    t(f"quotes.confirm.{kind}_before"),
                    rx.text.strong(X.target_label),
                    t(f"quotes.confirm.{kind}_after"),
                ),
            )
            for kind in ("archive", "delete", "mark_sent", "decline")
        ],
        rx.vstack(
            rx.text(
                t("quotes.confirm.approve_before"),
                rx.text.strong(X.target_label),
                t("quotes.confirm.approve_after"),
            ),
            rx.cond(
                ~X.target_linked,
                rx.callout(
                    t("quotes.confirm.one_off_client"),
                    icon="info",
                    color_scheme="amber",
                    size="1",
                ),
            ),
            rx.cond(
                X.target_changed,
                rx.callout(
                    t("quotes.confirm.changed_since_sent"),
                    icon="triangle-alert",
                    color_scheme="amber",
                    size="1",
                    custom_attrs={"data-testid": "approve-changed-since-sent"},
                ),
            ),
            rx.cond(
                X.target_status == "Draft",
                rx.callout(
                    t("quotes.confirm.send_first"),
                    icon="info",
                    color_scheme="amber",
                    size="1",
                ),
            ),
            spacing="2",
        ),
    )


def _approved() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("circle-check")),
        rx.callout.text(
            t("quotes.confirm.approved_before"),
            rx.text.strong(X.event_name),
            t("quotes.confirm.approved_after"),
        ),
        color_scheme="green",
        size="1",
        custom_attrs={"data-testid": "approve-success"},
    )


def confirm_dialog() -> rx.Component:
    title = rx.match(
        X.kind,
        ("archive", t("quotes.confirm.archive_title")),
        ("delete", t("quotes.confirm.delete_title")),
        ("mark_sent", t("quotes.confirm.mark_sent_title")),
        ("decline", t("quotes.confirm.decline_title")),
        t("quotes.confirm.approve_title"),
    )
    action = rx.match(
        X.kind,
        ("archive", t("common.action.archive")),
        ("delete", t("common.action.delete")),
        ("mark_sent", t("quotes.action.mark_sent")),
        ("decline", t("quotes.action.mark_declined")),
        t("quotes.confirm.approve"),
    )
    color = rx.match(
        X.kind,
        ("delete", "red"),
        ("decline", "orange"),
        ("archive", "gray"),
        ("mark_sent", "blue"),
        "green",
    )
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(
                rx.cond(X.event_id != "", _approved(), _confirm_text()), size="2"
            ),
            rx.cond(
                X.error != "",
                rx.callout(
                    X.error,
                    icon="ban",
                    color_scheme="red",
                    size="1",
                    margin_top="12px",
                    custom_attrs={"data-testid": "quote-action-error"},
                ),
            ),
            rx.box(
                rental_conflict_box(X.conflict, X.conflict_lines, "approve-conflict"),
                margin_top="12px",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        rx.cond(
                            X.event_id != "", t("common.action.close"), t("common.action.cancel")
                        ),
                        variant="soft",
                        color_scheme="gray",
                    )
                ),
                rx.cond(
                    X.event_id != "",
                    rx.link(
                        rx.button(
                            rx.icon("calendar-check", size=16), t("quotes.confirm.open_event")
                        ),
                        href=X.event_href,
                        custom_attrs={"data-testid": "open-event"},
                    ),
                    rx.button(
                        action,
                        on_click=X.confirm,
                        loading=X.working,
                        disabled=X.working,
                        color_scheme=color,
                        custom_attrs={"data-testid": "confirm-quote-action"},
                    ),
                ),
                justify="end",
                gap="3",
                margin_top="16px",
                wrap="wrap",
            ),
            max_width="520px",
        ),
        open=X.confirm_open,
        on_open_change=X.set_confirm_open,
    )


# --- send -------------------------------------------------------------------------------------


def send_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("quotes.send.title")),
            rx.dialog.description(
                t("quotes.send.description"),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.vstack(
                rx.text(t("quotes.send.recipient"), as_="label", size="2", weight="medium"),
                rx.input(
                    value=SEND.recipient,
                    on_change=SEND.set_recipient,
                    type="email",
                    placeholder="client@example.com",  # i18n: not text
                    width="100%",
                    aria_label=t("quotes.send.recipient"),
                    custom_attrs={"data-testid": "send-to"},
                ),
                rx.cond(
                    SEND.recipient_error != "",
                    rx.text(SEND.recipient_error, size="1", color_scheme="red"),
                ),
                rx.text(t("quotes.send.language"), as_="label", size="2", weight="medium"),
                rx.segmented_control.root(
                    rx.segmented_control.item(t("quotes.send.language_en"), value="en"),
                    rx.segmented_control.item(t("quotes.send.language_pt"), value="pt"),
                    value=SEND.language,
                    on_change=SEND.set_language,
                    custom_attrs={"data-testid": "send-language"},
                ),
                spacing="2",
                width="100%",
            ),
            rx.cond(
                SEND.send_error != "",
                rx.callout(
                    SEND.send_error,
                    icon="mail-x",
                    color_scheme="red",
                    size="1",
                    margin_top="12px",
                    custom_attrs={"data-testid": "send-error"},
                ),
            ),
            rx.flex(
                rx.dialog.close(
                    rx.button(
                        t("common.action.cancel"),
                        variant="soft",
                        color_scheme="gray",
                        type="button",
                    )
                ),
                rx.button(
                    rx.icon("send", size=16),
                    t("quotes.send.send"),
                    on_click=SEND.send,
                    loading=SEND.sending,
                    disabled=SEND.sending,
                    custom_attrs={"data-testid": "confirm-send"},
                ),
                justify="end",
                gap="3",
                margin_top="16px",
            ),
            max_width="460px",
        ),
        open=SEND.send_open,
        on_open_change=SEND.set_send_open,
    )
