#!/usr/bin/env bash
# Need-driven maintenance against the blanket tools, side by side, on a throw-away local PostgreSQL 15:
# 200 tables (20,000 rows each, a primary key and one more index), 10 of them bloated (80% of rows
# updated twice, then deleted), autovacuum off. Every run starts from the same state: a clone of a
# template database, then the same bloating statements. Prints the time and the space each run
# reclaims (pg_database_size before and after) and the ratios against the blanket tools.
# Usage: bench/maintenance/run.sh [rounds]   (default 1 round; each round runs every contender once)
# INDEX_ORDER=random loads the second index in random key order (B-tree pages ~70% full, which the blanket
# tools then repack too); the default loads it in key order, like a timestamp column.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-1}
PG_BIN=${OPS_PG_BIN:-/usr/lib/postgresql/15/bin}
REPACK=${OPS_PG_REPACK:-$PG_BIN/pg_repack}
WORK=$(mktemp -d /tmp/ops-bench-maintenance.XXXXXX)
RUNNER_DIR="$WORK/runner"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
AS=()
if [[ "$(id -u)" -eq 0 ]]; then AS=(runuser -u postgres --); chown postgres "$WORK"; fi

stop() {
  "${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap stop EXIT

scripts/install-deps.sh >/dev/null
echo "publishing the job runner (ReadyToRun, as a runner image ships it)..."
dotnet publish src/Jobs/StackGres.Ops.Jobs.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$RUNNER_DIR" -nologo -v quiet -clp:ErrorsOnly >/dev/null

"${AS[@]}" "$PG_BIN/initdb" -D "$WORK/data" -U postgres -A trust >/dev/null
"${AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c autovacuum=off -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres
psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

echo "generating the template database (200 tables x 20,000 rows)..."
psql -d postgres -c "CREATE DATABASE bench_template"
psql -d bench_template -v order="${INDEX_ORDER:-ordered}" <<'SQL'
CREATE EXTENSION pg_repack;
SELECT set_config('bench.order', :'order', false);
DO $$
BEGIN
  FOR i IN 1..200 LOOP
    EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY, v int NOT NULL, payload text NOT NULL)', i);
    EXECUTE format('CREATE INDEX t%s_v ON t%s (v)', i, i);
    EXECUTE format('INSERT INTO t%s SELECT g, %s, md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text) FROM generate_series(1, 20000) g',
                   i, CASE WHEN current_setting('bench.order') = 'random' THEN '(g * 7919) %% 20000' ELSE 'g' END);
  END LOOP;
END $$;
SQL
BLOATED=$(seq 10 20 200 | sed 's/^/t/' | tr '\n' ' ')

fresh() { # $1 = database name: a clone of the template with the 10 tables bloated
  psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE bench_template"
  for t in $BLOATED; do
    psql -d "$1" -c "UPDATE $t SET v = v + 1 WHERE id % 5 <> 0" -c "UPDATE $t SET v = v + 1 WHERE id % 5 <> 0" -c "DELETE FROM $t WHERE id % 5 <> 0"
  done
  psql -d "$1" -c "CHECKPOINT"
  sleep 1 # let the cumulative statistics settle, as on a live server
}

size() { psql -d postgres -Atc "SELECT pg_database_size('$1')"; }

runner() { # $1 = database, $2 = operation, $3 = parameters (JSON)
  OPS_RUN_REQUEST="{\"runId\":\"$(python3 -c 'import uuid; print(uuid.uuid4())')\",\"operation\":\"$2\",\"parameters\":$3,\"cluster\":{\"host\":\"127.0.0.1\",\"port\":$PORT,\"username\":\"postgres\",\"database\":\"$1\",\"sslMode\":\"disable\"}}" \
    "$RUNNER_DIR/StackGres.Ops.Jobs" > "$WORK/runner-$2.jsonl"
  if [[ -n "${KEEP_LOGS:-}" ]]; then cp "$WORK/runner-$2.jsonl" "$KEEP_LOGS/"; fi
  grep -q '"status":"succeeded"' "$WORK/runner-$2.jsonl" || { cat "$WORK/runner-$2.jsonl" >&2; exit 1; }
  grep -m 3 '"message":"\(skipped\|failed\)' "$WORK/runner-$2.jsonl" | cut -c1-400 >&2 || true
  grep '"type":"result"' "$WORK/runner-$2.jsonl" | grep -o '"tables[A-Z][a-z]*":[0-9]*\|"tablesConsidered":[0-9]*\|"durationMs":[0-9.]*}' | tr '\n' ' ' >&2; echo >&2
}

