using StackGres.Ops.Jobs.Operations.HealthCheck;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>The checks of <c>health-check</c>, by the names its findings carry.</summary>
public static class HealthCheckNames
{
    public static IReadOnlyList<string> All { get; } =
    [
        ReplicationLagCheck.CheckName,
        ReplicationSlotCheck.CheckName,
        WraparoundCheck.CheckName,
        SessionCheck.LongTransactionCheck,
        SessionCheck.IdleInTransactionCheck,
        ConnectionCheck.CheckName,
        DiskCheck.DataCheck,
        DiskCheck.WalCheck,
        RelationCheck.TableBloatCheck,
        RelationCheck.IndexBloatCheck,
        RelationCheck.InvalidIndexCheck,
    ];
}
