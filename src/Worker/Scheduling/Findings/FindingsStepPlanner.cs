using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Worker.Clusters;
using StackGres.Ops.Worker.Runs;
using StackGres.Ops.Worker.Scheduling.Windows;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>
/// Decides what a window step runs from the cluster's latest succeeded health-check: a step with a <c>When</c> runs
/// only when that run is recent enough and has a matching finding; a step with <c>Targets: findings</c> runs on the
/// findings' objects only, one run per database. Anything else is skipped, with the reason.
/// </summary>
public sealed class FindingsStepPlanner(RunStore store, ClusterInventory inventory, OperationCatalog catalog, TimeProvider clock)
{
    private const int ListedObjects = 20;

    public async Task<StepPlan> PlanAsync(WindowStep step, RunSubmission template, CancellationToken cancellationToken)
    {
        if (step.When is not { } when)
        {
            return StepPlan.Run(template);
        }

        var latest = await store.LatestSucceededAsync(template.Cluster, HealthCheckOperation.OperationName, cancellationToken);
        if (latest is null)
        {
            return StepPlan.Skip($"Not started: no succeeded health-check run on cluster '{template.Cluster}' says it is needed (When: {when.Describe()}). " +
                                 "Run health-check first, e.g. as an earlier step of the window.");
        }

        var age = clock.GetUtcNow() - (latest.FinishedAt ?? latest.CreatedAt);
        if (age > when.MaxAge)
        {
            return StepPlan.Skip($"Not started: the latest succeeded health-check run on cluster '{template.Cluster}', {latest.Id} of " +
                                 $"{(latest.FinishedAt ?? latest.CreatedAt).ToUniversalTime():u}, is older than When:MaxAge {when.MaxAge}. " +
                                 "Run health-check first, e.g. as an earlier step of the window.");
        }

        HealthCheckSnapshot snapshot;
        try
        {
            snapshot = HealthCheckSnapshot.From(latest);
        }
        catch (JsonException e)
        {
            return StepPlan.Fail($"The result of health-check run {latest.Id} cannot be read: {e.Message}");
        }

        return step.Targets == StepTargets.Findings
            ? await PlanTargetsAsync(step, when, snapshot, template, cancellationToken)
            : PlanGate(when, snapshot, template);
    }

    private static StepPlan PlanGate(FindingCondition when, HealthCheckSnapshot snapshot, RunSubmission template)
    {
        var matched = snapshot.Findings.Where(when.Matches).ToArray();
        return matched.Length == 0
            ? StepPlan.Skip($"Not needed: no {when.Describe()} in {snapshot.Describe()}.")
            : StepPlan.Run(template, $"Started because {snapshot.Describe()} found {matched.Length} {when.Describe(matched.Length)}: {List(matched)}.");
    }

