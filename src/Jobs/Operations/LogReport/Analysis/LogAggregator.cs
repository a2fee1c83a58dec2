using System.Buffers.Text;
using System.Text;
using StackGres.Ops.Jobs.Operations.LogReport.Parsing;

namespace StackGres.Ops.Jobs.Operations.LogReport.Analysis;

/// <summary>
/// Folds log entries into the report's figures. One aggregator per reading thread; aggregators of
/// the chunks of a log are merged at the end. Memory grows with distinct queries, errors, names
/// and time buckets, never with the size of the log.
/// </summary>
internal sealed partial class LogAggregator(AggregatorOptions options)
{
    internal static readonly double[] QueryHistogramBounds = [0, 1, 5, 10, 25, 50, 100, 500, 1000, 10000];
    internal static readonly double[] SessionHistogramBounds = [0, 500, 1000, 30000, 60000, 600000, 1800000, 3600000, 28800000];

    private readonly QueryNormalizer _normalizer = new();
    private readonly NameInterner _users = new();
    private readonly NameInterner _databases = new();
    private readonly NameInterner _applications = new();
    private readonly NameInterner _clients = new();
    private long _lastBucketKey = long.MinValue;
    private BucketStats? _lastBucket;

    public AggregatorOptions Options { get; } = options;

