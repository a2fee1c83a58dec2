#!/usr/bin/env bash
# Scheduling benchmarks (issue 4): trigger latency over real worker processes, and scale with
# 10,000 clusters x 2 windows. Usage: bench/scheduling/run.sh [all|latency|scale] [runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
dotnet build src/Worker -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet run --project bench/scheduling -c Release -- "$@"
