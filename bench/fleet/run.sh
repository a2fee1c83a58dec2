#!/usr/bin/env bash
# Fleet benchmark (issue 15): one window opening on many inventory clusters at the same minute, with a fleet-wide
# limit and a StartSpread, on the worker of this tree and on a baseline worker built from an older commit.
# Usage: bench/fleet/run.sh [clusters=1000] [limit=10] [spread-seconds=60] [baseline-ref=none] [lead-seconds|-] [replicas=2]
# (lead-seconds: the window opens that long after the start instead of at the first whole minute 45 s away; replicas:
# worker processes sharing the storage, each with as many Hangfire workers as the limit).
# NO_BUILD=1 runs what is already built in Release, without a baseline (the test suite: NO_BUILD=1 run.sh 2 1 0 none 20 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
clusters=${1:-1000}
limit=${2:-10}
spread=${3:-60}
baseline_ref=${4:-none}
lead=${5:--}
replicas=${6:-2}
scripts/install-deps.sh
if [[ "${NO_BUILD:-}" == "1" ]]; then
  [[ "$baseline_ref" == none ]] || { echo "NO_BUILD=1 takes no baseline: it would have to be built" >&2; exit 2; }
  exec dotnet bench/fleet/bin/Release/net10.0/StackGres.Ops.Bench.Fleet.dll "$clusters" "$limit" "$spread" none "$lead" "$replicas"
fi
dotnet build src/Worker -c Release -nologo -v quiet -clp:ErrorsOnly
baseline_dll=none
if [ "$baseline_ref" != none ]; then
  tree=$(mktemp -d)/baseline
  git worktree add --detach "$tree" "$baseline_ref" >/dev/null
  trap 'git worktree remove --force "$tree"' EXIT
  dotnet build "$tree/src/Worker" -c Release -nologo -v quiet -clp:ErrorsOnly
  baseline_dll="$tree/src/Worker/bin/Release/net10.0/StackGres.Ops.Worker.dll"
fi
dotnet run --project bench/fleet -c Release -- "$clusters" "$limit" "$spread" "$baseline_dll" "$lead" "$replicas"
