#!/usr/bin/env bash
# Installs the system packages the project needs (PostgreSQL 15 server + client tools for the local
# instances used by tests and the demo; pgBackRest for the backup and restore operations). Idempotent: prints "dependencies: ok" when nothing is missing.
# Note: installing postgresql-15 may create and start Debian's default cluster ("main" on 5432); it is left
# alone on purpose, the local instances pick their own free ports and data directories.
set -euo pipefail

PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
PACKAGES=("postgresql-${PG_MAJOR}" "postgresql-client-${PG_MAJOR}" "pgbackrest")

has_tools() {
  local dir=$1
  [[ -x "${dir}/initdb" && -x "${dir}/pg_ctl" && -x "${dir}/pgbench" ]] && command -v pgbackrest >/dev/null 2>&1
}

# OPS_PG_BIN (also honoured by PostgresBinaries) points at a custom installation.
if [[ -n "${OPS_PG_BIN:-}" ]] && has_tools "${OPS_PG_BIN}"; then
  echo "dependencies: ok"
  exit 0
fi

if has_tools "${PG_BIN}"; then
  echo "dependencies: ok"
  exit 0
fi

cannot_install() {
  echo "install-deps: $1" >&2
  echo "install-deps: please install the Debian packages: ${PACKAGES[*]}" >&2
  echo "install-deps:   apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
  echo "install-deps: or set OPS_PG_BIN to a directory holding initdb, pg_ctl and pgbench." >&2
  exit 1
}

if ! command -v apt-get >/dev/null 2>&1; then
  cannot_install "apt-get not found (not a Debian/Ubuntu system)."
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    cannot_install "not running as root and sudo is not available."
  fi
fi

echo "install-deps: installing ${PACKAGES[*]}"
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q; then
  cannot_install "apt-get update failed."
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"; then
  cannot_install "apt-get install failed."
fi

if ! has_tools "${PG_BIN}"; then
  cannot_install "${PG_BIN} still lacks initdb, pg_ctl or pgbench (or pgbackrest is missing) after installing."
fi
echo "dependencies: ok"
