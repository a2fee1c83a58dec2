#!/usr/bin/env bash
# Need-driven maintenance against the blanket tools, side by side, on a throw-away local PostgreSQL 15:
# 200 tables (20,000 rows each, a primary key and one more index), 10 of them bloated (80% of rows
# updated twice, then deleted), autovacuum off. Every run starts from the same state: a clone of a
# template database, then the same bloating statements. Prints, per run, the time and the space it
# reclaims, then medians over the rounds and the ratios against each goal.
# Space is measured twice: "disk" is pg_database_size before minus after; "data" counts only the main
# fork of every relation (heap, index, TOAST, catalogs included), i.e. it leaves out the free space
# map and visibility map forks, which VACUUM FULL drops from every table it rewrites and the next
# VACUUM of that table creates again (24 KiB + 8 KiB per table here).
# Usage: bench/maintenance/run.sh [rounds]   (default 3; each round runs every contender once)
# INDEX_ORDER=random loads the second index in random key order (B-tree pages ~70% full, which the blanket
# tools then repack too); the default loads it in key order, like a timestamp column.
# The job runner is published twice: ReadyToRun (JIT for the rest) and Native AOT (needs clang, which
# scripts/install-deps.sh --aot installs); RUNNERS="r2r" or RUNNERS="aot" keeps one of them. RUNNER=path times an
# already built runner instead (labelled "given"), publishing none.
# Size: TABLES=N (default 200; every 20th, from the 10th, is bloated) of ROWS=N rows (default 20000); SETTLE=seconds
# (default 1) lets the statistics settle after each bloating. The test suite runs it with TABLES=20 ROWS=500.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
if [[ -n "${RUNNER:-}" ]]; then RUNNERS=given; fi
RUNNERS=${RUNNERS:-"r2r aot"}
TABLES=${TABLES:-200}
ROWS=${ROWS:-20000}
SETTLE=${SETTLE:-1}
if (( TABLES < 10 )); then echo "TABLES must be 10 or more (the 10th is the first bloated one)" >&2; exit 2; fi
PG_BIN=${OPS_PG_BIN:-/usr/lib/postgresql/15/bin}
REPACK=${OPS_PG_REPACK:-$PG_BIN/pg_repack}
WORK=$(mktemp -d /tmp/ops-bench-maintenance.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
AS=()
if [[ "$(id -u)" -eq 0 ]]; then AS=(runuser -u postgres --); chown postgres "$WORK"; fi

stop() {
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT

if [[ " $RUNNERS " == *" aot "* ]]; then scripts/install-deps.sh --aot >/dev/null; else scripts/install-deps.sh >/dev/null; fi
publish() { # $1 = output folder, rest = publish properties
  local out=$1; shift
  dotnet publish src/Jobs/StackGres.Ops.Jobs.csproj -c Release -r linux-x64 "$@" -o "$out" -nologo -v quiet -clp:ErrorsOnly >/dev/null
}
for kind in $RUNNERS; do
  [[ $kind == given ]] || echo "publishing the job runner ($kind)..."
  case $kind in
    r2r) publish "$WORK/runner-r2r" --self-contained false -p:PublishReadyToRun=true ;;
    aot) publish "$WORK/runner-aot" -p:PublishAot=true ;;
    given) ;;
    *) echo "unknown runner kind $kind" >&2; exit 2 ;;
  esac
done
runner_exe() { if [[ $1 == given ]]; then echo "$RUNNER"; else echo "$WORK/runner-$1/StackGres.Ops.Jobs"; fi; }

"${AS[@]}" "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust >/dev/null
"${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c autovacuum=off -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "generating the template database ($TABLES tables x $ROWS rows)..."
psql -d postgres -c "CREATE DATABASE bench_template"
psql -d bench_template -v order="${INDEX_ORDER:-ordered}" -v tables="$TABLES" -v rows="$ROWS" <<'SQL'
CREATE EXTENSION pg_repack;
SELECT set_config('bench.order', :'order', false), set_config('bench.tables', :'tables', false), set_config('bench.rows', :'rows', false);
DO $$
BEGIN
  FOR i IN 1..current_setting('bench.tables')::int LOOP
    EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL)', i);
    EXECUTE format('CREATE INDEX t%s_v ON t%s (v)', i, i);
    EXECUTE format('INSERT INTO t%s SELECT g, %s, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) FROM generate_series(1, %s) g',
                   i, CASE WHEN current_setting('bench.order') = 'random' THEN format('(g * 7919) %% %s', current_setting('bench.rows')) ELSE 'g' END,
                   current_setting('bench.rows'));
  END LOOP;
END $$;
SQL
BLOATED=$(seq 10 20 "$TABLES" | sed 's/^/t/' | tr '\n' ' ')

fresh() { # $1 = database name: a clone of the template with the 10 tables bloated
  psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE bench_template"
  for t in $BLOATED; do
    psql -d "$1" -c "UPDATE $t SET v = v + 1 WHERE id % 5 <> 0" -c "UPDATE $t SET v = v + 1 WHERE id % 5 <> 0" -c "DELETE FROM $t WHERE id % 5 <> 0"
  done
  psql -d "$1" -c "CHECKPOINT"
  sleep "$SETTLE" # let the cumulative statistics settle, as on a live server
}

disk_size() { psql -d postgres -Atc "SELECT pg_database_size('$1')"; }
data_size() { psql -d "$1" -Atc "SELECT sum(pg_relation_size(oid, 'main')) FROM pg_class WHERE relkind IN ('r', 'i', 't', 'm')"; }

