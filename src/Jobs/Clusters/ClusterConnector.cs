using System.Collections.Concurrent;
using Npgsql;

namespace StackGres.Ops.Jobs.Clusters;

/// <summary>
/// Opens unpooled connections to a cluster's databases with a fixed application_name. Every query of
/// the operations reads and binds built-in types only (oid, name, text, integers, bool, float, numeric,
/// timestamps and their arrays), so Npgsql's type loading is off: a new connection costs no catalog
/// round trip, which is most of a short run's start-up.
/// </summary>
public sealed class ClusterConnector(ClusterConnection connection, string? password, string applicationName) : IClusterConnector, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ClusterConnector> _others = new();

    public string DefaultDatabase => connection.Database;

    public ClusterConnection Cluster => connection;

    public string? Password => password;

    /// <summary>A connector to another server with the same credentials; disposed with this one.</summary>
    public IClusterConnector ForServer(string host, int port)
    {
        var other = new ClusterConnector(connection with { Host = host, Port = port }, password, applicationName);
        _others.Enqueue(other);
        return other;
    }

    public async Task<NpgsqlConnection> OpenAsync(string? database, CancellationToken cancellationToken) =>
        await _sources.GetOrAdd(database ?? connection.Database, CreateSource).OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        while (_others.TryDequeue(out var other))
        {
            await other.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var source in _sources.Values)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }

        _sources.Clear();
    }

    private NpgsqlDataSource CreateSource(string database)
    {
        var builder = new NpgsqlDataSourceBuilder(connection.ToConnectionString(password, database, applicationName));
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder.Build();
    }
}
