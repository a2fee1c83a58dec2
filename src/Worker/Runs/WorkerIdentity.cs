namespace StackGres.Ops.Worker.Runs;

/// <summary>This worker process, as recorded on the runs it holds: machine, process and a start-up nonce (a restarted process with the same pid is another owner).</summary>
public sealed class WorkerIdentity
{
    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";
}