    private async Task<StepPlan> PlanTargetsAsync(WindowStep step, FindingCondition when, HealthCheckSnapshot snapshot, RunSubmission template,
        CancellationToken cancellationToken)
    {
        var target = catalog.FindingTargetFor(step.Operation)
                     ?? throw new InvalidOperationException($"'{step.Operation}' cannot take its targets from findings; the window catalog lets no such step through.");
        var databases = Strings(step.Parameters, FindingTarget.DatabasesParameter);
        var schemas = Strings(step.Parameters, FindingTarget.SchemasParameter);
        var scope = databases.Count == 0 ? string.Empty : $" in database(s) {string.Join(", ", databases.Select(d => $"'{d}'"))}";
        var matched = snapshot.Findings
            .Where(f => when.Matches(f) && f.Database is { } database && (databases.Count == 0 || databases.Contains(database, StringComparer.Ordinal)))
            .ToArray();
        if (matched.Length == 0)
        {
            return StepPlan.Skip($"Not needed: no {when.Describe()}{scope} in {snapshot.Describe()}.");
        }

        if (!inventory.TryGet(template.Cluster, out var cluster))
        {
            return StepPlan.Fail($"Cluster '{template.Cluster}' is no longer in the inventory.");
        }

        var runs = new List<PlannedRun>();
        var leftOut = new List<string>();
        await using var connector = cluster.Connect("stackgres-ops/findings");
        foreach (var group in matched.GroupBy(f => f.Database!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            IReadOnlyDictionary<string, RelationRef> names;
            try
            {
                await using var connection = await connector.OpenAsync(group.Key, cancellationToken);
                names = await FindingObjectResolver.ResolveAsync(connection, group.Select(f => f.Object).ToArray(), target.Kind, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                names = new Dictionary<string, RelationRef>();
            }
            catch (NpgsqlException e)
            {
                // Connection, authentication and server-state errors: the cluster, not the request, is at fault.
                var unreachable = e is not PostgresException postgres || postgres.SqlState[..2] is "08" or "28" or "53" or "57";
                return StepPlan.Fail($"The objects of the findings in database '{group.Key}' of cluster '{template.Cluster}' could not be looked up: {e.Message}")
                    with { ClusterUnreachable = unreachable };
            }

            var chosen = new List<(HealthFinding Finding, string Name)>();
            foreach (var finding in group)
            {
                if (!names.TryGetValue(finding.Object, out var relation))
                {
                    leftOut.Add($"{group.Key}: {finding.Object} (no longer there, or its name reads more than one way)");
                }
                else if (target.ExcludedSchemas.Contains(relation.Schema, StringComparer.Ordinal))
                {
                    leftOut.Add($"{group.Key}: {finding.Object} (a system catalog, which {step.Operation} cannot work on)");
                }
                else if (schemas.Count > 0 && !schemas.Contains(relation.Schema, StringComparer.Ordinal))
                {
                    leftOut.Add($"{group.Key}: {finding.Object} (not in '{FindingTarget.SchemasParameter}')");
                }
                else if (!chosen.Any(c => c.Name == relation.Parameter))
                {
                    chosen.Add((finding, relation.Parameter));
                }
            }

            if (chosen.Count > 0)
            {
                var submission = template with { Parameters = Fill(step.Parameters, target, group.Key, chosen.Select(c => c.Name)) };
                runs.Add(new PlannedRun(submission,
                    $"Targets from {snapshot.Describe()}: {chosen.Count} {when.Describe(chosen.Count)} in database '{group.Key}': {List(chosen.Select(c => c.Finding))}."));
            }
        }

        var leftOutNote = leftOut.Count == 0 ? string.Empty : $" Left out: {string.Join("; ", leftOut.Take(ListedObjects))}{More(leftOut.Count)}.";
        if (runs.Count == 0)
        {
            return StepPlan.Skip($"Nothing to do: the {when.Describe(2)}{scope} of {snapshot.Describe()} name nothing {step.Operation} can still work on.{leftOutNote}");
        }

        return new StepPlan(runs.Select(r => r with { Note = r.Note + leftOutNote }).ToArray());
    }

    /// <summary>The step's parameters with the findings' database and objects filled in.</summary>
    private static JsonElement Fill(JsonElement parameters, FindingTarget target, string database, IEnumerable<string> names)
    {
        var filled = parameters.ValueKind == JsonValueKind.Object ? JsonObject.Create(parameters) ?? new JsonObject() : new JsonObject();
        filled[FindingTarget.DatabasesParameter] = new JsonArray(JsonValue.Create(database));
        filled[target.Parameter] = new JsonArray(names.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
        return JsonSerializer.SerializeToElement(filled);
    }

    private static List<string> Strings(JsonElement parameters, string name) =>
        parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(name, out var values) && values.ValueKind == JsonValueKind.Array
            ? values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList()
            : [];

    private static string List(IEnumerable<HealthFinding> findings)
    {
        var all = findings.ToArray();
        return string.Join(", ", all.Take(ListedObjects).Select(f => $"{f.Object} ({FindingCondition.SeverityName(f.Severity)})")) + More(all.Length);
    }

    private static string More(int count) => count > ListedObjects ? $" and {count - ListedObjects} more" : string.Empty;
}
