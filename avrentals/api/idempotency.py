"""`Idempotency-Key` on API writes: a client may retry a POST (after a timeout, a dropped
connection or a crashed app instance) without applying it twice.

- The key (1-100 of `A-Z a-z 0-9 _ . : -`) is scoped to the signed-in user; requests without a
  bearer token (sign-in) and file uploads ignore it.
- First use: the key is announced to the domain (`idempotency.expect_key`), inserted by
  `db.transaction()` in the write's own transaction, and the answer is stored after it.
- A retry with the same key and the same request gets the stored answer again, marked
  `Idempotency-Replayed: true`; the same key on a different request is a 422; a key whose
  write committed but whose answer was never stored (the instance died in between) is a 409
  saying so — never a second write.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import uuid
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.engine import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from avrentals.api.deps import (
    EngineDep,
    SettingsDep,
    bearer_scheme,
    client_ip,
    request_engine,
    user_agent,
)
from avrentals.api.envelope import SECURITY_HEADERS
from avrentals.api.middleware import is_api_path
from avrentals.db import read_session, transaction
from avrentals.domain import idempotency
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.services.auth import actor_for_token

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")
STATE_NAME = "idempotency"


class ReplayAnswer(Exception):
    """The stored answer of an earlier request with the same key."""

    def __init__(self, status_code: int, body: dict[str, Any]) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.body = body


async def replay_answer(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ReplayAnswer)
    return JSONResponse(
        exc.body,
        status_code=exc.status_code,
        headers={**SECURITY_HEADERS, REPLAYED_HEADER: "true"},
    )


def _request_hash(request: Request, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.url.path, request.url.query):
        digest.update(part.encode() + b"\x00")
    digest.update(body)
    return digest.hexdigest()


def _verified_user(
    engine: Engine, token: str, ip: str | None, agent: str | None, secret: str
) -> uuid.UUID:
    with read_session(engine) as session:
        actor, _ = actor_for_token(session, token, secret, ip=ip, user_agent=agent)
    return actor.user_id


def _stored(engine: Engine, user_id: uuid.UUID, key: str) -> tuple[str, int | None, Any] | None:
    with read_session(engine) as session:
        row = idempotency.find_key(session, user_id, key)
        return None if row is None else (row.request_hash, row.status_code, row.response_body)


async def idempotency_guard(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias=HEADER,
            description="Optional on POST: retries with the same key apply the write once "
            "and get the first answer again.",
        ),
    ] = None,
) -> None:
    """App-wide dependency; acts only on POST requests that carry a key and a bearer token
    and a JSON body (or none). File uploads are not covered: FastAPI has read their body as a
    form before dependencies run, and re-sending a photo is harmless (same content, same
    stored file)."""
    if idempotency_key is None or request.method != "POST" or credentials is None:
        return
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type not in {"", "application/json"}:
        return
    if not KEY_PATTERN.match(idempotency_key):
        raise ValidationFailed(
            {"idempotency_key": ["Use 1-100 letters, digits or _ . : - for Idempotency-Key."]}
        )
    user_id = await asyncio.to_thread(
        _verified_user,
        engine,
        credentials.credentials,
        client_ip(request),
        user_agent(request),
        settings.jwt_secret,
    )
    request_hash = _request_hash(request, await request.body())
    stored = await asyncio.to_thread(_stored, engine, user_id, idempotency_key)
    if stored is not None:
        stored_hash, status_code, body = stored
        if stored_hash != request_hash:
            raise ValidationFailed(
                {"idempotency_key": ["This key was already used for a different request."]}
            )
        if status_code is None or body is None:
            raise idempotency.DuplicateRequest(
                "This request was already applied, but its answer was not kept (the server "
                "stopped right after saving). Reload to see the result; nothing was applied "
                "twice."
            )
        raise ReplayAnswer(status_code, body)
    pending = idempotency.PendingKey(
        user_id=user_id,
        key=idempotency_key,
        method=request.method,
        path=request.url.path[:255],
        request_hash=request_hash,
    )
    idempotency.expect_key(pending)
    setattr(request.state, STATE_NAME, pending)


def _store(engine: Engine, pending: idempotency.PendingKey, status: int, body: Any) -> None:
    with transaction(engine) as session:
        idempotency.store_answer(session, pending.user_id, pending.key, status, body)


class IdempotencyAnswerMiddleware:
    """Stores the answer of a keyed POST whose write committed, for replays."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or not is_api_path(scope.get("path", ""))
        ):
            await self.app(scope, receive, send)
            return
        status = 0
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        pending = scope.get("state", {}).get(STATE_NAME)
        if not isinstance(pending, idempotency.PendingKey) or not pending.claimed:
            return
        try:
            body = json.loads(b"".join(chunks) or b"null")
        except ValueError:
            return  # not a JSON answer: nothing to replay; retries get the 409 above
        engine = request_engine(Request(scope))
        await asyncio.to_thread(_store, engine, pending, status, body)
