namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>
/// Runs work items on up to <c>jobs</c> connections (or sessions holding one) at once, like vacuumdb -j: each
/// worker takes the next item in order. The first failure stops the other workers and is thrown.
/// </summary>
public static class ParallelWork
{
    public static async Task RunAsync<T, TSession>(IReadOnlyList<T> items, int jobs,
        Func<CancellationToken, Task<TSession>> open,
        Func<TSession, T, CancellationToken, Task> work,
        CancellationToken cancellationToken)
        where TSession : IAsyncDisposable
    {
        if (items.Count == 0)
        {
            return;
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var next = -1;
        var workers = Enumerable.Range(0, Math.Clamp(jobs, 1, items.Count)).Select(_ => WorkerAsync()).ToArray();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch when (workers.FirstOrDefault(w => w.IsFaulted) is { } faulted && faulted.Exception?.InnerException is { } first
                    && first is not OperationCanceledException)
        {
            // Report the failure that stopped the others, not the cancellations it caused.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        async Task WorkerAsync()
        {
            try
            {
                await using var connection = await open(failed.Token).ConfigureAwait(false);
                int index;
                while ((index = Interlocked.Increment(ref next)) < items.Count)
                {
                    failed.Token.ThrowIfCancellationRequested();
                    await work(connection, items[index], failed.Token).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }
    }
}
