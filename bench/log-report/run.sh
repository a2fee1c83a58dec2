#!/usr/bin/env bash
# Log analysis benchmark: generates a PostgreSQL log of at least $TARGET_MB MB in the three formats
# at once (pgbench with log_min_duration_statement=0, connections, checkpoints, lock waits, temp
# files and autovacuum logged, plus failing statements), then times StackGres.Ops' log-report
# against pgBadger on the same files: ours on one core (taskset + --jobs 1) and on two, pgBadger
# single process and -j 2. Prints wall and CPU seconds, MB/s, the ratios and the peak RSS of each run,
# and the load average before and after (the machine may be shared).
#
# Then it reads the same files over SQL from a running server (log-report --sql: pg_ls_logdir and
# pg_read_binary_file over TCP on loopback) beside the same runner reading them from disk, with one and
# two jobs, and checks that both reports are the same.
#
# Usage: bench/log-report/run.sh [--keep]   (logs go to $BENCH_DIR, default /tmp/stackgres-ops-log-bench;
#        they are generated once and reused; --keep leaves them there afterwards)
#        BENCH_AOT=1 also publishes the runner Native AOT and times it on one core.
#        BENCH_SQL_ONLY=1 times only the SQL reading against the files (no pgBadger).
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET_MB=${TARGET_MB:-310}
BENCH_DIR=${BENCH_DIR:-/tmp/stackgres-ops-log-bench}
PREFIX='%t [%p]: user=%u,db=%d,app=%a,client=%h '
PG_BIN=${OPS_PG_BIN:-/usr/lib/postgresql/15/bin}
KEEP=${1:-}
RUN_AS=()
[[ "$(id -u)" -eq 0 ]] && RUN_AS=(runuser -u postgres --)

scripts/install-deps.sh >/dev/null
command -v pgbadger >/dev/null || { echo "pgbadger is missing (apt-get install pgbadger)"; exit 1; }
RUNNER_DIR=$(mktemp -d)
echo "publishing the job runner (ReadyToRun, as a runner image ships it)..."
dotnet publish src/Jobs/StackGres.Ops.Jobs.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$RUNNER_DIR" -nologo -v quiet -clp:ErrorsOnly >/dev/null
OURS=("$RUNNER_DIR/StackGres.Ops.Jobs" log-report)
AOT_DIR=
if [[ "${BENCH_AOT:-}" == "1" ]]; then
  # The same runner published Native AOT (no JIT at all), timed on one core beside the others.
  scripts/install-deps.sh --aot >/dev/null
  AOT_DIR=$(mktemp -d)
  echo "publishing the job runner (Native AOT)..."
  dotnet publish src/Jobs/StackGres.Ops.Jobs.csproj -c Release -r linux-x64 -p:PublishAot=true -o "$AOT_DIR" -nologo -v quiet -clp:ErrorsOnly >/dev/null
fi
AOT_LINES=()

