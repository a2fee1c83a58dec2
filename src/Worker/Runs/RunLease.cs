
namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// Keeps a claimed run this worker's: renews the lease every third of its duration. When a renewal
/// finds the attempt fenced out (another worker took the run over) <see cref="Lost"/> fires and
/// this worker must stop changing the run. A renewal that fails because the storage is down is
/// tried again: nobody can take the run over while the storage is down either.
/// </summary>
public sealed class RunLease : IAsyncDisposable
{
    private readonly RunStore store;
    private readonly TimeSpan duration;
    private readonly ILogger logger;
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task renewing;

    public RunLease(RunStore store, Guid runId, RunClaim claim, TimeSpan duration, TimeProvider clock, ILogger logger)
    {
        this.store = store;
        this.duration = duration;
        this.logger = logger;
        RunId = runId;
        Attempt = claim.Attempt;
        renewing = RenewAsync(clock);
    }

    public Guid RunId { get; }

    public int Attempt { get; }

    /// <summary>Fires when another worker took the run over.</summary>
    public CancellationToken Lost => lost.Token;

    /// <summary>Gives the run up at once so that the next worker need not wait for the lease to run out.</summary>
    public async Task ReleaseAsync()
    {
        await StopRenewingAsync();
        try
        {
            await store.ReleaseLeaseAsync(RunId, Attempt, CancellationToken.None);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // The lease then runs out on its own.
            Log.LeaseRenewalFailed(logger, RunId, e);
        }
    }

    /// <summary>The run goes back to the queue, nobody's: it waits for its wake-up job, not for a worker.</summary>
    public async Task ReturnToQueueAsync(CancellationToken cancellationToken)
    {
        await StopRenewingAsync();
        await store.ReturnToQueueAsync(RunId, Attempt, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopRenewingAsync();
        lost.Dispose();
        stop.Dispose();
    }

    private async Task StopRenewingAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await stop.CancelAsync();
        }

        await renewing;
    }

    private async Task RenewAsync(TimeProvider clock)
    {
        var interval = duration / 3;
        try
        {
            while (true)
            {
                await Task.Delay(interval, clock, stop.Token);
                try
                {
                    if (!await store.RenewLeaseAsync(RunId, Attempt, duration, stop.Token))
                    {
                        Log.LeaseLost(logger, RunId, Attempt);
                        await lost.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
                {
                    Log.LeaseRenewalFailed(logger, RunId, e);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }
}
