"""/prep/<event id>: the tablet checklist of one event.

Check-out / Check-in tabs; a big scan field that keyboard-wedge scanners type into (code +
Enter; the field keeps focus and clears after each scan) and a Camera button; a banner per
scan (accepted / already complete / not on this event, with "Add to event" / unknown code);
progress "scanned / total" with a bar; lines grouped by category with their storage location,
each none / partial (count) / done with manual - / +; on check-in what is still missing and
"Report damaged / missing" (with an optional photo: the tablet camera, or a file picker on
desktops). Stable ids and test ids for the offline layer: `#prep-scan-form`,
`#prep-scan-input`, `[data-testid=prep-line][data-line-id]`."""

from __future__ import annotations

import reflex as rx

from avrentals.domain.media_store import MAX_UPLOAD_BYTES
from avrentals.ui.components.detail import back_link
from avrentals.ui.components.listing import error_callout, live_banner, message_box
from avrentals.ui.components.prep_scanner import heartbeat, qr_camera
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.pages.prep import ACTIVE_FILL, DONE_FILL, progress_bar
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.prep import PREP_PATH, REPORT_PHOTO_UPLOAD_ID, PrepChecklistState

S = PrepChecklistState
CAN_SCAN = AuthState.permissions.contains("rentals:write")
TOUCH = "48px"
OUTCOMES = {
    "ok": ("green", "circle-check"),
    "complete": ("amber", "circle-alert"),
    "not_on_event": ("orange", "package-x"),
    "unknown": ("red", "circle-help"),
    "duplicate": ("gray", "copy"),
    "error": ("red", "circle-x"),
}


def header_card() -> rx.Component:
    ev = S.event
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.heading(
                    ev["name"], size="6", as_="h2", custom_attrs={"data-testid": "prep-event-name"}
                ),
                rx.text(ev["client"], " · ", ev["location"], size="3", color_scheme="gray"),
                rx.text(ev["period"], size="3"),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            rx.vstack(
                rx.cond(
                    ev["overdue"] != "",
                    rx.badge(
                        rx.icon("triangle-alert", size=14),
                        t("prep.overdue.badge"),
                        color_scheme="red",
                        variant="solid",
                        size="3",
                        custom_attrs={"data-testid": "prep-overdue"},
                    ),
                ),
                rx.cond(
                    S.others.length() > 0,
                    rx.badge(
                        rx.icon("users", size=14),
                        t("prep.checklist.also_scanning", names=S.others_text),
                        color_scheme="blue",
                        variant="soft",
                        size="3",
                        custom_attrs={"data-testid": "also-scanning"},
                    ),
                ),
                align="end",
                spacing="2",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="3",
            width="100%",
        ),
        width="100%",
    )


def tabs() -> rx.Component:
    def tab(value: str, label: rx.Var[str], icon: str) -> rx.Component:
        active = S.tab == value
        return rx.button(
            rx.icon(icon, size=20),
            label,
            on_click=S.set_tab(value),
            size="4",
            flex="1",
            variant=rx.cond(active, "solid", "soft"),  # i18n: not text
            color_scheme=rx.cond(active, "indigo", "gray"),  # i18n: not text
            aria_pressed=rx.cond(active, "true", "false"),  # i18n: not text
            custom_attrs={"data-testid": f"tab-{value}"},
        )

    return rx.hstack(
        tab("checkout", t("prep.phase.checkout"), "package-open"),
        tab("checkin", t("prep.phase.checkin"), "package-check"),
        width="100%",
        spacing="2",
    )


def progress_block() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                rx.cond(
                    S.tab == "checkout",
                    t("prep.checklist.scanned_out"),
                    t("prep.checklist.back_in"),
                ),
                size="3",
                weight="medium",
            ),
            rx.spacer(),
            rx.text(
                S.progress_text,
                size="6",
                weight="bold",
                custom_attrs={"data-testid": "prep-progress"},
            ),
            width="100%",
            align="end",
        ),
        progress_bar(
            S.progress_percent.to_string(),
            rx.cond(S.progress_percent == 100, DONE_FILL, ACTIVE_FILL),
            "prep-progress-bar",
        ),
        rx.cond(
            (S.tab == "checkin") & (S.missing_count > 0),
            rx.text(
                t("prep.checklist.still_missing", count=S.missing_count),
                size="3",
                color_scheme="red",
                weight="medium",
                custom_attrs={"data-testid": "prep-missing"},
            ),
        ),
        width="100%",
        spacing="2",
    )


