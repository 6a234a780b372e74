"""/calendar: month and week grids of events (stable colour per event, overbooked days red),
a day panel, filters, drag and drop to move an event (with a "Move…" dialog for keyboards and
touch screens), the `.ics` export and the personal calendar-feed dialog.

Tablets and desktops get the grid; phones get an agenda of the days that have events or
conflicts (a 7-column month is unreadable at 390 px)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.base import LiteralVar, VarData

from avrentals.ui import routes
from avrentals.ui.components.calendar_grid import CALENDAR_CSS, drag_attrs, drop_day
from avrentals.ui.components.listing import error_callout, live_banner
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.calendar import ALL, DAY_KEYS, CalendarState
from avrentals.ui.state.locale import LocaleState

S = CalendarState
CAN_MOVE = AuthState.permissions.contains("events:write")
EVENTS_PATH = routes.EVENTS


class LanguageWatch(rx.Fragment):
    """Renders nothing; fires its `on_mount` event when mounted and again every time the
    tab's language changes, so a page whose labels are built on the server (dates, counts)
    can rebuild them in the new language."""

    def _get_mount_lifecycle_hook(self) -> str | None:
        return None  # replaced by the hook below, which also depends on the language

    def add_hooks(self) -> list[Any]:
        chain = self.event_triggers.get("on_mount")
        if chain is None:
            return []
        call = LiteralVar.create(chain)
        language = LocaleState.language
        return [
            rx.Var(
                f"useEffect(() => {{ {call!s}(); }}, [{language!s}]);",
                _var_data=VarData.merge(language._get_all_var_data(), call._get_all_var_data()),
            )
        ]


def language_watch(on_change: Any) -> rx.Component:
    """Call `on_change` (an event handler) whenever the tab's language changes."""
    return LanguageWatch.create(on_mount=on_change)


def event_href(event_id: rx.Var) -> rx.Var:
    return EVENTS_PATH + "/" + event_id


def chip_style(chip: rx.Var) -> dict:
    return {
        "background": "var(--" + chip.color + "-a4)",
        "border_left_color": "var(--" + chip.color + "-9)",
        "color": "var(--" + chip.color + "-12)",
    }


def chip_class(chip: rx.Var, extra: str = "") -> rx.Var:
    return (
        "avr-cal-chip "
        + extra
        + rx.cond(chip.starts, "", "avr-cal-cont ")  # i18n: not text
        + rx.cond(chip.ends, "", "avr-cal-open ")  # i18n: not text
        + rx.cond(chip.status == "completed", "avr-cal-completed", "")  # i18n: not text
    )


def event_chip(chip: rx.Var) -> rx.Component:
    """A month-grid bar: the name on the event's first day (and each Monday), a coloured
    continuation elsewhere. A link to the event; draggable for roles that may move it."""
    return rx.link(
        rx.cond(chip.starts, chip.name, "\u00a0"),
        href=event_href(chip.id),
        title=chip.title,
        class_name=chip_class(chip),
        underline="none",
        on_click=rx.stop_propagation,
        custom_attrs={
            **drag_attrs(chip.id, CAN_MOVE),
            "data-testid": "calendar-chip",
            "data-id": chip.id,
            "data-status": chip.status,
        },
        **chip_style(chip),
    )


def event_card(chip: rx.Var) -> rx.Component:
    """A week-grid card: name, client, dates, venue."""
    return rx.link(
        rx.text(chip.name, weight="bold", size="1", as_="div"),
        rx.text(chip.client, size="1", as_="div", class_name="avr-cal-line"),
        rx.text(chip.period, size="1", as_="div", class_name="avr-cal-line"),
        rx.text(chip.location, size="1", as_="div", class_name="avr-cal-line", opacity="0.8"),
        href=event_href(chip.id),
        title=chip.title,
        class_name=chip_class(chip, "avr-cal-card "),
        underline="none",
        on_click=rx.stop_propagation,
        custom_attrs={
            **drag_attrs(chip.id, CAN_MOVE),
            "data-testid": "calendar-chip",
            "data-id": chip.id,
            "data-status": chip.status,
        },
        **chip_style(chip),
    )


