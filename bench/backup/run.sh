#!/usr/bin/env bash
# Backup and restore throughput of the backup/restore operations (the real job runner, as the worker starts it)
# against pgbackrest run by hand, on the same pgbench data, same stanza, same repository.
# Usage: bench/backup/run.sh [SCALE]   (default 50, about 750 MB). Run as root or as a user that can run initdb.
# ROUNDS=N (default 5) rounds of each; RUNNER=path runs an already built runner instead of building one.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE=${1:-50}
PG_BIN=${OPS_PG_BIN:-/usr/lib/postgresql/15/bin}
scripts/install-deps.sh >/dev/null
if [[ -z "${RUNNER:-}" ]]; then
  dotnet build src/Jobs/StackGres.Ops.Jobs.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
  RUNNER="dotnet src/Jobs/bin/Release/net10.0/StackGres.Ops.Jobs.dll"
fi

ROOT=$(mktemp -d /tmp/stackgres-ops-bench-backup-XXXXXX)
chmod 755 "$ROOT"
AS=()
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$ROOT"; AS=(runuser -u postgres --); fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA=$ROOT/data
cleanup() {
  for d in "$DATA" "$ROOT"/*-restore-*; do
    [[ -f $d/postmaster.pid ]] && (cd / && "${AS[@]}" "$PG_BIN/pg_ctl" stop -D "$d" -m immediate >/dev/null 2>&1 || true)
  done
  rm -rf "$ROOT"
}
trap cleanup EXIT
cd /
"${AS[@]}" "$PG_BIN/initdb" -D "$DATA" -U postgres --auth=trust >/dev/null
cat >> "$DATA/postgresql.conf" <<CONF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DATA'
CONF
"${AS[@]}" "$PG_BIN/pg_ctl" start -D "$DATA" -l "$DATA/server.log" -w >/dev/null
cd - >/dev/null
echo "pgbench -i -s $SCALE ..."
"$PG_BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -i -s "$SCALE" -q postgres 2>&1 | tail -1
SIZE=$("$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -Atc "select pg_database_size('postgres')")
echo "database size: $((SIZE / 1000000)) MB"

request() { # operation parameters-json
  cat <<JSON
{"runId":"$(cat /proc/sys/kernel/random/uuid)","operation":"$1","parameters":$2,"cluster":{"name":"bench","host":"127.0.0.1","port":$PORT,
 "username":"postgres","database":"postgres","sslMode":"disable",
 "local":{"dataDirectory":"$DATA","pgCtl":"$PG_BIN/pg_ctl"},
 "backup":{"stanza":"bench","path":"$ROOT/repo","configDirectory":"$ROOT/conf","retentionFull":10}}}
JSON
}
run_op() { # operation parameters-json → prints the result line
  OPS_RUN_REQUEST=$(request "$1" "$2") $RUNNER | grep '"type":"result"'
}
field() { python3 -c "import json,sys; r=json.loads(sys.stdin.read())['result']; print(eval(sys.argv[1]))" "$1"; }
now() { date +%s.%N; }

# A first backup sets up the stanza and archiving (restart); it is not timed.
run_op backup '{"type":"full","configureArchiving":true}' >/dev/null
CONF=$ROOT/conf/pgbackrest.conf
PGBR=(pgbackrest "--config=$CONF" --stanza=bench)

# Rounds alternate which goes first (odd rounds: by hand first), so that page cache, the writeback of the previous
# run and neighbours' load weigh on both alike. Each measurement records wall time, the CPU time (user + system) of
# the whole process tree it waited for (bash's `time`: pgbackrest and its local process; for the operation also
# the .NET runner, check, info and expire), and the machine's 1-minute load average and CPU pressure when it started.
TIMEFORMAT='%R %U %S'
RESULTS=$ROOT/results
load() { echo "$(cut -d' ' -f1 /proc/loadavg) $(sed -n 's/^some avg10=\([0-9.]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null || echo -)"; }
hand_backup() {
  local l; l=$(load)
  { time (cd / && "${AS[@]}" "${PGBR[@]}" "--pg1-socket-path=$DATA" backup --type=full >/dev/null 2>&1); } 2>"$ROOT/t"
  echo "hand-backup $(cat "$ROOT/t") - $l" >>"$RESULTS"
}
op_backup() {
  local l; l=$(load)
  { time run_op backup '{"type":"full"}' >"$ROOT/line" 2>>"$ROOT/stderr"; } 2>"$ROOT/t"
  echo "op-backup $(cat "$ROOT/t") $(field "round(r['backupDurationMs']/1000, 3)" <"$ROOT/line") $l" >>"$RESULTS"
}
HPORT=$((PORT + 1))
hand_restore() { # round
  local dir=$ROOT/hand-restore-$1 l; l=$(load)
  "${AS[@]}" mkdir -m 700 "$dir"
  { time (cd / && "${AS[@]}" "${PGBR[@]}" restore "--pg1-path=$dir" --type=immediate --target-action=promote --archive-mode=off >/dev/null); } 2>"$ROOT/t"
  local restore; restore=$(cut -d' ' -f1 "$ROOT/t")
  (cd / && "${AS[@]}" "$PG_BIN/pg_ctl" start -D "$dir" -l "$dir/server.log" -w -t 600 \
    -o "-p $HPORT -c unix_socket_directories='$dir'" >/dev/null)
  until [[ $("$PG_BIN/psql" -h 127.0.0.1 -p $HPORT -U postgres -Atc 'select pg_is_in_recovery()' 2>/dev/null) == f ]]; do sleep 0.1; done
  local t1; t1=$(now)
  echo "hand-restore $(cat "$ROOT/t") $(python3 -c "print(round($t1-$T0, 3))") $l" >>"$RESULTS"
  (cd / && "${AS[@]}" "$PG_BIN/pg_ctl" stop -D "$dir" -m fast >/dev/null); rm -rf "$dir"
}
op_restore() { # round
  local dir=$ROOT/op-restore-$1 l; l=$(load)
  { time run_op restore "{\"targetImmediate\":true,\"dataDirectory\":\"$dir\"}" >"$ROOT/line" 2>>"$ROOT/stderr"; } 2>"$ROOT/t"
  echo "op-restore $(cat "$ROOT/t") $(field "round(r['restoreMs']/1000, 3)" <"$ROOT/line") $l" >>"$RESULTS"
  (cd / && "${AS[@]}" "$PG_BIN/pg_ctl" stop -D "$dir" -m fast >/dev/null); rm -rf "$dir"
}
ROUNDS=${ROUNDS:-5}
for round in $(seq 1 "$ROUNDS"); do
  if ((round % 2)); then hand_backup; op_backup; else op_backup; hand_backup; fi
  echo "backup round $round/$ROUNDS: $(tail -2 "$RESULTS" | tr '\n' ' ')"
done
for round in $(seq 1 "$ROUNDS"); do
  # by hand: the restore, then pg_ctl start until promoted (T0 marks the start of the restore)
  if ((round % 2)); then T0=$(now); hand_restore "$round"; op_restore "$round"; else op_restore "$round"; T0=$(now); hand_restore "$round"; fi
  echo "restore round $round/$ROUNDS: $(tail -2 "$RESULTS" | tr '\n' ' ')"
done

# Medians of each column; MB/s is the database size over the median wall time.
python3 - "$RESULTS" "$SIZE" "$SCALE" "$ROUNDS" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
size, scale, rounds = int(sys.argv[2]), sys.argv[3], sys.argv[4]
def med(kind, col):
    values = [float(r[col]) for r in rows if r[0] == kind and r[col] != '-']
    return statistics.median(values) if values else float('nan')
def cpu(kind): return statistics.median(float(r[2]) + float(r[3]) for r in rows if r[0] == kind)
def line(label, seconds, cpu_seconds=None):
    cpu_text = f'{cpu_seconds:9.2f}' if cpu_seconds is not None else f'{"":>9}'
    print(f'{label:<46} {seconds:9.2f} {size / 1e6 / seconds:8.1f} {cpu_text}')
print(f'\nscale {scale}, {size // 1000000} MB, {rounds} rounds; medians')
print(f'{"step":<46} {"seconds":>9} {"MB/s":>8} {"CPU s":>9}')
line('pgbackrest backup --type=full, by hand', med('hand-backup', 1), cpu('hand-backup'))
line('backup operation, whole runner process', med('op-backup', 1), cpu('op-backup'))
line('  of which its pgbackrest backup', med('op-backup', 4))
line('pgbackrest restore, by hand', med('hand-restore', 1), cpu('hand-restore'))
line('  + pg_ctl start, until promoted', med('hand-restore', 4))
line('restore operation, whole runner process', med('op-restore', 1), cpu('op-restore'))
line('  of which its pgbackrest restore', med('op-restore', 4))
print(f'load average (1 min) at the starts: median {statistics.median(float(r[5]) for r in rows):.1f}, '
      f'range {min(float(r[5]) for r in rows):.1f}-{max(float(r[5]) for r in rows):.1f}; '
      f'CPU pressure (some, avg10) median {statistics.median(float(r[6]) for r in rows if r[6] != "-"):.0f}%')
print('\nper run (kind, wall s, user s, system s, inner s, load, pressure):')
for r in rows: print(' ', ' '.join(r))
PY
