namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>Folding the aggregator of another chunk into this one.</summary>
internal sealed partial class LogAggregator
{
    public void Merge(LogAggregator other)
    {
        Entries += other.Entries;
        FilteredOut += other.FilteredOut;
        FirstTime = Math.Min(FirstTime, other.FirstTime);
        LastTime = Math.Max(LastTime, other.LastTime);
        FirstQueryTime = Math.Min(FirstQueryTime, other.FirstQueryTime);
        LastQueryTime = Math.Max(LastQueryTime, other.LastQueryTime);
        Queries += other.Queries;
        TimedQueries += other.TimedQueries;
        QueryMs += other.QueryMs;
        Prepares += other.Prepares;
        PrepareMs += other.PrepareMs;
        Binds += other.Binds;
        BindMs += other.BindMs;
        Errors += other.Errors;
        Connections += other.Connections;
        ConnectionsReceived += other.ConnectionsReceived;
        Sessions += other.Sessions;
        SessionMs += other.SessionMs;
        Deadlocks += other.Deadlocks;
        Cancelled += other.Cancelled;
        TempFiles += other.TempFiles;
        TempBytes += other.TempBytes;
        TempMaxBytes = Math.Max(TempMaxBytes, other.TempMaxBytes);
        AddArray(Levels, other.Levels);
        AddArray(Kinds, other.Kinds);
        AddArray(QueryHistogram, other.QueryHistogram);
        AddArray(SessionHistogram, other.SessionHistogram);
        MergeQueries(QueryMap, other.QueryMap);
        MergeQueries(TempQueryMap, other.TempQueryMap);
        StatsMaps.Merge(Databases, other.Databases, static (a, b) => a.Merge(b));
        StatsMaps.Merge(Users, other.Users, static (a, b) => a.Merge(b));
        StatsMaps.Merge(Applications, other.Applications, static (a, b) => a.Merge(b));
        StatsMaps.Merge(Clients, other.Clients, static (a, b) => a.Merge(b));
        StatsMaps.Merge(ErrorGroups, other.ErrorGroups, static (a, b) => a.Merge(b));
        StatsMaps.Add(SqlStates, other.SqlStates);
        StatsMaps.Merge(Buckets, other.Buckets, static (a, b) => a.Merge(b));
        StatsMaps.Merge(Tables, other.Tables, static (a, b) => a.Merge(b));
        StatsMaps.Merge(Locks, other.Locks, static (a, b) => a.Merge(b));
        Checkpoints.Merge(other.Checkpoints);
        QueryPeak.Merge(other.QueryPeak);
        ConnectionPeak.Merge(other.ConnectionPeak);
        ErrorPeak.Merge(other.ErrorPeak);
        foreach (var sample in other.Slowest)
        {
            if (Slowest.Count < Options.Top || sample.DurationMs >= Slowest[0].DurationMs)
            {
                AddSlowest(Slowest, sample, Options.Top);
            }
        }
    }

    private static void AddArray(long[] target, long[] source)
    {
        for (var i = 0; i < target.Length; i++)
        {
            target[i] += source[i];
        }
    }

    private static void MergeQueries(ByteKeyMap<QueryStats> target, ByteKeyMap<QueryStats> source)
    {
        foreach (var (key, stats) in source.Items())
        {
            var existing = target.GetOrAdd(key, static k => new QueryStats(k));
            existing.Merge(stats);
        }
    }
}