def conflict_badge(day: rx.Var) -> rx.Component:
    return rx.cond(
        day.conflicts > 0,
        rx.tooltip(
            rx.badge(
                rx.icon("triangle-alert", size=12),
                day.conflicts,
                color_scheme="red",
                variant="solid",
                size="1",
                custom_attrs={"data-testid": "conflict-badge"},
            ),
            content=day.conflict_tip,
        ),
    )


def day_class(day: rx.Var, base: str) -> rx.Var:
    return (
        base
        + rx.cond(day.in_range, "", " avr-cal-out")  # i18n: not text
        + rx.cond(day.today, " avr-cal-today", "")  # i18n: not text
        + rx.cond(day.conflicts > 0, " avr-cal-conflict", "")  # i18n: not text
    )


def day_cell(day: rx.Var, week_view: bool) -> rx.Component:
    head = rx.flex(
        rx.el.button(
            day.label if week_view else day.number,
            class_name="avr-cal-num",
            type="button",
            aria_label=t("calendar.day.show", day=day.label),
            title=t("calendar.day.show", day=day.label),
            on_click=S.open_day(day.iso).stop_propagation,
        ),
        rx.spacer(),
        conflict_badge(day),
        align="center",
        gap="1",
    )
    if week_view:
        body = rx.foreach(day.chips, event_card)
    else:
        body = rx.fragment(
            rx.foreach(day.chips[:3], event_chip),
            rx.cond(
                day.more > 0,
                rx.el.button(
                    t("calendar.day.more", count=day.more),
                    type="button",
                    on_click=S.open_day(day.iso).stop_propagation,
                    style={
                        "font_size": "11px",
                        "color": "var(--gray-11)",
                        "background": "none",
                        "border": "none",
                        "text_align": "left",
                        "cursor": "pointer",
                        "padding": "0 4px",
                    },
                ),
            ),
        )
    return drop_day(
        head,
        body,
        iso=day.iso,
        on_drop=S.drop_event(day.iso),
        class_name=day_class(day, "avr-cal-day"),
        on_click=S.open_day(day.iso),
        title=day.conflict_tip,
        custom_attrs={
            "data-testid": "calendar-day",
            "data-conflict": rx.cond(day.conflicts > 0, "true", "false"),  # i18n: not text
        },
    )


def month_grid() -> rx.Component:
    return rx.box(
        *[rx.box(t(f"calendar.day_short.{key}"), class_name="avr-cal-head") for key in DAY_KEYS],
        rx.foreach(S.weeks, lambda week: rx.foreach(week, lambda d: day_cell(d, False))),
        class_name="avr-cal-grid",
        custom_attrs={"data-testid": "calendar-month"},
    )


def week_grid() -> rx.Component:
    return rx.box(
        rx.foreach(S.days, lambda d: day_cell(d, True)),
        class_name="avr-cal-grid avr-cal-week",
        custom_attrs={"data-testid": "calendar-week"},
    )


# --- phone agenda ---------------------------------------------------------------------------


def agenda_event(chip: rx.Var) -> rx.Component:
    return rx.flex(
        rx.box(
            width="4px",
            align_self="stretch",
            border_radius="2px",
            background="var(--" + chip.color + "-9)",
        ),
        rx.vstack(
            rx.link(chip.name, href=event_href(chip.id), weight="bold", size="2"),
            rx.text(chip.client, " · ", chip.period, size="1", color_scheme="gray"),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.cond(
            CAN_MOVE,
            rx.button(
                t("calendar.move.open"),
                size="1",
                variant="soft",
                on_click=S.open_move(chip.id),
                custom_attrs={"data-testid": "move-event"},
            ),
        ),
        gap="3",
        align="center",
        width="100%",
        custom_attrs={"data-testid": "agenda-event", "data-id": chip.id},
    )


def agenda_day(day: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.text(day.label, weight="bold", size="2"),
                rx.cond(day.today, rx.badge(t("calendar.nav.today"), size="1")),
                rx.spacer(),
                conflict_badge(day),
                align="center",
                gap="2",
                width="100%",
            ),
            rx.cond(
                day.conflicts > 0,
                rx.text(day.conflict_tip, size="1", color="var(--red-11)"),
            ),
            rx.foreach(day.chips, agenda_event),
            spacing="2",
            width="100%",
        ),
        size="1",
        width="100%",
        class_name=rx.cond(day.conflicts > 0, "avr-cal-conflict", ""),  # i18n: not text
        custom_attrs={
            "data-testid": "agenda-day",
            "data-day": day.iso,
            "data-conflict": rx.cond(day.conflicts > 0, "true", "false"),  # i18n: not text
        },
    )


