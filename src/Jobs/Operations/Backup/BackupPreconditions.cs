using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Backup;

/// <summary>What a cluster's configuration must say before pgBackRest can work on it.</summary>
public static class BackupPreconditions
{
    /// <summary>The missing piece of configuration, or null.</summary>
    /// <param name="throughServer">True when pgBackRest's TLS server on the instances (Backup:Server) can stand for the data directory.</param>
    public static string? Missing(ClusterConnection cluster, bool throughServer = false)
    {
        var name = cluster.Name ?? cluster.ToString();
        if (cluster.Backup is null)
        {
            return $"Cluster '{name}' has no backup repository configured (Ops:Clusters:{name}:Backup).";
        }

        return cluster.Local is null && !(throughServer && cluster.Backup.Server is not null)
            ? $"Cluster '{name}' has no DataDirectory configured (Ops:Clusters:{name}:DataDirectory): pgBackRest works on the data " +
              "directory itself, on the cluster's machine."
            : null;
    }

    /// <summary>A configured data directory the server contradicts, or null (also when the server does not say).</summary>
    public static string? DataDirectoryMismatch(ClusterConnection cluster, Backup.ServerFacts facts)
    {
        if (cluster.Local is not { } local || facts.DataDirectory is not { } actual)
        {
            return null;
        }

        var configured = Path.TrimEndingDirectorySeparator(Path.GetFullPath(local.DataDirectory));
        return string.Equals(configured, Path.TrimEndingDirectorySeparator(actual), StringComparison.Ordinal)
            ? null
            : $"Cluster '{cluster.Name}' is configured with DataDirectory '{configured}', but the server says its data directory is '{actual}'.";
    }
}
