using System.Globalization;
using StackGres.Ops.Cli.Api;

namespace StackGres.Ops.Cli.Following;

/// <summary>
/// For logs and pipes: a line whenever the status, phase or relation changes, and otherwise one
/// every <see cref="Heartbeat"/> so a long step still shows the run is alive.
/// </summary>
public sealed class PlainProgressLines(TextWriter output) : IProgressView
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);

    private string? last;
    private TimeSpan lastWritten;

    public void Update(RunView run, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(run);
        var description = ProgressText.Describe(run);
        var state = run.Status + " " + description;
        if (state == last && elapsed - lastWritten < Heartbeat)
        {
            return;
        }

        var percent = run.Progress is { Total: > 0 } progress
            ? string.Create(CultureInfo.InvariantCulture, $" ({progress.Percent:F1}%)")
            : string.Empty;
        output.WriteLine($"[{ProgressText.Elapsed(elapsed)}] {run.Status} {description}{percent}");
        output.Flush();
        last = state;
        lastWritten = elapsed;
    }

    public void Clear()
    {
    }
}
