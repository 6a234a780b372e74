"""The prep page's browser-side helpers as Reflex components: `qr_camera` (the device camera
decoded by the `html5-qrcode` npm library, feeding the same scan handler as the scan field)
and `heartbeat` (a timer that calls an event handler while the page is open, for presence).

Both live in `prep_scanner.jsx` beside this module, shipped with the app as a shared asset and
imported client-side only (no server rendering: the camera needs `window`)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventHandler, passthrough_event_spec

HTML5_QRCODE = "html5-qrcode@2.3.8"
_SOURCE = rx.asset("prep_scanner.jsx", shared=True)


class QrCamera(rx.NoSSRComponent):
    """`<QrCamera onScan onError>`: starts the rear camera when mounted, stops it when
    unmounted."""

    library = _SOURCE.importable_path
    tag = "QrCamera"
    lib_dependencies: list[str] = [HTML5_QRCODE]

    on_scan: EventHandler[passthrough_event_spec(str)]
    on_error: EventHandler[passthrough_event_spec(str)]


class Heartbeat(rx.NoSSRComponent):
    """`<Heartbeat interval onTick>`: renders nothing, ticks every `interval` ms."""

    library = _SOURCE.importable_path
    tag = "Heartbeat"
    lib_dependencies: list[str] = [HTML5_QRCODE]

    interval: rx.Var[int]
    on_tick: EventHandler[passthrough_event_spec()]


def qr_camera(on_scan: Any, on_error: Any, **props: Any) -> rx.Component:
    return QrCamera.create(on_scan=on_scan, on_error=on_error, **props)


def heartbeat(on_tick: Any, interval_ms: int = 10_000) -> rx.Component:
    return Heartbeat.create(interval=interval_ms, on_tick=on_tick)
