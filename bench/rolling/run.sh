#!/usr/bin/env bash
# Client impact of switchover and rolling restart (issue 8): commits lost and the longest time without a write,
# measured by a client writing all along, on a local primary with two streaming replicas.
# Usage: bench/rolling/run.sh [ROUNDS] [both|local|patroni] [all|switchover]   (defaults 5, both: the local cluster,
# then Patroni's; all: every scenario, or only the switchovers). Run as root or as a user that can run initdb.
# NO_BUILD=1 runs what is already built in Release (the test suite builds it and runs: NO_BUILD=1 run.sh 1 local switchover).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null
runner=src/Jobs/bin/Release/net10.0/StackGres.Ops.Jobs.dll
if [[ "${NO_BUILD:-}" == "1" ]]; then
  exec dotnet bench/rolling/bin/Release/net10.0/StackGres.Ops.Bench.Rolling.dll "${1:-5}" "$runner" "${2:-both}" "${3:-all}"
fi
dotnet build src/Jobs/StackGres.Ops.Jobs.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet run --project bench/rolling -c Release -- "${1:-5}" "$runner" "${2:-both}" "${3:-all}"
