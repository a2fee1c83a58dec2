#!/usr/bin/env bash
# verify (the job runner, as the worker starts it) against pg_amcheck on the same database, side by side, on a
# throw-away local PostgreSQL 15: pgbench tables at scale 50 (about 750 MB; 5 million rows in pgbench_accounts),
# autovacuum off. Both check every table and TOAST table with verify_heapam (TOAST pointers followed) and every
# B-tree index with bt_index_check(heapallindexed), system catalogs included. Prints, per round, each contender's
# time and the problems it reports (none expected), then medians and the machine's load. For verify it also prints the
# time inside the operation (the result's durationMs: plan and checks, not the process start) and the sum of the
# relations' check times (with jobs 2, two at once).
# Usage: bench/verify/run.sh [rounds]   (default 3; each round runs every contender once)
# SCALE=N changes the pgbench scale; RUNNER=path times an already built runner (e.g. a Native AOT one) instead of
# publishing one (framework-dependent, ReadyToRun).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
SCALE=${SCALE:-50}
PG_BIN=${OPS_PG_BIN:-/usr/lib/postgresql/15/bin}
WORK=$(mktemp -d /tmp/ops-bench-verify.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
AS=()
if [[ "$(id -u)" -eq 0 ]]; then AS=(runuser -u postgres --); chown postgres "$WORK"; fi

stop() {
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT

RUNNER_EXE=${RUNNER:-}
if [[ -z "$RUNNER_EXE" ]]; then
  echo "publishing the job runner (ReadyToRun)..."
  dotnet publish src/Jobs/StackGres.Ops.Jobs.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$WORK/runner" -nologo -v quiet -clp:ErrorsOnly >/dev/null
  RUNNER_EXE="$WORK/runner/StackGres.Ops.Jobs"
fi

"${AS[@]}" "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust >/dev/null
"${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c autovacuum=off -c fsync=off -c synchronous_commit=off -c shared_buffers=128MB" \
  start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "generating the database (pgbench scale $SCALE)..."
psql -d postgres -c "CREATE DATABASE bench"
"$PG_BIN/pgbench" -i -q -s "$SCALE" bench 2>/dev/null
psql -d bench -c "CREATE EXTENSION amcheck" -c "VACUUM ANALYZE" -c "CHECKPOINT"
echo "database size: $(psql -d bench -Atc "SELECT pg_size_pretty(pg_database_size('bench'))"), relations checked by pg_amcheck: $(
  "$PG_BIN/pg_amcheck" -d bench --heapallindexed --progress 2>&1 | tr '\r' '\n' | grep -o '[0-9]*/[0-9]* relations' | tail -1)"

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
amcheck() { # $1 = jobs
  "$PG_BIN/pg_amcheck" -d bench --heapallindexed -j "$1" > "$WORK/amcheck.out" 2>&1 || { cat "$WORK/amcheck.out" >&2; exit 1; }
  echo "problems $(grep -c . "$WORK/amcheck.out" || true)"
}
verify() { # $1 = jobs; the request is written before the clock starts
  OPS_RUN_REQUEST="{\"runId\":\"$(cat /proc/sys/kernel/random/uuid)\",\"operation\":\"verify\",\"parameters\":{\"jobs\":$1},\"cluster\":{\"host\":\"127.0.0.1\",\"port\":$PORT,\"username\":\"postgres\",\"database\":\"bench\",\"sslMode\":\"disable\"}}" \
    "$RUNNER_EXE" > "$WORK/verify.jsonl"
  grep -q '"status":"succeeded"' "$WORK/verify.jsonl" || { tail -3 "$WORK/verify.jsonl" >&2; exit 1; }
  python3 - "$WORK/verify.jsonl" <<'PY'
import json, sys
result = next(e["result"] for e in map(json.loads, open(sys.argv[1])) if e.get("type") == "result")
checks = sum(r["durationMs"] for r in result["relations"]) / 1000
print(f"problems {result['problems']}, relations {result['relationsChecked']}, operation {result['durationMs'] / 1000:.2f} s "
      f"of which checks {checks:.2f} s")
PY
}
measure() { # $1 = label, rest = command
  local label=$1 start end said; shift
  start=$(date +%s%N)
  said=$("$@")
  end=$(date +%s%N)
  printf '%s\t%s\n' "$label" $(( (end - start) / 1000 )) >> "$RESULTS"
  printf '  %-34s %7.2f s  (%s)\n' "$label" "$(echo "($end - $start) / 1000000000" | bc -l)" "$said"
}

"$RUNNER_EXE" --help >/dev/null # the runner's files in the page cache, as pg_amcheck's are
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
  measure "pg_amcheck --heapallindexed -j 2" amcheck 2
  measure "verify jobs 1 (the default)" verify 1
  measure "pg_amcheck --heapallindexed -j 1" amcheck 1
  measure "verify jobs 2" verify 2
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, us = line.rstrip("\n").split("\t")
    rows.setdefault(label, []).append(int(us) / 1e6)
med = {k: statistics.median(v) for k, v in rows.items()}
print(f"\nmedians over {max(len(v) for v in rows.values())} round(s):")
for k, t in med.items():
    print(f"  {k:34} {t:7.2f} s   ({', '.join(f'{x:.2f}' for x in rows[k])})")
print(f"\n  verify jobs 1 / pg_amcheck -j 2: {med['verify jobs 1 (the default)'] / med['pg_amcheck --heapallindexed -j 2']:.2f}x the time")
print(f"  verify jobs 1 / pg_amcheck -j 1: {med['verify jobs 1 (the default)'] / med['pg_amcheck --heapallindexed -j 1']:.2f}x the time")
print(f"  verify jobs 2 / pg_amcheck -j 2: {med['verify jobs 2'] / med['pg_amcheck --heapallindexed -j 2']:.2f}x the time")
PY
