"""All configuration, read from the environment only, with development defaults.

Variables: APP_ENV (development | production | test), DATABASE_URL, REDIS_URL, JWT_SECRET,
JWT_TTL_HOURS, PORT, DATA_DIR, CORS_ORIGINS (comma separated), LOG_LEVEL, SMTP_HOST,
SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM, SMTP_STARTTLS.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENVIRONMENTS = ("development", "production", "test")
MIN_SECRET_LENGTH = 32
# Values people paste from examples; never acceptable as a production secret.
PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "jwt-secret", "dev", "test"})
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the app can start with."""


@dataclass(frozen=True)
class RateLimitSettings:
    """Abuse limits (DESIGN §7); 0 switches one off. RATE_LIMIT_LOGIN_FAILURES,
    RATE_LIMIT_API_PER_MINUTE, RATE_LIMIT_UPLOADS_PER_MINUTE."""

    login_failures: int = 5
    api_per_minute: int = 100
    uploads_per_minute: int = 5


def _rate_limits(env: dict[str, str]) -> RateLimitSettings:
    values = {}
    for name in ("login_failures", "api_per_minute", "uploads_per_minute"):
        raw = env.get(f"RATE_LIMIT_{name.upper()}", "").strip()
        if raw:
            try:
                values[name] = int(raw)
            except ValueError as exc:
                raise ConfigError(f"RATE_LIMIT_{name.upper()} must be an integer") from exc
            if values[name] < 0:
                raise ConfigError(f"RATE_LIMIT_{name.upper()} cannot be negative")
    return RateLimitSettings(**values)


@dataclass(frozen=True)
class SmtpSettings:
    """Outgoing mail for quotes, from SMTP_HOST, SMTP_PORT, SMTP_USERNAME, SMTP_PASSWORD,
    SMTP_FROM and SMTP_STARTTLS. The company settings' SMTP fields win when they name a
    host; these are the fallback (e.g. for a deployment configured by environment)."""

    host: str | None = None
    port: int | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    from_address: str | None = None
    starttls: bool = True


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def _smtp(env: dict[str, str]) -> SmtpSettings:
    def text(name: str) -> str | None:
        return env.get(name, "").strip() or None

    port_raw, tls_raw = text("SMTP_PORT"), (text("SMTP_STARTTLS") or "true").lower()
    try:
        port = int(port_raw) if port_raw else None
    except ValueError as exc:
        raise ConfigError("SMTP_PORT must be an integer") from exc
    if port is not None and not 1 <= port <= 65535:
        raise ConfigError("SMTP_PORT must be between 1 and 65535")
    if tls_raw not in _TRUE | _FALSE:
        raise ConfigError("SMTP_STARTTLS must be true or false")
    return SmtpSettings(
        host=text("SMTP_HOST"),
        port=port,
        username=text("SMTP_USERNAME"),
        password=env.get("SMTP_PASSWORD") or None,
        from_address=text("SMTP_FROM"),
        starttls=tls_raw in _TRUE,
    )


@dataclass(frozen=True)
class Settings:
    app_env: str
    database_url: str
    redis_url: str | None
    jwt_secret: str = field(repr=False)
    jwt_ttl_hours: int
    port: int
    data_dir: Path
    cors_origins: tuple[str, ...]
    log_level: str
    rate_limits: RateLimitSettings = field(default_factory=RateLimitSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def masked(self) -> dict[str, str]:
        """The effective configuration with secrets masked, for `avrentals check-config`."""
        return {
            "APP_ENV": self.app_env,
            "DATABASE_URL": mask_url(self.database_url),
            "REDIS_URL": mask_url(self.redis_url) if self.redis_url else "(unset: in-process)",
            "JWT_SECRET": mask_secret(self.jwt_secret),
            "JWT_TTL_HOURS": str(self.jwt_ttl_hours),
            "PORT": str(self.port),
            "DATA_DIR": str(self.data_dir),
            "CORS_ORIGINS": ",".join(self.cors_origins),
            "LOG_LEVEL": self.log_level,
            "RATE_LIMITS": (
                f"login {self.rate_limits.login_failures} failures/15 min, "
                f"api {self.rate_limits.api_per_minute}/min, "
                f"uploads {self.rate_limits.uploads_per_minute}/min"
            ),
            "SMTP": (
                f"{self.smtp.host}:{self.smtp.port or 'default port'} "
                f"user={self.smtp.username or '-'} "
                f"password={mask_secret(self.smtp.password) if self.smtp.password else '-'} "
                f"from={self.smtp.from_address or '-'} starttls={self.smtp.starttls}"
                if self.smtp.host
                else "(unset: company settings only)"
            ),
        }


def mask_secret(value: str) -> str:
    if len(value) <= 8:
        return "****"
    return f"{value[:2]}****{value[-2:]} ({len(value)} chars)"


def mask_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":****@")
    return urlunsplit(parts._replace(netloc=netloc))


def _normalise_database_url(url: str) -> str:
    # psycopg 3 is the only PostgreSQL driver we ship; accept the common short forms.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret(data_dir: Path) -> str:
    """A random secret kept in the data folder, so development sign-ins survive restarts."""
    path = data_dir / ".jwt_secret"
    if path.exists():
        value = path.read_text().strip()
        if len(value) >= MIN_SECRET_LENGTH:
            return value
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from `env` (default: the process environment).

    Raises ConfigError when APP_ENV is unknown, PORT/JWT_TTL_HOURS are not integers, or
    production runs without a real JWT_SECRET.
    """
    env = dict(os.environ if env is None else env)
    app_env = env.get("APP_ENV", "development").strip().lower()
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {app_env!r}")
    data_dir = Path(env.get("DATA_DIR") or PROJECT_ROOT / "data").resolve()
    database_url = _normalise_database_url(
        env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'avrentals.db'}"
    )
    try:
        port = int(env.get("PORT", "3000"))
        ttl = int(env.get("JWT_TTL_HOURS", "24"))
    except ValueError as exc:
        raise ConfigError(f"PORT and JWT_TTL_HOURS must be integers: {exc}") from exc

    secret = env.get("JWT_SECRET", "").strip()
    if app_env == "production":
        if len(secret) < MIN_SECRET_LENGTH or secret.lower() in PLACEHOLDER_SECRETS:
            raise ConfigError(
                f"JWT_SECRET must be set to a random value of at least {MIN_SECRET_LENGTH} "
                "characters in production (e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`)."
            )
    elif not secret:
        secret = _development_secret(data_dir)

    origins = tuple(
        o.strip()
        for o in env.get("CORS_ORIGINS", f"http://localhost:{port},http://127.0.0.1:{port}").split(
            ","
        )
        if o.strip()
    )
    return Settings(
        app_env=app_env,
        database_url=database_url,
        redis_url=(env.get("REDIS_URL") or "").strip() or None,
        jwt_secret=secret,
        jwt_ttl_hours=ttl,
        port=port,
        data_dir=data_dir,
        cors_origins=origins,
        log_level=env.get("LOG_LEVEL", "INFO").upper(),
        rate_limits=_rate_limits(env),
        smtp=_smtp(env),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
