using Npgsql;
using Xunit;

namespace StackGres.Ops.Tests.Worker.Support;

/// <summary>
/// The table <c>held</c> with another session holding an ACCESS SHARE lock on it, so that a
/// VACUUM FULL of it (<see cref="VacuumFull"/>) waits, its run staying <c>running</c>, until the
/// test releases the lock.
/// </summary>
public sealed class HeldTable : IAsyncDisposable
{
    public const string Name = "held";

    /// <summary>The vacuum parameters of a run that waits on the lock (for up to a minute).</summary>
    public static readonly object VacuumFull = new { tables = new[] { Name }, full = true, lockTimeout = "60s" };

    private readonly NpgsqlConnection holder;
    private readonly NpgsqlTransaction transaction;

    private HeldTable(NpgsqlConnection holder, NpgsqlTransaction transaction)
    {
        this.holder = holder;
        this.transaction = transaction;
    }

    /// <summary>Creates the table with <paramref name="rows"/> rows.</summary>
    public static Task CreateAsync(string connectionString, int rows = 1000) =>
        Db.ExecuteAsync(connectionString,
            $"CREATE TABLE {Name} (id int PRIMARY KEY, pad text); INSERT INTO {Name} SELECT g, repeat('x', 100) FROM generate_series(1, {rows}) g;");

    /// <summary>Opens a session that holds the lock until <see cref="ReleaseAsync"/> or disposal.</summary>
    public static async Task<HeldTable> LockAsync(string connectionString)
    {
        var ct = TestContext.Current.CancellationToken;
        var holder = await Db.OpenAsync(connectionString);
        var transaction = await holder.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand($"LOCK TABLE {Name} IN ACCESS SHARE MODE", holder, transaction);
        await command.ExecuteNonQueryAsync(ct);
        return new HeldTable(holder, transaction);
    }

    public Task ReleaseAsync() => transaction.RollbackAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await holder.DisposeAsync();
    }
}
