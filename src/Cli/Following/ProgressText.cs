using System.Globalization;
using StackGres.Ops.Cli.Api;

namespace StackGres.Ops.Cli.Following;

/// <summary>The words both progress views use: "vacuuming demo.public.t 2/5".</summary>
public static class ProgressText
{
    public static string Describe(RunView run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.Status == "queued")
        {
            return run.CancelRequested ? "cancelling" : "waiting for a worker";
        }

        if (run.Progress is not { } progress)
        {
            return run.CancelRequested ? "cancelling" : "starting";
        }

        var relation = (progress.Database, progress.Relation) switch
        {
            ({ } database, { } name) => $" {database}.{name}",
            (null, { } name) => " " + name,
            _ => string.Empty,
        };
        var counts = progress.Total > 0 ? string.Create(CultureInfo.InvariantCulture, $" {progress.Done}/{progress.Total}") : string.Empty;
        return $"{(run.CancelRequested ? "cancelling; " : string.Empty)}{progress.Phase}{relation}{counts}";
    }

    public static string Elapsed(TimeSpan elapsed) =>
        elapsed.TotalHours >= 1
            ? elapsed.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : elapsed.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
}
