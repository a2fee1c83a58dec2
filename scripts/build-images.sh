#!/usr/bin/env bash
# Builds the worker and job-runner images with podman from the Dockerfile.
#   scripts/build-images.sh [--local-bases] [--tag TAG] [--pg-major N]
# --local-bases: build from local stand-ins of the public base images (scripts/local-base-images.sh), for a
# machine that reaches Debian's package mirrors and NuGet but no image registry. Without it the Dockerfile's
# defaults (the public images) are pulled.
# Prints the two image names. Layers are cached: an unchanged source tree builds again in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

tag=0.1.0
pg_major=15
local_bases=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --local-bases) local_bases=true ;;
    --tag) tag=$2; shift ;;
    --pg-major) pg_major=$2; shift ;;
    *) echo "build-images: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

args=(--build-arg "PG_MAJOR=${pg_major}")
if [[ "${local_bases}" == true ]]; then
  read -r -a bases <<<"$(scripts/local-base-images.sh)"
  args+=("${bases[@]}")
fi

# runc and fixed resource limits: crun refuses hybrid cgroup layouts, and runc cannot raise limits everywhere.
# The host network lets the build reach the package mirrors and NuGet as this machine does.
build=(podman --runtime runc build --network host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --layers "${args[@]}")
for target in worker job-runner; do
  name="localhost/stackgres-ops-${target/job-runner/jobs}:${tag}"
  echo "build-images: ${name}" >&2
  "${build[@]}" --target "${target}" -t "${name}" . >&2
  echo "${name}"
done
