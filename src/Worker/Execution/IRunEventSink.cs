using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Worker.Execution;

/// <summary>Where an executor sends what the runner reports while it runs.</summary>
public interface IRunEventSink
{
    Task LogAsync(DateTimeOffset time, string level, string message, CancellationToken cancellationToken);

    Task ProgressAsync(RunProgress progress, CancellationToken cancellationToken);

    /// <summary>The lines already kept for this run (a worker re-attaching to a runner reads its output again).</summary>
    Task<IReadOnlyList<(DateTimeOffset Time, string Message)>> LoggedAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<(DateTimeOffset Time, string Message)>>([]);
}
