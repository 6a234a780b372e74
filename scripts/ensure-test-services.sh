#!/usr/bin/env bash
# Make sure what the tests talk to is there: PostgreSQL, Redis and Debian's Chromium.
# Starts a stopped local service; fails with a clear message when it cannot.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}

if ! pg_isready -q -h "$PGHOST" -p 5432 2>/dev/null; then
  echo "PostgreSQL is not answering on $PGHOST:5432: starting the local cluster"
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST" -p 5432 && break; sleep 1; done
  pg_isready -q -h "$PGHOST" -p 5432 || {
    echo "ERROR: PostgreSQL is not reachable at $PGHOST:5432 (set TEST_DATABASE_URL)." >&2; exit 1; }
fi

if ! (exec 3<>"/dev/tcp/$REDIS_HOST/6379") 2>/dev/null; then
  echo "Redis is not answering on $REDIS_HOST:6379: starting redis-server"
  command -v redis-server >/dev/null || {
    echo "ERROR: redis-server is not installed and Redis is not reachable." >&2; exit 1; }
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 20); do (exec 3<>"/dev/tcp/$REDIS_HOST/6379") 2>/dev/null && break; sleep 0.5; done
  (exec 3<>"/dev/tcp/$REDIS_HOST/6379") 2>/dev/null || {
    echo "ERROR: Redis did not start on $REDIS_HOST:6379." >&2; exit 1; }
fi

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's Chromium for the browser tests"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
  [ -x /usr/bin/chromium ] || { echo "ERROR: /usr/bin/chromium is missing." >&2; exit 1; }
fi
bash "$(dirname "$0")/ensure-nginx.sh"
echo "Test services ready: PostgreSQL $PGHOST:5432, Redis $REDIS_HOST:6379, $(/usr/bin/chromium --version 2>/dev/null | head -n1), $(/usr/sbin/nginx -v 2>&1)"
