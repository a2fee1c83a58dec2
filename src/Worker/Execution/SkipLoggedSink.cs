using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Execution;

/// <summary>
/// A sink for a re-attached run: the runner's output is read again from its start, and each line already kept (same
/// time to the microsecond, as the worker's database stores it, and same text) is let through only once.
/// </summary>
public sealed class SkipLoggedSink(IRunEventSink inner, IEnumerable<(DateTimeOffset Time, string Message)> logged) : IRunEventSink
{
    private readonly Dictionary<(long, string), int> seen = logged
        .GroupBy(l => Key(l.Time, l.Message))
        .ToDictionary(g => g.Key, g => g.Count());

    public Task LogAsync(DateTimeOffset time, string level, string message, CancellationToken cancellationToken)
    {
        var key = Key(time, message);
        if (seen.TryGetValue(key, out var count) && count > 0)
        {
            seen[key] = count - 1;
            return Task.CompletedTask;
        }

        return inner.LogAsync(time, level, message, cancellationToken);
    }

    public Task ProgressAsync(RunProgress progress, CancellationToken cancellationToken) => inner.ProgressAsync(progress, cancellationToken);

    public Task<IReadOnlyList<(DateTimeOffset Time, string Message)>> LoggedAsync(CancellationToken cancellationToken) =>
        inner.LoggedAsync(cancellationToken);

    // PostgreSQL keeps timestamps to the microsecond.
    private static (long, string) Key(DateTimeOffset time, string message) => (time.UtcTicks / 10, message);
}
