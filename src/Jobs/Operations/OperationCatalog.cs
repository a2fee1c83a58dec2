using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Jobs.Operations.Reindex;
using StackGres.Ops.Jobs.Operations.Repack;
using StackGres.Ops.Jobs.Operations.Rolling;
using StackGres.Ops.Jobs.Operations.Backup;
using StackGres.Ops.Jobs.Operations.Restore;
using StackGres.Ops.Jobs.Operations.RestoreTest;
using StackGres.Ops.Jobs.Operations.LogReport;
using StackGres.Ops.Jobs.Operations.Vacuum;
using StackGres.Ops.Jobs.Operations.Verify;

namespace StackGres.Ops.Jobs.Operations;

/// <summary>The operations this build knows, by name.</summary>
public sealed class OperationCatalog
{
    private readonly Dictionary<string, IOperation> _operations;

    public OperationCatalog(IEnumerable<IOperation> operations) =>
        _operations = operations.ToDictionary(o => o.Name, StringComparer.Ordinal);

    /// <summary>The catalog of everything implemented.</summary>
    public static OperationCatalog CreateDefault() => new(
    [
        new VacuumOperation(), new ReindexOperation(), new RepackOperation(),
        new BackupOperation(), new RestoreOperation(), new RestoreTestOperation(),
        new LogReportOperation(), new HealthCheckOperation(), new VerifyOperation(),
        new RollingRestartOperation(), new MinorUpgradeOperation(), new SwitchoverOperation(),
    ]);

    public IReadOnlyCollection<IOperation> All => _operations.Values;

    public bool TryGet(string name, out IOperation operation) => _operations.TryGetValue(name, out operation!);

    public IEnumerable<string> Names => _operations.Keys.Order(StringComparer.Ordinal);

    /// <summary>How each operation that can take its targets from health-check findings takes them, by operation name.</summary>
    public IEnumerable<FindingTarget> FindingTargets =>
        _operations.Values.OfType<ITargetsFindings>().Select(o => o.FindingTarget).OrderBy(t => t.Operation, StringComparer.Ordinal);

    /// <summary>
    /// Whether a run of <paramref name="operation"/> with these parameters replaces pods (<see cref="IReplacesPods"/>): the
    /// parameters bound as the runner binds them, and the operation asked; false for an unknown operation.
    /// </summary>
    public bool ReplacesPods(string operation, System.Text.Json.JsonElement? parameters) =>
        _operations.TryGetValue(operation, out var found) && found is IReplacesPods replacing &&
        replacing.ReplacesPods(ParameterParser.Bind(found, parameters, []));

    public FindingTarget? FindingTargetFor(string operation) =>
        _operations.TryGetValue(operation, out var found) && found is ITargetsFindings targets ? targets.FindingTarget : null;
}
