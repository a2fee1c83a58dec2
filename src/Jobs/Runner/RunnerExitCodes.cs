namespace StackGres.Ops.Jobs.Runner;

/// <summary>Exit codes of the job runner.</summary>
public static class RunnerExitCodes
{
    public const int Succeeded = 0;
    public const int Failed = 1;
    public const int InvalidRequest = 2;
    public const int Cancelled = 3;
}
