using System.Buffers.Text;
using System.Globalization;
using System.Text.RegularExpressions;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>LOG lines that are not statements: connections, sessions, checkpoints, autovacuum, temporary files, locks.</summary>
internal sealed partial class LogAggregator
{
    private void ProcessEvent(LogEntry entry, ReadOnlySpan<byte> message)
    {
        if (message.StartsWith("connection received: "u8))
        {
            ConnectionsReceived++;
            var host = Field(message, "host="u8);
            if (!host.IsEmpty && entry.Client.IsEmpty)
            {
                ReceivedHosts[entry.Pid] = _clients.Intern(host);
            }
        }
        else if (message.StartsWith("connection authorized: "u8))
        {
            Connection(entry, message);
        }
        else if (message.StartsWith("disconnection: session time: "u8))
        {
            Disconnection(entry, message);
        }
        else if (IsNotable(message))
        {
            // pgBadger lists these LOG messages with the errors; so does the report, under their own severity.
            Problem(entry, "LOG");
            if (message.IndexOf("still waiting for"u8) >= 0)
            {
                LockEvent(entry, waiting: true);
            }
        }
        else if (message.StartsWith("temporary file: "u8))
        {
            TempFile(entry);
        }
        else if (message.StartsWith("checkpoint "u8) || message.StartsWith("restartpoint "u8) || message.StartsWith("checkpoints are occurring"u8))
        {
            Checkpoint(entry);
        }
        else if (message.StartsWith("automatic "u8))
        {
            Maintenance(entry);
        }
        else if (message.IndexOf(" acquired "u8) >= 0)
        {
            LockEvent(entry, waiting: false);
        }
    }

    /// <summary>The LOG messages pgBadger moves among errors (its change_log_level).</summary>
    private static bool IsNotable(ReadOnlySpan<byte> message) =>
        message.IndexOf("database system was"u8) >= 0 ||
        message.IndexOf("still waiting for"u8) >= 0 ||
        (message.IndexOf("parameter \""u8) >= 0 && message.IndexOf("\" changed to \""u8) >= 0) ||
        message.IndexOf("recovery has paused"u8) >= 0 ||
        message.IndexOf("ending cancel to blocking autovacuum"u8) >= 0 ||
        message.IndexOf("skipping analyze of"u8) >= 0 ||
        message.IndexOf("using stale statistics"u8) >= 0 ||
        message.IndexOf("replication command:"u8) >= 0 ||
        (message.IndexOf("server process"u8) >= 0 && message.IndexOf("was terminated by signal"u8) >= 0) ||
        message.IndexOf("could not receive data from client"u8) >= 0 ||
        message.IndexOf("could not send data to client"u8) >= 0;

    private void Connection(LogEntry entry, ReadOnlySpan<byte> message)
    {
        Connections++;
        Bucket(entry.Time).Connections++;
        ConnectionPeak.Add(entry.Time);
        var user = FieldOr(_users, message, "user="u8, entry.User);
        var database = FieldOr(_databases, message, "database="u8, entry.Database);
        Dimension(Users, user).Connections++;
        Dimension(Databases, database).Connections++;
        string host;
        if (ReceivedHosts.Remove(entry.Pid, out var received))
        {
            host = received;
        }
        else
        {
            host = Name(_clients, entry.Client);
        }

        Dimension(Clients, host).Connections++;
        var application = Field(message, "application_name="u8, toEnd: true);
        Dimension(Applications, application.IsEmpty ? Name(_applications, entry.Application) : _applications.Intern(application)).Connections++;
    }

