"""ASGI middleware of the app that wraps the whole Reflex backend (Reflex mounts itself
inside it): most act on `/api` paths only; `BrowserSecurityHeadersMiddleware` covers the pages
and static files too.
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


# The policy the app works under (checked in the browser by tests/e2e/test_security_headers.py).
# 'unsafe-inline' scripts: the prerendered pages carry inline hydration scripts that differ per
# build; 'unsafe-eval': Reflex's client runs server-sent scripts (rx.call_script) with eval.
# Everything rendered from data goes through React's escaping (tests/e2e/test_xss.py).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self' blob:",
        "worker-src 'self' blob:",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
BROWSER_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # The camera is for scanning QR labels at prep; nothing else is used.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
}


# The production build's files under /assets/ are named by their content hash: a name never
# changes meaning, so browsers may keep them for a year without asking again.
HASHED_ASSETS_PREFIX = "/assets/"
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"


class BrowserSecurityHeadersMiddleware:
    """Security headers on every HTTP response — pages, static files and the API: no MIME
    sniffing, no framing (frame-ancestors + X-Frame-Options), referrer trimmed, and the
    Content-Security-Policy on everything but the interactive API docs (which load their
    viewer from a CDN). HTML pages get `Cache-Control: no-cache`, the build's hashed files
    (/assets/…, when found) a year's `immutable`. Headers a response set itself are kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        with_csp = not path.startswith(API_PREFIX + "/docs")
        hashed_asset = path.startswith(HASHED_ASSETS_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in BROWSER_SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if with_csp:
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                # Pages must be revalidated: a heuristically "fresh" copy from the HTTP cache
                # would hide a new deploy, and hide an outage from the service worker (which
                # then could not show the offline page).
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Cache-Control", "no-cache")
                elif hashed_asset and message["status"] == 200:
                    headers.setdefault("Cache-Control", IMMUTABLE_CACHE)
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


NUL_MESSAGE = "Text cannot contain NUL characters (\\u0000)."
_NUL_IN_QUERY = re.compile(rb"%00|\x00", re.IGNORECASE)


class NulCharacterMiddleware:
    """Refuses API requests whose query or JSON body holds a NUL character with a 422
    VALIDATION_ERROR: PostgreSQL cannot store NUL in text, so such input is refused at the
    edge instead of failing deep in a query. JSON bodies are small (capped by
    DeclaredBodySizeMiddleware, which runs first) and are replayed to the app unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _is_api_http(scope):
            await self.app(scope, receive, send)
            return
        # Paths are matched by the routes (a NUL never matches an id or a file name: 404).
        refused = bool(_NUL_IN_QUERY.search(scope.get("query_string", b"")))
        content_type = Headers(scope=scope).get("content-type", "")
        if not refused and content_type.split(";", 1)[0].strip().lower() == "application/json":
            chunks: list[bytes] = []
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                more = bool(message.get("more_body"))
            body = b"".join(chunks)
            refused = b"\\u0000" in body or b"\x00" in body
            sent = False

            async def replay() -> Message:
                nonlocal sent
                if sent:
                    return await receive()
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            receive = replay
        if refused:
            response = failure(422, "VALIDATION_ERROR", NUL_MESSAGE, {"request": [NUL_MESSAGE]})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
