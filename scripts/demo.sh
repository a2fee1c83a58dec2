#!/usr/bin/env bash
# The embedded demo: installs what is missing, builds, then starts local PostgreSQL servers (the worker's
# storage; the cluster 'demo', a primary and one streaming replica), the worker on top of them, a real vacuum
# and a switchover through the API. Ctrl-C stops everything it started.
# Arguments go to the demo: --scale N (pgbench scale, default 10), --url URL, --dir PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "building the worker..."
dotnet build src/Worker/StackGres.Ops.Worker.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet src/Worker/bin/Release/net10.0/StackGres.Ops.Worker.dll demo "$@"