def scan_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.input(
                name="code",
                id="prep-scan-input",
                placeholder=rx.cond(
                    S.tab == "checkout",
                    t("prep.scan.placeholder_checkout"),
                    t("prep.scan.placeholder_checkin"),
                ),
                auto_focus=True,
                auto_complete="off",
                autocapitalize="characters",
                spell_check=False,
                enter_key_hint="go",
                max_length=64,
                size="3",
                height="52px",
                font_size="18px",
                flex="1",
                disabled=~CAN_SCAN,
                aria_label=t("prep.scan.asset_code"),
                custom_attrs={"data-testid": "scan-input"},
            ),
            rx.button(
                rx.icon("scan-barcode", size=20),
                rx.text(t("prep.scan.submit"), display=rx.breakpoints(initial="none", sm="inline")),
                type="submit",
                size="4",
                disabled=~CAN_SCAN,
                custom_attrs={"data-testid": "scan-submit"},
            ),
            rx.icon_button(
                rx.icon(rx.cond(S.camera_open, "camera-off", "camera"), size=22),  # i18n: not text
                type="button",
                on_click=S.toggle_camera,
                size="4",
                variant="soft",
                disabled=~CAN_SCAN,
                aria_label=t("prep.scan.camera"),
                title=t("prep.scan.camera_title"),
                custom_attrs={"data-testid": "camera-button"},
            ),
            width="100%",
            spacing="2",
        ),
        on_submit=S.submit_scan,
        reset_on_submit=True,
        id="prep-scan-form",
        width="100%",
    )


def camera_panel() -> rx.Component:
    return rx.cond(
        S.camera_open,
        rx.card(
            rx.vstack(
                rx.text(t("prep.camera.hint"), size="2", color_scheme="gray"),
                qr_camera(on_scan=S.camera_scan, on_error=S.camera_failed, id="prep-camera"),
                align="center",
                width="100%",
            ),
            width="100%",
            custom_attrs={"data-testid": "camera-panel"},
        ),
    )


def outcome_banner() -> rx.Component:
    def banner(kind: str) -> rx.Component:
        color, icon = OUTCOMES[kind]
        return rx.flex(
            rx.icon(icon, size=24, flex_shrink="0"),
            rx.text(S.outcome_message, size="4", weight="medium", flex="1", min_width="0"),
            rx.cond(
                S.outcome_can_add & CAN_SCAN & (kind == "not_on_event"),
                rx.button(
                    rx.icon("plus", size=18),
                    t("prep.outcome.add_to_event"),
                    on_click=S.add_scanned_item,
                    size="3",
                    color_scheme="orange",
                    custom_attrs={"data-testid": "add-to-event"},
                ),
            ),
            rx.icon_button(
                rx.icon("x", size=16),
                on_click=S.dismiss_outcome,
                variant="ghost",
                color_scheme="gray",
                size="2",
                aria_label=t("prep.outcome.dismiss"),
            ),
            gap="12px",
            align="center",
            wrap="wrap",
            width="100%",
            padding="14px 16px",
            border_radius="var(--radius-4)",
            background=f"var(--{color}-a3)",
            color=f"var(--{color}-11)",
            role="status",
            custom_attrs={"data-testid": "scan-outcome", "data-kind": kind},
        )

    return rx.cond(
        S.outcome_kind != "",
        rx.match(S.outcome_kind, *[(k, banner(k)) for k in OUTCOMES], rx.fragment()),
    )


def state_badge(state: rx.Var, count: rx.Var) -> rx.Component:
    return rx.match(
        state,
        (
            "done",
            rx.badge(
                rx.icon("check", size=14), t("prep.line.done"), color_scheme="green", size="2"
            ),
        ),
        ("partial", rx.badge(t("prep.line.so_far", count=count), color_scheme="amber", size="2")),
        rx.badge(t("prep.line.none_yet"), color_scheme="gray", variant="soft", size="2"),
    )


