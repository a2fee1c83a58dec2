using StackGres.Ops.Worker.Configuration;

namespace StackGres.Ops.Worker.Runs.Fleet;

/// <summary>
/// Decides which waiting heavy runs get a place: oldest first, each one that fits under every limit
/// (one heavy run per cluster, the fleet's, each label value's) is admitted; one that does not fit
/// does not hold back younger runs that do (a run in a full zone does not stop one in another zone).
/// Admitted runs count until their run ends. Pure: the line's rows in, the decision out.
/// </summary>
public sealed class HeavyRunLine(FleetOptions options)
{
    public LinePlan Plan(IReadOnlyCollection<HeavyRunEntry> entries, DateTimeOffset now)
    {
        var fleet = 0;
        var clusters = new HashSet<string>(StringComparer.Ordinal);
        var labels = new Dictionary<(string Label, string Value), int>();
        foreach (var held in entries.Where(e => e.Admitted))
        {
            Count(held, ref fleet, clusters, labels);
        }

        var admit = new List<Guid>();
        var reasons = new Dictionary<Guid, string>();
        foreach (var waiting in entries.Where(e => !e.Admitted).OrderBy(e => e.QueuedAt).ThenBy(e => e.RunId))
        {
            var reason = WhyNot(waiting, fleet, clusters, labels);
            if (reason is not null || waiting.IsOver(now))
            {
                // A run whose window closed or that was cancelled is not admitted: it is woken to end, saying what held it back.
                reasons[waiting.RunId] = reason ?? (waiting.CancelRequested ? "a cancel was asked" : "its window has closed");
                continue;
            }

            admit.Add(waiting.RunId);
            Count(waiting, ref fleet, clusters, labels);
        }

        return new LinePlan(admit, reasons, fleet);
    }

    private string? WhyNot(HeavyRunEntry run, int fleet, HashSet<string> clusters, Dictionary<(string, string), int> labels)
    {
        if (clusters.Contains(run.Cluster))
        {
            return $"another heavy operation is running on cluster '{run.Cluster}'";
        }

        if (options.MaxConcurrentHeavyRuns is { } max && fleet >= max)
        {
            return $"the fleet's limit of {max} heavy runs at once is reached ({FleetOptions.SectionName}:MaxConcurrentHeavyRuns)";
        }

        foreach (var (label, limit) in options.MaxConcurrentHeavyRunsPerLabel)
        {
            if (run.Labels.TryGetValue(label, out var value) && labels.GetValueOrDefault((label, value)) >= limit)
            {
                return $"the limit of {limit} heavy runs at once on clusters with {label}={value} is reached " +
                       $"({FleetOptions.SectionName}:MaxConcurrentHeavyRunsPerLabel:{label})";
            }
        }

        return null;
    }

    private void Count(HeavyRunEntry run, ref int fleet, HashSet<string> clusters, Dictionary<(string, string), int> labels)
    {
        fleet++;
        clusters.Add(run.Cluster);
        foreach (var label in options.MaxConcurrentHeavyRunsPerLabel.Keys)
        {
            if (run.Labels.TryGetValue(label, out var value))
            {
                labels[(label, value)] = labels.GetValueOrDefault((label, value)) + 1;
            }
        }
    }
}

/// <summary>The runs to admit now, oldest first; why each other waiting run waits; how many places are held with them.</summary>
public sealed record LinePlan(IReadOnlyList<Guid> Admit, IReadOnlyDictionary<Guid, string> WaitReasons, int Held);
