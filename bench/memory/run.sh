#!/usr/bin/env bash
# Worker memory benchmark: RSS of one real worker process over 1,000 vacuum runs after 100 warm-up runs,
# with server GC (the default), workstation GC (DOTNET_gcServer=0), or both.
# Usage: bench/memory/run.sh [server|workstation|both] [runs] [warm-up runs]   (defaults: both, 1000, 100)
# NO_BUILD=1 runs what is already built in Release (the test suite builds it and runs: NO_BUILD=1 run.sh server 2 1).
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
if [[ "${NO_BUILD:-}" == "1" ]]; then
  exec dotnet bench/memory/bin/Release/net10.0/StackGres.Ops.Bench.Memory.dll "$@"
fi
dotnet build src/Worker -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet run --project bench/memory -c Release -- "$@"
