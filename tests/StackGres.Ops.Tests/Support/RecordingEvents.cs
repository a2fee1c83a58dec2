using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Tests.Support;

/// <summary>Keeps what an operation reports, for assertions and for the test output on failure.</summary>
public sealed class RecordingEvents : IOperationEvents
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public void Log(LogLevel level, string message) => Lines.Enqueue($"{level}: {message}");

    public void Progress(RunProgress progress) => Lines.Enqueue($"progress: {progress.Phase}");

    public string Text => string.Join(Environment.NewLine, Lines);
}