def agenda() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.agenda.length() > 0,
            rx.foreach(S.agenda, agenda_day),
            rx.center(
                rx.vstack(
                    rx.icon("calendar-x", size=28, color="var(--gray-9)"),
                    rx.text(t("calendar.agenda.empty"), size="2", color_scheme="gray"),
                    align="center",
                ),
                padding="32px",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
        custom_attrs={"data-testid": "calendar-agenda"},
    )


# --- toolbar ----------------------------------------------------------------------------------


def filter_select(
    label: rx.Var[str],
    all_label: rx.Var[str],
    value: rx.Var,
    options: rx.Var,
    on_change,
    testid: str,
):
    return rx.box(
        rx.select.root(
            rx.select.trigger(placeholder=label, width="100%", aria_label=label),
            rx.select.content(
                rx.select.item(all_label, value=ALL),
                rx.foreach(options, lambda o: rx.select.item(o.name, value=o.id)),
            ),
            value=value,
            on_change=on_change,
            size="2",
        ),
        min_width="0",
        custom_attrs={"data-testid": testid},
    )


def toolbar() -> rx.Component:
    nav = rx.flex(
        rx.icon_button(
            rx.icon("chevron-left", size=18),
            variant="soft",
            on_click=S.step(-1),
            aria_label=t("common.list.previous"),
            custom_attrs={"data-testid": "calendar-prev"},
        ),
        rx.button(t("calendar.nav.today"), variant="soft", on_click=S.go_today),
        rx.icon_button(
            rx.icon("chevron-right", size=18),
            variant="soft",
            on_click=S.step(1),
            aria_label=t("common.list.next"),
            custom_attrs={"data-testid": "calendar-next"},
        ),
        rx.heading(
            S.title,
            size="4",
            as_="h2",
            custom_attrs={"data-testid": "calendar-title"},
            white_space="nowrap",
        ),
        rx.cond(S.loading, rx.spinner(size="2")),
        align="center",
        gap="2",
    )
    actions = rx.flex(
        rx.segmented_control.root(
            rx.segmented_control.item(t("calendar.view.month"), value="month"),
            rx.segmented_control.item(t("calendar.view.week"), value="week"),
            value=S.view,
            on_change=S.set_view,
            custom_attrs={"data-testid": "calendar-view"},
        ),
        rx.button(
            rx.icon("download", size=16),
            t("calendar.export.ics"),
            variant="soft",
            on_click=S.export_ics,
            custom_attrs={"data-testid": "export-ics"},
        ),
        rx.button(
            rx.icon("rss", size=16),
            t("calendar.feed.title"),
            variant="soft",
            on_click=S.set_feed_open(True),
            custom_attrs={"data-testid": "open-feed"},
        ),
        gap="2",
        align="center",
        wrap="wrap",
    )
    filters = rx.grid(
        filter_select(
            t("calendar.filter.clients"),
            t("calendar.filter.all_clients"),
            S.client_filter,
            S.clients,
            S.set_client_filter,
            "filter-client",
        ),
        filter_select(
            t("calendar.filter.items"),
            t("calendar.filter.all_items"),
            S.item_filter,
            S.items,
            S.set_item_filter,
            "filter-item",
        ),
        filter_select(
            t("calendar.filter.categories"),
            t("calendar.filter.all_categories"),
            S.category_filter,
            S.categories,
            S.set_category_filter,
            "filter-category",
        ),
        rx.cond(
            S.has_filters,
            rx.button(
                rx.icon("x", size=16),
                t("common.action.clear"),
                variant="ghost",
                on_click=S.clear_filters,
            ),
            rx.box(),
        ),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr 1fr auto"),
        gap="8px",
        width="100%",
    )
    return rx.vstack(
        rx.flex(nav, rx.spacer(), actions, gap="3", wrap="wrap", align="center", width="100%"),
        filters,
        spacing="3",
        width="100%",
    )


