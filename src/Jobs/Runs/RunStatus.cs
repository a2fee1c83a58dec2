namespace StackGres.Ops.Jobs.Runs;

/// <summary>The states of a run (see DESIGN.md): queued → running → succeeded | failed | cancelled, or skipped.</summary>
public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    Skipped,
}
