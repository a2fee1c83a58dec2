#!/bin/sh
# Writes patroni.yml from the pod's environment and runs Patroni in the container's place (PID 1: Patroni then
# reaps its children and stops PostgreSQL on SIGTERM).
#   PATRONI_SCOPE, PATRONI_NAME (the pod's name), POD_IP (the pod's address)
#   SGOPS_RAFT_PEERS   every member's Raft address, IP:port, comma-separated (this pod's own is left out)
#   SGOPS_DATA         the data volume (default /var/lib/sgops): pgdata/ and raft/ live there, so a replaced pod
#                      keeps its data and its Raft identity
#   PATRONI_SUPERUSER_PASSWORD, PATRONI_REPLICATION_PASSWORD
set -eu

if [ "$(cat /etc/sgops-test/minor)" = broken ]; then
  echo "sgops-test: the broken image never starts Patroni" >&2
  exec sleep infinity
fi

: "${PATRONI_SCOPE:?}" "${PATRONI_NAME:?}" "${POD_IP:?}" "${SGOPS_RAFT_PEERS:?}"
: "${PATRONI_SUPERUSER_PASSWORD:?}" "${PATRONI_REPLICATION_PASSWORD:?}"
data="${SGOPS_DATA:-/var/lib/sgops}"
raft_port="${SGOPS_RAFT_PORT:-2222}"
mkdir -p "${data}/raft"

partners=""
for peer in $(echo "${SGOPS_RAFT_PEERS}" | tr ',' ' '); do
  [ "${peer}" = "${POD_IP}:${raft_port}" ] && continue
  partners="${partners:+${partners}, }'${peer}'"
done

config=/tmp/patroni.yml
cat > "${config}" <<YAML
scope: ${PATRONI_SCOPE}
name: ${PATRONI_NAME}
restapi:
  listen: 0.0.0.0:8008
  connect_address: ${POD_IP}:8008
raft:
  data_dir: ${data}/raft
  self_addr: ${POD_IP}:${raft_port}
  partner_addrs: [${partners}]
bootstrap:
  dcs:
    ttl: 20
    loop_wait: 2
    retry_timeout: 5
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_log_hints: 'on'
        max_wal_senders: 10
        max_replication_slots: 10
        hot_standby: 'on'
  initdb:
    - encoding: UTF8
    - data-checksums
postgresql:
  listen: 0.0.0.0:5432
  connect_address: ${POD_IP}:5432
  data_dir: ${data}/pgdata
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: /tmp/pgpass
  authentication:
    superuser:
      username: postgres
      password: '${PATRONI_SUPERUSER_PASSWORD}'
    replication:
      username: replicator
      password: '${PATRONI_REPLICATION_PASSWORD}'
    rewind:
      username: postgres
      password: '${PATRONI_SUPERUSER_PASSWORD}'
  pg_hba:
    - local all all trust
    - host all all 0.0.0.0/0 scram-sha-256
    - host replication replicator 0.0.0.0/0 scram-sha-256
  parameters:
    unix_socket_directories: /var/run/postgresql
    password_encryption: scram-sha-256
    shared_buffers: 32MB
YAML

# Patroni reads PATRONI_* variables too; the file already holds them all.
exec /usr/bin/patroni "${config}"
