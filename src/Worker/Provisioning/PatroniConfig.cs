using System.Text;
using System.Text.Json;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>
/// patroni.yml, without a secret (the passwords come from the environment): Kubernetes as the DCS, the role label
/// the Services select on, postgresql.conf from the ConfigMap, and the parameters Patroni keeps the same on every
/// member (it writes them itself, so they go in the bootstrap DCS configuration).
/// </summary>
public static class PatroniConfig
{
    public const int RestApiPort = 8008;
    public const string DataDirectory = PostgresContainer.DataMountPath + "/pgdata";

    /// <summary>The parameters Patroni sets from its DCS configuration, whatever postgresql.conf says.</summary>
    public static readonly string[] DcsParameters =
    [
        "hot_standby", "max_connections", "max_locks_per_transaction", "max_prepared_transactions", "max_replication_slots",
        "max_wal_senders", "max_worker_processes", "track_commit_timestamp", "wal_keep_size", "wal_level", "wal_log_hints",
    ];

    public static string Render(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = PostgresSettings.For(cluster);
        var replication = cluster.Replication.Username;
        var yaml = new StringBuilder()
            .Append("scope: ").Append(Quote(cluster.Name)).Append('\n')
            .Append("restapi:\n  listen: ").Append(Quote($"0.0.0.0:{RestApiPort}")).Append('\n')
            .Append("kubernetes:\n  use_endpoints: false\n  scope_label: ").Append(Quote(ClusterLabels.Cluster)).Append('\n')
            .Append("  role_label: ").Append(Quote(ClusterLabels.Role)).Append('\n')
            .Append("  leader_label_value: ").Append(Quote(ClusterLabels.Primary)).Append('\n')
            .Append("  follower_label_value: ").Append(Quote(ClusterLabels.Replica)).Append('\n')
            .Append("  standby_leader_label_value: ").Append(Quote(ClusterLabels.Primary)).Append('\n')
            .Append("  labels:\n");
        foreach (var (key, value) in ClusterLabels.Selector(cluster.Name).Where(l => l.Key != ClusterLabels.Cluster))
        {
            yaml.Append("    ").Append(Quote(key)).Append(": ").Append(Quote(value)).Append('\n');
        }

        yaml.Append("bootstrap:\n  dcs:\n    ttl: 30\n    loop_wait: 10\n    retry_timeout: 10\n    maximum_lag_on_failover: 1048576\n")
            .Append("    postgresql:\n      use_pg_rewind: true\n      use_slots: true\n      parameters:\n");
        foreach (var name in DcsParameters.Where(settings.ContainsKey))
        {
            yaml.Append("        ").Append(name).Append(": ").Append(Quote(settings[name])).Append('\n');
        }

        yaml.Append("  initdb:\n  - encoding: UTF8\n  - data-checksums\n")
            .Append("postgresql:\n  listen: ").Append(Quote("0.0.0.0:5432")).Append('\n')
            .Append("  data_dir: ").Append(Quote(DataDirectory)).Append('\n')
            .Append("  custom_conf: ").Append(Quote($"{PostgresSettings.ConfigDirectory}/{PostgresSettings.ConfFile}")).Append('\n')
            .Append("  pgpass: ").Append(Quote("/tmp/pgpass")).Append('\n')
            .Append("  parameters:\n    unix_socket_directories: ").Append(Quote(PostgresContainer.SocketDirectory)).Append('\n')
            .Append("  pg_hba:\n")
            .Append("  - local all all scram-sha-256\n")
            .Append("  - host replication ").Append(replication).Append(" all scram-sha-256\n")
            .Append("  - host all all all scram-sha-256\n");
        return yaml.ToString();
    }

    /// <summary>A YAML double-quoted scalar (JSON's string syntax is YAML's).</summary>
    private static string Quote(string value) => JsonSerializer.Serialize(value);
}
