#!/usr/bin/env bash
# The images' sizes and the job runner's start-up in a container, side by side with the container runtime's own cost.
#   bench/images/run.sh [ROUNDS]      (default 20; builds the images from local bases first if they are missing)
# For each round, in the job-runner image under the Job's security context (read-only root, no capabilities, /tmp
# a tmpfs, uid 1654):
#   - inside:  the runner's own wall time from exec to exit (nothing to run: it reads its environment, says so, exits),
#              timed by bash inside the container;
#   - podman:  the whole `podman run` of the same, from this machine's shell;
#   - true:    `podman run` of /bin/true in the same image: what the container runtime alone costs.
# Prints medians in milliseconds. TAG=tag times the images of that tag (default 0.1.0, what build-images.sh makes).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-20}
tag=${TAG:-0.1.0}
runner=localhost/stackgres-ops-jobs:${tag}
worker=localhost/stackgres-ops-worker:${tag}
if ! podman image exists "${runner}" || ! podman image exists "${worker}"; then
  scripts/build-images.sh --local-bases --tag "${tag}" >/dev/null
fi

run=(podman --runtime runc run --rm --network host --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --read-only
     --read-only-tmpfs=false --tmpfs /tmp:rw,mode=1777 --cap-drop ALL --security-opt no-new-privileges)
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

inside=() outside=() bare=()
for ((i = 0; i < rounds; i++)); do
  inside+=("$("${run[@]}" --entrypoint /bin/bash "${runner}" -c \
    's=$(date +%s%N); /app/StackGres.Ops.Jobs >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(( (e - s) / 1000000 ))')")
  start=$(now_ms); "${run[@]}" "${runner}" >/dev/null 2>&1 || true; outside+=($(( $(now_ms) - start )))
  start=$(now_ms); "${run[@]}" --entrypoint /bin/true "${runner}" >/dev/null 2>&1; bare+=($(( $(now_ms) - start )))
done

size() { podman image inspect --format '{{.Size}}' "$1" | awk '{ printf "%.0f MB", $1 / 1000000 }'; }
echo "worker image:      $(size "${worker}")"
echo "job-runner image:  $(size "${runner}")"
echo "runner start-up, median of ${rounds} (ms): inside $(printf '%s\n' "${inside[@]}" | median)," \
     "podman run $(printf '%s\n' "${outside[@]}" | median), podman run /bin/true $(printf '%s\n' "${bare[@]}" | median)"
