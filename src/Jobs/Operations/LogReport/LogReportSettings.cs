using StackGres.Ops.Jobs.Operations.LogReport.Input;

namespace StackGres.Ops.Jobs.Operations.LogReport;

/// <summary>How to read the logs and what to put in the report.</summary>
public sealed record LogReportSettings
{
    public LogFormat Format { get; init; } = LogFormat.Auto;

    /// <summary>log_line_prefix of stderr logs; null to recognise one of the common ones.</summary>
    public string? Prefix { get; init; }

    public TimeSpan Bucket { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Only entries at or after this wall-clock time (as written in the log).</summary>
    public DateTime? From { get; init; }

    /// <summary>Only entries before this wall-clock time.</summary>
    public DateTime? To { get; init; }

    public int Top { get; init; } = 20;

    /// <summary>Threads reading at once; 1 reads on one core.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    /// <summary>Plain files larger than this are split between threads.</summary>
    public long ChunkSize { get; init; } = 32L << 20;

    /// <summary>Bytes per pg_read_binary_file call when the logs are read over SQL (smaller in tests, to cross many block boundaries).</summary>
    internal int SqlBlockSize { get; init; } = SqlLogStream.BlockSize;
}