def line_row(line: rx.Var) -> rx.Component:
    checkout = S.tab == "checkout"
    count = rx.cond(checkout, line["out"], line["in"])
    target = rx.cond(checkout, line["quantity"], line["out"])
    state = rx.cond(checkout, line["out_state"], line["in_state"])
    return rx.fragment(
        rx.cond(
            line["first"] != "",
            rx.heading(
                line["category"],
                size="3",
                as_="h3",
                color="var(--gray-11)",
                padding_top="8px",
                custom_attrs={"data-testid": "prep-category"},
            ),
        ),
        rx.card(
            rx.flex(
                rx.vstack(
                    rx.text(line["name"], size="4", weight="bold"),
                    rx.hstack(
                        rx.badge(
                            rx.icon("map-pin", size=12), line["location"], variant="soft", size="2"
                        ),
                        rx.code(line["code"], size="2", variant="ghost"),
                        rx.cond(
                            line["consumable"] != "",
                            rx.badge(t("prep.line.consumable"), size="1", variant="outline"),
                        ),
                        spacing="2",
                        wrap="wrap",
                        align="center",
                    ),
                    rx.cond(
                        ~checkout & (line["missing"] != "0"),
                        rx.text(
                            t("prep.line.missing", count=line["missing"]),
                            size="2",
                            color_scheme="red",
                            weight="medium",
                            custom_attrs={"data-testid": "line-missing"},
                        ),
                    ),
                    spacing="1",
                    min_width="0",
                    flex="1",
                ),
                rx.hstack(
                    state_badge(state, count),
                    rx.text(
                        count,
                        " / ",
                        target,
                        size="6",
                        weight="bold",
                        min_width="72px",
                        text_align="right",
                        custom_attrs={"data-testid": "line-count"},
                    ),
                    rx.icon_button(
                        rx.icon("minus", size=20),
                        on_click=S.adjust_line(line["id"], -1),
                        disabled=~CAN_SCAN | (count == "0"),
                        size="4",
                        variant="soft",
                        color_scheme="gray",
                        aria_label=t("prep.line.one_less"),
                        custom_attrs={"data-testid": "line-minus"},
                    ),
                    rx.icon_button(
                        rx.icon("plus", size=20),
                        on_click=S.adjust_line(line["id"], 1),
                        disabled=~CAN_SCAN | (count == target),
                        size="4",
                        variant="soft",
                        aria_label=t("prep.line.one_more"),
                        custom_attrs={"data-testid": "line-plus"},
                    ),
                    rx.cond(
                        ~checkout,
                        rx.button(
                            rx.icon("triangle-alert", size=18),
                            t("prep.line.report"),
                            on_click=S.open_report(line["id"]),
                            disabled=~CAN_SCAN | (line["out"] == "0"),
                            size="3",
                            height=TOUCH,
                            variant="soft",
                            color_scheme="red",
                            title=t("prep.line.report_title"),
                            custom_attrs={"data-testid": "line-report"},
                        ),
                    ),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                    justify="end",
                ),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap="3",
                align=rx.breakpoints(initial="stretch", sm="center"),
                width="100%",
            ),
            width="100%",
            border_left=rx.match(
                state,
                ("done", "4px solid var(--green-9)"),
                ("partial", "4px solid var(--amber-9)"),
                "4px solid var(--gray-6)",
            ),
            custom_attrs={
                "data-testid": "prep-line",
                "data-line-id": line["id"],
                "data-equipment-id": line["equipment_id"],
                "data-code": line["code"],
                "data-state": state,
            },
        ),
    )


def camera_upload(*children: rx.Component, **props) -> rx.Component:
    """`rx.upload.root` whose file input asks for the rear camera on phones and tablets
    (`capture="environment"`; desktops show the file picker). react-dropzone's input props
    do not cover `capture`, so it is set on the input element the upload root renders."""
    upload = rx.upload.root(*children, **props)
    zone = upload.children[0]
    file_input = zone.children[0]
    file_input.custom_attrs["capture"] = "environment"
    return upload


def report_photo() -> rx.Component:
    """The report's optional photo: a preview with "Remove", or the camera / picker zone."""
    return rx.cond(
        S.report_photo_url != "",
        rx.hstack(
            rx.image(
                src=S.report_photo_url,
                alt=t("prep.report.photo_alt"),
                width="96px",
                height="96px",
                object_fit="cover",
                border_radius="var(--radius-3)",
                custom_attrs={"data-testid": "report-photo-preview"},
            ),
            rx.button(
                rx.icon("trash-2", size=16),
                t("prep.report.remove_photo"),
                on_click=S.remove_report_photo,
                variant="soft",
                color_scheme="gray",
                size="3",
                custom_attrs={"data-testid": "report-photo-remove"},
            ),
            align="center",
            spacing="3",
        ),
        camera_upload(
            rx.cond(
                S.report_uploading,
                rx.hstack(
                    rx.spinner(size="2"),
                    rx.text(t("prep.report.checking_photo"), size="2"),
                    align="center",
                    spacing="2",
                ),
                rx.hstack(
                    rx.icon("camera", size=18),
                    rx.text(t("prep.report.take_photo"), size="3", weight="medium"),
                    align="center",
                    spacing="2",
                ),
            ),
            id=REPORT_PHOTO_UPLOAD_ID,
            accept={"image/*": []},
            max_files=1,
            max_size=MAX_UPLOAD_BYTES,
            multiple=False,
            disabled=S.report_uploading | S.report_saving,
            on_drop=[
                S.start_report_photo,
                S.upload_report_photo(rx.upload_files(upload_id=REPORT_PHOTO_UPLOAD_ID)),
            ],
            on_drop_rejected=S.report_photo_rejected,
            border="1px dashed var(--gray-a8)",
            border_radius="var(--radius-3)",
            padding="12px",
            min_height=TOUCH,
            width="100%",
            cursor="pointer",
            custom_attrs={
                "data-testid": "report-photo-upload",
                "aria-label": t("prep.report.add_photo"),
            },
        ),
    )


