using Npgsql;

namespace StackGres.Ops.Jobs.Clusters;

/// <summary>Opens unpooled connections to a cluster with a fixed application_name.</summary>
public sealed class ClusterConnector(ClusterConnection connection, string? password, string applicationName) : IClusterConnector
{
    public string DefaultDatabase => connection.Database;

    public ClusterConnection Cluster => connection;

    public string? Password => password;

    public IClusterConnector ForServer(string host, int port) =>
        new ClusterConnector(connection with { Host = host, Port = port }, password, applicationName);

    public async Task<NpgsqlConnection> OpenAsync(string? database, CancellationToken cancellationToken)
    {
        var npgsql = new NpgsqlConnection(connection.ToConnectionString(password, database, applicationName));
        try
        {
            await npgsql.OpenAsync(cancellationToken).ConfigureAwait(false);
            return npgsql;
        }
        catch
        {
            await npgsql.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
