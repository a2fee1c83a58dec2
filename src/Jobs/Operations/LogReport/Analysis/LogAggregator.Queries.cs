using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>Statements: counts, durations, normalized forms, the slowest ones and who ran them.</summary>
internal sealed partial class LogAggregator
{
    private const string Unknown = "unknown";

    /// <summary>A statement that ran: counted like pgBadger counts queries.</summary>
    private BucketStats CountQuery(LogEntry entry, double duration)
    {
        Queries++;
        FirstQueryTime = Math.Min(FirstQueryTime, entry.Time);
        LastQueryTime = Math.Max(LastQueryTime, entry.Time);
        var bucket = Bucket(entry.Time);
        bucket.Queries++;
        QueryPeak.Add(entry.Time);
        if (duration >= 0)
        {
            TimedQueries++;
            QueryMs += duration;
            bucket.DurationMs += duration;
            QueryHistogram[HistogramBin(QueryHistogramBounds, duration)]++;
        }

        return bucket;
    }

    private void Query(LogEntry entry, double duration, ReadOnlySpan<byte> text)
    {
        var bucket = CountQuery(entry, duration);
        var timed = duration >= 0;
        var ms = timed ? duration : 0;
        var database = Name(_databases, entry.Database);
        var user = Name(_users, entry.User);
        var application = Name(_applications, entry.Application);
        var client = Name(_clients, entry.Client);
        AddQuery(_lastDatabase.Get(Databases, database), ms);
        AddQuery(_lastUser.Get(Users, user), ms);
        AddQuery(_lastApplication.Get(Applications, application), ms);
        AddQuery(_lastClient.Get(Clients, client), ms);

        if (text.IsEmpty)
        {
            return;
        }

        var normalized = _normalizer.Normalize(text, entry.Detail.Span, out var form);
        QueryKind kind;
        QueryStats stats;
        if (form?.Stats is { } known)
        {
            (kind, stats) = (form.Kind, known);
        }
        else
        {
            kind = QueryKinds.Classify(normalized);
            stats = QueryMap.GetOrAdd(normalized, static key => new QueryStats(key));
            if (form is not null)
            {
                (form.Kind, form.Stats) = (kind, stats);
            }
        }

        Kinds[(int)kind]++;
        if (kind == QueryKind.Select)
        {
            bucket.Selects++;
        }
        else if (kind != QueryKind.Others)
        {
            bucket.Writes++;
        }

        stats.Count++;
        if (!timed)
        {
            return;
        }

        stats.TimedCount++;
        stats.DurationMs += duration;
        stats.MinMs = Math.Min(stats.MinMs, duration);
        // A tie with the fastest kept one is decided by the samples' whole order (AddSlowest), not by which came first.
        var slowestEnough = Slowest.Count < Options.Top || duration >= Slowest[0].DurationMs;
        if (duration >= stats.MaxMs || slowestEnough)
        {
            var sample = new QuerySample(entry.Time, duration, Text(text), database, user, application, client);
            if (stats.Slowest is null || QuerySampleOrder.Instance.Compare(sample, stats.Slowest) > 0)
            {
                stats.MaxMs = duration;
                stats.Slowest = sample;
            }

            if (slowestEnough)
            {
                AddSlowest(Slowest, sample, Options.Top);
            }
        }
    }

    internal static void AddSlowest(List<QuerySample> slowest, QuerySample sample, int top)
    {
        // Ascending (QuerySampleOrder): the fastest of the kept ones is first, and the first to go — the new one itself when it
        // ties the fastest and orders before it, so the kept set does not depend on the order samples arrive in.
        var index = slowest.BinarySearch(sample, QuerySampleOrder.Instance);
        slowest.Insert(index < 0 ? ~index : index, sample);
        if (slowest.Count > top)
        {
            slowest.RemoveAt(0);
        }
    }

    private static string Name(NameInterner interner, TextBuffer value) => value.IsEmpty ? Unknown : interner.Intern(value.Span);

    private readonly LastDimension _lastDatabase = new();
    private readonly LastDimension _lastUser = new();
    private readonly LastDimension _lastApplication = new();
    private readonly LastDimension _lastClient = new();

    private static void AddQuery(DimensionStats stats, double duration)
    {
        stats.Queries++;
        stats.DurationMs += duration;
    }

    private static DimensionStats Dimension(Dictionary<string, DimensionStats> map, string name)
    {
        if (!map.TryGetValue(name, out var stats))
        {
            stats = new DimensionStats();
            map[name] = stats;
        }

        return stats;
    }

    private BucketStats Bucket(long time)
    {
        var key = time - (((time % Options.BucketSeconds) + Options.BucketSeconds) % Options.BucketSeconds);
        if (key == _lastBucketKey)
        {
            return _lastBucket!;
        }

        if (!Buckets.TryGetValue(key, out var bucket))
        {
            bucket = new BucketStats();
            Buckets[key] = bucket;
        }

        _lastBucketKey = key;
        _lastBucket = bucket;
        return bucket;
    }

    internal static int HistogramBin(double[] bounds, double value)
    {
        for (var i = bounds.Length - 1; i > 0; i--)
        {
            if (value >= bounds[i])
            {
                return i;
            }
        }

        return 0;
    }

    /// <summary>The figures of the name seen last in one dimension: names are interned, so the same name is the same string.</summary>
    private sealed class LastDimension
    {
        private string? _name;
        private DimensionStats? _stats;

        public DimensionStats Get(Dictionary<string, DimensionStats> map, string name)
        {
            if (!ReferenceEquals(name, _name))
            {
                _stats = Dimension(map, name);
                _name = name;
            }

            return _stats!;
        }
    }
}
