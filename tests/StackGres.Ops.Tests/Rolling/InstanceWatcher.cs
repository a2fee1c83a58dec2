using System.Collections.Concurrent;
using Npgsql;

namespace StackGres.Ops.Tests.Rolling;

/// <summary>
/// Asks every instance every few milliseconds whether it accepts a query, all along a roll, and remembers the most
/// instances down at once and the order in which instances went down. Down means the instance said so (refused the
/// connection, or answered that it is starting or shutting down); a connection that only timed out, as on a loaded
/// machine, leaves the instance as it was last seen.
/// </summary>
public sealed class InstanceWatcher : IAsyncDisposable
{
    private readonly IReadOnlyList<(string Name, string ConnectionString)> instances;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentQueue<string> wentDown = new();
    private readonly Task loop;

    public InstanceWatcher(RollingCluster cluster)
        : this(cluster.Instances.Select(i => (i.Name, cluster.ConnectionString(i))).ToArray())
    {
    }

    public InstanceWatcher(IReadOnlyList<(string Name, string ConnectionString)> instances)
    {
        this.instances = instances;
        loop = Task.Run(() => WatchAsync(stop.Token));
    }

    public int MostDownAtOnce { get; private set; }

    /// <summary>Instance names in the order they went down (an instance once per outage).</summary>
    public IReadOnlyList<string> DownOrder => wentDown.ToArray();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var down = new HashSet<string>(StringComparer.Ordinal);
        while (!cancellationToken.IsCancellationRequested)
        {
            var states = await Task.WhenAll(instances.Select(async i => (i.Name, Up: await IsUpAsync(i.ConnectionString))));
            foreach (var (name, up) in states)
            {
                if (up is false && down.Add(name))
                {
                    wentDown.Enqueue(name);
                }
                else if (up is true)
                {
                    down.Remove(name);
                }
            }

            MostDownAtOnce = Math.Max(MostDownAtOnce, down.Count);
            try
            {
                await Task.Delay(25, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>True: it answered the query; false: it refused; null: too slow to tell.</summary>
    private static async Task<bool?> IsUpAsync(string connectionString)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(CancellationToken.None);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(CancellationToken.None);
            return true;
        }
        catch (PostgresException)
        {
            // The server answered, refusing: starting up, shutting down, in recovery without hot standby yet.
            return false;
        }
        catch (NpgsqlException e) when (e.InnerException is System.Net.Sockets.SocketException)
        {
            // Nothing listens (refused), or the address is gone (a deleted pod).
            return false;
        }
        catch (NpgsqlException)
        {
            return null;
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
