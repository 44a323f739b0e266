#!/usr/bin/env bash
# Install PostGIS for the locally installed PostgreSQL major version. BENCH-ONLY: the project
# never needs PostGIS (boundaries are GeoJSON text, point location is shapely's STRtree in
# Python); bench/bench_grids.py uses it to compare the real reassignment path with the same
# join done by PostGIS (ST_Contains over a GiST index). The extension is created only in the
# benchmark's scratch database, never in the project's database.
#
# Idempotent: exits 0 when the package is already installed. Needs root (or sudo) and access
# to Debian's package archive.
set -euo pipefail
# shellcheck source=lib/apt.sh
source "$(dirname "$0")/lib/apt.sh"

log() { printf 'install-postgis: %s\n' "$*"; }

if ! command -v psql >/dev/null 2>&1; then
  log "psql not found: install PostgreSQL first" >&2
  exit 1
fi
# "psql (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)" -> 15
major="$(psql --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')"
package="postgresql-${major}-postgis-3"

if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
  log "$package already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    log "need root or sudo to install $package" >&2
    exit 1
  fi
fi

log "installing $package (PostgreSQL $major)"
# shellcheck disable=SC2086  # $SUDO is empty or "sudo"
apt_run install-postgis $SUDO apt-get -o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT" update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt_run install-postgis $SUDO apt-get -o "DPkg::Lock::Timeout=$APT_LOCK_TIMEOUT" \
  install -y -qq --no-install-recommends "$package"
log "done: CREATE EXTENSION postgis; is now possible (only do it in a scratch database)"
