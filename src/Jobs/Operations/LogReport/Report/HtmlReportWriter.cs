using System.Globalization;
using System.Net;
using System.Text;

namespace StackGres.Ops.Jobs.Operations.LogReport.Report;

/// <summary>
/// Renders the report as one self-contained HTML page: inline CSS and SVG charts, no script, nothing
/// fetched. Headline figures first, then charts over time, then the tables a DBA digs into.
/// </summary>
public static partial class HtmlReportWriter
{
    public static string Render(LogReportDocument report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(64 * 1024);
        var o = report.Overview;
        html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>PostgreSQL log report</title><style>").Append(Css).Append("</style></head><body>");
        html.Append("<header><div><h1>PostgreSQL log report</h1><p class=\"range\">")
            .Append(E(Range(o.FirstEntry, o.LastEntry))).Append("</p></div><p class=\"meta\">")
            .Append(E(Inv($"{report.Input.Files.Count} file(s), {Bytes(report.Input.Bytes)}, {report.Input.Entries:N0} entries, read in {Ms(report.Input.ElapsedMs)} on {report.Input.Threads} thread(s)")))
            .Append("<br>generated ").Append(E(report.GeneratedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))).Append("</p></header><main>");
        Warnings(html, report.Input);
        Cards(html, report);
        Activity(html, report);
        Queries(html, report);
        Errors(html, report);
        Sessions(html, report);
        Events(html, report);
        Input(html, report.Input);
        html.Append("</main><footer>StackGres.Ops log-report · schema ").Append(report.SchemaVersion).Append("</footer></body></html>");
        return html.ToString();
    }

    private static void Warnings(StringBuilder html, ReportInput input)
    {
        if (input.Warnings.Count == 0)
        {
            return;
        }

        html.Append("<section class=\"warnings\"><h2>Read with warnings</h2><ul>");
        foreach (var warning in input.Warnings.Take(20))
        {
            html.Append("<li>").Append(E(warning)).Append("</li>");
        }

        html.Append("</ul></section>");
    }

    private static void Cards(StringBuilder html, LogReportDocument report)
    {
        var o = report.Overview;
        html.Append("<section class=\"cards\">");
        Card(html, "Queries", N(o.Queries), Inv($"{o.DistinctQueries:N0} distinct"), "blue");
        Card(html, "Query time", Ms(o.QueryDurationMs), Inv($"average {Ms(o.AverageQueryMs)}"), "blue");
        Card(html, "Peak load", o.PeakQueries is { } peak ? Inv($"{peak.PerSecond:N0}/s") : "–",
            o.PeakQueries is { } p ? p.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "queries per second", "blue");
        Card(html, "Errors", N(o.Errors), Inv($"{o.ErrorGroups:N0} kinds"), o.Errors > 0 ? "red" : "green");
        Card(html, "Sessions", N(o.Sessions), Inv($"{N(o.Connections)} connections · avg {Ms(o.AverageSessionMs)}"), "green");
        Card(html, "Lock waits", N(o.LockWaits), Inv($"{o.Deadlocks:N0} deadlock(s)"), o.Deadlocks > 0 ? "red" : "purple");
        Card(html, "Temp files", N(o.TempFiles), Bytes(o.TempBytes), "orange");
        Card(html, "Checkpoints", N(o.Checkpoints), Inv($"{N(o.Autovacuums)} autovacuum · {N(o.Autoanalyzes)} autoanalyze"), "purple");
        html.Append("</section>");
    }

    private static void Card(StringBuilder html, string title, string value, string note, string color) =>
        html.Append("<div class=\"card ").Append(color).Append("\"><div class=\"t\">").Append(E(title)).Append("</div><div class=\"v\">")
            .Append(E(value)).Append("</div><div class=\"n\">").Append(E(note)).Append("</div></div>");

    private static void Activity(StringBuilder html, LogReportDocument report)
    {
        var buckets = report.TimeSeries.Buckets;
        if (buckets.Count == 0)
        {
            return;
        }

        var labels = buckets.Select(b => BucketLabel(b.Start, report.TimeSeries.BucketSeconds, buckets)).ToList();
        html.Append("<section><h2>Activity per ").Append(E(BucketName(report.TimeSeries.BucketSeconds))).Append("</h2><div class=\"chart\">")
            .Append(SvgCharts.TimeBars(labels, buckets.Select(b => (double)b.Queries).ToList(), SvgCharts.Blue, "queries",
                buckets.Select(b => b.AverageMs).ToList(), SvgCharts.Orange, "average duration (ms)"))
            .Append("</div><div class=\"chart\">")
            .Append(SvgCharts.Lines(labels,
            [
                ("errors", SvgCharts.Red, buckets.Select(b => (double)b.Errors).ToList()),
                ("connections", SvgCharts.Green, buckets.Select(b => (double)b.Connections).ToList()),
                ("temp files", SvgCharts.Orange, buckets.Select(b => (double)b.TempFiles).ToList()),
                ("lock waits", SvgCharts.Purple, buckets.Select(b => (double)b.LockWaits).ToList()),
            ]))
            .Append("</div><div class=\"two\"><div><h3>Queries by type</h3>")
            .Append(SvgCharts.HorizontalBars(report.QueryTypes.Select(t => (t.Name, (double)t.Count)).ToList(), SvgCharts.Blue))
            .Append("</div><div><h3>Query durations</h3>")
            .Append(SvgCharts.HorizontalBars(report.QueryDurationHistogram.Select(b => (BinLabel(b), (double)b.Count)).ToList(), SvgCharts.Orange))
            .Append("</div></div></section>");
    }

    private static string BinLabel(HistogramBin bin) =>
        bin.ToMs is { } to ? Inv($"{Ms(bin.FromMs)} – {Ms(to)}") : Inv($"≥ {Ms(bin.FromMs)}");

    private static string BucketLabel(DateTime start, long bucketSeconds, IReadOnlyList<TimeBucket> buckets)
    {
        var sameDay = buckets[0].Start.Date == buckets[^1].Start.Date;
        return bucketSeconds >= 86400 ? start.ToString("MM-dd", CultureInfo.InvariantCulture)
            : sameDay ? start.ToString("HH:mm", CultureInfo.InvariantCulture)
            : start.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    private static string BucketName(long seconds) => seconds switch
    {
        3600 => "hour",
        86400 => "day",
        60 => "minute",
        _ when seconds % 3600 == 0 => Inv($"{seconds / 3600} hours"),
        _ when seconds % 60 == 0 => Inv($"{seconds / 60} minutes"),
        _ => Inv($"{seconds} seconds"),
    };

    private static void Queries(StringBuilder html, LogReportDocument report)
    {
        var q = report.Queries;
        html.Append("<section><h2>Queries that took the most time</h2>");
        QueryTable(html, q.ByTotalTime, "share");
        html.Append("</section><section><h2>Most frequent queries</h2>");
        QueryTable(html, q.ByCount, "count");
        html.Append("</section><section><h2>Slowest queries on average</h2>");
        QueryTable(html, q.ByAverageTime, "average");
        html.Append("</section><section><h2>Slowest individual statements</h2><table><thead><tr><th>#</th><th>duration</th><th>when</th><th>who</th><th>statement</th></tr></thead><tbody>");
        var rank = 1;
        foreach (var s in q.Slowest)
        {
            html.Append("<tr><td class=\"num\">").Append(rank++).Append("</td><td class=\"num\">").Append(E(Ms(s.DurationMs)))
                .Append("</td><td class=\"nowrap\">").Append(E(Time(s.Time))).Append("</td><td class=\"who\">").Append(E(Who(s))).Append("</td><td><code>")
                .Append(E(Clip(s.Query))).Append("</code></td></tr>");
        }

        html.Append("</tbody></table></section>");
    }

    private static void QueryTable(StringBuilder html, IReadOnlyList<QueryRow> rows, string emphasis)
    {
        var maxCount = rows.Select(r => (double)r.Count).DefaultIfEmpty(1).Max();
        var maxAverage = rows.Select(r => r.AverageMs).DefaultIfEmpty(1).Max();
        html.Append("<table><thead><tr><th>#</th><th>count</th><th>total</th><th>average</th><th>max</th><th class=\"bar\"></th><th>normalized query</th></tr></thead><tbody>");
        var rank = 1;
        foreach (var r in rows)
        {
            var share = emphasis switch
            {
                "count" => maxCount <= 0 ? 0 : r.Count / maxCount * 100,
                "average" => maxAverage <= 0 ? 0 : r.AverageMs / maxAverage * 100,
                _ => r.PercentOfTime,
            };
            html.Append("<tr><td class=\"num\">").Append(rank++).Append("</td><td class=\"num\">").Append(N(r.Count))
                .Append("</td><td class=\"num\">").Append(E(Ms(r.TotalMs))).Append("</td><td class=\"num\">").Append(E(Ms(r.AverageMs)))
                .Append("</td><td class=\"num\">").Append(E(Ms(r.MaxMs))).Append("</td><td class=\"bar\"><span style=\"width:")
                .Append(Inv($"{Math.Clamp(share, 0, 100):0.#}")).Append("%\"></span>")
                .Append(emphasis == "share" ? Inv($"<em>{r.PercentOfTime:0.#}%</em>") : string.Empty)
                .Append("</td><td><code>").Append(E(Clip(r.Query))).Append("</code>");
            if (r.Example is { } example)
            {
                html.Append("<details><summary>slowest run: ").Append(E(Ms(example.DurationMs))).Append(", ").Append(E(Time(example.Time)))
                    .Append(", ").Append(E(Who(example))).Append("</summary><code>").Append(E(Clip(example.Query, 4000))).Append("</code></details>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</tbody></table>");
    }
}
