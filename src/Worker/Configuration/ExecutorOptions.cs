namespace StackGres.Ops.Worker.Configuration;

/// <summary>How runs are executed: <c>Ops:Executor:*</c>.</summary>
public sealed class ExecutorOptions
{
    public const string SectionName = "Ops:Executor";

    /// <summary>Local: the job runner as a child process of the worker; Kubernetes: one Job per run.</summary>
    public ExecutorKind Kind { get; set; } = ExecutorKind.Local;

    /// <summary>Path of the job runner (its executable or its .dll). Default: the one shipped beside the worker.</summary>
    public string? RunnerPath { get; set; }

    /// <summary>
    /// Where local runners write their output, one directory per run, so that a worker started
    /// after this one died can re-attach to a runner still running or read the result of one that
    /// ended meanwhile. Default: <c>stackgres-ops-runs</c> under the temporary directory.
    /// </summary>
    public string? RunDirectory { get; set; }

    /// <summary>How long a cancelled runner gets to stop on its own before it is killed.</summary>
    public TimeSpan CancelGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long before the first retry of a failed attempt (runs with <c>maxRetries</c>); each next one waits twice as long, at most 5 minutes.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a running run checks whether someone asked to cancel it.</summary>
    public TimeSpan CancelPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The Kubernetes executor's settings: <c>Ops:Executor:Kubernetes:*</c>.</summary>
    public KubernetesExecutorOptions Kubernetes { get; set; } = new();
}
