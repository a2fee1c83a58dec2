using Npgsql;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// The plans of a run, one per database, each made on a connection of its own under the run's session
/// limits (so that no planning query waits on a lock longer than lock_timeout), and that connection kept
/// for the work on the same database. Disposing closes the connections nobody took.
/// </summary>
public sealed class DatabasePlans<TPlan>(OperationContext context, SessionLimits limits) : IAsyncDisposable
{
    private readonly List<(TPlan Plan, PlanningConnection Connection)> _plans = [];

    public int Count => _plans.Count;

    public IReadOnlyList<TPlan> All => _plans.ConvertAll(p => p.Plan);

    public TPlan this[int index] => _plans[index].Plan;

    /// <summary>The connection database <paramref name="index"/> was planned on, to hand to the work on it.</summary>
    public PlanningConnection ConnectionOf(int index) => _plans[index].Connection;

    /// <summary>Opens a connection to <paramref name="database"/>, applies the limits, and plans with <paramref name="plan"/>.</summary>
    public async Task AddAsync(string database, Func<NpgsqlConnection, CancellationToken, Task<TPlan>> plan, CancellationToken cancellationToken)
    {
        var connection = await context.Connector.OpenAsync(database, cancellationToken).ConfigureAwait(false);
        var planning = new PlanningConnection(connection);
        try
        {
            await limits.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            _plans.Add((await plan(connection, cancellationToken).ConfigureAwait(false), planning));
        }
        catch
        {
            await planning.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, connection) in _plans)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