def notices() -> rx.Component:
    return rx.fragment(
        rx.cond(
            S.refused != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("ban")),
                rx.vstack(
                    rx.text(S.refused, weight="bold", size="2"),
                    rx.foreach(S.refused_lines, lambda line: rx.text(line, size="2")),
                    spacing="1",
                ),
                rx.icon_button(
                    rx.icon("x", size=14),
                    variant="ghost",
                    color_scheme="red",
                    size="1",
                    on_click=S.dismiss_notice,
                    aria_label=t("calendar.notice.dismiss"),
                    margin_left="auto",
                ),
                color_scheme="red",
                role="alert",
                width="100%",
                custom_attrs={"data-testid": "move-refused"},
            ),
        ),
        rx.cond(
            S.moved_notice != "",
            rx.callout(
                S.moved_notice,
                icon="circle-check",
                color_scheme="green",
                width="100%",
                role="status",
                custom_attrs={"data-testid": "move-saved"},
            ),
        ),
        live_banner(S.live_notice, S.dismiss_notice),
        error_callout(S.error),
    )


# --- dialogs ----------------------------------------------------------------------------------


def day_dialog() -> rx.Component:
    conflict = lambda c: rx.text(  # noqa: E731
        rx.text.strong(c.item),
        t("calendar.day.conflict_line", booked=c.booked, bookable=c.bookable, events=c.events),
        size="2",
        color="var(--red-11)",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.day_title),
            rx.dialog.description(
                t("calendar.day.description"),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.cond(
                S.day_conflicts.length() > 0,
                rx.callout.root(
                    rx.callout.icon(rx.icon("triangle-alert")),
                    rx.vstack(
                        rx.text(t("calendar.day.overbooked"), weight="bold", size="2"),
                        rx.foreach(S.day_conflicts, conflict),
                        spacing="1",
                    ),
                    color_scheme="red",
                    margin_bottom="12px",
                    custom_attrs={"data-testid": "day-conflicts"},
                ),
            ),
            rx.cond(
                S.day_chips.length() > 0,
                rx.vstack(rx.foreach(S.day_chips, agenda_event), spacing="3", width="100%"),
                rx.text(t("calendar.day.empty"), size="2", color_scheme="gray"),
            ),
            rx.flex(
                rx.dialog.close(
                    rx.button(t("common.action.close"), variant="soft", color_scheme="gray")
                ),
                justify="end",
                margin_top="16px",
            ),
            max_width="480px",
            custom_attrs={"data-testid": "day-panel"},
        ),
        open=S.day_open,
        on_open_change=S.set_day_open,
    )


def move_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("calendar.move.title")),
            rx.dialog.description(
                t("calendar.move.description_before"),
                rx.text.strong(S.move_name),
                t("calendar.move.description_after"),
                size="2",
                margin_bottom="12px",
            ),
            rx.el.label(
                t("calendar.move.new_start"), html_for="move-date", style={"font_size": "14px"}
            ),
            rx.input(
                id="move-date",
                type="date",
                value=S.move_date,
                on_change=S.set_move_date,
                custom_attrs={"data-testid": "move-date"},
                margin_top="4px",
            ),
            rx.cond(
                S.move_error != "",
                rx.vstack(
                    rx.callout(S.move_error, icon="ban", color_scheme="red", size="1"),
                    rx.foreach(S.refused_lines, lambda line: rx.text(line, size="1")),
                    margin_top="12px",
                    custom_attrs={"data-testid": "move-error"},
                ),
            ),
            rx.flex(
                rx.dialog.close(
                    rx.button(t("common.action.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.button(
                    t("calendar.move.confirm"),
                    on_click=S.confirm_move,
                    loading=S.moving,
                    disabled=S.moving,
                    custom_attrs={"data-testid": "confirm-move"},
                ),
                justify="end",
                gap="3",
                margin_top="16px",
            ),
            max_width="420px",
        ),
        open=S.move_open,
        on_open_change=S.set_move_open,
    )


