namespace StackGres.Ops.Cli.Api;

/// <summary>One line of a run's log.</summary>
public sealed record LogLineView(long Sequence, DateTimeOffset Time, string Level, string Message);
