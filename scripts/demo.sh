#!/usr/bin/env bash
# The embedded demo: installs what is missing, builds, then starts local PostgreSQL servers (the worker's
# storage; the cluster 'demo', a primary and one streaming replica), the worker on top of them, a real vacuum
# and a switchover through the API. Ctrl-C stops everything it started.
# Arguments go to the demo: --scale N (pgbench scale, default 10), --url URL, --dir PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
# A token the worker would refuse is said now, before anything is installed, built or started.
if [[ -n "${OPS_API_TOKEN:-}" && ${#OPS_API_TOKEN} -lt 16 ]]; then
  echo "demo: \$OPS_API_TOKEN must be at least 16 characters (it has ${#OPS_API_TOKEN}); unset it to let the demo make one." >&2
  exit 2
fi
scripts/install-deps.sh
echo "building the worker..."
dotnet build src/Worker/StackGres.Ops.Worker.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
exec dotnet src/Worker/bin/Release/net10.0/StackGres.Ops.Worker.dll demo "$@"
