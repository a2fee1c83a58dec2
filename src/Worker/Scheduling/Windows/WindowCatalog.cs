using Cronos;
using StackGres.Ops.Jobs.Operations;
using StackGres.Ops.Worker.Configuration;
using StackGres.Ops.Worker.Scheduling.Findings;

namespace StackGres.Ops.Worker.Scheduling.Windows;

/// <summary>
/// The configured maintenance windows, resolved and checked: cron, time zone, duration, clusters
/// (by name or labels), operations and their parameters, their health-check conditions and targets,
/// and that no two windows of one cluster overlap. Every problem names the window and the field.
/// </summary>
public sealed class WindowCatalog
{
    /// <summary>Overlaps are looked for over this horizon, or over the first <see cref="OverlapOpenings"/> openings.</summary>
    public static readonly TimeSpan OverlapHorizon = TimeSpan.FromDays(366);

    public const int OverlapOpenings = 2000;

    private readonly Dictionary<string, ResolvedWindow> _windows;
    private readonly Dictionary<string, List<ResolvedWindow>> _byCluster;

    private WindowCatalog(IEnumerable<ResolvedWindow> windows)
    {
        _windows = windows.ToDictionary(w => w.Name, StringComparer.Ordinal);
        _byCluster = new Dictionary<string, List<ResolvedWindow>>(StringComparer.Ordinal);
        foreach (var window in _windows.Values)
        {
            foreach (var cluster in window.Clusters)
            {
                if (!_byCluster.TryGetValue(cluster, out var list))
                {
                    _byCluster[cluster] = list = [];
                }

                list.Add(window);
            }
        }
    }

    public IReadOnlyCollection<ResolvedWindow> All => _windows.Values;

    public bool TryGet(string name, out ResolvedWindow window) => _windows.TryGetValue(name, out window!);

    public IReadOnlyList<ResolvedWindow> ForCluster(string cluster) =>
        _byCluster.TryGetValue(cluster, out var windows) ? windows : [];

    /// <summary>The next openings of every window of a cluster, merged in time order.</summary>
    public IReadOnlyList<WindowOccurrence> NextOpenings(string cluster, DateTimeOffset after, int count) =>
        ForCluster(cluster)
            .SelectMany(w => w.Schedule.OpeningsAfter(after).Take(count))
            .OrderBy(o => o.OpensAt)
            .Take(count)
            .ToArray();

    public static WindowCatalog Build(WindowsOptions windows, IConfiguration configuration, OperationCatalog operations,
        ClustersOptions clusters, DateTimeOffset now, List<string> failures)
    {
        var resolved = new List<ResolvedWindow>();
        foreach (var (name, definition) in windows.OrderBy(w => w.Key, StringComparer.Ordinal))
        {
            var key = $"{WindowsOptions.SectionName}:{name}";
            var before = failures.Count;
            if (!DnsLabel.IsValid(name))
            {
                failures.Add($"{key}: a window name must be 1 to 63 lower-case letters, digits or '-'.");
            }

            var schedule = ReadSchedule(key, name, definition, failures);
            var members = ReadClusters(key, definition, clusters, failures);
            var steps = ReadSteps(key, definition, configuration.GetSection(key), operations, failures);
            if (schedule is not null && failures.Count == before)
            {
                resolved.Add(new ResolvedWindow(schedule, members, steps));
            }
        }

        FindOverlaps(resolved, now, failures);
        return new WindowCatalog(resolved);
    }

    private static MaintenanceWindow? ReadSchedule(string key, string name, WindowDefinition definition, List<string> failures)
    {
        TimeZoneInfo? zone = null;
        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(definition.TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            failures.Add($"{key}:TimeZone '{definition.TimeZone}' is not a known IANA time zone (for example 'Europe/Madrid' or 'UTC').");
        }

        if (definition.Duration <= TimeSpan.Zero || definition.Duration > TimeSpan.FromHours(24))
        {
            failures.Add($"{key}:Duration must be more than zero and at most 24:00:00 (got {definition.Duration}).");
        }
        else if (definition.StartSpread < TimeSpan.Zero || definition.StartSpread >= definition.Duration)
        {
            failures.Add($"{key}:StartSpread must be zero or more and shorter than the Duration {definition.Duration} (got {definition.StartSpread}).");
        }

        try
        {
            MaintenanceWindow.Parse(definition.Cron);
        }
        catch (CronFormatException e)
        {
            failures.Add($"{key}:Cron '{definition.Cron}' is not a valid cron expression (5 fields, or 6 with seconds first): {e.Message}");
            return null;
        }

        return zone is null ? null : new MaintenanceWindow(name, definition.Cron, definition.Duration, zone, definition.StartSpread);
    }

