using System.Net.Sockets;
using Npgsql;

namespace StackGres.Ops.Worker.Runs;

/// <summary>
/// What to do when the worker's own database is briefly away: a failure that a later try can
/// overcome (the server restarting, a refused or dropped connection) is tried again with backoff;
/// anything else is a bug and is thrown.
/// </summary>
public static class StorageRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(10);

    public static bool IsTransient(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or IOException or TimeoutException } => true,
        TimeoutException or SocketException => true,
        _ => false,
    };

    /// <summary>Runs <paramref name="action"/> until it succeeds, the failure is not transient, or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> action, Action<Exception, TimeSpan> retrying, TimeProvider clock, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                return await action(cancellationToken);
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                retrying(e, delay);
                await Task.Delay(delay, clock, cancellationToken);
                delay = delay * 2 > LongestDelay ? LongestDelay : delay * 2;
            }
        }
    }
}
