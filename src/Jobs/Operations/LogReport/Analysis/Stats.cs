namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>One sample of a statement as it ran: the slowest of a normalized query, or one of the slowest overall.</summary>
internal sealed record QuerySample(long Time, double DurationMs, string Query, string Database, string User, string Application, string Client);

internal sealed class QuerySampleOrder : IComparer<QuerySample>
{
    public static readonly QuerySampleOrder Instance = new();

    /// <summary>
    /// By duration, then, among equal durations, the earlier statement as the slower one, then by text and names: a total
    /// order, so that a report read by several threads, or over SQL, lists the same statements in the same order.
    /// </summary>
    public int Compare(QuerySample? x, QuerySample? y)
    {
        var order = x!.DurationMs.CompareTo(y!.DurationMs);
        order = order != 0 ? order : y.Time.CompareTo(x.Time);
        order = order != 0 ? order : string.CompareOrdinal(y.Query, x.Query);
        order = order != 0 ? order : string.CompareOrdinal(y.Database, x.Database);
        order = order != 0 ? order : string.CompareOrdinal(y.User, x.User);
        order = order != 0 ? order : string.CompareOrdinal(y.Application, x.Application);
        return order != 0 ? order : string.CompareOrdinal(y.Client, x.Client);
    }
}

/// <summary>Counts and times of one normalized query.</summary>
internal sealed class QueryStats(byte[] key)
{
    public byte[] Key { get; } = key;
    public long Count { get; set; }
    public long TimedCount { get; set; }
    public DurationSum DurationMs { get; set; }
    public double MinMs { get; set; } = double.MaxValue;
    public double MaxMs { get; set; } = -1;
    public QuerySample? Slowest { get; set; }
    public long TempFiles { get; set; }
    public long TempBytes { get; set; }

    public void Merge(QueryStats other)
    {
        if (ReferenceEquals(this, other))
        {
            return;
        }

        Count += other.Count;
        TimedCount += other.TimedCount;
        DurationMs += other.DurationMs;
        MinMs = Math.Min(MinMs, other.MinMs);
        // The larger maximum wins; a tie goes to the sample that orders first, whichever thread read it.
        if (Slowest is null || other.MaxMs > MaxMs ||
            (other.MaxMs == MaxMs && other.Slowest is not null && QuerySampleOrder.Instance.Compare(other.Slowest, Slowest) > 0))
        {
            MaxMs = other.MaxMs;
            Slowest = other.Slowest;
        }

        TempFiles += other.TempFiles;
        TempBytes += other.TempBytes;
    }
}

/// <summary>Activity of one database, user, application or client.</summary>
internal sealed class DimensionStats
{
    public long Queries { get; set; }
    public DurationSum DurationMs { get; set; }
    public long Connections { get; set; }
    public long Sessions { get; set; }
    public DurationSum SessionMs { get; set; }
    public long Errors { get; set; }

    public void Merge(DimensionStats other)
    {
        Queries += other.Queries;
        DurationMs += other.DurationMs;
        Connections += other.Connections;
        Sessions += other.Sessions;
        SessionMs += other.SessionMs;
        Errors += other.Errors;
    }
}

/// <summary>One normalized error or warning message.</summary>
internal sealed class ErrorStats(string severity, string normalized)
{
    public string Severity { get; } = severity;
    public string Normalized { get; } = normalized;
    public long Count { get; set; }
    public string? SqlState { get; set; }
    public long FirstTime { get; set; } = long.MaxValue;
    public long LastTime { get; set; }
    public string? Message { get; set; }
    public string? Detail { get; set; }
    public string? Hint { get; set; }
    public string? Statement { get; set; }
    public string? Database { get; set; }
    public string? User { get; set; }

    public void Merge(ErrorStats other)
    {
        if (other.FirstTime < FirstTime)
        {
            FirstTime = other.FirstTime;
            Message = other.Message;
            Detail = other.Detail;
            Hint = other.Hint;
            Statement = other.Statement;
            Database = other.Database;
            User = other.User;
        }

        Count += other.Count;
        SqlState ??= other.SqlState;
        LastTime = Math.Max(LastTime, other.LastTime);
    }
}

/// <summary>What happened in one time bucket.</summary>
internal sealed class BucketStats
{
    public long Queries { get; set; }
    public DurationSum DurationMs { get; set; }
    public long Selects { get; set; }
    public long Writes { get; set; }
    public long Errors { get; set; }
    public long Connections { get; set; }
    public long Sessions { get; set; }
    public long TempFiles { get; set; }
    public long TempBytes { get; set; }
    public long Checkpoints { get; set; }
    public long CheckpointBuffers { get; set; }
    public long Autovacuums { get; set; }
    public long Autoanalyzes { get; set; }
    public long LockWaits { get; set; }

