#!/usr/bin/env bash
# Debian's nginx for `make cluster` and the several-instances browser test.
set -euo pipefail

# nginx: the browser test of several instances (and `make cluster`) runs Debian's nginx as an
# ordinary process with its own config; the package must not start a system nginx on :80.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing Debian's nginx for the several-instances test"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  NO_START=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d; NO_START=1
  fi
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq nginx-light >/dev/null
  [ "$NO_START" -eq 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
  [ -x /usr/sbin/nginx ] || { echo "ERROR: nginx is missing." >&2; exit 1; }
fi
