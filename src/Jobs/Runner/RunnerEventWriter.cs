using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Runner;

/// <summary>Writes runner events as JSON lines, one whole line at a time.</summary>
public sealed class RunnerEventWriter(TextWriter output) : IOperationEvents
{
    private readonly Lock _gate = new();

    public void Log(LogLevel level, string message) =>
        Write(new RunnerEvent { Type = RunnerEvent.LogType, Level = LevelName(level), Message = message });

    public void Progress(RunProgress progress) =>
        Write(new RunnerEvent { Type = RunnerEvent.ProgressType, Progress = progress });

    public void Write(RunnerEvent runnerEvent)
    {
        var line = runnerEvent.ToJsonLine();
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warning",
        _ => "error",
    };
}
