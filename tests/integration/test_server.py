"""`avrentals serve`: the production server's refusals, as a user meets them (real
subprocesses), and its WebSocket settings on a real uvicorn server and socket.

Every browser test (tests/e2e) runs against `avrentals serve` itself; bench/realtime.py
prints what a connected tab costs it."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
import uvicorn

from avrentals import server
from avrentals.server import (
    MAX_SOCKET_MESSAGE_BYTES,
    ServeOptions,
    ServerError,
    check_options,
    uvicorn_settings,
)
from tests.integration.test_cli import run_cli


def test_several_workers_without_redis_are_refused(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "serve", "--workers", "2", "--port", "1")
    assert done.returncode == 2
    assert "2 workers need Redis" in done.stderr
    assert "Use --workers 1 or set REDIS_URL" in done.stderr


def test_an_unreadable_web_concurrency_is_refused(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "serve", WEB_CONCURRENCY="two")
    assert done.returncode == 2
    assert "WEB_CONCURRENCY must be a whole number, not 'two'" in done.stderr


def test_web_concurrency_sets_the_workers_and_redis_doubles_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert server.default_workers(None) == 1
    assert server.default_workers("redis://127.0.0.1:6379/0") == 2
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert server.default_workers(None) == 3


def test_a_missing_frontend_build_and_a_bad_port_are_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "FRONTEND_INDEX", tmp_path / "build" / "client" / "index.html")
    with pytest.raises(ServerError, match=r"avrentals serve --build"):
        check_options(ServeOptions(port=3000), None)
    with pytest.raises(ServerError, match="between 1 and 65535"):
        check_options(ServeOptions(port=70000), None)
    with pytest.raises(ServerError, match="at least 1"):
        check_options(ServeOptions(workers=0), None)


async def _echo(scope, receive, send) -> None:  # a bare ASGI WebSocket echo
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    await receive()
    await send({"type": "websocket.accept"})
    while (message := await receive())["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message["text"]})


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def production_settings_server() -> Iterator[int]:
    """The echo app on a real uvicorn server with the production settings (in this process,
    one worker); yields its port."""
    port = _free_port()
    settings = uvicorn_settings(ServeOptions(host="127.0.0.1", port=port))
    for in_process_only in ("factory", "workers"):
        settings.pop(in_process_only)
    running = uvicorn.Server(uvicorn.Config(_echo, **settings))  # type: ignore[arg-type]
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield port
    finally:
        running.should_exit = True
        thread.join(timeout=20)


def test_the_socket_declines_compression_browsers_offer() -> None:
    """A browser offers permessage-deflate; accepting it would keep two zlib streams per open
    tab. The production settings decline it, and send no Server header."""

    async def talk(port: int) -> tuple[str | None, str | None, str]:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/") as response:
                server_header = response.headers.get("Server")
            async with session.ws_connect(
                f"http://127.0.0.1:{port}/ws",
                headers={"Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits"},
            ) as ws:
                accepted = ws._response.headers.get("Sec-WebSocket-Extensions")
                assert accepted is None, f"the server accepted {accepted!r}"
                await ws.send_str("ping " * 100)
                reply = await ws.receive_str(timeout=10)
            return server_header, accepted, reply

    with production_settings_server() as port:
        server_header, accepted, reply = asyncio.run(talk(port))
    assert accepted is None
    assert reply == "ping " * 100
    assert server_header is None


def test_a_socket_message_over_the_cap_closes_the_socket() -> None:
    """Up to MAX_SOCKET_MESSAGE_BYTES a message is served; one byte more closes the socket
    with 1009 (message too big) instead of being buffered."""

    async def send(port: int, size: int) -> tuple[str | None, int | None]:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(f"http://127.0.0.1:{port}/ws", max_msg_size=0) as ws,
        ):
            await ws.send_str("x" * size)
            message = await ws.receive(timeout=10)
            if message.type == aiohttp.WSMsgType.TEXT:
                return message.data, None
            return None, ws.close_code

    with production_settings_server() as port:
        at_cap = asyncio.run(send(port, MAX_SOCKET_MESSAGE_BYTES))
        over = asyncio.run(send(port, MAX_SOCKET_MESSAGE_BYTES + 1))
    assert at_cap == ("x" * MAX_SOCKET_MESSAGE_BYTES, None)
    assert over == (None, 1009)
