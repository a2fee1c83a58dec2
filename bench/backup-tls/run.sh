#!/usr/bin/env bash
# Times a full pgBackRest backup of the same server two ways, alternating, ROUNDS times each:
#   local  pgBackRest on the server's machine reading the data directory itself (what the embedded default runs)
#   tls    pgBackRest as the repository side, reading the files through `pgbackrest server` (pg1-host-type=tls),
#          as a backup Job does through the instance's sidecar
# Both write a POSIX repository on the same disk with pgBackRest's defaults (gz compression, one process).
# Run as root (the server and pgBackRest run as the postgres user). SCALE is pgbench's scale (15 MB each).
set -euo pipefail
SCALE=${SCALE:-40}
ROUNDS=${ROUNDS:-3}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
as_pg() { runuser -u postgres -- "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

root=$(mktemp -d /tmp/sgops-bench-tls.XXXXXX)
chmod 755 "$root"
cleanup() {
  [[ -n ${server_pid:-} ]] && kill "$server_pid" 2>/dev/null || true
  as_pg "$PG_BIN/pg_ctl" -D "$root/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT
mkdir -p "$root"/{certs,server,local,tls}
pg_port=$(free_port)
tls_port=$(free_port)

cd "$root/certs"
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=bench-ca" 2>/dev/null
for name in server client; do
  cn=$([[ $name == server ]] && echo localhost || echo stackgres-ops)
  openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr -subj "/CN=$cn" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' > san.ext
  openssl x509 -req -in $name.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out $name.crt -days 1 -extfile san.ext 2>/dev/null
done
chmod 600 ./*.key
cd /
chown -R postgres: "$root"

as_pg "$PG_BIN/initdb" -D "$root/data" -A trust >/dev/null
cat >> "$root/data/postgresql.conf" <<CONF
port = $pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$root'
CONF
as_pg "$PG_BIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w start >/dev/null
as_pg "$PG_BIN/pgbench" -h "$root" -p "$pg_port" -i -q -s "$SCALE" postgres >/dev/null 2>&1
size=$(as_pg psql -h "$root" -p "$pg_port" -Atc "SELECT pg_size_pretty(sum(pg_database_size(oid))) FROM pg_database" postgres)

common="start-fast=y
archive-check=n
repo1-retention-full=1
log-level-console=warn
log-level-file=off"
cat > "$root/server/pgbackrest.conf" <<CONF
[global]
lock-path=$root/server
log-level-file=off
tls-server-address=127.0.0.1
tls-server-port=$tls_port
tls-server-cert-file=$root/certs/server.crt
tls-server-key-file=$root/certs/server.key
tls-server-ca-file=$root/certs/ca.crt
tls-server-auth=stackgres-ops=bench
[bench]
pg1-path=$root/data
pg1-port=$pg_port
pg1-socket-path=$root
CONF
cat > "$root/local/pgbackrest.conf" <<CONF
[global]
repo1-path=$root/local/repo
lock-path=$root/local
$common
[bench]
pg1-path=$root/data
pg1-port=$pg_port
pg1-socket-path=$root
CONF
cat > "$root/tls/pgbackrest.conf" <<CONF
[global]
repo1-path=$root/tls/repo
lock-path=$root/tls
$common
[bench]
pg1-host=localhost
pg1-host-type=tls
pg1-host-port=$tls_port
pg1-host-ca-file=$root/certs/ca.crt
pg1-host-cert-file=$root/certs/client.crt
pg1-host-key-file=$root/certs/client.key
pg1-path=$root/data
pg1-port=$pg_port
pg1-socket-path=$root
CONF
chown -R postgres: "$root"
runuser -u postgres -- pgbackrest --config="$root/server/pgbackrest.conf" server &
server_pid=$!
sleep 1

backup() { # mode -> seconds
  local config="$root/$1/pgbackrest.conf"
  rm -rf "$root/$1/repo"
  as_pg pgbackrest --config="$config" --stanza=bench stanza-create >/dev/null
  local start end
  start=$(date +%s.%N)
  as_pg pgbackrest --config="$config" --stanza=bench --type=full backup >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }' 
}

echo "pgBackRest $(pgbackrest version | awk '{print $2}'), PostgreSQL $(as_pg "$PG_BIN/postgres" --version | awk '{print $3}'), database $size, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
declare -a local_times tls_times
for round in $(seq 1 "$ROUNDS"); do
  if (( round % 2 )); then order="local tls"; else order="tls local"; fi
  for mode in $order; do
    seconds=$(backup "$mode")
    if [[ $mode == local ]]; then local_times+=("$seconds"); else tls_times+=("$seconds"); fi
    printf 'round %d  %-5s  %6.2f s  (load %s)\n' "$round" "$mode" "$seconds" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ml=$(median "${local_times[@]}"); mt=$(median "${tls_times[@]}")
printf 'median  local %.2f s  tls %.2f s  speed through TLS = %.2fx local\n' "$ml" "$mt" "$(awk -v l="$ml" -v t="$mt" 'BEGIN { print l / t }')"
