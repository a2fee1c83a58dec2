#!/usr/bin/env bash
# Backup and restore throughput of the backup/restore operations (the real job runner, as the worker starts it)
# against pgbackrest run by hand, on the same pgbench data, same stanza, same repository.
# Usage: bench/backup/run.sh [SCALE]   (default 50, about 750 MB). Run as root or as a user that can run initdb.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE=${1:-50}
PG_BIN=${OPS_PG_BIN:-/usr/lib/postgresql/15/bin}
scripts/install-deps.sh >/dev/null
dotnet build src/Jobs/StackGres.Ops.Jobs.csproj -c Release -nologo -v quiet -clp:ErrorsOnly >/dev/null
RUNNER="dotnet src/Jobs/bin/Release/net10.0/StackGres.Ops.Jobs.dll"

ROOT=$(mktemp -d /tmp/stackgres-ops-bench-backup-XXXXXX)
chmod 755 "$ROOT"
AS=()
if [[ $(id -u) -eq 0 ]]; then chown postgres: "$ROOT"; AS=(runuser -u postgres --); fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DATA=$ROOT/data
cleanup() {
  for d in "$DATA" "$ROOT"/hand-restore "$ROOT"/op-restore; do
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
mbps() { python3 -c "print(f'{$1/1e6/$2:.1f}')"; }

# A first backup sets up the stanza and archiving (restart); it is not timed.
run_op backup '{"type":"full","configureArchiving":true}' >/dev/null
CONF=$ROOT/conf/pgbackrest.conf
PGBR=(pgbackrest "--config=$CONF" --stanza=bench)

# Alternate the two twice (hand first), so that page cache and neighbours weigh on both alike; keep the best of each.
hand_backup=999999; op_backup=999999; op_inner=999999
for round in 1 2; do
  t0=$(now); (cd / && "${AS[@]}" "${PGBR[@]}" "--pg1-socket-path=$DATA" backup --type=full 2>/dev/null); t1=$(now)
  hand_backup=$(python3 -c "print(min($hand_backup, $t1-$t0))")
  t0=$(now); line=$(run_op backup '{"type":"full"}'); t1=$(now)
  op_backup=$(python3 -c "print(min($op_backup, $t1-$t0))")
  op_inner=$(python3 -c "print(min($op_inner, $(echo "$line" | field "r['backupDurationMs']/1000")))")
done

"${AS[@]}" mkdir -m 700 "$ROOT/hand-restore"
t0=$(now); (cd / && "${AS[@]}" "${PGBR[@]}" restore "--pg1-path=$ROOT/hand-restore" --type=immediate --target-action=promote --archive-mode=off); t1=$(now)
hand_restore=$(python3 -c "print($t1-$t0)")
HPORT=$((PORT + 1))
(cd / && "${AS[@]}" "$PG_BIN/pg_ctl" start -D "$ROOT/hand-restore" -l "$ROOT/hand-restore/server.log" -w -t 600 \
  -o "-p $HPORT -c unix_socket_directories='$ROOT/hand-restore'" >/dev/null)
until [[ $("$PG_BIN/psql" -h 127.0.0.1 -p $HPORT -U postgres -Atc 'select pg_is_in_recovery()' 2>/dev/null) == f ]]; do sleep 0.1; done
t2=$(now)
hand_total=$(python3 -c "print($t2-$t0)")
(cd / && "${AS[@]}" "$PG_BIN/pg_ctl" stop -D "$ROOT/hand-restore" -m fast >/dev/null)

t0=$(now); line=$(run_op restore "{\"targetImmediate\":true,\"dataDirectory\":\"$ROOT/op-restore\"}"); t1=$(now)
op_total=$(python3 -c "print($t1-$t0)")
op_restore=$(echo "$line" | field "r['restoreMs']/1000")
(cd / && "${AS[@]}" "$PG_BIN/pg_ctl" stop -D "$ROOT/op-restore" -m fast >/dev/null)

printf '\n%-44s %9s %9s\n' "step (scale $SCALE, $((SIZE / 1000000)) MB)" "seconds" "MB/s"
printf '%-44s %9.2f %9s\n' "pgbackrest backup --type=full, by hand" "$hand_backup" "$(mbps "$SIZE" "$hand_backup")"
printf '%-44s %9.2f %9s\n' "backup operation, whole runner process" "$op_backup" "$(mbps "$SIZE" "$op_backup")"
printf '%-44s %9.2f %9s\n' "  of which pgbackrest backup" "$op_inner" "$(mbps "$SIZE" "$op_inner")"
printf '%-44s %9.2f %9s\n' "pgbackrest restore, by hand" "$hand_restore" "$(mbps "$SIZE" "$hand_restore")"
printf '%-44s %9.2f %9s\n' "  + pg_ctl start, until promoted" "$hand_total" "$(mbps "$SIZE" "$hand_total")"
printf '%-44s %9.2f %9s\n' "restore operation, whole runner process" "$op_total" "$(mbps "$SIZE" "$op_total")"
printf '%-44s %9.2f %9s\n' "  of which pgbackrest restore" "$op_restore" "$(mbps "$SIZE" "$op_restore")"
