#!/usr/bin/env bash
# Client impact of switchover and rolling restart (issue 8): commits lost and the longest time without a write,
# measured by a client writing all along, on a local primary with two streaming replicas.
# Usage: bench/rolling/run.sh [ROUNDS]   (default 5). Run as root or as a user that can run initdb.
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/install-deps.sh >/dev/null
dotnet build src/Jobs/StackGres.Ops.Jobs.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
dotnet run --project bench/rolling -c Release -- "${1:-5}" src/Jobs/bin/Release/net10.0/StackGres.Ops.Jobs.dll