    private void Disconnection(LogEntry entry, ReadOnlySpan<byte> message)
    {
        var time = Field(message, "session time: "u8);
        if (!TryParseSessionTime(time, out var ms))
        {
            return;
        }

        Sessions++;
        SessionMs += ms;
        Bucket(entry.Time).Sessions++;
        SessionHistogram[HistogramBin(SessionHistogramBounds, ms)]++;
        AddSession(Users, FieldOr(_users, message, "user="u8, entry.User), ms);
        AddSession(Databases, FieldOr(_databases, message, "database="u8, entry.Database), ms);
        AddSession(Clients, FieldOr(_clients, message, "host="u8, entry.Client), ms);
        AddSession(Applications, Name(_applications, entry.Application), ms);
    }

    private static void AddSession(Dictionary<string, DimensionStats> map, string name, double ms)
    {
        var stats = Dimension(map, name);
        stats.Sessions++;
        stats.SessionMs += ms;
    }

    /// <summary>"H:MM:SS.mmm" to milliseconds.</summary>
    internal static bool TryParseSessionTime(ReadOnlySpan<byte> text, out double ms)
    {
        ms = 0;
        var first = text.IndexOf((byte)':');
        var second = first < 0 ? -1 : text[(first + 1)..].IndexOf((byte)':');
        if (first < 0 || second < 0 ||
            !Utf8Parser.TryParse(text[..first], out long hours, out _) ||
            !Utf8Parser.TryParse(text.Slice(first + 1, second), out long minutes, out _) ||
            !Utf8Parser.TryParse(text[(first + second + 2)..], out double seconds, out _))
        {
            return false;
        }

        ms = (hours * 3600 + minutes * 60) * 1000 + seconds * 1000;
        return true;
    }

    private void TempFile(LogEntry entry)
    {
        var match = TempFilePattern().Match(Text(entry.Message.Span));
        if (!match.Success)
        {
            return;
        }

        var size = long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        TempFiles++;
        TempBytes += size;
        TempMaxBytes = Math.Max(TempMaxBytes, size);
        var bucket = Bucket(entry.Time);
        bucket.TempFiles++;
        bucket.TempBytes += size;
        if (!entry.Statement.IsEmpty)
        {
            var normalized = _normalizer.Normalize(entry.Statement.Span, default);
            var stats = TempQueryMap.GetOrAdd(normalized, static key => new QueryStats(key));
            stats.TempFiles++;
            stats.TempBytes += size;
            if (stats.Slowest is null || size > stats.MaxMs)
            {
                stats.MaxMs = size;
                stats.Slowest = new QuerySample(entry.Time, 0, Text(entry.Statement.Span),
                    Name(_databases, entry.Database), Name(_users, entry.User), Name(_applications, entry.Application), Name(_clients, entry.Client));
            }
        }
    }

