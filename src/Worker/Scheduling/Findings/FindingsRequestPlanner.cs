using System.Text.Json;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Scheduling.Windows;
using StackGres.Ops.Worker.Runs;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>
/// An on-demand request with <c>targets: findings</c>: its parameters checked as the operation's own, then its
/// tables or indexes filled from the cluster's latest health-check findings, as a window step with
/// <c>Targets: findings</c> and no more <c>When</c> would (the operation's checks, warning or worse, at most an hour
/// old). One request is one run, so the findings must lie in one database, or <c>databases</c> must name one.
/// </summary>
public sealed class FindingsRequestPlanner(FindingsStepPlanner planner, OperationCatalog catalog, ClusterInventory inventory)
{
    public async Task<FindingsRequestOutcome> PlanAsync(RunSubmission submission, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (!inventory.TryGet(submission.Cluster, out _))
        {
            errors.Add($"Unknown cluster '{submission.Cluster}'. Known clusters: {string.Join(", ", inventory.Names)}.");
        }

        if (catalog.FindingTargetFor(submission.Operation) is not { } target || !catalog.TryGet(submission.Operation, out var operation))
        {
            errors.Add($"Field 'targets' \"{StepConditionReader.TargetsFindings}\" works with {string.Join(", ", catalog.FindingTargets.Select(t => t.Operation))} " +
                       $"only, not with '{submission.Operation}'.");
            return FindingsRequestOutcome.Refused(errors);
        }

        var parameters = submission.Parameters ?? JsonSerializer.SerializeToElement(new Dictionary<string, object>());
        var values = ParameterParser.Bind(operation, parameters, errors);

        errors.AddRange(target.Replaced.Where(values.Has).Select(p =>
            $"Parameter '{p}' cannot be given with targets \"{StepConditionReader.TargetsFindings}\": the findings name the " +
            $"{(target.Kind == RelationKind.Table ? "tables" : "indexes")}."));
        if (errors.Count > 0)
        {
            return FindingsRequestOutcome.Refused(errors);
        }

        var step = new WindowStep(operation.Name, parameters, Estimate: null) { When = FindingCondition.For(target), Targets = StepTargets.Findings };
        var plan = await planner.PlanAsync(step, submission, cancellationToken);
        return plan.Runs.Count switch
        {
            0 => new FindingsRequestOutcome(null, null, [plan.Reason ?? string.Empty])
            {
                NothingToDo = plan.EndedAs == Jobs.Runs.RunStatus.Skipped,
                ClusterUnreachable = plan.ClusterUnreachable,
            },
            1 => new FindingsRequestOutcome(plan.Runs[0].Submission, plan.Runs[0].Note, []),
            _ => FindingsRequestOutcome.Refused([
                $"The findings lie in {plan.Runs.Count} databases " +
                $"({string.Join(", ", plan.Runs.Select(r => $"'{r.Submission.Parameters?.GetProperty(FindingTarget.DatabasesParameter)[0].GetString()}'"))}); " +
                $"a request is one run: name one of them in parameters.{FindingTarget.DatabasesParameter} (a window step with Targets: findings runs them all)."]),
        };
    }
}

/// <summary>The run a findings request asks for (with the note for its log), or why there is none.</summary>
public sealed record FindingsRequestOutcome(RunSubmission? Submission, string? Note, IReadOnlyList<string> Errors)
{
    /// <summary>No recent health-check, or no finding: the request is fine, there is nothing to do.</summary>
    public bool NothingToDo { get; init; }

    public bool ClusterUnreachable { get; init; }

    public static FindingsRequestOutcome Refused(IReadOnlyList<string> errors) => new(null, null, errors);
}
