#!/usr/bin/env bash
# Installs the Debian packages the project needs for its tests and its demo, only those missing.
# Idempotent: prints "dependencies: ok" when nothing is missing.
# --aot also installs what publishing the job runner as Native AOT needs (clang, zlib headers), which
# only the maintenance benchmark and a runner image build do.
# Note: installing postgresql-15 may create and start Debian's default cluster ("main" on 5432); it is
# left alone on purpose, the local instances pick their own free ports and data directories.
set -euo pipefail

PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"

# What must exist, and the package that provides it.
REQUIRED=(
  "${PG_BIN}/initdb:postgresql-${PG_MAJOR}"
  "${PG_BIN}/pg_ctl:postgresql-${PG_MAJOR}"
  "${PG_BIN}/pgbench:postgresql-client-${PG_MAJOR}"
  "${PG_BIN}/pg_repack:postgresql-${PG_MAJOR}-repack"
  "/usr/bin/pgbackrest:pgbackrest"
  "/usr/share/zoneinfo/Europe/Madrid:tzdata"
  "/usr/bin/chromium:chromium"
  "/usr/bin/pgbadger:pgbadger"
  "/usr/bin/patroni:patroni"
  "/usr/lib/python3/dist-packages/pysyncobj:python3-pysyncobj"
  # The images: podman builds and runs them (with runc), mmdebstrap makes local base images from Debian's packages.
  "/usr/bin/podman:podman"
  "/usr/sbin/runc:runc"
  "/usr/bin/mmdebstrap:mmdebstrap"
  # kubectl renders deploy/ in the tests, which need kubectl 1.27 or later (kustomize v5). Debian bookworm's
  # kubernetes-client is kubectl 1.20: only a fallback, and the deploy/ tests then say it is too old.
  "/usr/bin/kubectl:kubernetes-client"
)
if [[ "${1:-}" == "--aot" ]]; then
  REQUIRED+=("/usr/bin/clang:clang" "/usr/include/zlib.h:zlib1g-dev")
fi

missing=()
for entry in "${REQUIRED[@]}"; do
  path=${entry%%:*}
  package=${entry##*:}
  # OPS_PG_BIN (also honoured by PostgresBinaries) may point at a custom PostgreSQL installation.
  if [[ "${path}" == "${PG_BIN}/"* && -n "${OPS_PG_BIN:-}" && -x "${OPS_PG_BIN}/$(basename "${path}")" ]]; then
    continue
  fi
  if [[ ! -e "${path}" ]] && [[ ! " ${missing[*]} " == *" ${package} "* ]]; then
    missing+=("${package}")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "dependencies: ok"
  exit 0
fi

cannot_install() {
  echo "install-deps: $1" >&2
  echo "install-deps: please install the Debian packages: ${missing[*]}" >&2
  echo "install-deps:   apt-get install -y --no-install-recommends ${missing[*]}" >&2
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

# The packages' own services (PostgreSQL's "main" cluster, Patroni's unit) are never used: tests and the demo start
# their servers themselves. Like a container image, refuse service starts while installing (Patroni's init script
# fails without a configuration, and its package would fail with it).
POLICY=/usr/sbin/policy-rc.d
if [[ ! -e "${POLICY}" ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "${POLICY}" >/dev/null
  "${SUDO[@]}" chmod 755 "${POLICY}"
  trap '"${SUDO[@]}" rm -f "${POLICY}"' EXIT
fi

echo "install-deps: installing ${missing[*]}"
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q; then
  cannot_install "apt-get update failed."
fi
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; then
  cannot_install "apt-get install failed."
fi
echo "dependencies: ok"
