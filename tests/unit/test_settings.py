from __future__ import annotations

from pathlib import Path

import pytest

from avrentals.cli import main
from avrentals.settings import ConfigError, load_settings, mask_url


def test_production_refuses_missing_or_weak_secret(tmp_path: Path) -> None:
    base = {"APP_ENV": "production", "DATA_DIR": str(tmp_path)}
    for secret in ("", "changeme", "short-secret"):
        with pytest.raises(ConfigError, match="JWT_SECRET"):
            load_settings({**base, "JWT_SECRET": secret})
    ok = load_settings({**base, "JWT_SECRET": "k" * 40})
    assert ok.is_production and ok.jwt_secret == "k" * 40


def test_development_generates_and_keeps_a_secret(tmp_path: Path) -> None:
    first = load_settings({"DATA_DIR": str(tmp_path)})
    second = load_settings({"DATA_DIR": str(tmp_path)})
    assert len(first.jwt_secret) >= 32 and first.jwt_secret == second.jwt_secret
    assert (tmp_path / ".jwt_secret").stat().st_mode & 0o077 == 0
    assert first.database_url == f"sqlite:///{tmp_path / 'avrentals.db'}"
    assert first.redis_url is None


def test_url_normalisation_and_bad_values(tmp_path: Path) -> None:
    s = load_settings({"DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://u:pw@h/db"})
    assert s.database_url == "postgresql+psycopg://u:pw@h/db"
    assert mask_url(s.database_url) == "postgresql+psycopg://u:****@h/db"
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_settings({"APP_ENV": "staging"})
    with pytest.raises(ConfigError, match="PORT"):
        load_settings({"DATA_DIR": str(tmp_path), "PORT": "eighty"})


def test_check_config_masks_secrets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config"]) == 0
    out = capsys.readouterr().out
    assert "JWT_SECRET=te****xx" in out
    assert "test-secret-" not in out
    assert "APP_ENV=test" in out