    public void Merge(BucketStats other)
    {
        Queries += other.Queries;
        DurationMs += other.DurationMs;
        Selects += other.Selects;
        Writes += other.Writes;
        Errors += other.Errors;
        Connections += other.Connections;
        Sessions += other.Sessions;
        TempFiles += other.TempFiles;
        TempBytes += other.TempBytes;
        Checkpoints += other.Checkpoints;
        CheckpointBuffers += other.CheckpointBuffers;
        Autovacuums += other.Autovacuums;
        Autoanalyzes += other.Autoanalyzes;
        LockWaits += other.LockWaits;
    }
}

/// <summary>Autovacuum and autoanalyze of one table.</summary>
internal sealed class TableMaintenanceStats
{
    public long Vacuums { get; set; }
    public long Analyzes { get; set; }
    public long IndexScans { get; set; }
    public long PagesRemoved { get; set; }
    public long TuplesRemoved { get; set; }
    public long TuplesRemaining { get; set; }
    public double MaxElapsedSeconds { get; set; }

    public void Merge(TableMaintenanceStats other)
    {
        Vacuums += other.Vacuums;
        Analyzes += other.Analyzes;
        IndexScans += other.IndexScans;
        PagesRemoved += other.PagesRemoved;
        TuplesRemoved += other.TuplesRemoved;
        TuplesRemaining += other.TuplesRemaining;
        MaxElapsedSeconds = Math.Max(MaxElapsedSeconds, other.MaxElapsedSeconds);
    }
}

/// <summary>Lock waits and acquisitions for one lock mode.</summary>
internal sealed class LockStats
{
    public long Waits { get; set; }
    public long Acquired { get; set; }
    public double WaitMs { get; set; }
    public double MaxWaitMs { get; set; }

    public void Merge(LockStats other)
    {
        Waits += other.Waits;
        Acquired += other.Acquired;
        WaitMs += other.WaitMs;
        MaxWaitMs = Math.Max(MaxWaitMs, other.MaxWaitMs);
    }
}

/// <summary>Checkpoint and restartpoint figures, summed.</summary>
internal sealed class CheckpointStats
{
    public long Count { get; set; }
    public long Buffers { get; set; }
    public long FilesAdded { get; set; }
    public long FilesRemoved { get; set; }
    public long FilesRecycled { get; set; }
    public double WriteSeconds { get; set; }
    public double SyncSeconds { get; set; }
    public double TotalSeconds { get; set; }
    public double MaxWriteSeconds { get; set; }
    public double MaxSyncSeconds { get; set; }
    public double MaxTotalSeconds { get; set; }
    public long DistanceKb { get; set; }
    public long MaxDistanceKb { get; set; }
    public long MaxEstimateKb { get; set; }
    public long Warnings { get; set; }
    public Dictionary<string, long> Reasons { get; } = new(StringComparer.Ordinal);

    public void Merge(CheckpointStats other)
    {
        Count += other.Count;
        Buffers += other.Buffers;
        FilesAdded += other.FilesAdded;
        FilesRemoved += other.FilesRemoved;
        FilesRecycled += other.FilesRecycled;
        WriteSeconds += other.WriteSeconds;
        SyncSeconds += other.SyncSeconds;
        TotalSeconds += other.TotalSeconds;
        MaxWriteSeconds = Math.Max(MaxWriteSeconds, other.MaxWriteSeconds);
        MaxSyncSeconds = Math.Max(MaxSyncSeconds, other.MaxSyncSeconds);
        MaxTotalSeconds = Math.Max(MaxTotalSeconds, other.MaxTotalSeconds);
        DistanceKb += other.DistanceKb;
        MaxDistanceKb = Math.Max(MaxDistanceKb, other.MaxDistanceKb);
        MaxEstimateKb = Math.Max(MaxEstimateKb, other.MaxEstimateKb);
        Warnings += other.Warnings;
        StatsMaps.Add(Reasons, other.Reasons);
    }
}

internal static class StatsMaps
{
    public static void Add<TKey>(Dictionary<TKey, long> target, Dictionary<TKey, long> source)
        where TKey : notnull
    {
        foreach (var (key, value) in source)
        {
            target[key] = target.GetValueOrDefault(key) + value;
        }
    }

    public static void Merge<TKey, TValue>(Dictionary<TKey, TValue> target, Dictionary<TKey, TValue> source, Action<TValue, TValue> merge)
        where TKey : notnull
    {
        foreach (var (key, value) in source)
        {
            if (target.TryGetValue(key, out var existing))
            {
                merge(existing, value);
            }
            else
            {
                target[key] = value;
            }
        }
    }
}
