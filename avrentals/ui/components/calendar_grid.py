"""Building blocks of the calendar grid: day cells that accept dropped events (HTML5 drag and
drop) and draggable event chips.

Reflex 0.10's elements have no drag triggers, so a day cell is a `div` with one extra
`on_drop` trigger whose argument is read from the drop's `dataTransfer`; the other drag
handlers (`dragstart`, `dragover`, ...) only touch the browser (payload, drop allowed,
highlight) and are passed as plain JavaScript. The payload travels under our own MIME type,
so dragging anything else (a link, a file, text) onto the grid does nothing.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.base import Var
from reflex_base.event import EventHandler
from reflex_components_core.el.elements.typography import Div

DRAG_TYPE = "application/x-avr-event"


def _drop_payload(e: Any) -> tuple[Var[str]]:
    """The dragged event's id (empty when the drop is not one of our chips)."""
    return (Var(f"({e}.dataTransfer.getData('{DRAG_TYPE}') || '')").to(str),)


class DropDay(Div):
    """A day of the grid: `on_drop` receives the dropped event id."""

    on_drop: EventHandler[_drop_payload]


_CLEAR_HIGHLIGHT = (
    "document.querySelectorAll('.avr-cal-over').forEach((n) => n.classList.remove('avr-cal-over'))"
)
# Allow dropping only our chips, and highlight the day under the pointer.
_DRAG_OVER = Var(
    f"((e) => {{ if (e.dataTransfer && Array.from(e.dataTransfer.types).includes('{DRAG_TYPE}'))"
    " { e.preventDefault(); e.dataTransfer.dropEffect = 'move';"
    " e.currentTarget.classList.add('avr-cal-over'); } })"
)
_DRAG_LEAVE = Var(
    "((e) => { if (!e.currentTarget.contains(e.relatedTarget))"
    " e.currentTarget.classList.remove('avr-cal-over'); })"
)
_DRAG_START = Var(
    "((e) => { const id = e.currentTarget.dataset.eventId; if (!id) return;"
    f" e.dataTransfer.setData('{DRAG_TYPE}', id); e.dataTransfer.effectAllowed = 'move';"
    " e.currentTarget.classList.add('avr-cal-dragging'); })"
)
_DRAG_END = Var(
    f"((e) => {{ e.currentTarget.classList.remove('avr-cal-dragging'); {_CLEAR_HIGHLIGHT}; }})"
)


def drop_day(*children: rx.Component, iso: Var, on_drop: Any, **props: Any) -> rx.Component:
    """A day cell that moves a dropped chip's event to `iso` through `on_drop(iso, id)`."""
    attrs = {
        "onDragOver": _DRAG_OVER,
        "onDragEnter": _DRAG_OVER,
        "onDragLeave": _DRAG_LEAVE,
        "data-day": iso,
        **props.pop("custom_attrs", {}),
    }
    return DropDay.create(
        *children,
        on_drop=on_drop.prevent_default,
        custom_attrs=attrs,
        **props,
    )


def drag_attrs(event_id: Var, can_drag: Var) -> dict[str, Any]:
    """Attributes making a chip draggable (only for roles that may move events)."""
    return {
        "draggable": rx.cond(can_drag, "true", "false"),  # i18n: not text
        "data-event-id": rx.cond(can_drag, event_id, ""),
        "onDragStart": _DRAG_START,
        "onDragEnd": _DRAG_END,
    }


CALENDAR_CSS = """
.avr-cal-grid { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr));
  border-top: 1px solid var(--gray-a5); border-left: 1px solid var(--gray-a5);
  border-radius: var(--radius-3); overflow: hidden; }
.avr-cal-head { padding: 6px 8px; font-size: var(--font-size-1); color: var(--gray-11);
  font-weight: 500; background: var(--gray-a2); border-right: 1px solid var(--gray-a5);
  border-bottom: 1px solid var(--gray-a5); }
.avr-cal-day { min-height: 112px; padding: 4px; border-right: 1px solid var(--gray-a5);
  border-bottom: 1px solid var(--gray-a5); display: flex; flex-direction: column; gap: 3px;
  min-width: 0; cursor: pointer; transition: background 0.12s ease; }
.avr-cal-week .avr-cal-day { min-height: 420px; }
.avr-cal-day:hover { background: var(--gray-a2); }
.avr-cal-out { background: var(--gray-a2); }
.avr-cal-out .avr-cal-num { color: var(--gray-9); }
.avr-cal-conflict { background: var(--red-a3); box-shadow: inset 0 0 0 1px var(--red-a7); }
.avr-cal-conflict:hover { background: var(--red-a4); }
.avr-cal-over { background: var(--accent-a4) !important;
  box-shadow: inset 0 0 0 2px var(--accent-9) !important; }
.avr-cal-num { font-size: var(--font-size-1); font-weight: 600; min-width: 24px; height: 24px;
  display: inline-flex; align-items: center; justify-content: center; border-radius: 999px;
  border: none; background: transparent; color: var(--gray-12); cursor: pointer; }
.avr-cal-today .avr-cal-num { background: var(--accent-9); color: var(--accent-contrast); }
.avr-cal-chip { display: block; font-size: 12px; line-height: 18px; padding: 1px 6px;
  border-radius: 4px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  text-decoration: none; border-left: 3px solid transparent; }
.avr-cal-chip[draggable="true"] { cursor: grab; }
.avr-cal-chip:focus-visible { outline: 2px solid var(--accent-8); outline-offset: 1px; }
.avr-cal-cont { border-left-color: transparent !important; border-top-left-radius: 0;
  border-bottom-left-radius: 0; margin-left: -4px; }
.avr-cal-open { border-top-right-radius: 0; border-bottom-right-radius: 0; margin-right: -4px; }
.avr-cal-completed { opacity: 0.6; }
.avr-cal-dragging { opacity: 0.4; }
.avr-cal-card { padding: 6px 8px; white-space: normal; line-height: 1.3; }
.avr-cal-line { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.avr-cal-week .avr-cal-num { padding: 0 8px; white-space: nowrap; }
"""
