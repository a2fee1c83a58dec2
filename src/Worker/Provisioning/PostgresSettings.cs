using System.Text;

namespace StackGres.Ops.Worker.Provisioning;

/// <summary>A cluster's postgresql.conf: the tuned values, then archiving with backups on, then the spec's parameters.</summary>
public static class PostgresSettings
{
    /// <summary>Where the container finds the ConfigMap's files.</summary>
    public const string ConfigDirectory = "/etc/stackgres-ops";
    public const string ConfFile = "postgresql.conf";
    public const string PatroniFile = "patroni.yml";

    public static SortedDictionary<string, string> For(ClusterBlueprint cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var settings = PostgresTuning.Tune(cluster.Tuning);
        if (cluster.Backup is not null)
        {
            // The stanza, repository and keys come from PGBACKREST_* variables of the container.
            settings["archive_mode"] = "on";
            settings["archive_command"] = "pgbackrest archive-push %p";
        }

        foreach (var (name, value) in cluster.Parameters)
        {
            settings[name] = value;
        }

        return settings;
    }

    /// <summary>The file's text: one <c>name = 'value'</c> a line, sorted, quotes doubled.</summary>
    public static string Render(ClusterBlueprint cluster)
    {
        var text = new StringBuilder()
            .Append("# postgresql.conf of cluster ").Append(cluster.Name).Append(", PostgreSQL ").Append(cluster.Version.ToString())
            .Append(", rendered by stackgres-ops from Ops:ClusterSpecs:").Append(cluster.Name).Append('\n')
            .Append("# Tuned for ").Append(PostgresTuning.Size(cluster.MemoryBytes)).Append(" of memory, ").Append(cluster.Cpus)
            .Append(cluster.Cpus == 1 ? " cpu" : " cpus").Append(", a ").Append(PostgresTuning.Size(cluster.StorageBytes))
            .Append(cluster.Spec.Storage.Ssd ? " SSD" : " HDD").Append(" volume; the spec's parameters win.\n");
        foreach (var (name, value) in For(cluster))
        {
            text.Append(name).Append(" = '").Append(value.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        }

        return text.ToString();
    }
}
