using System.Text;
using StackGres.Ops.Jobs.Operations.LogReport.Analysis;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>Turns the merged aggregator into the report: sorted, cut to the top entries, times as dates.</summary>
internal static class ReportBuilder
{
    private const int MaxNames = 100;
    private const int MaxErrorGroups = 100;
    private const int MaxTables = 100;

    public static LogReportDocument Build(LogAggregator a, ReportInput input, DateTimeOffset generatedAt)
    {
        var top = a.Options.Top;
        var queries = a.QueryMap.Items().Select(item => item.Value).Where(q => q.Count > 0).ToList();
        var rows = queries.Select(q => Row(q, a.QueryMs)).ToList();
        var levels = Enum.GetValues<Severity>().Where(SeverityNames.IsProblem)
            .Select(s => new NamedCount { Name = SeverityNames.Name(s), Count = a.Levels[(int)s] })
            .Append(new NamedCount { Name = "LOG", Count = a.ErrorGroups.Values.Where(g => g.Severity == "LOG").Sum(g => g.Count) })
            .Where(c => c.Count > 0).ToList();
        return new LogReportDocument
        {
            GeneratedAt = generatedAt,
            Input = input,
            Overview = new ReportOverview
            {
                FirstEntry = Time(a.FirstTime),
                LastEntry = Time(a.LastTime),
                FirstQuery = Time(a.FirstQueryTime),
                LastQuery = Time(a.LastQueryTime),
                Queries = a.Queries,
                TimedQueries = a.TimedQueries,
                DistinctQueries = queries.Count,
                QueryDurationMs = Round(a.QueryMs),
                AverageQueryMs = Round(a.TimedQueries == 0 ? 0 : a.QueryMs / a.TimedQueries),
                Prepares = a.Prepares,
                PrepareDurationMs = Round(a.PrepareMs),
                Binds = a.Binds,
                BindDurationMs = Round(a.BindMs),
                Errors = a.Errors,
                ErrorGroups = a.ErrorGroups.Count,
                Connections = a.Connections,
                Sessions = a.Sessions,
                SessionDurationMs = Round(a.SessionMs),
                AverageSessionMs = Round(a.Sessions == 0 ? 0 : a.SessionMs / a.Sessions),
                Deadlocks = a.Deadlocks,
                CancelledQueries = a.Cancelled,
                LockWaits = a.Locks.Values.Sum(l => l.Waits),
                TempFiles = a.TempFiles,
                TempBytes = a.TempBytes,
                Checkpoints = a.Checkpoints.Count,
                Autovacuums = a.Tables.Values.Sum(t => t.Vacuums),
                Autoanalyzes = a.Tables.Values.Sum(t => t.Analyzes),
                PeakQueries = Peak(a.QueryPeak),
                PeakConnections = Peak(a.ConnectionPeak),
                PeakErrors = Peak(a.ErrorPeak),
            },
            QueryTypes = QueryKinds.Names.Select((name, i) => (name, count: a.Kinds[i]))
                .Where(k => k.count > 0)
                .OrderByDescending(k => k.count)
                .Select(k => new NamedCount { Name = k.name, Count = k.count, Percent = Percent(k.count, a.Kinds.Sum()) })
                .ToList(),
            QueryDurationHistogram = Histogram(LogAggregator.QueryHistogramBounds, a.QueryHistogram),
            SessionDurationHistogram = Histogram(LogAggregator.SessionHistogramBounds, a.SessionHistogram),
            Queries = new ReportQueries
            {
                ByTotalTime = rows.OrderByDescending(r => r.TotalMs).ThenByDescending(r => r.Count).ThenBy(r => r.Query, StringComparer.Ordinal).Take(top).ToList(),
                ByAverageTime = rows.Where(r => r.TotalMs > 0).OrderByDescending(r => r.AverageMs).ThenBy(r => r.Query, StringComparer.Ordinal).Take(top).ToList(),
                ByCount = rows.OrderByDescending(r => r.Count).ThenByDescending(r => r.TotalMs).ThenBy(r => r.Query, StringComparer.Ordinal).Take(top).ToList(),
                // Kept in ascending order (LogAggregator.AddSlowest): the slowest first.
                Slowest = Enumerable.Reverse(a.Slowest).Select(Sample).ToList(),
            },
            Databases = Activity(a.Databases),
            Users = Activity(a.Users),
            Applications = Activity(a.Applications),
            Clients = Activity(a.Clients),
            Errors = new ReportErrors
            {
                Total = a.Errors,
                BySeverity = levels.OrderByDescending(l => l.Count).Select(l => new NamedCount { Name = l.Name, Count = l.Count, Percent = Percent(l.Count, a.Errors) }).ToList(),
                BySqlState = a.SqlStates.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal)
                    .Select(s => new NamedCount { Name = s.Key, Count = s.Value, Percent = Percent(s.Value, a.Errors) }).ToList(),
                Groups = a.ErrorGroups.Values.OrderByDescending(g => g.Count).ThenBy(g => g.Normalized, StringComparer.Ordinal).Take(MaxErrorGroups)
                    .Select(g => new ErrorRow
                    {
                        Severity = g.Severity,
                        Message = g.Normalized,
                        Count = g.Count,
                        SqlState = g.SqlState,
                        First = Time(g.FirstTime) ?? default,
                        Last = Time(g.LastTime) ?? default,
                        Example = g.Message,
                        Detail = g.Detail,
                        Hint = g.Hint,
                        Statement = g.Statement,
                        Database = g.Database,
                        User = g.User,
                    }).ToList(),
            },
            Locks = new ReportLocks
            {
                Waits = a.Locks.Values.Sum(l => l.Waits),
                Acquired = a.Locks.Values.Sum(l => l.Acquired),
                Deadlocks = a.Deadlocks,
                ByMode = a.Locks.OrderByDescending(l => l.Value.Waits + l.Value.Acquired).Select(l => new LockRow
                {
                    Mode = l.Key,
                    Waits = l.Value.Waits,
                    Acquired = l.Value.Acquired,
                    TotalWaitMs = Round(l.Value.WaitMs),
                    MaxWaitMs = Round(l.Value.MaxWaitMs),
                }).ToList(),
            },
            TempFiles = new ReportTempFiles
            {
                Count = a.TempFiles,
                Bytes = a.TempBytes,
                MaxBytes = a.TempMaxBytes,
                Queries = a.TempQueryMap.Items().Select(i => i.Value).OrderByDescending(q => q.TempBytes).Take(top)
                    .Select(q => new TempFileRow { Query = Encoding.UTF8.GetString(q.Key), Count = q.TempFiles, Bytes = q.TempBytes, Example = q.Slowest?.Query })
                    .ToList(),
            },
            Checkpoints = Checkpoints(a.Checkpoints),
            Maintenance = new ReportMaintenance
            {
                Autovacuums = a.Tables.Values.Sum(t => t.Vacuums),
                Autoanalyzes = a.Tables.Values.Sum(t => t.Analyzes),
                Tables = a.Tables.OrderByDescending(t => t.Value.Vacuums + t.Value.Analyzes).ThenBy(t => t.Key, StringComparer.Ordinal).Take(MaxTables)
                    .Select(t => new TableRow
                    {
                        Table = t.Key,
                        Vacuums = t.Value.Vacuums,
                        Analyzes = t.Value.Analyzes,
                        IndexScans = t.Value.IndexScans,
                        PagesRemoved = t.Value.PagesRemoved,
                        TuplesRemoved = t.Value.TuplesRemoved,
                        TuplesRemaining = t.Value.TuplesRemaining,
                        MaxElapsedSeconds = t.Value.MaxElapsedSeconds,
                    }).ToList(),
            },
            TimeSeries = TimeSeries(a),
        };
    }

    private static QueryRow Row(QueryStats q, double totalMs) => new()
    {
        Query = Encoding.UTF8.GetString(q.Key),
        Count = q.Count,
        TotalMs = Round(q.DurationMs),
        AverageMs = Round(q.TimedCount == 0 ? 0 : q.DurationMs / q.TimedCount),
        MinMs = Round(q.TimedCount == 0 ? 0 : q.MinMs),
        MaxMs = Round(Math.Max(0, q.MaxMs)),
        PercentOfTime = Percent(q.DurationMs, totalMs),
        Example = q.Slowest is null ? null : Sample(q.Slowest),
    };

    private static SlowQuery Sample(QuerySample s) => new()
    {
        Time = LogTimestamp.ToDateTime(s.Time),
        DurationMs = Round(s.DurationMs),
        Query = s.Query,
        Database = s.Database,
        User = s.User,
        Application = s.Application,
        Client = s.Client,
    };

    private static List<ActivityRow> Activity(Dictionary<string, DimensionStats> map) => map
        .OrderByDescending(d => d.Value.Queries).ThenByDescending(d => d.Value.Connections).ThenBy(d => d.Key, StringComparer.Ordinal)
        .Take(MaxNames)
        .Select(d => new ActivityRow
        {
            Name = d.Key,
            Queries = d.Value.Queries,
            DurationMs = Round(d.Value.DurationMs),
            Connections = d.Value.Connections,
            Sessions = d.Value.Sessions,
            SessionDurationMs = Round(d.Value.SessionMs),
            Errors = d.Value.Errors,
        }).ToList();

    private static ReportCheckpoints Checkpoints(CheckpointStats c) => new()
    {
        Count = c.Count,
        Buffers = c.Buffers,
        WalFilesAdded = c.FilesAdded,
        WalFilesRemoved = c.FilesRemoved,
        WalFilesRecycled = c.FilesRecycled,
        WriteSeconds = Round(c.WriteSeconds),
        SyncSeconds = Round(c.SyncSeconds),
        TotalSeconds = Round(c.TotalSeconds),
        MaxWriteSeconds = c.MaxWriteSeconds,
        MaxSyncSeconds = c.MaxSyncSeconds,
        MaxTotalSeconds = c.MaxTotalSeconds,
        DistanceKb = c.DistanceKb,
        MaxDistanceKb = c.MaxDistanceKb,
        MaxEstimateKb = c.MaxEstimateKb,
        Warnings = c.Warnings,
        Reasons = c.Reasons.OrderByDescending(r => r.Value).ThenBy(r => r.Key, StringComparer.Ordinal)
            .Select(r => new NamedCount { Name = r.Key, Count = r.Value, Percent = Percent(r.Value, c.Reasons.Values.Sum()) }).ToList(),
    };

    private static ReportTimeSeries TimeSeries(LogAggregator a)
    {
        var buckets = new List<TimeBucket>();
        if (a.Buckets.Count > 0)
        {
            var first = a.Buckets.Keys.Min();
            var last = a.Buckets.Keys.Max();
            // Empty buckets are shown too (a quiet hour is a fact), unless that would be absurdly many.
            var dense = (last - first) / a.Options.BucketSeconds <= 10_000;
            var keys = dense
                ? Enumerable.Range(0, (int)((last - first) / a.Options.BucketSeconds) + 1).Select(i => first + i * a.Options.BucketSeconds)
                : a.Buckets.Keys.Order();
            foreach (var key in keys)
            {
                var b = a.Buckets.GetValueOrDefault(key) ?? new BucketStats();
                buckets.Add(new TimeBucket
                {
                    Start = LogTimestamp.ToDateTime(key),
                    Queries = b.Queries,
                    DurationMs = Round(b.DurationMs),
                    AverageMs = Round(b.Queries == 0 ? 0 : b.DurationMs / b.Queries),
                    Selects = b.Selects,
                    Writes = b.Writes,
                    Errors = b.Errors,
                    Connections = b.Connections,
                    Sessions = b.Sessions,
                    TempFiles = b.TempFiles,
                    TempBytes = b.TempBytes,
                    Checkpoints = b.Checkpoints,
                    CheckpointBuffers = b.CheckpointBuffers,
                    Autovacuums = b.Autovacuums,
                    Autoanalyzes = b.Autoanalyzes,
                    LockWaits = b.LockWaits,
                });
            }
        }

        return new ReportTimeSeries { BucketSeconds = a.Options.BucketSeconds, Buckets = buckets };
    }

    private static List<HistogramBin> Histogram(double[] bounds, long[] counts) => bounds
        .Select((from, i) => new HistogramBin { FromMs = from, ToMs = i + 1 < bounds.Length ? bounds[i + 1] : null, Count = counts[i] })
        .ToList();

    private static Peak? Peak(PeakCounter counter)
    {
        var (time, count) = counter.Peak();
        return count == 0 ? null : new Peak { Time = LogTimestamp.ToDateTime(time), PerSecond = count };
    }

    private static DateTime? Time(long seconds) =>
        seconds is long.MaxValue or long.MinValue ? null : LogTimestamp.ToDateTime(seconds);

    private static double Percent(double part, double total) => total <= 0 ? 0 : Math.Round(100 * part / total, 2);

    private static double Round(double value) => Math.Round(value, 3);
}
