using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using StackGres.Ops.Jobs.Sql;

namespace StackGres.Ops.Jobs.Operations.Rolling;

/// <summary>
/// A client that keeps writing while a cluster is rolled: one INSERT after another through a multi-host connection
/// string with target_session_attrs=read-write (so it finds whichever instance is primary), reconnecting after every
/// error. It counts acknowledged commits and measures the longest stretch without one; <see cref="StopAsync"/> then
/// checks every acknowledged row is on the primary — a committed transaction lost shows up there.
/// </summary>
public sealed class WriteProbe : IAsyncDisposable
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);
    private readonly string connectionString;
    private readonly string table;
    private readonly ConcurrentQueue<long> acknowledged = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private Task? loop;
    private long failures;
    private TimeSpan lastCommit;
    private TimeSpan longestGap;

    private WriteProbe(string connectionString, string table)
    {
        this.connectionString = connectionString;
        this.table = table;
    }

    /// <summary>
    /// Creates <paramref name="table"/> (schema-qualified allowed, quoted here) and starts writing.
    /// <paramref name="connectionString"/> names every instance ("Host=h1:p1,h2:p2").
    /// </summary>
    public static async Task<WriteProbe> StartAsync(string connectionString, string schema, string table, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            TargetSessionAttributes = "read-write",
            HostRecheckSeconds = 0,
            Pooling = false,
            Timeout = 2,
            CommandTimeout = 5,
            ApplicationName = "stackgres-ops/write-probe",
        };
        var probe = new WriteProbe(builder.ConnectionString, $"{Identifier.Quote(schema)}.{Identifier.Quote(table)}");
        await using (var connection = new NpgsqlConnection(probe.connectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                $"CREATE TABLE IF NOT EXISTS {probe.table} (id bigint PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())", connection);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        probe.loop = Task.Run(() => probe.WriteAsync(probe.stop.Token), CancellationToken.None);
        return probe;
    }

    /// <summary>Stops writing, then counts the acknowledged rows missing from the primary; drops the table when asked.</summary>
    public async Task<WriteProbeResult> StopAsync(bool dropTable, CancellationToken cancellationToken)
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        var elapsed = clock.Elapsed;
        var ids = acknowledged.ToArray();

        // The writer gives up on a host after 2 s; the check afterwards waits longer for the primary.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 30 }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        long found;
        await using (var command = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE id = ANY($1)", connection))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = ids });
            found = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (dropTable)
        {
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS {table}", connection);
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var finalGap = elapsed - lastCommit;
        return new WriteProbeResult
        {
            Committed = ids.Length,
            Failed = Interlocked.Read(ref failures),
            Lost = ids.Length - found,
            LongestGapSeconds = Math.Round((finalGap > longestGap ? finalGap : longestGap).TotalSeconds, 3),
            Seconds = Math.Round(elapsed.TotalSeconds, 2),
        };
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        long next = 1;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    if (connection is null)
                    {
                        connection = new NpgsqlConnection(connectionString);
                        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await using var command = new NpgsqlCommand($"INSERT INTO {table} (id) VALUES ($1)", connection);
                    command.Parameters.Add(new NpgsqlParameter { Value = next });
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    acknowledged.Enqueue(next++);
                    var now = clock.Elapsed;
                    if (now - lastCommit > longestGap)
                    {
                        longestGap = now - lastCommit;
                    }

                    lastCommit = now;
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
                {
                    // The outcome of this INSERT is unknown: its id is never reused, and never counted as committed.
                    next++;
                    Interlocked.Increment(ref failures);
                    if (connection is not null)
                    {
                        await connection.DisposeAsync().ConfigureAwait(false);
                        connection = null;
                    }

                    await Task.Delay(RetryDelay, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
