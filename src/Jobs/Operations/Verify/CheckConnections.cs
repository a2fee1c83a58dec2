using System.Collections.Concurrent;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Verify;

/// <summary>
/// The connections verify checks relations on: the run's own (same server, credentials and application_name as its
/// connector's), except that they ask for error details. amcheck names the corrupt tuple in the DETAIL of the error it
/// raises ("Lower index tid=(1,1) ..."), which Npgsql otherwise redacts; only the details of corruption errors
/// (tuple addresses and page LSNs, no row data) are kept in findings.
/// </summary>
internal sealed class CheckConnections(IClusterConnector connector, Guid runId) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);

    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken) =>
        await _sources.GetOrAdd(database, Create).OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private NpgsqlDataSource Create(string database)
    {
        var builder = new NpgsqlDataSourceBuilder(connector.Cluster.ToConnectionString(connector.Password, database, ApplicationNames.ForRun(runId)));
        builder.ConnectionStringBuilder.IncludeErrorDetail = true;
        builder.ConfigureTypeLoading(types => types.EnableTypeLoading(false));
        return builder.Build();
    }
}
