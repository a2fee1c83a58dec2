using Npgsql;

namespace StackGres.Ops.Worker.Runs;

/// <summary>The worker's own database, kept apart from the data sources of the clusters it maintains.</summary>
public sealed class OpsDataSource(NpgsqlDataSource value) : IAsyncDisposable
{
    public NpgsqlDataSource Value { get; } = value;

    public ValueTask DisposeAsync() => Value.DisposeAsync();
}
