"""Password hashing cost (avrentals/domain/services/auth.py `password_context`)."""

from __future__ import annotations

import pytest

from avrentals.domain.services.auth import hash_password, password_context, verify_password


@pytest.mark.parametrize("app_env", ["production", "development"])
def test_real_deployments_hash_with_argon2id_at_full_cost(app_env: str) -> None:
    hashed = password_context(app_env).hash("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_a_cheap_test_hash_is_redone_at_full_cost_outside_tests() -> None:
    cheap = password_context("test").hash("correct horse")
    assert cheap.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    production = password_context("production")
    assert production.verify("correct horse", cheap)
    assert production.needs_update(cheap)  # the next sign-in stores a full-cost hash


def test_this_test_run_hashes_cheaply_and_still_tells_passwords_apart() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert verify_password("correct horse", hashed)
    assert not verify_password("correct horsE", hashed)
