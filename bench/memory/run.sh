#!/usr/bin/env bash
# Worker memory benchmark: RSS of one real worker process over 1,000 vacuum runs after 100 warm-up runs,
# with server GC (the default), workstation GC (DOTNET_gcServer=0), or both.
# Usage: bench/memory/run.sh [server|workstation|both] [runs]   (defaults: both, 1000)
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh
dotnet build src/Worker -c Release -nologo -v quiet -clp:ErrorsOnly
dotnet run --project bench/memory -c Release -- "$@"