declare -A TIME SPACE
measure() { # $1 = label, rest = command (run against database "run")
  local label=$1; shift
  fresh run
  local before after start end
  before=$(size run)
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  after=$(size run)
  TIME[$label]=$(( ${TIME[$label]:-0} + (end - start) / 1000 ))
  SPACE[$label]=$(( before - after ))
  printf '  %-44s %8.3f s  %6.1f MiB reclaimed\n' "$label" "$(echo "($end - $start) / 1000000000" | bc -l)" "$(echo "($before - $after) / 1048576" | bc -l)"
}

VACUUM_TEN="VACUUM FULL $(echo $BLOATED | sed 's/ /, /g')"
REPACK_TEN=(); for t in $BLOATED; do REPACK_TEN+=(-t "$t"); done

for round in $(seq 1 "$ROUNDS"); do
  echo "round $round:"
  if [[ -z "${ONLY_RUNNER:-}" ]]; then
  measure "vacuumdb --full (whole database)" "$PG_BIN/vacuumdb" --full -q -d run
  measure "pg_repack (whole database)" "$REPACK" -d run --elevel=WARNING
  fi
  measure "pg_repack -t (10 hand-picked tables)" "$REPACK" -d run --elevel=WARNING "${REPACK_TEN[@]}"
  measure "VACUUM FULL (10 hand-picked tables)" "$PG_BIN/psql" -X -q -d run -c "$VACUUM_TEN"
  measure "runner vacuum target=needed full" runner run vacuum '{"target":"needed","full":true}'
  measure "runner vacuum target=needed full jobs=2" runner run vacuum '{"target":"needed","full":true,"jobs":2}'
  measure "runner repack target=needed" runner run repack '{}'
done

if [[ -n "${ONLY_RUNNER:-}" ]]; then exit 0; fi
ms() { echo "scale=3; ${TIME[$1]} / $ROUNDS / 1000000" | bc -l; }
ratio() { echo "scale=2; $1 / $2" | bc -l; }
echo
echo "averages over $ROUNDS round(s):"
for label in "vacuumdb --full (whole database)" "pg_repack (whole database)" "pg_repack -t (10 hand-picked tables)" \
             "VACUUM FULL (10 hand-picked tables)" "runner vacuum target=needed full" "runner vacuum target=needed full jobs=2" \
             "runner repack target=needed"; do
  printf '  %-44s %8.3f s  %6.1f MiB\n' "$label" "$(ms "$label")" "$(echo "${SPACE[$label]} / 1048576" | bc -l)"
done
V="runner vacuum target=needed full"; R="runner repack target=needed"
echo
echo "need-driven vacuum full: $(ratio "${TIME[$V]}" "${TIME["VACUUM FULL (10 hand-picked tables)"]}")x the hand-picked VACUUM FULL time," \
     "$(ratio "${TIME["vacuumdb --full (whole database)"]}" "${TIME[$V]}")x faster than vacuumdb --full," \
     "$(echo "scale=1; 100 * ${SPACE[$V]} / ${SPACE["vacuumdb --full (whole database)"]}" | bc -l)% of its reclaimed space"
echo "need-driven repack:      $(ratio "${TIME[$R]}" "${TIME["pg_repack -t (10 hand-picked tables)"]}")x the hand-picked pg_repack -t time," \
     "$(ratio "${TIME["pg_repack (whole database)"]}" "${TIME[$R]}")x faster than pg_repack on the whole database," \
     "$(echo "scale=1; 100 * ${SPACE[$R]} / ${SPACE["pg_repack (whole database)"]}" | bc -l)% of its reclaimed space"