generate() {
  local data="$BENCH_DIR/data" port=55499
  rm -rf "$BENCH_DIR"; mkdir -p "$data"; chmod 755 "$BENCH_DIR"
  [[ ${#RUN_AS[@]} -gt 0 ]] && chown postgres "$BENCH_DIR" "$data"
  "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$data" -A trust -U postgres --no-sync >/dev/null
  cat >> "$data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BENCH_DIR'
fsync = off
synchronous_commit = off
logging_collector = on
log_destination = 'stderr,csvlog,jsonlog'
log_directory = 'log'
log_filename = 'postgresql.log'
log_rotation_size = 0
log_rotation_age = 0
log_min_duration_statement = 0
log_connections = on
log_disconnections = on
log_checkpoints = on
log_lock_waits = on
log_temp_files = 0
log_autovacuum_min_duration = 0
deadlock_timeout = '50ms'
checkpoint_timeout = '30s'
autovacuum_naptime = '5s'
log_line_prefix = '$PREFIX'
CONF
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$BENCH_DIR/server.log" -w start >/dev/null
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
  pgbench -i -s 5 -q postgres >/dev/null 2>&1
  local log="$data/log/postgresql.log"
  while [[ $(( $(stat -c %s "$log") / 1048576 )) -lt $TARGET_MB ]]; do
    for mode in simple prepared extended; do
      pgbench -c 4 -j 2 -T 10 -M "$mode" postgres >/dev/null 2>&1 || true
      psql -q -c "select 1/0" postgres >/dev/null 2>&1 || true
      psql -q -c "select * from no_such_table where id in (1, 2, 3)" postgres >/dev/null 2>&1 || true
      psql -q -c "set work_mem = '64kB'; select count(*) from (select * from pgbench_accounts order by abalance) s" postgres >/dev/null 2>&1 || true
      psql -q -c "begin; lock pgbench_branches; select pg_sleep(0.2); commit" postgres >/dev/null 2>&1 &
      sleep 0.05; psql -q -c "update pgbench_branches set bbalance = bbalance where bid = 1" postgres >/dev/null 2>&1; wait
    done
    echo "  generated $(( $(stat -c %s "$log") / 1048576 )) MB of stderr log"
  done
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$data" -w stop >/dev/null
  mkdir -p "$BENCH_DIR/logs"
  cp "$data/log/postgresql.log" "$data/log/postgresql.csv" "$data/log/postgresql.json" "$BENCH_DIR/logs/"
  rm -rf "$data"
}

if [[ ! -f "$BENCH_DIR/logs/postgresql.json" ]]; then
  echo "generating logs in $BENCH_DIR (pgbench, scale 5, 4 clients) ..."
  generate
fi

# One timed run: prints "wall_seconds rss_mb cpu_seconds" (cpu = user + system, of all threads and children).
timed() {
  local out; out=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$out" || { cat "$out"; rm -f "$out"; return 1; }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = (n == 3) ? t[1]*3600 + t[2]*60 + t[3] : t[1]*60 + t[2] }
              /Maximum resident set size/ { rss = $2 / 1024 }
              /User time \(seconds\)|System time \(seconds\)/ { cpu += $2 }
              END { printf "%.2f %.0f %.2f\n", s, rss, cpu }' "$out"
  rm -f "$out"
}

# The SQL source against the files, on the same logs: a server of its own (logging_collector off, so it writes
# nothing into the directory it lists) whose log_directory is, in turn, a directory holding one format's file.
sql_bench() {
  local data="$BENCH_DIR/sqldata" port=55498 format file dir ours_args
  rm -rf "$data"; mkdir -p "$data"
  [[ ${#RUN_AS[@]} -gt 0 ]] && chown postgres "$data"
  "${RUN_AS[@]}" "$PG_BIN/initdb" -D "$data" -A trust -U postgres --no-sync >/dev/null
  cat >> "$data/postgresql.conf" <<CONF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
logging_collector = off
CONF
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$BENCH_DIR/sql-server.log" -w start >/dev/null
  local sql="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  echo "load before: $(uptime)"
  printf "%-8s %6s | %-30s | %-30s | %-30s | %-30s | %s\n" format MB "files, 1 job" "sql, 1 job" "files, 2 jobs" "sql, 2 jobs" "reports"
  for format in stderr csv json; do
    case $format in
      stderr) file="$BENCH_DIR/logs/postgresql.log"; ours_args=(--format stderr --prefix "$PREFIX") ;;
      csv) file="$BENCH_DIR/logs/postgresql.csv"; ours_args=(--format csv) ;;
      json) file="$BENCH_DIR/logs/postgresql.json"; ours_args=(--format json) ;;
    esac
    dir="$BENCH_DIR/sql-$format"
    rm -rf "$dir"; mkdir -p "$dir"; ln "$file" "$dir/"; chmod a+r "$file"  # the server's OS user reads it
    PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres psql -X -q -c "alter system set log_directory = '$dir'" -c "select pg_reload_conf()" postgres >/dev/null
    mb=$(( $(stat -c %s "$file") / 1048576 ))
    cat "$file" >/dev/null  # page cache: the server and the runner read from memory
    read -r f1 fr1 fc1 < <(timed "${OURS[@]}" "${ours_args[@]}" --jobs 1 --out /tmp/stackgres-ops-bench-files.json "$file")
    read -r s1 sr1 sc1 < <(timed "${OURS[@]}" "${ours_args[@]}" --jobs 1 --out /tmp/stackgres-ops-bench-sql.json --sql "$sql")
    read -r f2 fr2 fc2 < <(timed "${OURS[@]}" "${ours_args[@]}" --jobs 2 --out /tmp/stackgres-ops-bench-files.json "$file")
    read -r s2 sr2 sc2 < <(timed "${OURS[@]}" "${ours_args[@]}" --jobs 2 --out /tmp/stackgres-ops-bench-sql.json --sql "$sql")
    # The same report but for what may differ: when and how fast it was made, the source, the paths.
    same=$(python3 - /tmp/stackgres-ops-bench-files.json /tmp/stackgres-ops-bench-sql.json <<'PY'
import json, os, sys
def load(path):
    report = json.load(open(path))
    report.pop("generatedAt", None)
    for key in ("source", "elapsedMs", "threads"):
        report["input"].pop(key, None)
    for f in report["input"]["files"]:
        f["path"] = os.path.basename(f["path"])
    return report
print("same" if load(sys.argv[1]) == load(sys.argv[2]) else "DIFFERENT")
PY
)
    cell() { awk -v s="$1" -v mb="$mb" -v c="$2" 'BEGIN { printf "%6.2f s %6.1f MB/s, cpu %5.2f s", s, mb / s, c }'; }
    printf "%-8s %6d | %s | %s | %s | %s | %s\n" "$format" "$mb" "$(cell "$f1" "$fc1")" "$(cell "$s1" "$sc1")" "$(cell "$f2" "$fc2")" "$(cell "$s2" "$sc2")" "$same"
    rm -rf "$dir"
  done
  echo "load after: $(uptime)"
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$data" -w stop >/dev/null
  rm -rf "$data" "$BENCH_DIR/sql-server.log" /tmp/stackgres-ops-bench-files.json /tmp/stackgres-ops-bench-sql.json
}

if [[ "${BENCH_SQL_ONLY:-}" == "1" ]]; then
  sql_bench
  rm -rf "$RUNNER_DIR" ${AOT_DIR:+"$AOT_DIR"}
  [[ "$KEEP" == "--keep" ]] || rm -rf "$BENCH_DIR"
  exit 0
fi

# The machine may be shared: the load before and after says how much the wall-clock figures are worth;
# CPU seconds are the work each tool did, whatever else ran.
echo "load before: $(uptime)"
printf "%-8s %6s | %-40s | %-40s | %-40s | %-40s | %s\n" format MB "ours, 1 core" "ours, 2 cores" "pgBadger" "pgBadger -j 2" \
  "ratio wall 1 core / 2 cores; cpu 1 core"
for format in stderr csv json; do
  case $format in
    stderr) file="$BENCH_DIR/logs/postgresql.log"; ours_args=(--format stderr --prefix "$PREFIX"); pgb_args=(-f stderr --prefix "$PREFIX") ;;
    csv) file="$BENCH_DIR/logs/postgresql.csv"; ours_args=(--format csv); pgb_args=(-f csv) ;;
    json) file="$BENCH_DIR/logs/postgresql.json"; ours_args=(--format json); pgb_args=(-f jsonlog) ;;
  esac
  mb=$(( $(stat -c %s "$file") / 1048576 ))
  cat "$file" >/dev/null  # page cache: every tool reads from memory
  read -r o1 r1 c1 < <(timed taskset -c 0 "${OURS[@]}" "${ours_args[@]}" --jobs 1 --out /tmp/stackgres-ops-bench-report.json "$file")
  read -r o2 r2 c2 < <(timed "${OURS[@]}" "${ours_args[@]}" --jobs 2 --out /tmp/stackgres-ops-bench-report.json "$file")
  pid_dir=$(mktemp -d)
  read -r p1 q1 d1 < <(timed pgbadger -q --pid-dir "$pid_dir" -j 1 "${pgb_args[@]}" -x json -o /tmp/stackgres-ops-bench-pgbadger.json "$file")
  read -r p2 q2 d2 < <(timed pgbadger -q --pid-dir "$pid_dir" -j 2 "${pgb_args[@]}" -x json -o /tmp/stackgres-ops-bench-pgbadger.json "$file")
  rmdir "$pid_dir"
  cell() { awk -v s="$1" -v mb="$mb" -v r="$2" -v c="$3" 'BEGIN { printf "%7.2f s %6.1f MB/s, cpu %6.2f s, %4d MB", s, mb / s, c, r }'; }
  ratio=$(awk -v a="$o1" -v b="$p1" -v c="$o2" -v d="$p2" -v e="$c1" -v f="$d1" 'BEGIN { printf "%.0fx / %.0fx; %.0fx", b / a, d / c, f / e }')
  printf "%-8s %6d | %s | %s | %s | %s | %s\n" "$format" "$mb" "$(cell "$o1" "$r1" "$c1")" "$(cell "$o2" "$r2" "$c2")" \
    "$(cell "$p1" "$q1" "$d1")" "$(cell "$p2" "$q2" "$d2")" "$ratio"
  if [[ -n "$AOT_DIR" ]]; then
    read -r a1 s1 e1 < <(timed taskset -c 0 "$AOT_DIR/StackGres.Ops.Jobs" log-report "${ours_args[@]}" --jobs 1 --out /tmp/stackgres-ops-bench-report.json "$file")
    AOT_LINES+=("$(printf "%-8s %6d | %s | %s" "$format" "$mb" "$(cell "$a1" "$s1" "$e1")" \
      "$(awk -v a="$a1" -v b="$p1" -v e="$e1" -v f="$d1" 'BEGIN { printf "%.0fx; %.0fx", b / a, f / e }')")")
  fi
done
if [[ -n "$AOT_DIR" ]]; then
  printf "%-8s %6s | %-40s | %s\n" format MB "ours Native AOT, 1 core" "ratio to pgBadger (1 process) wall; cpu"
  printf "%s\n" "${AOT_LINES[@]}"
fi
echo "load after: $(uptime)"
echo "reading over SQL against reading the files:"
sql_bench
rm -rf /tmp/stackgres-ops-bench-report.json /tmp/stackgres-ops-bench-pgbadger.json "$RUNNER_DIR" ${AOT_DIR:+"$AOT_DIR"}
[[ "$KEEP" == "--keep" ]] || rm -rf "$BENCH_DIR"
