using System.Text.Json;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Jobs.Operations.HealthCheck;
using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Scheduling.Findings;

/// <summary>
/// Reads and checks a window step's <c>When</c> and <c>Targets</c>: known check names, a severity of warning or
/// critical, a positive age, an operation that can take its targets from findings and no parameter the findings
/// would replace. Problems name the full configuration key.
/// </summary>
public static class StepConditionReader
{
    public const string TargetsParameters = "parameters";
    public const string TargetsFindings = "findings";

    public static (FindingCondition? When, StepTargets Targets) Read(string stepKey, WindowOperationDefinition step, IConfigurationSection section,
        OperationCatalog operations, string operation, JsonElement parameters, List<string> failures)
    {
        var targets = ReadTargets(stepKey, step.Targets, failures);
        var target = targets == StepTargets.Findings ? operations.FindingTargetFor(operation) : null;
        if (targets == StepTargets.Findings && target is null)
        {
            failures.Add($"{stepKey}:Targets '{TargetsFindings}' works with {string.Join(", ", operations.FindingTargets.Select(t => t.Operation))} only, " +
                         $"not with '{operation}'.");
            return (null, targets);
        }

        if (target is not null)
        {
            foreach (var replaced in target.Replaced.Where(p => parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty(p, out _)))
            {
                failures.Add($"{stepKey}:Parameters:{replaced} cannot be set with Targets '{TargetsFindings}': the findings name the " +
                             $"{(target.Kind == RelationKind.Table ? "tables" : "indexes")} ('{FindingTarget.DatabasesParameter}' and " +
                             $"'{FindingTarget.SchemasParameter}' may narrow them).");
            }
        }

        if (step.When is null && target is null)
        {
            return (null, targets);
        }

        var when = step.When ?? new WindowConditionDefinition();
        var whenKey = $"{stepKey}:When";
        var checks = ReadChecks(whenKey, when, section.GetSection("When:Checks"), target, operation, failures);
        var severity = ReadSeverity(whenKey, when.MinSeverity, failures);
        var maxAge = when.MaxAge ?? FindingCondition.DefaultMaxAge;
        if (maxAge <= TimeSpan.Zero)
        {
            failures.Add($"{whenKey}:MaxAge must be more than zero (got {maxAge}); it is how old the health-check run may be, e.g. 01:00:00.");
        }

        return (new FindingCondition(checks, severity, maxAge), targets);
    }

    private static StepTargets ReadTargets(string stepKey, string? value, List<string> failures)
    {
        if (string.IsNullOrEmpty(value) || string.Equals(value, TargetsParameters, StringComparison.OrdinalIgnoreCase))
        {
            return StepTargets.Parameters;
        }

        if (string.Equals(value, TargetsFindings, StringComparison.OrdinalIgnoreCase))
        {
            return StepTargets.Findings;
        }

        failures.Add($"{stepKey}:Targets '{value}' must be '{TargetsParameters}' (the default) or '{TargetsFindings}'.");
        return StepTargets.Parameters;
    }

    private static List<string> ReadChecks(string whenKey, WindowConditionDefinition when, IConfigurationSection section, FindingTarget? target,
        string operation, List<string> failures)
    {
        // Also "table-bloat,index-bloat" as one value (an environment variable), as step parameters allow.
        IReadOnlyList<string> listed = when.Checks.Count > 0
            ? when.Checks
            : section.Value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (listed.Count == 0)
        {
            if (target is not null)
            {
                return [.. target.Checks];
            }

            failures.Add($"{whenKey}:Checks must name at least one health-check check: {string.Join(", ", HealthCheckNames.All)}.");
            return [];
        }

        var checks = new List<string>(listed.Count);
        for (var j = 0; j < listed.Count; j++)
        {
            var check = listed[j];
            if (!HealthCheckNames.All.Contains(check, StringComparer.Ordinal))
            {
                failures.Add($"{whenKey}:Checks:{j} '{check}' is not a health-check check. Known checks: {string.Join(", ", HealthCheckNames.All)}.");
            }
            else if (target is not null && !target.Checks.Contains(check, StringComparer.Ordinal))
            {
                failures.Add($"{whenKey}:Checks:{j} '{check}' does not name objects {operation} can work on; with Targets '{TargetsFindings}', " +
                             $"{operation} takes {string.Join(" and ", target.Checks)} findings.");
            }
            else if (!checks.Contains(check, StringComparer.Ordinal))
            {
                checks.Add(check);
            }
        }

        return checks;
    }

    private static HealthSeverity ReadSeverity(string whenKey, string? value, List<string> failures)
    {
        if (string.IsNullOrEmpty(value))
        {
            return FindingCondition.DefaultMinSeverity;
        }

        if (string.Equals(value, "warning", StringComparison.OrdinalIgnoreCase))
        {
            return HealthSeverity.Warning;
        }

        if (string.Equals(value, "critical", StringComparison.OrdinalIgnoreCase))
        {
            return HealthSeverity.Critical;
        }

        failures.Add($"{whenKey}:MinSeverity '{value}' must be 'warning' (the default) or 'critical' (every check also reports 'ok' findings).");
        return FindingCondition.DefaultMinSeverity;
    }
}
