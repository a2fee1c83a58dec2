using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StackGres.Ops.Jobs.Operations.Maintenance;
using StackGres.Ops.Jobs.Runs;

namespace StackGres.Ops.Jobs.Operations.Repack;

/// <summary>
/// Reads pg_repack's output as it comes: every line becomes a log line, "repacking table" lines move
/// the progress, and warnings and errors are pinned on the table being repacked.
/// </summary>
/// <param name="byName">The tables by the name pg_repack prints for them (its own <c>repack.oid2text</c>).</param>
internal sealed partial class RepackOutputTracker(IReadOnlyDictionary<string, PlannedTable> byName, OperationContext context, string database,
    int doneBefore, int total)
{
    private readonly Dictionary<uint, (TimeSpan Start, TimeSpan? End)> _timings = [];
    private readonly Dictionary<uint, string> _skips = [];
    private readonly Dictionary<uint, string> _errors = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private PlannedTable? _current;
    private string? _generalError;

    public void OnLine(string line, bool standardError)
    {
        if (line.Length == 0)
        {
            return;
        }

        var level = line.StartsWith("ERROR", StringComparison.Ordinal) ? LogLevel.Error
            : line.StartsWith("WARNING", StringComparison.Ordinal) ? LogLevel.Warning
            : LogLevel.Information;
        context.Events.Log(level, $"pg_repack: {line}");
        lock (_gate)
        {
            var started = Repacking().Match(line);
            if (started.Success && byName.TryGetValue(started.Groups["table"].Value, out var table))
            {
                Start(table);
            }
            else if (IsSkip(line) && _current is { } skipped)
            {
                _skips[skipped.Stats.Oid] = _skips.TryGetValue(skipped.Stats.Oid, out var earlier) ? $"{earlier}; {line}" : line;
            }
            else if (level == LogLevel.Error || (standardError && line.StartsWith("DETAIL", StringComparison.Ordinal)))
            {
                if (_current is { } failed)
                {
                    _errors[failed.Stats.Oid] = _errors.TryGetValue(failed.Stats.Oid, out var earlier) ? $"{earlier} {line}" : line;
                }
                else
                {
                    _generalError = _generalError is null ? line : $"{_generalError} {line}";
                }
            }
        }
    }

    public TableOutcome Outcome(PlannedTable table, int? exitCode)
    {
        lock (_gate)
        {
            var oid = table.Stats.Oid;
            var planned = table.ToPlanned();
            if (!_timings.TryGetValue(oid, out var timing))
            {
                var why = exitCode is null ? "the run was cancelled before pg_repack reached it"
                    : exitCode == 0 ? "pg_repack did not report it"
                    : $"pg_repack stopped before it (exit code {exitCode}{(_generalError is null ? string.Empty : $": {_generalError}")})";
                return planned with { Status = OutcomeStatus.Skipped, Detail = why };
            }

            var duration = Math.Round(((timing.End ?? _clock.Elapsed) - timing.Start).TotalMilliseconds, 1);
            if (_skips.TryGetValue(oid, out var skip))
            {
                return planned with { Status = OutcomeStatus.Skipped, Detail = skip, DurationMs = duration };
            }

            if (_errors.TryGetValue(oid, out var error) || (exitCode is not 0 && ReferenceEquals(_current, table)))
            {
                return exitCode is null
                    ? planned with { Status = OutcomeStatus.Skipped, Detail = "cancelled while pg_repack rebuilt it; the original table is unchanged", DurationMs = duration }
                    : planned with { Status = OutcomeStatus.Failed, Detail = error ?? $"pg_repack exited with code {exitCode}", DurationMs = duration };
            }

            return planned with { Status = OutcomeStatus.Done, DurationMs = duration };
        }
    }

    private void Start(PlannedTable table)
    {
        var now = _clock.Elapsed;
        if (_current is { } previous && _timings.TryGetValue(previous.Stats.Oid, out var timing))
        {
            _timings[previous.Stats.Oid] = timing with { End = now };
        }

        _timings[table.Stats.Oid] = (now, null);
        _current = table;
        context.Events.Progress(new RunProgress
        {
            Phase = "repacking",
            Database = database,
            Relation = table.Stats.Display,
            Detail = "pg_repack: repacking table",
            Done = doneBefore + _timings.Count - 1,
            Total = total,
        });
    }

    private static bool IsSkip(string line) =>
        line.Contains("Skipping repack", StringComparison.Ordinal)
        || line.Contains("already has a trigger called repack_trigger", StringComparison.Ordinal)
        || line.Contains("do not cancel conflicting backends", StringComparison.Ordinal)
        || line.Contains("Another pg_repack command may be running", StringComparison.Ordinal);

    [GeneratedRegex("^INFO: repacking table \"(?<table>.*)\"$", RegexOptions.CultureInvariant)]
    private static partial Regex Repacking();
}