def report_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("prep.report.title")),
            rx.dialog.description(
                t("prep.report.description", name=S.report_name),
                size="2",
            ),
            rx.vstack(
                rx.radio_group.root(
                    rx.hstack(
                        rx.radio_group.item(t("prep.report.damaged"), value="damaged"),
                        rx.text(t("prep.report.damaged_label"), size="3"),
                        rx.radio_group.item(t("prep.report.missing"), value="missing"),
                        rx.text(t("prep.report.missing_label"), size="3"),
                        spacing="2",
                        align="center",
                        wrap="wrap",
                    ),
                    value=S.report_condition,
                    on_change=S.set_report_condition,
                    size="3",
                    custom_attrs={"data-testid": "report-condition"},
                ),
                rx.text(t("prep.report.units", max=S.report_max), size="2", weight="medium"),
                rx.input(
                    value=S.report_units,
                    on_change=S.set_report_units,
                    type="number",
                    min=1,
                    size="3",
                    input_mode="numeric",
                    custom_attrs={"data-testid": "report-units"},
                ),
                rx.text(t("prep.report.what_happened"), size="2", weight="medium"),
                rx.text_area(
                    value=S.report_note,
                    on_change=S.set_report_note,
                    placeholder=t("prep.report.note_placeholder"),
                    max_length=500,
                    size="3",
                    custom_attrs={"data-testid": "report-note"},
                ),
                rx.text(t("prep.report.photo"), size="2", weight="medium"),
                report_photo(),
                rx.cond(
                    S.report_error != "",
                    rx.text(
                        S.report_error,
                        color_scheme="red",
                        size="2",
                        custom_attrs={"data-testid": "report-error"},
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(
                        rx.button(
                            t("common.action.cancel"), variant="soft", color_scheme="gray", size="3"
                        )
                    ),
                    rx.button(
                        t("prep.line.report"),
                        on_click=S.submit_report,
                        loading=S.report_saving,
                        disabled=S.report_uploading,
                        color_scheme="red",
                        size="3",
                        custom_attrs={"data-testid": "report-submit"},
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                padding_top="12px",
            ),
            max_width="480px",
        ),
        open=S.report_open,
        on_open_change=S.set_report_open,
    )


def checklist() -> rx.Component:
    return rx.vstack(
        header_card(),
        tabs(),
        rx.card(
            rx.vstack(progress_block(), scan_form(), spacing="4", width="100%"),
            width="100%",
            position="sticky",
            top="calc(var(--avr-header-height, 56px) + 8px)",
            z_index="2",
        ),
        camera_panel(),
        outcome_banner(),
        rx.cond(
            S.lines.length() > 0,
            rx.vstack(rx.foreach(S.lines, line_row), spacing="3", width="100%"),
            message_box(
                "package",
                t("prep.checklist.no_lines_title"),
                t("prep.checklist.no_lines_text"),
                testid="prep-no-lines",
            ),
        ),
        rx.cond(
            (S.tab == "checkin") & S.has_consumables_out & CAN_SCAN,
            rx.button(
                rx.icon("flag", size=18),
                t("prep.checklist.finish"),
                on_click=S.finish,
                size="3",
                variant="outline",
                custom_attrs={"data-testid": "finish-checkin"},
            ),
        ),
        heartbeat(S.heartbeat, 10_000),
        report_dialog(),
        spacing="4",
        width="100%",
        max_width="960px",
    )


def prep_checklist_page() -> rx.Component:
    return shell(
        PREP_PATH,
        rx.vstack(
            back_link(t("prep.checklist.all_prep"), PREP_PATH),
            live_banner(S.notice, S.dismiss_notice),
            error_callout(S.error),
            rx.cond(
                ~S.loaded,
                rx.skeleton(height="320px", width="100%", loading=True),
                rx.cond(
                    S.not_found,
                    message_box(
                        "search-x",
                        t("prep.checklist.not_found_title"),
                        t("prep.checklist.not_found_text"),
                        rx.link(
                            rx.button(t("prep.checklist.all_prep"), variant="soft"),
                            href=PREP_PATH,
                        ),
                        testid="prep-not-found",
                    ),
                    checklist(),
                ),
            ),
            spacing="4",
            width="100%",
            max_width="960px",
        ),
    )