    private static List<string> ReadClusters(string key, WindowDefinition definition, ClustersOptions clusters, List<string> failures)
    {
        var members = new List<string>();
        foreach (var cluster in definition.Clusters.Distinct(StringComparer.Ordinal))
        {
            if (clusters.ContainsKey(cluster))
            {
                members.Add(cluster);
            }
            else
            {
                failures.Add($"{key}:Clusters names '{cluster}', which is not in {ClustersOptions.SectionName}.");
            }
        }

        if (definition.ClusterSelector.Count > 0)
        {
            members.AddRange(clusters
                .Where(c => definition.ClusterSelector.All(l => c.Value.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
                .Select(c => c.Key));
        }

        if (members.Count == 0 && definition.Clusters.Count == 0)
        {
            failures.Add($"{key}: Clusters or ClusterSelector must name at least one configured cluster.");
        }

        return members.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    private static List<WindowStep> ReadSteps(string key, WindowDefinition definition, IConfigurationSection section,
        OperationCatalog operations, List<string> failures)
    {
        var steps = new List<WindowStep>();
        if (definition.Operations.Count == 0)
        {
            failures.Add($"{key}:Operations must list at least one operation.");
        }

        for (var i = 0; i < definition.Operations.Count; i++)
        {
            var step = definition.Operations[i];
            var stepKey = $"{key}:Operations:{i}";
            if (!operations.TryGet(step.Operation, out var operation))
            {
                failures.Add($"{stepKey}:Operation '{step.Operation}' is unknown. Known operations: {string.Join(", ", operations.Names)}.");
                continue;
            }

            if (step.Estimate is { } estimate && estimate <= TimeSpan.Zero)
            {
                failures.Add($"{stepKey}:Estimate must be more than zero.");
            }

            var stepFailures = new List<string>();
            var parameters = WindowParameterReader.Read(section.GetSection($"Operations:{i}:Parameters"), operation, stepFailures);
            if (stepFailures.Count == 0)
            {
                ParameterParser.Bind(operation, parameters, stepFailures);
            }

            var (when, targets) = StepConditionReader.Read(stepKey, step, section.GetSection($"Operations:{i}"), operations, operation.Name, parameters, stepFailures);
            failures.AddRange(stepFailures.Select(f => f.StartsWith(stepKey, StringComparison.Ordinal) ? f : $"{stepKey}:Parameters: {f}"));
            steps.Add(new WindowStep(operation.Name, parameters, step.Estimate) { When = when, Targets = targets });
        }

        return steps;
    }

    private static void FindOverlaps(List<ResolvedWindow> windows, DateTimeOffset now, List<string> failures)
    {
        var horizon = now + OverlapHorizon;
        var openings = windows.ToDictionary(w => w.Name,
            w => w.Schedule.OpeningsAfter(now).TakeWhile(o => o.OpensAt < horizon).Take(OverlapOpenings).ToArray(), StringComparer.Ordinal);
        foreach (var window in windows)
        {
            var own = openings[window.Name];
            for (var i = 1; i < own.Length; i++)
            {
                if (own[i - 1].Overlaps(own[i]))
                {
                    failures.Add($"{WindowsOptions.SectionName}:{window.Name}:Duration {window.Schedule.Duration} is longer than the time between two openings " +
                                 $"({own[i - 1].OpensAt:u} and {own[i].OpensAt:u}).");
                    break;
                }
            }
        }

        for (var a = 0; a < windows.Count; a++)
        {
            for (var b = a + 1; b < windows.Count; b++)
            {
                var shared = windows[a].Clusters.Intersect(windows[b].Clusters, StringComparer.Ordinal).FirstOrDefault();
                if (shared is not null && FirstOverlap(openings[windows[a].Name], openings[windows[b].Name]) is { } clash)
                {
                    failures.Add($"{WindowsOptions.SectionName}:{windows[b].Name} overlaps window '{windows[a].Name}' on cluster '{shared}' " +
                                 $"(both open at {clash:u}); two windows of one cluster must not overlap.");
                }
            }
        }
    }

    private static DateTimeOffset? FirstOverlap(WindowOccurrence[] first, WindowOccurrence[] second)
    {
        int i = 0, j = 0;
        while (i < first.Length && j < second.Length)
        {
            if (first[i].Overlaps(second[j]))
            {
                return first[i].OpensAt > second[j].OpensAt ? first[i].OpensAt : second[j].OpensAt;
            }

            if (first[i].ClosesAt <= second[j].ClosesAt)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return null;
    }
}