    private void Checkpoint(LogEntry entry)
    {
        var message = Text(entry.Message.Span);
        var starting = CheckpointStarting().Match(message);
        if (starting.Success)
        {
            foreach (var reason in starting.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                Checkpoints.Reasons[reason] = Checkpoints.Reasons.GetValueOrDefault(reason) + 1;
            }

            return;
        }

        var warning = CheckpointWarning().Match(message);
        if (warning.Success)
        {
            Checkpoints.Warnings++;
            return;
        }

        var complete = CheckpointComplete().Match(message);
        if (!complete.Success)
        {
            return;
        }

        var c = Checkpoints;
        c.Count++;
        var buffers = long.Parse(complete.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        c.Buffers += buffers;
        if (complete.Groups[2].Success)
        {
            c.FilesAdded += long.Parse(complete.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            c.FilesRemoved += long.Parse(complete.Groups[3].ValueSpan, CultureInfo.InvariantCulture);
            c.FilesRecycled += long.Parse(complete.Groups[4].ValueSpan, CultureInfo.InvariantCulture);
        }

        var write = double.Parse(complete.Groups[5].ValueSpan, CultureInfo.InvariantCulture);
        var sync = double.Parse(complete.Groups[6].ValueSpan, CultureInfo.InvariantCulture);
        var total = double.Parse(complete.Groups[7].ValueSpan, CultureInfo.InvariantCulture);
        c.WriteSeconds += write;
        c.SyncSeconds += sync;
        c.TotalSeconds += total;
        c.MaxWriteSeconds = Math.Max(c.MaxWriteSeconds, write);
        c.MaxSyncSeconds = Math.Max(c.MaxSyncSeconds, sync);
        c.MaxTotalSeconds = Math.Max(c.MaxTotalSeconds, total);
        var distance = CheckpointDistance().Match(message);
        if (distance.Success)
        {
            var kb = long.Parse(distance.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            c.DistanceKb += kb;
            c.MaxDistanceKb = Math.Max(c.MaxDistanceKb, kb);
            c.MaxEstimateKb = Math.Max(c.MaxEstimateKb, long.Parse(distance.Groups[2].ValueSpan, CultureInfo.InvariantCulture));
        }

        var bucket = Bucket(entry.Time);
        bucket.Checkpoints++;
        bucket.CheckpointBuffers += buffers;
    }

    private void Maintenance(LogEntry entry)
    {
        var message = Text(entry.Message.Span, int.MaxValue);
        var vacuum = AutovacuumPattern().Match(message);
        var analyze = vacuum.Success ? Match.Empty : AutoanalyzePattern().Match(message);
        if (!vacuum.Success && !analyze.Success)
        {
            return;
        }

        var table = vacuum.Success ? vacuum.Groups[1].Value : analyze.Groups[1].Value;
        if (!Tables.TryGetValue(table, out var stats))
        {
            stats = new TableMaintenanceStats();
            Tables[table] = stats;
        }

        var bucket = Bucket(entry.Time);
        if (vacuum.Success)
        {
            stats.Vacuums++;
            bucket.Autovacuums++;
            stats.IndexScans += long.Parse(vacuum.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
            foreach (Match removed in RemovedPattern().Matches(message))
            {
                var count = long.Parse(removed.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
                if (removed.Groups[1].ValueSpan is "pages")
                {
                    stats.PagesRemoved += count;
                }
                else
                {
                    stats.TuplesRemoved += count;
                    stats.TuplesRemaining += long.Parse(removed.Groups[3].ValueSpan, CultureInfo.InvariantCulture);
                }
            }
        }
        else
        {
            stats.Analyzes++;
            bucket.Autoanalyzes++;
        }

        var elapsed = ElapsedPattern().Match(message);
        if (elapsed.Success)
        {
            stats.MaxElapsedSeconds = Math.Max(stats.MaxElapsedSeconds, double.Parse(elapsed.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
        }
    }

    private void LockEvent(LogEntry entry, bool waiting)
    {
        var match = LockPattern().Match(Text(entry.Message.Span));
        if (!match.Success)
        {
            return;
        }

        var mode = match.Groups[2].Value;
        if (!Locks.TryGetValue(mode, out var stats))
        {
            stats = new LockStats();
            Locks[mode] = stats;
        }

        var ms = double.Parse(match.Groups[3].ValueSpan, CultureInfo.InvariantCulture);
        if (waiting)
        {
            stats.Waits++;
            Bucket(entry.Time).LockWaits++;
        }
        else
        {
            stats.Acquired++;
            stats.WaitMs += ms;
        }

        stats.MaxWaitMs = Math.Max(stats.MaxWaitMs, ms);
    }

    /// <summary>An ERROR, FATAL, PANIC or WARNING (or a notable LOG message), grouped by its normalized text.</summary>
    private void Problem(LogEntry entry, string severity)
    {
        Errors++;
        Bucket(entry.Time).Errors++;
        ErrorPeak.Add(entry.Time);
        var message = Text(entry.Message.Span);
        var key = ErrorNormalizer.Normalize(severity + ":  " + message);
        if (!ErrorGroups.TryGetValue(key, out var stats))
        {
            stats = new ErrorStats(severity, key);
            ErrorGroups[key] = stats;
        }

        var sqlState = entry.SqlState.IsEmpty ? null : entry.SqlState.ToString();
        if (entry.Time < stats.FirstTime)
        {
            stats.FirstTime = entry.Time;
            stats.Message = message;
            stats.Detail = entry.Detail.IsEmpty ? null : Text(entry.Detail.Span);
            stats.Hint = entry.Hint.IsEmpty ? null : Text(entry.Hint.Span);
            stats.Statement = entry.Statement.IsEmpty ? null : Text(entry.Statement.Span);
            stats.Database = entry.Database.IsEmpty ? null : Name(_databases, entry.Database);
            stats.User = entry.User.IsEmpty ? null : Name(_users, entry.User);
        }

        stats.Count++;
        stats.LastTime = Math.Max(stats.LastTime, entry.Time);
        stats.SqlState ??= sqlState;
        if (sqlState is not null)
        {
            SqlStates[sqlState] = SqlStates.GetValueOrDefault(sqlState) + 1;
        }

        Dimension(Databases, Name(_databases, entry.Database)).Errors++;
        if (message.StartsWith("deadlock detected", StringComparison.Ordinal))
        {
            Deadlocks++;
        }
        else if (message.StartsWith("canceling statement due to statement timeout", StringComparison.Ordinal))
        {
            Cancelled++;
        }
    }

    /// <summary>The value after <paramref name="name"/> up to the next blank (or to the end).</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> message, ReadOnlySpan<byte> name, bool toEnd = false)
    {
        var start = message.IndexOf(name);
        if (start < 0 || (start > 0 && message[start - 1] != ' '))
        {
            return default;
        }

        var value = message[(start + name.Length)..];
        if (toEnd)
        {
            var newline = value.IndexOf((byte)'\n');
            return newline < 0 ? value : value[..newline];
        }

        var end = value.IndexOfAny((byte)' ', (byte)'\n');
        return end < 0 ? value : value[..end];
    }

    private static string FieldOr(NameInterner interner, ReadOnlySpan<byte> message, ReadOnlySpan<byte> name, TextBuffer fallback)
    {
        var value = Field(message, name);
        return value.IsEmpty ? Name(interner, fallback) : interner.Intern(value);
    }

    [GeneratedRegex(@"temporary file: path .*, size (\d+)")]
    private static partial Regex TempFilePattern();

    [GeneratedRegex(@"point starting: (.*)")]
    private static partial Regex CheckpointStarting();

    [GeneratedRegex(@"checkpoints are occurring too frequently \((\d+) seconds? apart\)")]
    private static partial Regex CheckpointWarning();

    [GeneratedRegex(@"point complete: wrote (\d+) buffers \([^\)]+\); (?:(\d+) (?:transaction log|WAL) file\(s\) added, (\d+) removed, (\d+) recycled; )?write=([0-9\.]+) s, sync=([0-9\.]+) s, total=([0-9\.]+) s")]
    private static partial Regex CheckpointComplete();

    [GeneratedRegex(@"distance=(\d+) kB, estimate=(\d+) kB")]
    private static partial Regex CheckpointDistance();

    [GeneratedRegex("automatic (?:aggressive )?vacuum (?:to prevent wraparound )?of table \"([^\\s\"]+)\": index scans: (\\d+)")]
    private static partial Regex AutovacuumPattern();

    [GeneratedRegex("automatic analyze of table \"([^\\s\"]+)\"")]
    private static partial Regex AutoanalyzePattern();

    [GeneratedRegex(@"(pages|tuples): (\d+) removed, (\d+) remain")]
    private static partial Regex RemovedPattern();

    [GeneratedRegex(@"elapsed: ([0-9\.]+) s")]
    private static partial Regex ElapsedPattern();

    [GeneratedRegex(@"process (\d+) (?:still waiting for|acquired) ([^\s]+) on .* after ([0-9\.]+) ms")]
    private static partial Regex LockPattern();
}
