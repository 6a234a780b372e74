"""The REST API fuzzed from its own OpenAPI document (schemathesis): every operation gets
generated requests — valid and invalid bodies, queries and path values — sent as an Admin on a
PostgreSQL database holding the demo data. No response may be a 5xx, and every documented
response must match its declared schema and content type. At least 2,000 requests in all.

Generation is derandomised (the same cases every run) so CI stays reproducible; set
FUZZ_SEED_RANDOM=1 to explore new cases locally.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from avrentals.api import create_api
from avrentals.db import make_engine, transaction
from avrentals.domain.enums import Role
from avrentals.domain.services.auth import issue_token
from avrentals.domain.services.demo import seed_demo
from tests.api.conftest import bearer
from tests.conftest import TEST_DATABASE_URL, ensure_postgres_database, reset_schema
from tests.factories import make_user
from tests.servers import api_server as run_api_server
from tests.smtp_server import start_server as start_smtp_server

pytestmark = pytest.mark.slow

# 15 per operation sends ~8,500 requests (40 sent 11,581): well over the 2,000 asked for.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "15"))
MIN_REQUESTS = 2_000
ROOT = Path(__file__).resolve().parents[2]
JWT_SECRET = secrets.token_urlsafe(48)
LOG_PATH = ROOT / "tests" / "api" / "fuzz-server.log"  # the server's errors, for diagnosis
SENT: list[tuple[str, int]] = []  # (operation, status) of every request made

# The document the server publishes at /api/openapi.json (built without a database).
schema = schemathesis.openapi.from_dict(create_api().openapi())


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The API served by uvicorn in its own process on a fresh PostgreSQL database with the
    demo data; yields (base URL, Admin headers)."""
    url = ensure_postgres_database(f"{TEST_DATABASE_URL}_fuzz")
    reset_schema(url)
    engine = make_engine(url)
    with transaction(engine) as session:
        seed_demo(session)
    admin = make_user(engine, Role.ADMIN)
    engine.dispose()
    mail = start_smtp_server()  # quotes the fuzzer sends really go out
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mail.port),
        "SMTP_FROM": "quotes@avrentals.example",
        "SMTP_STARTTLS": "false",
        "DATABASE_URL": url,
        "REDIS_URL": "",
        "JWT_SECRET": JWT_SECRET,
        "DATA_DIR": str(tmp_path_factory.mktemp("fuzz-data")),
        # Thousands of requests from one user: the per-minute limits have their own tests.
        "RATE_LIMIT_API_PER_MINUTE": "0",
        "RATE_LIMIT_UPLOADS_PER_MINUTE": "0",
    }
    try:
        with run_api_server(env, LOG_PATH) as base:
            yield base, bearer(issue_token(admin, JWT_SECRET))
    finally:
        mail.controller.stop()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_SEED_RANDOM"),
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case, api_server: tuple[str, dict[str, str]]) -> None:
    base, admin_headers = api_server
    response = case.call(base_url=base, headers=admin_headers)
    SENT.append((f"{case.method} {case.path}", response.status_code))
    case.validate_response(
        response,
        checks=[
            checks.not_a_server_error,
            checks.response_schema_conformance,
            checks.content_type_conformance,
        ],
    )


def test_zz_the_fuzzer_sent_enough_requests() -> None:
    operations = {op for op, _ in SENT}
    print(f"\n[fuzz] {len(SENT)} requests over {len(operations)} operations")
    assert len(SENT) >= MIN_REQUESTS, f"only {len(SENT)} requests over {len(operations)} ops"
    assert not [s for _, s in SENT if s >= 500]
