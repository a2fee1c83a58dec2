namespace StackGres.Ops.Worker.Configuration;

public enum ExecutorKind
{
    Local,
}
