namespace StackGres.Ops.Worker.Runs;

/// <summary>One line of a run's log.</summary>
public sealed record RunLogLine(long Sequence, DateTimeOffset Time, string Level, string Message);
