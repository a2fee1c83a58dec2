#!/usr/bin/env bash
# Runs the whole test suite against real PostgreSQL servers that the tests start themselves
# (initdb + pg_ctl on 127.0.0.1 and free ports; as the postgres user when run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# The TRX file (tests/StackGres.Ops.Tests/TestResults/suite.trx) keeps every test's times: scripts/suite-times.sh reads it.
dotnet test StackGres.Ops.sln -c Release -nologo --logger "trx;LogFileName=suite.trx" 2>&1 | tee "$log" || status=$?
scripts/suite-times.sh || true
# One plain closing line for CI: "N passed, N failed, N skipped".
awk '/(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i + 1)); if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1) }
     }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
