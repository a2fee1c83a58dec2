#!/usr/bin/env bash
# Where the test suite's time goes, from the TRX file scripts/test.sh writes: for each test class, the wall time from its
# first test's start to its last test's end, its tests' own time added up, and how many tests it has; the slowest first.
#   scripts/suite-times.sh [TRX] [N]    (default tests/StackGres.Ops.Tests/TestResults/suite.trx, the 15 slowest)
set -euo pipefail
cd "$(dirname "$0")/.."
trx=${1:-tests/StackGres.Ops.Tests/TestResults/suite.trx}
count=${2:-15}
[[ -f "$trx" ]] || { echo "suite-times: no $trx (scripts/test.sh writes it)" >&2; exit 2; }
grep -o '<UnitTestResult [^>]*>' "$trx" | awk -v count="$count" '
  function attr(name,   m) { if (match($0, name "=\"[^\"]*\"")) return substr($0, RSTART + length(name) + 2, RLENGTH - length(name) - 3); return "" }
  # 2026-12-08T01:46:33.3644941+00:00 -> seconds (the day of the month counts, so a run over midnight adds up)
  function seconds(t) { return substr(t, 9, 2) * 86400 + substr(t, 12, 2) * 3600 + substr(t, 15, 2) * 60 + substr(t, 18, 10) }
  {
    name = attr("testName"); sub(/\(.*/, "", name); sub(/\.[^.]*$/, "", name); sub(/^StackGres\.Ops\.Tests\./, "", name)
    d = attr("duration"); own = substr(d, 1, 2) * 3600 + substr(d, 4, 2) * 60 + substr(d, 7)
    start = seconds(attr("startTime")); end = seconds(attr("endTime"))
    if (!(name in first) || start < first[name]) first[name] = start
    if (!(name in last) || end > last[name]) last[name] = end
    sum[name] += own; tests[name]++
    if (!started || start < begin) { begin = start; started = 1 }
    if (end > finish) finish = end
    total += own
  }
  END {
    printf "suite: %d s from the first test to the last, %d s of tests added up; the slowest classes:\n", finish - begin, total
    printf "  wall s  tests s  n  class\n"
    for (c in first) printf "%8.1f %8.1f %4d %s\n", last[c] - first[c], sum[c], tests[c], c | "sort -rn | head -" count
    close("sort -rn | head -" count)
  }'
