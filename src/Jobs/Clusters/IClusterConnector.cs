using Npgsql;

namespace StackGres.Ops.Jobs.Clusters;

/// <summary>Opens connections to one cluster's databases.</summary>
public interface IClusterConnector
{
    /// <summary>The cluster's default database.</summary>
    string DefaultDatabase { get; }

    /// <summary>Where the cluster answers (no password), for client tools such as pg_repack.</summary>
    ClusterConnection Cluster { get; }

    /// <summary>The password client tools get in their environment ($PGPASSWORD); never logged.</summary>
    string? Password { get; }

    Task<NpgsqlConnection> OpenAsync(string? database, CancellationToken cancellationToken);

    /// <summary>A connector to another server with this cluster's credentials (e.g. a restored copy of it).</summary>
    IClusterConnector ForServer(string host, int port);
}
