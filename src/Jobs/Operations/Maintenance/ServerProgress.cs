namespace StackGres.Ops.Jobs.Operations.Maintenance;

/// <summary>One row of pg_stat_progress_vacuum, _cluster or _create_index for a backend of the run.</summary>
public sealed record ServerProgress(int Pid, string Command, string Phase, long BlocksDone, long BlocksTotal)
{
    /// <summary>Blocks done as a percentage of the total; null while the server has no total yet.</summary>
    public double? Percent => BlocksTotal > 0 ? Math.Round(100.0 * Math.Min(BlocksDone, BlocksTotal) / BlocksTotal, 1) : null;
}