# The job runner as the worker starts it: the request in $OPS_RUN_REQUEST, events on standard output.
# The request is written before the clock starts and the log checked after it stops.
prepare_runner() { # $1 = runner kind, $2 = database, $3 = operation, $4 = parameters (JSON)
  RUNNER_EXE=$(runner_exe "$1")
  RUNNER_LOG="$WORK/runner-$1-$3.jsonl"
  export OPS_RUN_REQUEST="{\"runId\":\"$(cat /proc/sys/kernel/random/uuid)\",\"operation\":\"$3\",\"parameters\":$4,\"cluster\":{\"host\":\"127.0.0.1\",\"port\":$PORT,\"username\":\"postgres\",\"database\":\"$2\",\"sslMode\":\"disable\"}}"
}
runner() { "$RUNNER_EXE" > "$RUNNER_LOG"; }
check_runner() {
  unset OPS_RUN_REQUEST
  if [[ -n "${KEEP_LOGS:-}" ]]; then cp "$RUNNER_LOG" "$KEEP_LOGS/"; fi
  grep -q '"status":"succeeded"' "$RUNNER_LOG" || { cat "$RUNNER_LOG" >&2; exit 1; }
  grep -m 3 '"message":"\(skipped\|failed\)' "$RUNNER_LOG" | cut -c1-400 >&2 || true
}

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
measure() { # $1 = label, rest = command (run against database "run"), or: runner KIND DATABASE OPERATION PARAMETERS
  local label=$1; shift
  fresh run
  local disk_before data_before start end disk_after data_after
  disk_before=$(disk_size run); data_before=$(data_size run)
  if [[ $1 == runner ]]; then prepare_runner "${@:2}"; set -- runner; fi
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  if [[ $1 == runner ]]; then check_runner; fi
  disk_after=$(disk_size run); data_after=$(data_size run)
  printf '%s\t%s\t%s\t%s\n' "$label" $(( (end - start) / 1000 )) $(( disk_before - disk_after )) $(( data_before - data_after )) >> "$RESULTS"
  printf '  %-44s %8.3f s  disk %6.1f MiB  data %6.1f MiB\n' "$label" "$(echo "($end - $start) / 1000000000" | bc -l)" \
    "$(echo "($disk_before - $disk_after) / 1048576" | bc -l)" "$(echo "($data_before - $data_after) / 1048576" | bc -l)"
}

VACUUM_TEN="VACUUM FULL $(echo $BLOATED | sed 's/ /, /g')"
REPACK_TEN=(); for t in $BLOATED; do REPACK_TEN+=(-t "$t"); done

# Warm the page cache with each runner once, as psql and pg_repack are warm from the set-up.
for kind in $RUNNERS; do "$(runner_exe "$kind")" --help >/dev/null; done

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
  measure "vacuumdb --full (whole database)" "$PG_BIN/vacuumdb" --full -q -d run
  measure "pg_repack (whole database)" "$REPACK" -d run --elevel=WARNING
  measure "pg_repack -t (10 hand-picked tables)" "$REPACK" -d run --elevel=WARNING "${REPACK_TEN[@]}"
  measure "VACUUM FULL (10 hand-picked tables)" "$PG_BIN/psql" -X -q -d run -c "$VACUUM_TEN"
  for kind in $RUNNERS; do
    measure "runner $kind vacuum needed full" runner "$kind" run vacuum '{"target":"needed","full":true}'
    measure "runner $kind vacuum needed full jobs 2" runner "$kind" run vacuum '{"target":"needed","full":true,"jobs":2}'
    measure "runner $kind repack needed" runner "$kind" run repack '{}'
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$RESULTS" "$RUNNERS" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, us, disk, data = line.rstrip("\n").split("\t")
    rows.setdefault(label, []).append((int(us) / 1e6, int(disk) / 1048576, int(data) / 1048576))
med = {k: tuple(statistics.median(r[i] for r in v) for i in range(3)) for k, v in rows.items()}
n = max(len(v) for v in rows.values())
print(f"\nmedians over {n} round(s):")
print(f"  {'run':44} {'time':>9} {'disk':>10} {'data':>10}   (times of every round)")
for k, (t, disk, data) in med.items():
    print(f"  {k:44} {t:8.3f}s {disk:7.1f}MiB {data:7.1f}MiB   ({', '.join(f'{r[0]:.3f}' for r in rows[k])})")
def ratio(a, b, scale, spec):  # a tiny run (TABLES, ROWS) may reclaim nothing measurable
    return format(scale * a / b, spec) if b else "n/a "
def line(name, run, hand, blanket):
    t, disk, data = med[run]
    print(f"  {name}: {ratio(t, med[hand][0], 1, '.2f')}x the hand-picked time (goal <= 1.5x), "
          f"{ratio(med[blanket][0], t, 1, '.1f')}x faster than {blanket.split(' (')[0]} (goals >= 10x, >= 20x), "
          f"{ratio(disk, med[blanket][1], 100, '.1f')}% of its disk space, {ratio(data, med[blanket][2], 100, '.1f')}% of its data space (goal >= 95%)")
print("\nratios (medians):")
for kind in sys.argv[2].split():
    line(f"{kind} need-driven vacuum full", f"runner {kind} vacuum needed full", "VACUUM FULL (10 hand-picked tables)", "vacuumdb --full (whole database)")
    line(f"{kind} need-driven repack     ", f"runner {kind} repack needed", "pg_repack -t (10 hand-picked tables)", "pg_repack (whole database)")
PY
