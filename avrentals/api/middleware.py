"""ASGI middleware for the API paths only.

This app wraps the whole Reflex backend (Reflex mounts itself inside it), so each middleware
here acts on `/api` paths and passes everything else through untouched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from avrentals.api.envelope import SECURITY_HEADERS, failure

API_PREFIX = "/api"


def is_api_path(path: str) -> bool:
    """True for `/api` and anything below it."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _is_api_http(scope: Scope) -> bool:
    return scope["type"] == "http" and is_api_path(scope.get("path", ""))


class SecurityHeadersMiddleware:
    """Sets `X-Content-Type-Options: nosniff` and `Cache-Control: no-store` (unless the route
    set its own Cache-Control) on every API response; the Reflex backend (and any static
    frontend) keeps its own caching headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api_http(scope):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name == "Cache-Control" and name in headers:
                        continue  # a route that chose its caching (immutable photos) keeps it
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class DeclaredBodySizeMiddleware:
    """Refuses an API request whose `Content-Length` exceeds `max_bytes` with a 413
    PAYLOAD_TOO_LARGE envelope, before the body is read. (Bodies without a length are
    capped by the routers' `max_body_size`.) `larger`: (path pattern, limit) pairs for the
    few upload paths allowed more than `max_bytes`."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        larger: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = tuple(larger)

    def limit_for(self, path: str) -> int:
        for pattern, limit in self.larger:
            if pattern.match(path):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _is_api_http(scope):
            declared = Headers(scope=scope).get("content-length", "")
            limit = self.limit_for(scope.get("path", ""))
            if declared.isdigit() and int(declared) > limit:
                response = failure(
                    413,
                    "PAYLOAD_TOO_LARGE",
                    f"The request body is larger than {limit} bytes.",
                    headers={"Connection": "close"},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
