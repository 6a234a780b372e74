"""Reflex configuration, derived from our environment settings (avrentals/settings.py).

Only what Reflex itself needs is mapped here: the database URL, Redis (which switches Reflex to
its Redis state manager, required for more than one worker or instance), the allowed origins
of the browser socket, and the plugins (Radix theme; the vendor chunk, avrentals/ui/bundling.py).
Everything else stays in `get_settings()`.
"""

import warnings

import reflex as rx

from avrentals.settings import get_settings
from avrentals.ui.bundling import VendorChunkPlugin

settings = get_settings()

# Reflex compares the models with the migrations on every compile; the PostgreSQL-only
# full-text index is hand-managed (see alembic/env.py), so SQLite's comparison note is noise.
warnings.filterwarnings("ignore", message="autogenerate skipping metadata-specified expression")

_redis: dict[str, str] = {"redis_url": settings.redis_url} if settings.redis_url else {}

config = rx.Config(
    app_name="avrentals",
    db_url=settings.database_url,
    **_redis,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    cors_allowed_origins=list(settings.cors_origins),
    # state_auto_setters is False by default in 0.10; passing it only prints a deprecation
    # warning (the option goes away in 1.0), so it is left at its default.
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(
                appearance="inherit",
                accent_color="indigo",
                gray_color="slate",
                radius="medium",
                scaling="100%",
                has_background=True,
            )
        ),
        VendorChunkPlugin(),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
