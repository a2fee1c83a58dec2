#!/usr/bin/env bash
# Scheduling benchmarks (issue 4): trigger latency over real worker processes, and scale with
# 10,000 clusters x 2 windows. Usage: bench/scheduling/run.sh [all|latency|scale] [runs] [clusters]
# NO_BUILD=1 runs what is already built in Release (the test suite builds it and runs: NO_BUILD=1 run.sh all 2 20).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
if [[ "${NO_BUILD:-}" == "1" ]]; then
  exec dotnet bench/scheduling/bin/Release/net10.0/StackGres.Ops.Bench.Scheduling.dll "$@"
fi
dotnet build src/Worker -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet run --project bench/scheduling -c Release -- "$@"
