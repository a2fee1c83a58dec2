using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Tests.Support;

/// <summary>Keeps what an operation reports, as the runner would write it.</summary>
public sealed class RecordingEvents : IOperationEvents
{
    public ConcurrentQueue<(LogLevel Level, string Message)> Logs { get; } = new();

    public ConcurrentQueue<RunProgress> Progress { get; } = new();

    public void Log(LogLevel level, string message) => Logs.Enqueue((level, message));

    void IOperationEvents.Progress(RunProgress progress) => Progress.Enqueue(progress);

    public string AllLogs => string.Join("\n", Logs.Select(l => $"{l.Level}: {l.Message}"));

    /// <summary>The log messages alone, as text lines (level first).</summary>
    public IEnumerable<string> Lines => Logs.Select(l => $"{l.Level}: {l.Message}");

    public string Text => AllLogs;
}