def feed_dialog() -> rx.Component:
    url_box = rx.flex(
        rx.input(
            value=S.feed_url,
            read_only=True,
            flex="1",
            aria_label=t("calendar.feed.url"),
            custom_attrs={"data-testid": "feed-url"},
        ),
        rx.button(
            rx.icon("copy", size=16),
            t("calendar.feed.copy"),
            on_click=[rx.set_clipboard(S.feed_url), rx.toast.success(t("calendar.feed.copied"))],
            custom_attrs={"data-testid": "copy-feed"},
        ),
        gap="2",
        width="100%",
    )
    status = rx.cond(
        S.feed_url != "",
        rx.vstack(
            rx.text(t("calendar.feed.new_url"), size="2"),
            url_box,
            spacing="2",
            width="100%",
        ),
        rx.cond(
            S.feed_active,
            rx.callout(
                t("calendar.feed.active"),
                icon="rss",
                size="1",
                custom_attrs={"data-testid": "feed-active"},
            ),
            rx.text(
                t("calendar.feed.none"),
                size="2",
                custom_attrs={"data-testid": "feed-none"},
            ),
        ),
    )
    revoke = rx.cond(
        S.revoke_confirm,
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(
                rx.text(t("calendar.feed.revoke_question"), size="2"),
                rx.flex(
                    rx.button(
                        t("calendar.feed.keep"),
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.ask_revoke(False),
                    ),
                    rx.button(
                        t("calendar.feed.revoke_confirm"),
                        color_scheme="red",
                        on_click=S.revoke_feed,
                        custom_attrs={"data-testid": "confirm-revoke"},
                    ),
                    gap="2",
                ),
                spacing="2",
            ),
            color_scheme="red",
            margin_top="12px",
        ),
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("calendar.feed.title")),
            rx.dialog.description(
                t("calendar.feed.description"),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            status,
            revoke,
            rx.flex(
                rx.cond(
                    S.feed_active & ~S.revoke_confirm,
                    rx.button(
                        t("calendar.feed.revoke"),
                        variant="soft",
                        color_scheme="red",
                        on_click=S.ask_revoke(True),
                        custom_attrs={"data-testid": "revoke-feed"},
                    ),
                ),
                rx.spacer(),
                rx.dialog.close(
                    rx.button(t("common.action.close"), variant="soft", color_scheme="gray")
                ),
                rx.button(
                    rx.cond(
                        S.feed_active, t("calendar.feed.regenerate"), t("calendar.feed.create")
                    ),
                    on_click=S.issue_feed,
                    loading=S.feed_busy,
                    custom_attrs={"data-testid": "issue-feed"},
                ),
                gap="2",
                margin_top="16px",
                wrap="wrap",
            ),
            max_width="520px",
        ),
        open=S.feed_open,
        on_open_change=S.set_feed_open,
    )


def calendar_page() -> rx.Component:
    grid = rx.cond(S.view == "week", week_grid(), month_grid())
    hint = rx.cond(
        CAN_MOVE,
        rx.text(
            t("calendar.grid.hint"),
            size="1",
            color_scheme="gray",
        ),
    )
    return shell(
        routes.CALENDAR,
        rx.el.style(CALENDAR_CSS),
        rx.vstack(
            rx.text(routes.BY_PATH[routes.CALENDAR].description, size="2", color_scheme="gray"),
            toolbar(),
            notices(),
            rx.box(
                rx.cond(S.loaded, rx.vstack(grid, hint, spacing="2", width="100%")),
                class_name="avr-only-wide",
                width="100%",
            ),
            rx.box(rx.cond(S.loaded, agenda()), class_name="avr-only-narrow", width="100%"),
            day_dialog(),
            move_dialog(),
            feed_dialog(),
            language_watch(S.relabel),
            spacing="4",
            width="100%",
        ),
    )
