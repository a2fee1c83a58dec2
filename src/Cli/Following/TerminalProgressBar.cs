using System.Globalization;
using StackGres.Ops.Cli.Api;

namespace StackGres.Ops.Cli.Following;

/// <summary>One line redrawn in place on a terminal: <c>[#####.....]  50.0%  00:12  vacuuming demo.public.t 2/4</c>.</summary>
public sealed class TerminalProgressBar(TextWriter output, int width) : IProgressView
{
    private const int BarWidth = 20;
    private int drawn;

    public void Update(RunView run, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(run);
        var percent = run.Progress?.Percent ?? 0;
        var filled = (int)Math.Round(BarWidth * Math.Clamp(percent, 0, 100) / 100);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent,5:F1}%  {ProgressText.Elapsed(elapsed)}  {Status(run)}{ProgressText.Describe(run)}");
        if (line.Length > width - 1)
        {
            line = line[..(width - 2)] + "…";
        }

        output.Write('\r' + line.PadRight(drawn));
        output.Flush();
        drawn = line.Length;
    }

    /// <summary>The phase says "running" already; only the other states are named.</summary>
    private static string Status(RunView run) => run.Status == "running" ? string.Empty : run.Status + ": ";

    public void Clear()
    {
        if (drawn > 0)
        {
            output.Write('\r' + new string(' ', drawn) + '\r');
            output.Flush();
            drawn = 0;
        }
    }
}