    public long Entries { get; private set; }
    public long FilteredOut { get; private set; }
    public long FirstTime { get; private set; } = long.MaxValue;
    public long LastTime { get; private set; } = long.MinValue;
    public long FirstQueryTime { get; private set; } = long.MaxValue;
    public long LastQueryTime { get; private set; } = long.MinValue;
    public long Queries { get; private set; }
    public long TimedQueries { get; private set; }
    public DurationSum QueryMs { get; private set; }
    public long Prepares { get; private set; }
    public DurationSum PrepareMs { get; private set; }
    public long Binds { get; private set; }
    public DurationSum BindMs { get; private set; }
    public long Errors { get; private set; }
    public long Connections { get; private set; }
    public long ConnectionsReceived { get; private set; }
    public long Sessions { get; private set; }
    public DurationSum SessionMs { get; private set; }
    public long Deadlocks { get; private set; }
    public long Cancelled { get; private set; }
    public long TempFiles { get; private set; }
    public long TempBytes { get; private set; }
    public long TempMaxBytes { get; private set; }
    public long[] Levels { get; } = new long[Enum.GetValues<Severity>().Length];
    public long[] Kinds { get; } = new long[QueryKinds.Names.Length];
    public long[] QueryHistogram { get; } = new long[QueryHistogramBounds.Length];
    public long[] SessionHistogram { get; } = new long[SessionHistogramBounds.Length];
    public ByteKeyMap<QueryStats> QueryMap { get; private set; } = new();
    public ByteKeyMap<QueryStats> TempQueryMap { get; private set; } = new();
    public Dictionary<string, DimensionStats> Databases { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DimensionStats> Users { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DimensionStats> Applications { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, DimensionStats> Clients { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ErrorStats> ErrorGroups { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> SqlStates { get; } = new(StringComparer.Ordinal);
    public Dictionary<long, BucketStats> Buckets { get; } = new();
    public Dictionary<string, TableMaintenanceStats> Tables { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, LockStats> Locks { get; } = new(StringComparer.Ordinal);
    public CheckpointStats Checkpoints { get; } = new();
    public PeakCounter QueryPeak { get; } = new();
    public PeakCounter ConnectionPeak { get; } = new();
    public PeakCounter ErrorPeak { get; } = new();
    public List<QuerySample> Slowest { get; } = [];
    private Dictionary<long, string> ReceivedHosts { get; } = new();

    public void Process(LogEntry entry)
    {
        if (entry.Time < Options.From || entry.Time >= Options.To)
        {
            FilteredOut++;
            return;
        }

        if (entry.Severity == Severity.Log && IsDeallocate(entry.Message.Span))
        {
            return;
        }

        Entries++;
        FirstTime = Math.Min(FirstTime, entry.Time);
        LastTime = Math.Max(LastTime, entry.Time);
        Levels[(int)entry.Severity]++;
        switch (entry.Severity)
        {
            case Severity.Log:
                ProcessLog(entry);
                break;
            case Severity.Warning or Severity.Error or Severity.Fatal or Severity.Panic:
                Problem(entry, SeverityNames.Name(entry.Severity));
                break;
        }
    }

    /// <summary>Ends one chunk: the peak counters hand over their edge seconds.</summary>
    public void Complete()
    {
        QueryPeak.Complete();
        ConnectionPeak.Complete();
        ErrorPeak.Complete();
    }

    private static bool IsDeallocate(ReadOnlySpan<byte> message) => message.IndexOf("statement: DEALLOCATE"u8) >= 0;

    private void ProcessLog(LogEntry entry)
    {
        var message = entry.Message.Span;
        if (message.StartsWith("duration: "u8))
        {
            ProcessDuration(entry, message["duration: "u8.Length..]);
            return;
        }

        if (message.StartsWith("statement: "u8))
        {
            Query(entry, -1, message["statement: "u8.Length..]);
            return;
        }

        if (message.StartsWith("execute "u8) && TryStatementText(message, out var executed))
        {
            Query(entry, -1, executed);
            return;
        }

        ProcessEvent(entry, message);
    }

    private void ProcessDuration(LogEntry entry, ReadOnlySpan<byte> text)
    {
        if (!TryParseMilliseconds(text, out var duration, out var consumed) || !text[consumed..].StartsWith(" ms"u8))
        {
            ProcessEvent(entry, entry.Message.Span);
            return;
        }

        var rest = text[(consumed + 3)..].TrimStart((byte)' ');
        if (rest.IsEmpty)
        {
            // log_duration alone: a query whose text is not in the log.
            CountQuery(entry, duration);
            return;
        }

        if (rest.StartsWith("statement:"u8) || rest.StartsWith("query:"u8))
        {
            var colon = rest.IndexOf((byte)':');
            Query(entry, duration, rest[(colon + 1)..].TrimStart((byte)' '));
        }
        else if (rest.StartsWith("execute "u8))
        {
            if (TryStatementText(rest, out var statement))
            {
                Query(entry, duration, statement);
            }
        }
        else if (rest.StartsWith("parse "u8))
        {
            Prepares++;
            PrepareMs += duration;
        }
        else if (rest.StartsWith("bind "u8))
        {
            Binds++;
            BindMs += duration;
        }
        else
        {
            ProcessEvent(entry, entry.Message.Span);
        }
    }

    private static readonly double[] PowersOfTen = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    /// <summary>
    /// A duration as PostgreSQL writes it ("0.206"): up to 15 digits with a fraction are one exact integer divided
    /// by an exact power of ten, which IEEE division rounds correctly, so the value is the one
    /// <see cref="Utf8Parser"/> returns; anything else (exponents, longer numbers) goes to Utf8Parser.
    /// </summary>
    internal static bool TryParseMilliseconds(ReadOnlySpan<byte> text, out double value, out int consumed)
    {
        long mantissa = 0;
        var digits = 0;
        var i = 0;
        while (i < text.Length && QueryNormalizer.IsDigit(text[i]))
        {
            mantissa = (mantissa * 10) + (text[i++] - '0');
            digits++;
        }

        if (digits > 0 && i < text.Length && text[i] == '.')
        {
            var point = ++i;
            while (i < text.Length && QueryNormalizer.IsDigit(text[i]))
            {
                mantissa = (mantissa * 10) + (text[i++] - '0');
                digits++;
            }

            var fraction = i - point;
            if (fraction > 0 && digits <= 15 && (i == text.Length || text[i] is not ((byte)'e' or (byte)'E')))
            {
                value = mantissa / PowersOfTen[fraction];
                consumed = i;
                return true;
            }
        }

        return Utf8Parser.TryParse(text, out value, out consumed);
    }

    /// <summary>"execute S_1: select ..." (or "execute from fetch S_1/C_2: ..."): the statement after the name.</summary>
    private static bool TryStatementText(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> statement)
    {
        statement = default;
        var colon = text.IndexOf((byte)':');
        if (colon < 0)
        {
            return false;
        }

        statement = text[(colon + 1)..];
        if (!statement.IsEmpty && QueryNormalizer.IsSpace(statement[0]))
        {
            statement = statement[1..];
        }

        return true;
    }

    private string Text(ReadOnlySpan<byte> bytes, int max = 16384) =>
        Encoding.UTF8.GetString(bytes.Length > max ? bytes[..max] : bytes);
}
