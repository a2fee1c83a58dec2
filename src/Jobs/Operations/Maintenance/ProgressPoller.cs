using System.Collections.Concurrent;
using Npgsql;
using StackGres.Ops.Jobs.Clusters;

namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Polls PostgreSQL's progress views for the backends of a run, on a connection of its own, while
/// their statements run. The connection is opened at the first poll, so runs whose statements end
/// within one interval never open it. Polling problems never fail the run: polling just stops.
/// </summary>
public sealed class ProgressPoller : IAsyncDisposable
{
    private const string Query =
        """
        SELECT pid, 'VACUUM', phase, heap_blks_scanned, heap_blks_total FROM pg_catalog.pg_stat_progress_vacuum WHERE pid = ANY ($1)
        UNION ALL
        SELECT pid, command, phase, heap_blks_scanned, heap_blks_total FROM pg_catalog.pg_stat_progress_cluster WHERE pid = ANY ($1)
        UNION ALL
        SELECT pid, command, phase, blocks_done, blocks_total FROM pg_catalog.pg_stat_progress_create_index WHERE pid = ANY ($1)
        """;

    private readonly IClusterConnector _connector;
    private readonly string _database;
    private readonly TimeSpan _interval;
    private readonly Action<ServerProgress> _report;
    private readonly ConcurrentDictionary<int, byte> _watched = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProgressPoller(IClusterConnector connector, string database, TimeSpan interval, Action<ServerProgress> report)
    {
        _connector = connector;
        _database = database;
        _interval = interval;
        _report = report;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Reports the progress of <paramref name="pid"/> until <see cref="Unwatch"/>.</summary>
    public void Watch(int pid) => _watched[pid] = 0;

    public void Unwatch(int pid) => _watched.TryRemove(pid, out _);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        NpgsqlConnection? connection = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(_interval, cancellationToken).ConfigureAwait(false);
                var pids = _watched.Keys.ToArray();
                if (pids.Length == 0)
                {
                    continue;
                }

                connection ??= await _connector.OpenAsync(_database, cancellationToken).ConfigureAwait(false);
                await PollAsync(connection, pids, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Disposed: the run is over.
        }
        catch (NpgsqlException)
        {
            // Progress is a nicety: a failing poll must not fail the run.
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task PollAsync(NpgsqlConnection connection, int[] pids, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(Query, connection);
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = pids });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var pid = reader.GetInt32(0);
            if (_watched.ContainsKey(pid))
            {
                _report(new ServerProgress(pid, reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? 0 : reader.GetInt64(3), reader.IsDBNull(4) ? 0 : reader.GetInt64(4)));
            }
        }
    }
}
