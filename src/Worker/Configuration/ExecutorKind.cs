namespace StackGres.Ops.Worker.Configuration;

public enum ExecutorKind
{
    /// <summary>The job runner as a child process of the worker.</summary>
    Local,

    /// <summary>The job runner as one Kubernetes Job per run.</summary>
    Kubernetes,
}
