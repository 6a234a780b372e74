"""/team (everyone): the active team members with photo, job title, bio and contacts."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import error_callout, loading_rows, message_box
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.team import TeamState

S = TeamState


def _contact(icon: str, value: rx.Var, href: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.link(
            rx.hstack(
                rx.icon(icon, size=14), rx.text(value, size="2"), align="center", spacing="2"
            ),
            href=href,
            color_scheme="gray",
        ),
    )


def member_card(member: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.avatar(
                    src=member["photo"], fallback=member["initials"], size="6", radius="full"
                ),
                rx.vstack(
                    rx.heading(member["name"], size="4", as_="h2"),
                    rx.text(member["job_title"], size="2", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                align="center",
                spacing="4",
            ),
            rx.cond(member["bio"] != "", rx.text(member["bio"], size="2")),
            _contact("mail", member["email"], "mailto:" + member["email"]),
            _contact("phone", member["phone"], "tel:" + member["phone"]),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "team-member", "data-id": member["id"]},
    )


def team_page() -> rx.Component:
    return shell(
        routes.TEAM,
        rx.vstack(
            rx.text(routes.BY_PATH[routes.TEAM].description, size="2", color_scheme="gray"),
            error_callout(S.error),
            rx.cond(
                ~S.loaded,
                loading_rows("team-loading", 3),
                rx.cond(
                    S.members.length() == 0,
                    message_box(
                        "contact",
                        t("team.empty.title"),
                        t("team.empty.text"),
                        testid="team-empty",
                    ),
                    rx.grid(
                        rx.foreach(S.members, member_card),
                        grid_template_columns=rx.breakpoints(
                            initial="1fr", sm="1fr 1fr", lg="1fr 1fr 1fr"
                        ),
                        gap="16px",
                        width="100%",
                    ),
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
